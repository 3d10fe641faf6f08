"""skae: Keras autoencoders as first-class scikit-learn estimators.

The estimators are imported on first use, so ``import skae`` and the ``skae``
command stay fast; Keras and its backend load only when an estimator is needed.
"""

import importlib

from ._version import __version__

# Public name -> module that defines it.
_PUBLIC = {
    "AutoencoderImputer": "skae.impute",
    "AutoencoderOutlierDetector": "skae.outliers",
    "AutoencoderTransformer": "skae.autoencoder",
    "DenoisingAutoencoder": "skae.denoising",
    "RECONSTRUCTION_SCORERS": "skae.metrics",
    "VariationalAutoencoder": "skae.variational",
    "make_reconstruction_scorer": "skae.metrics",
    "reconstruction_error": "skae.metrics",
}

__all__ = [
    "AutoencoderImputer",
    "AutoencoderOutlierDetector",
    "AutoencoderTransformer",
    "DenoisingAutoencoder",
    "RECONSTRUCTION_SCORERS",
    "VariationalAutoencoder",
    "__version__",
    "make_reconstruction_scorer",
    "reconstruction_error",
]


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skae' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))

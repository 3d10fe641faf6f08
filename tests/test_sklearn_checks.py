"""scikit-learn's whole estimator contract, via ``parametrize_with_checks``.

Every check runs and must pass: none is skipped or expected to fail, and no
estimator claims to be non-deterministic.
"""

from sklearn.decomposition import PCA
from sklearn.utils.estimator_checks import parametrize_with_checks

from skae import (
    AutoencoderImputer, AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder,
    VariationalAutoencoder,
)

# Tiny models: the checks fit several dozen times on data of a few features.
TINY = dict(latent_dim=2, epochs=2, batch_size=16)

ESTIMATORS = [
    AutoencoderTransformer(**TINY),
    AutoencoderTransformer(hidden_layer_sizes=(4,), **TINY),
    AutoencoderTransformer(
        output_activation=None,
        loss="mae",
        optimizer="sgd",
        validation_split=0.2,
        early_stopping=True,
        patience=1,
        **TINY,
    ),
    DenoisingAutoencoder(noise="gaussian", **TINY),
    DenoisingAutoencoder(noise="salt_and_pepper", noise_factor=0.3, fresh_noise=False, **TINY),
    DenoisingAutoencoder(noise="masking", clip=None, validation_split=0.2, **TINY),
    VariationalAutoencoder(hidden_layer_sizes=(4,), **TINY),
    # The importance-weighted bound's draws, a beta-VAE, a validation split.
    VariationalAutoencoder(
        hidden_layer_sizes=(4,), n_importance=3, beta=0.5, validation_split=0.2, early_stopping=True, patience=1,
        **TINY,
    ),
    # The detector's own default autoencoder (about 400 steps); one member, since each check
    # refits it several times (ensembles of Keras members: tests/test_outliers.py).
    AutoencoderOutlierDetector(n_estimators=1),
    AutoencoderOutlierDetector(PCA(n_components=1), n_estimators=3, max_samples=0.8, contamination=0.1),
    # NaN allowed (the checks then add gaps to their data); the indicator, another placeholder.
    AutoencoderImputer(hidden_layer_sizes=(4,), max_iter=2, batch_size=16),
    AutoencoderImputer(hidden_layer_sizes=(4,), max_iter=2, missing_values=-1, add_indicator=True, keep_empty_features=True),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)

"""The network behind :class:`~skae.AutoencoderImputer`: an autoencoder of rows with gaps.

:class:`GapFillingAutoencoder` is a :class:`~skae._base.BaseAutoencoder`, so
its training is the base's transaction (rollback, Ctrl-C, divergence,
bit-identical refits, pickling), with these hooks set:

* it accepts NaN, and its encoder starts with :class:`~skae._missing.ObservedInput`;
* its loss is :func:`~skae._missing.observed_mean_squared_error` (the base's for ``loss="mse"`` and gaps);
* each batch has a ``corruption_rate`` share of its observed entries hidden
  anew (:func:`~skae._missing.hide_observed`): a denoising autoencoder whose
  noise is gaps;
* it stops early on held-out observed entries, evaluated every
  :data:`~skae._missing.STEPS_PER_EVALUATION` steps
  (:func:`~skae._missing.held_out_training_data`).

The imputer gives it standardised columns and reads its reconstructions.
"""

import functools
from numbers import Real

from sklearn.utils._param_validation import Interval

from ._base import BaseAutoencoder
from ._missing import gap_filling_autoencoder, held_out_training_data, hide_observed
from ._signature import extends_signature


class GapFillingAutoencoder(BaseAutoencoder):
    """An autoencoder trained on rows with gaps (NaN) to fill them; see the module docstring.

    ``hidden_layer_sizes`` are its layers (the last one's units are the
    codes); ``latent_dim``, ``architecture`` and the image parameters are
    not used.
    """

    _accepts_missing = True
    _models_gaps = True
    _fresh_corruption = True

    _parameter_constraints = {
        **BaseAutoencoder._parameter_constraints,
        "corruption_rate": [Interval(Real, 0, 1, closed="left")],
    }
    _training_params = BaseAutoencoder._training_params | {"corruption_rate"}

    @extends_signature(BaseAutoencoder)
    def __init__(self, latent_dim=None, *, corruption_rate=0.25, **base_params):
        super().__init__(latent_dim, **base_params)
        self.corruption_rate = corruption_rate

    def fit(self, X, y=None):
        """Train on the rows of ``X``, NaN at its gaps."""
        return self._fit(X, incremental=False)

    def _build_encoder_decoder(self, sample_shape, seed, complete=False):
        return gap_filling_autoencoder(sample_shape[0], self.hidden_layer_sizes_, self.activation, seed=seed)

    def _corruption(self):
        return functools.partial(hide_observed, share=self.corruption_rate)

    def _training_data(self, X, y, batch_seed, noise_seed, validation_seed, model_input_shape, incremental):
        return held_out_training_data(
            X, batch_size=self.batch_size, shuffle=self.shuffle, batch_seed=batch_seed,
            corrupt=self._corruption(), validation_share=self.validation_split_,
            validation_seed=validation_seed,
        )

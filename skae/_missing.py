"""Rows with gaps: the Keras input and loss that skip them, and the data to train on.

A gap is a NaN in a float32 batch. Pure pieces, apart from any estimator:

* :class:`ObservedInput`, a layer giving the network each row's values with
  its gaps set to zero and, beside them, the mask of what is observed, so
  that a zero value and a gap differ;
* :func:`observed_mean_squared_error`, the squared error over the entries a
  target row observes, so gaps in the targets cost nothing;
* :func:`hide_observed`, the denoising idea for gaps: a share of each batch's
  observed entries hidden (set to NaN) anew, so the network learns to fill
  entries from the others;
* :func:`held_out_training_data`, the batches to train on and the validation
  data to stop early on: a share of the observed *entries* held out (rather
  than of the rows, which would leave the held-out rows out of training).
"""

import keras
import numpy as np

from ._batching import TrainingData, as_model_input, training_batches
from .architectures import _dense_layers, _kernel_initializers

#: Gradient steps between two evaluations of the held-out entries (an "epoch").
STEPS_PER_EVALUATION = 100


@keras.saving.register_keras_serializable(package="skae")
class ObservedInput(keras.layers.Layer):
    """``x -> [x with its NaN set to 0, 1 where x is observed]``: twice the features."""

    def call(self, inputs):
        observed = keras.ops.logical_not(keras.ops.isnan(inputs))
        values = keras.ops.where(observed, inputs, keras.ops.zeros_like(inputs))
        return keras.ops.concatenate([values, keras.ops.cast(observed, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


@keras.saving.register_keras_serializable(package="skae")
def observed_mean_squared_error(y_true, y_pred):
    """Per row: the sum of squared errors over the entries ``y_true`` observes, over all its entries.

    Dividing by every entry rather than the observed ones weighs each
    observed entry alike, whichever row it is in.
    """
    observed = keras.ops.logical_not(keras.ops.isnan(y_true))
    # Zeros where the target is a gap: no NaN reaches the gradient.
    errors = keras.ops.where(observed, y_true - y_pred, keras.ops.zeros_like(y_pred))
    return keras.ops.mean(keras.ops.square(errors), axis=-1)


def hide_observed(X, rng, *, share):
    """A copy of ``X`` with each observed entry hidden (NaN) with probability ``share``."""
    hidden = np.array(X, copy=True)
    hidden[rng.random(hidden.shape) < share] = np.nan
    return hidden


def held_out_training_data(
    X, *, batch_size, shuffle, batch_seed, corrupt, validation_share, validation_seed,
):
    """Batches of the rows of ``X`` (NaN at its gaps), with a share of its entries held out.

    With a ``validation_share``, that share of the observed entries, drawn by
    ``validation_seed``, become gaps of the training data; the validation
    data are the rows holding some: inputs without them, targets with them
    alone. Batches (``corrupt``-ed anew each) run endlessly,
    :data:`STEPS_PER_EVALUATION` per epoch, whatever the number of rows.
    """
    train = as_model_input(X, X.shape[1:])
    validation_data = None
    if validation_share:
        observed = ~np.isnan(train)
        held_out = observed & (np.random.default_rng(validation_seed).random(train.shape) < validation_share)
        rows = held_out.any(axis=1)
        if rows.any():  # else too few entries to hold any out: the training loss is monitored
            targets = np.where(held_out, train, np.float32(np.nan))[rows]
            train = np.where(held_out, np.float32(np.nan), train)
            validation_data = (train[rows], targets)

    def make_batches():
        return training_batches(
            train, train, batch_size=batch_size, shuffle=shuffle, seed=batch_seed,
            model_input_shape=train.shape[1:], corrupt=corrupt,
        )

    return TrainingData(make_batches, STEPS_PER_EVALUATION, validation_data)


def gap_filling_autoencoder(n_features, hidden_layer_sizes, activation, *, seed=None):
    """``(encoder, decoder)`` for rows of ``n_features`` with gaps.

    The encoder is :class:`ObservedInput` then Dense layers of
    ``hidden_layer_sizes`` (its codes are the last one's units); the decoder
    one linear Dense layer back to ``n_features``. No narrow bottleneck: the
    network fills entries from the others, it need not compress the rows.
    """
    kernel = _kernel_initializers(seed)
    inputs = keras.Input(shape=(n_features,), name="encoder_input")
    codes = _dense_layers(ObservedInput(name="observed_input")(inputs), hidden_layer_sizes, activation, kernel, "encoder")
    code_inputs = keras.Input(shape=(hidden_layer_sizes[-1],), name="decoder_input")
    outputs = keras.layers.Dense(n_features, kernel_initializer=kernel(), name="reconstruction")(code_inputs)
    return keras.Model(inputs, codes, name="encoder"), keras.Model(code_inputs, outputs, name="decoder")

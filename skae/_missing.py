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
  than of the rows, which would leave the held-out rows out of training);
* what the estimator base asks of a model of rows with gaps: its parts
  (:func:`gap_model_parts`), its loss (:func:`observed_loss`), its errors
  (:func:`reconstruction_errors`), and the checks that refuse what it
  cannot learn around.
"""

import warnings

import keras
import numpy as np

from ._batching import TrainingData, as_model_input, prediction_chunks, training_batches
from .architectures import _dense_layers, _kernel_initializers

#: Gradient steps between two evaluations of the held-out entries (an "epoch").
STEPS_PER_EVALUATION = 100


@keras.saving.register_keras_serializable(package="skae")
class ObservedInput(keras.layers.Layer):
    """``x -> [x with its NaN set to 0, 1 where x is observed]``: twice the features."""

    def call(self, inputs):
        gaps = keras.ops.isnan(inputs)
        # A scalar 0 in where: tf2onnx writes this as ONNX's Where, so the ONNX
        # graph takes NaN. With zeros_like it wrote arithmetic (mask * x + ...),
        # through which NaN pass.
        values = keras.ops.where(gaps, 0.0, inputs)
        return keras.ops.concatenate([values, keras.ops.cast(keras.ops.logical_not(gaps), inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])


def _observed_errors(y_true, y_pred):
    """``y_true - y_pred``, 0 where the target is a gap: no NaN reaches the loss or its gradient."""
    observed = keras.ops.logical_not(keras.ops.isnan(y_true))
    return keras.ops.where(observed, y_true - y_pred, keras.ops.zeros_like(y_pred))


@keras.saving.register_keras_serializable(package="skae")
def observed_mean_squared_error(y_true, y_pred):
    """Per row: the sum of squared errors over the entries ``y_true`` observes, over all its entries.

    Dividing by every entry rather than the observed ones weighs each
    observed entry alike, whichever row it is in.
    """
    return keras.ops.mean(keras.ops.square(_observed_errors(y_true, y_pred)), axis=-1)


@keras.saving.register_keras_serializable(package="skae")
def observed_mean_absolute_error(y_true, y_pred):
    """Per row: the sum of absolute errors over the entries ``y_true`` observes, over all its entries."""
    return keras.ops.mean(keras.ops.abs(_observed_errors(y_true, y_pred)), axis=-1)


#: The losses over observed entries, by the names of the losses they stand for.
OBSERVED_LOSSES = {
    "mse": observed_mean_squared_error, "mean_squared_error": observed_mean_squared_error,
    "mae": observed_mean_absolute_error, "mean_absolute_error": observed_mean_absolute_error,
}


def observed_loss(loss):
    """The loss over observed entries standing for ``loss`` (a name), or a ``ValueError``."""
    if isinstance(loss, str) and loss in OBSERVED_LOSSES:
        return OBSERVED_LOSSES[loss]
    raise ValueError(
        f"X holds NaN, which the autoencoder learns around with a loss over the observed entries: "
        f"loss='mse' or 'mae', not loss={loss!r}. Fill the gaps first (skae.AutoencoderImputer) to "
        "train with another loss."
    )


def has_gaps(X):
    """Whether validated, NaN-or-finite ``X`` holds a NaN (a sum first: no temporary array)."""
    return bool(np.isnan(np.sum(X))) and bool(np.isnan(X).any())


def check_some_observed(X):
    """Refuse training data whose every entry is NaN: there is nothing to learn from."""
    if X.size and np.isnan(X).all():
        raise ValueError("X has no observed entry: every value is NaN, so there is nothing to learn from.")


def check_gap_architecture(architecture, sample_shape):
    """Refuse NaN in ``X`` for models other than the dense one on 2-D ``X``."""
    if architecture != "dense" or len(sample_shape) != 1:
        raise ValueError(
            "X holds NaN: rows with gaps are learnt by the dense architecture on 2-D X "
            f"(n_samples, n_features), not architecture={architecture!r} on samples of shape "
            f"{tuple(sample_shape)}. Fill the gaps first (skae.AutoencoderImputer)."
        )


def check_no_gaps_unless_trained_on_them(X, trained_on_missing, estimator_name):
    """Refuse NaN in ``X`` for a model fitted on complete rows, which has no input for gaps."""
    if not trained_on_missing and has_gaps(X):
        raise ValueError(
            f"X holds NaN, but {estimator_name} was fitted on rows without gaps, so its model "
            "takes no gaps. Fit it on rows with NaN to learn around them, or fill them first "
            "(skae.AutoencoderImputer)."
        )


def mean_over_observed(errors):
    """Each row's mean of 2-D ``errors`` over its observed (not NaN) entries; NaN for a row with none."""
    if not has_gaps(errors):
        return np.mean(errors, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice": a row with no entry
        return np.nanmean(errors, axis=1)


def reconstruction_errors(predict_batch, X_input, X_target, model_input_shape):
    """Per-row mean squared error of ``predict_batch``'s reconstructions of ``X_target`` from ``X_input``.

    Over the observed entries of ``X_target`` (:func:`mean_over_observed`),
    batch by batch (:func:`~skae._batching.prediction_chunks`).
    """
    errors = np.empty(X_input.shape[0], dtype=np.float64)
    for start, stop, outputs in prediction_chunks(predict_batch, X_input, model_input_shape, predict_batch.batch_size):
        # One float64 temporary per batch, squared in place.
        difference = np.subtract(X_target[start:stop], outputs[0], dtype=np.float64)
        errors[start:stop] = mean_over_observed(np.square(difference, out=difference))
    return errors


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


def with_observed_input(encoder, n_features):
    """``encoder`` of ``2 * n_features`` inputs behind an :class:`ObservedInput` of ``n_features``."""
    inputs = keras.Input(shape=(n_features,), name="gappy_input")
    return keras.Model(inputs, encoder(ObservedInput(name="observed_input")(inputs)), name="encoder")


def gap_model_parts(build, architecture, sample_shape):
    """``(encoder, decoder)`` for rows with gaps, from ``build(sample_shape) -> (encoder, decoder)``.

    The encoder, built for twice the features, takes the values and the mask
    behind an :class:`ObservedInput`; the decoder gives back the features.
    """
    check_gap_architecture(architecture, sample_shape)
    encoder = build((2 * sample_shape[0],))[0]
    return with_observed_input(encoder, sample_shape[0]), build(sample_shape)[1]


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

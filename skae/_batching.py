"""Batches: training batches, the validation split, prediction chunks.

Pure functions of the data, ``batch_size``, ``shuffle``, a corruption
function and a seed, so each can be tested without an estimator or a model.
Rows are converted to float32, the dtype the Keras model computes in, one
batch at a time: the data are never copied whole.
"""

import itertools
import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

#: Rows per prediction call. Every call has exactly this many rows, the last
#: chunk zero-padded, because a float32 Dense kernel gives results that depend
#: on the batch size: a row's output then does not depend on the rows it is
#: batched with. 256 keeps a 1-row call near 1 ms and large inputs fast.
PREDICT_BATCH_SIZE = 256


def as_model_input(rows, model_input_shape):
    """Return 2-D ``rows`` as a float32 batch of samples of ``model_input_shape``."""
    return np.asarray(rows, dtype=np.float32).reshape(-1, *model_input_shape)


def rows_per_pass(n_samples, n_replicas=1):
    """Number of rows one pass over ``n_samples`` rows trains on.

    All of them, or across ``n_replicas`` model replicas the largest multiple
    of that count, so every batch splits evenly over the replicas (which rows
    are left out changes with each shuffle).
    """
    n_used = n_samples - n_samples % n_replicas
    if n_used == 0:
        raise ValueError(
            f"{n_samples} training sample(s) cannot be split over the "
            f"{n_replicas} replicas of distribute."
        )
    return n_used


def split_validation(X, y, validation_split):
    """Hold out the last ``validation_split`` share of rows, as Keras does.

    Returns ``X_train, y_train, X_val, y_val``: the ``y`` parts are ``None``
    when ``y`` is, and the validation parts without a split.
    """
    if not validation_split:
        return X, y, None, None
    n_samples = X.shape[0]
    n_train = math.ceil(n_samples * (1 - validation_split))
    if n_train in (0, n_samples):
        raise ValueError(
            f"validation_split={validation_split} leaves no "
            f"{'validation' if n_train == n_samples else 'training'} "
            f"samples with n_samples={n_samples}."
        )
    if y is None:
        return X[:n_train], None, X[n_train:], None
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def training_batches(
    inputs, targets, *, batch_size, shuffle, seed, model_input_shape,
    corrupt=None, passes=None, n_replicas=1,
):
    """Yield ``(inputs, targets)`` float32 batches, reshuffled each pass.

    The batches depend on ``seed`` alone. ``corrupt(batch, rng)``, if given,
    corrupts each batch of inputs anew with the same generator. ``passes`` is
    the number of passes over the rows, ``None`` for endless (Keras then reads
    ``steps_per_epoch`` batches per epoch). ``targets`` may be ``inputs``
    itself: each batch then serves as both, without a second conversion.
    """
    rng = np.random.default_rng(seed)
    n_samples = inputs.shape[0]
    n_used = rows_per_pass(n_samples, n_replicas)
    for _ in itertools.repeat(None) if passes is None else range(passes):
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        for start in range(0, n_used, batch_size):
            rows = np.sort(order[start : min(start + batch_size, n_used)])
            X_batch = as_model_input(inputs[rows], model_input_shape)
            y_batch = X_batch if targets is inputs else as_model_input(targets[rows], model_input_shape)
            if corrupt is not None:
                X_batch = corrupt(X_batch, rng)
            yield X_batch, y_batch


@dataclass(frozen=True)
class TrainingData:
    """What Keras trains on: restartable batches, their count, validation data."""

    #: Starts the seeded batches from the beginning (Keras may restart them).
    make_batches: Callable
    #: Batches per epoch (per call, for a single pass).
    steps_per_epoch: int
    #: ``(inputs, targets)`` float32 arrays, or ``None`` without a split.
    validation_data: Optional[tuple]


def training_data(
    X, y, *, batch_size, shuffle, batch_seed, noise_seed, model_input_shape,
    corrupt=None, fresh_corruption=False, validation_split=0.0, passes=None, n_replicas=1,
):
    """Pair inputs with targets, split off validation rows and batch the rest.

    Without ``y`` the targets are ``X`` and the inputs its corruption by
    ``corrupt(X, rng)``: per batch with ``fresh_corruption``, else once up
    front, from a generator seeded by ``noise_seed`` (no ``corrupt``: ``X``
    itself, a plain autoencoder). With ``y`` the pairs are used as given.
    Validation rows, the last ``validation_split`` share as in Keras, are
    corrupted once.
    """
    X_train, y_train, X_val, y_val = split_validation(X, y, validation_split)
    noise_rng = np.random.default_rng(noise_seed)
    per_batch = corrupt if y is None and fresh_corruption else None
    inputs, targets = X_train, (X_train if y is None else y_train)
    if y is None and corrupt is not None:
        if per_batch is None:
            inputs = corrupt(X_train, noise_rng)
        if X_val is not None:
            X_val, y_val = corrupt(X_val, noise_rng), X_val
    validation_data = None
    if X_val is not None:
        val_targets = X_val if y_val is None else y_val
        val_inputs = as_model_input(X_val, model_input_shape)
        validation_data = (
            val_inputs,
            val_inputs if val_targets is X_val else as_model_input(val_targets, model_input_shape),
        )

    def make_batches():
        return training_batches(
            inputs, targets, batch_size=batch_size, shuffle=shuffle, seed=batch_seed,
            model_input_shape=model_input_shape, corrupt=per_batch, passes=passes,
            n_replicas=n_replicas,
        )

    steps_per_epoch = math.ceil(rows_per_pass(X_train.shape[0], n_replicas) / batch_size)
    return TrainingData(make_batches, steps_per_epoch, validation_data)


def prediction_chunks(predict_batch, X, model_input_shape, batch_size=PREDICT_BATCH_SIZE):
    """Yield ``(start, stop, outputs)`` for 2-D ``X`` in batches of exactly ``batch_size`` rows.

    ``predict_batch`` maps a float32 batch of samples to a list of arrays, one
    per model output; ``outputs`` holds them for rows ``start:stop``,
    flattened to 2-D. Memory is bounded by one batch.
    """
    batch = np.zeros((batch_size, math.prod(model_input_shape)), dtype=np.float32)
    batch_view = batch.reshape(batch_size, *model_input_shape)
    # Full float32 chunks of a C-ordered X go to Keras as views, uncopied.
    pass_views = X.dtype == np.float32 and X.flags.c_contiguous
    for start in range(0, X.shape[0], batch_size):
        rows = X[start : start + batch_size]
        n_rows = rows.shape[0]
        if pass_views and n_rows == batch_size:
            model_input = rows.reshape(batch_size, *model_input_shape)
        else:
            batch[:n_rows] = rows
            batch[n_rows:] = 0.0
            model_input = batch_view
        outputs = predict_batch(model_input)
        yield start, start + n_rows, [
            np.asarray(output).reshape(batch_size, -1)[:n_rows] for output in outputs
        ]


def predict(predict_batch, X, model_input_shape, batch_size=PREDICT_BATCH_SIZE):
    """Run ``predict_batch`` over 2-D ``X``; return one 2-D array per output in ``X``'s dtype."""
    results = None
    for start, stop, outputs in prediction_chunks(predict_batch, X, model_input_shape, batch_size):
        if results is None:
            results = [np.empty((X.shape[0], output.shape[1]), dtype=X.dtype) for output in outputs]
        for result, output in zip(results, outputs):
            result[start:stop] = output
    return results

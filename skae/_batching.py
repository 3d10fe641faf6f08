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

#: The prediction batch every model can run in. A float32 matrix product's
#: result can depend on the batch size (on a 2-core EPYC, a 1-row batch's
#: differs in the last bits from a larger one's), which would make a row's
#: outputs depend on the rows batched with it; so other sizes are used only
#: once checked to give each row the same outputs (:func:`same_rows`), and
#: batches of exactly this many rows, the last one zero-padded, replace them.
PREDICT_BATCH_SIZE = 256

#: Smallest and largest prediction batch (see :func:`prediction_batch_size`).
MIN_PREDICT_BATCH_SIZE = 8
MAX_PREDICT_BATCH_SIZE = 2048
#: Most bytes a prediction batch's input, or any one of its outputs, takes
#: (see :func:`largest_prediction_batch`).
MAX_PREDICT_BATCH_BYTES = 8 * 2**20

#: Start of every prediction batch, in bytes: TensorFlow can take aligned
#: NumPy memory without a copy.
ALIGNMENT = 64


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


def split_validation(n_samples, validation_split, seed):
    """Row indices ``(train, validation)`` holding out a random share of rows.

    ``validation_split`` of the ``n_samples`` rows (rounded down, as Keras
    rounds the training share up), drawn by ``seed``; both index arrays are
    sorted, and ``validation`` is ``None`` without a split. A random share
    rather than Keras's last rows: on data sorted by class or time those are
    one class or the latest period (scikit-learn's MLP holds out a random
    share too).
    """
    if not validation_split:
        return np.arange(n_samples), None
    n_train = math.ceil(n_samples * (1 - validation_split))
    if n_train in (0, n_samples):
        raise ValueError(
            f"validation_split={validation_split} leaves no "
            f"{'validation' if n_train == n_samples else 'training'} "
            f"samples with n_samples={n_samples}."
        )
    order = np.random.default_rng(seed).permutation(n_samples)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def training_batches(
    inputs, targets, *, batch_size, shuffle, seed, model_input_shape,
    corrupt=None, passes=None, n_replicas=1, rows=None,
):
    """Yield ``(inputs, targets)`` float32 batches, reshuffled each pass.

    The batches depend on ``seed`` alone. ``rows`` (sorted indices, default
    all) are the rows trained on, read one batch at a time, so a memmap is
    never copied whole. ``corrupt(batch, rng)``, if given, corrupts each
    batch of inputs anew with the same generator. ``passes`` is the number of
    passes over the rows, ``None`` for endless (Keras then reads
    ``steps_per_epoch`` batches per epoch). ``targets`` may be ``inputs``
    itself: each batch then serves as both, without a second conversion.
    """
    rng = np.random.default_rng(seed)
    rows = np.arange(inputs.shape[0]) if rows is None else rows
    n_samples = rows.shape[0]
    n_used = rows_per_pass(n_samples, n_replicas)
    for _ in itertools.repeat(None) if passes is None else range(passes):
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        for start in range(0, n_used, batch_size):
            batch = rows[np.sort(order[start : min(start + batch_size, n_used)])]
            X_batch = as_model_input(inputs[batch], model_input_shape)
            y_batch = X_batch if targets is inputs else as_model_input(targets[batch], model_input_shape)
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
    corrupt=None, fresh_corruption=False, validation_split=0.0, validation_seed=0,
    passes=None, n_replicas=1,
):
    """Pair inputs with targets, split off validation rows and batch the rest.

    Without ``y`` the targets are ``X`` and the inputs its corruption by
    ``corrupt(X, rng)``: per batch with ``fresh_corruption``, else once up
    front, from a generator seeded by ``noise_seed`` (no ``corrupt``: ``X``
    itself, a plain autoencoder). With ``y`` the pairs are used as given.
    Validation rows, a random ``validation_split`` share drawn by
    ``validation_seed`` (:func:`split_validation`), are corrupted once.
    """
    train_rows, val_rows = split_validation(X.shape[0], validation_split, validation_seed)
    noise_rng = np.random.default_rng(noise_seed)
    per_batch = corrupt if y is None and fresh_corruption else None
    inputs, targets = X, (X if y is None else y)
    if y is None and corrupt is not None and per_batch is None:
        # Corrupted once, up front: a copy of the training rows.
        targets = X if val_rows is None else X[train_rows]
        inputs = corrupt(targets, noise_rng)
        train_rows = np.arange(targets.shape[0])
    validation_data = None
    if val_rows is not None:
        X_val = X[val_rows]
        val_targets = as_model_input(X_val if y is None else y[val_rows], model_input_shape)
        if y is None and corrupt is not None:
            X_val = corrupt(X_val, noise_rng)
        same = y is None and corrupt is None
        validation_data = (val_targets if same else as_model_input(X_val, model_input_shape), val_targets)

    def make_batches():
        return training_batches(
            inputs, targets, batch_size=batch_size, shuffle=shuffle, seed=batch_seed,
            model_input_shape=model_input_shape, corrupt=per_batch, passes=passes,
            n_replicas=n_replicas, rows=train_rows,
        )

    steps_per_epoch = math.ceil(rows_per_pass(train_rows.shape[0], n_replicas) / batch_size)
    return TrainingData(make_batches, steps_per_epoch, validation_data)


def largest_prediction_batch(row_bytes):
    """Rows of the largest prediction batch for rows of ``row_bytes`` bytes, in or out.

    :data:`MAX_PREDICT_BATCH_SIZE`, or fewer (a power of two, at least
    :data:`PREDICT_BATCH_SIZE`) to keep the batch within
    :data:`MAX_PREDICT_BATCH_BYTES`: wide samples, large images say, take
    fewer rows at a time.
    """
    rows = MAX_PREDICT_BATCH_SIZE
    while rows > PREDICT_BATCH_SIZE and rows * row_bytes > MAX_PREDICT_BATCH_BYTES:
        rows //= 2
    return rows


def prediction_batch_size(n_rows, largest=MAX_PREDICT_BATCH_SIZE, smallest=MIN_PREDICT_BATCH_SIZE):
    """Rows of the next prediction batch when ``n_rows`` rows are left.

    ``largest`` while that many are left, else the power of two that holds
    them, at least ``smallest``: a few rows are not padded to a large batch,
    and few batch shapes are ever used (each is traced and checked once).
    """
    if n_rows >= largest:
        return largest
    return max(smallest, 1 << (n_rows - 1).bit_length())


def aligned_empty(shape):
    """An uninitialised float32 array of ``shape`` starting at an :data:`ALIGNMENT` boundary."""
    size = math.prod(shape)
    raw = np.empty(size + ALIGNMENT // 4, dtype=np.float32)
    offset = (-raw.ctypes.data % ALIGNMENT) // 4
    return raw[offset : offset + size].reshape(shape)


def probe_rows(n_rows, sample_shape, seed=0):
    """``n_rows`` float32 samples of ``sample_shape`` for checking a compiled call.

    Half are uniform in [0, 1) (pixels), half normal with a scale between
    0.1 and 10 (standardised columns, codes, outliers), shuffled together:
    on JAX a small batch's activations differed from a large one's only for
    values outside [0, 1).
    """
    rng = np.random.default_rng(seed)
    n_uniform = n_rows // 2
    uniform = rng.random((n_uniform, *sample_shape), dtype=np.float32)
    scales = 10.0 ** rng.uniform(-1, 1, size=(n_rows - n_uniform,) + (1,) * len(sample_shape))
    normal = rng.standard_normal((n_rows - n_uniform, *sample_shape)) * scales
    return np.concatenate([uniform, normal.astype(np.float32)])[rng.permutation(n_rows)]


def same_rows(predict_batch, sample_shape, batch_size, reference_size=PREDICT_BATCH_SIZE, seed=0):
    """Whether batches of ``batch_size`` rows give each row the same outputs as ``reference_size``, bit for bit.

    Compares the outputs of ``reference_size`` :func:`probe_rows` with those
    of the same rows in batches of ``batch_size``: every full batch of them,
    or all of them repeated to fill one larger batch.
    """
    probe = probe_rows(reference_size, sample_shape, seed)
    reference = [np.asarray(output).reshape(reference_size, -1) for output in predict_batch(probe)]
    if batch_size <= reference_size:
        starts = range(0, reference_size - batch_size + 1, batch_size)
        batches = [predict_batch(probe[start : start + batch_size]) for start in starts]
        outputs = [
            np.concatenate([np.asarray(batch[i]).reshape(batch_size, -1) for batch in batches])
            for i in range(len(reference))
        ]
        expected = [output[: len(starts) * batch_size] for output in reference]
    else:
        repeats = -(-batch_size // reference_size)
        outputs = predict_batch(np.concatenate([probe] * repeats)[:batch_size])
        expected = [np.concatenate([output] * repeats)[:batch_size] for output in reference]
    return len(outputs) == len(expected) and all(
        np.array_equal(np.asarray(output).reshape(len(wanted), -1), wanted, equal_nan=True)
        for output, wanted in zip(outputs, expected)
    )


def prediction_chunks(predict_batch, X, model_input_shape, batch_size=PREDICT_BATCH_SIZE):
    """Yield ``(start, stop, outputs)`` for 2-D ``X``, in zero-padded batches.

    ``predict_batch`` maps a float32 batch of samples to a list of arrays, one
    per model output; ``outputs`` holds them for rows ``start:stop``,
    flattened to 2-D, and stays valid until the next chunk is asked for.
    ``batch_size`` is the rows of every batch, or a function
    ``(n_rows_left, sample_shape) -> rows`` choosing each batch's. Rows are
    copied, converted to float32, into one reused :func:`aligned_empty`
    buffer, so memory is bounded by the largest batch.
    """
    choose = batch_size if callable(batch_size) else lambda n_rows, sample_shape: batch_size
    buffer = None
    start, n_samples = 0, X.shape[0]
    while start < n_samples:
        size = choose(n_samples - start, model_input_shape)
        if buffer is None or buffer.shape[0] < size:
            buffer = aligned_empty((size, math.prod(model_input_shape)))
        rows = X[start : start + size]
        n_rows = rows.shape[0]
        buffer[:n_rows] = rows
        buffer[n_rows:size] = 0.0
        outputs = predict_batch(buffer[:size].reshape(size, *model_input_shape))
        yield start, start + n_rows, [
            np.asarray(output).reshape(size, -1)[:n_rows] for output in outputs
        ]
        start += n_rows


def predict(predict_batch, X, model_input_shape, batch_size=PREDICT_BATCH_SIZE):
    """Run ``predict_batch`` over 2-D ``X``; return one 2-D array per output in ``X``'s dtype.

    ``batch_size`` is as in :func:`prediction_chunks`.
    """
    results = None
    for start, stop, outputs in prediction_chunks(predict_batch, X, model_input_shape, batch_size):
        if results is None:
            results = [np.empty((X.shape[0], output.shape[1]), dtype=X.dtype) for output in outputs]
        for result, output in zip(results, outputs):
            result[start:stop] = output
    return results

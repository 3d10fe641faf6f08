"""skae._batching: training batches, the validation split and prediction chunks, without an estimator."""

import numpy as np
import pytest

from skae._batching import (
    ALIGNMENT,
    MAX_PREDICT_BATCH_BYTES,
    MAX_PREDICT_BATCH_SIZE,
    MIN_PREDICT_BATCH_SIZE,
    PREDICT_BATCH_SIZE,
    aligned_empty,
    largest_prediction_batch,
    predict,
    prediction_batch_size,
    prediction_chunks,
    rows_per_pass,
    probe_rows,
    same_rows,
    split_validation,
    training_batches,
    training_data,
)

X = np.arange(40, dtype=np.float64).reshape(10, 4)


def batches(**settings):
    return list(training_batches(X, X, model_input_shape=(4,), **settings))


def test_batches_are_float32_sorted_rows_seeded_and_reshuffled_each_pass():
    first = batches(batch_size=4, shuffle=True, seed=0, passes=2)
    assert [len(inputs) for inputs, _ in first] == [4, 4, 2] * 2
    assert all(inputs.dtype == np.float32 and targets is inputs for inputs, targets in first)
    rows = [tuple(inputs[:, 0] // 4) for inputs, _ in first]
    assert all(list(batch) == sorted(batch) for batch in rows)
    assert sorted(sum(rows[:3], ())) == list(range(10))  # each pass sees every row once
    assert rows[:3] != rows[3:]  # a new order each pass
    again = batches(batch_size=4, shuffle=True, seed=0, passes=2)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, again))


def test_without_shuffle_the_rows_come_in_order():
    inputs = np.concatenate([batch for batch, _ in batches(batch_size=3, shuffle=False, seed=0, passes=1)])
    np.testing.assert_array_equal(inputs, X.astype(np.float32))


def test_corrupt_changes_inputs_per_batch_and_keeps_targets_clean():
    calls = []

    def corrupt(batch, rng):
        calls.append(len(batch))
        return batch + 1000

    pairs = batches(batch_size=4, shuffle=False, seed=0, passes=1, corrupt=corrupt)
    assert calls == [4, 4, 2]
    for inputs, targets in pairs:
        np.testing.assert_array_equal(inputs, targets + 1000)


def test_endless_batches_run_on_and_replicas_drop_the_uneven_rows():
    endless = training_batches(X, X, batch_size=4, shuffle=True, seed=0, model_input_shape=(4,))
    assert len([next(endless) for _ in range(7)]) == 7
    split = batches(batch_size=4, shuffle=True, seed=0, passes=1, n_replicas=4)
    assert sum(len(inputs) for inputs, _ in split) == 8
    assert rows_per_pass(10, 4) == 8 and rows_per_pass(10) == 10
    with pytest.raises(ValueError, match="3 training sample"):
        rows_per_pass(3, 4)


def test_samples_take_the_model_input_shape():
    images = list(training_batches(X, X, batch_size=5, shuffle=False, seed=0, model_input_shape=(2, 2, 1), passes=1))
    assert images[0][0].shape == (5, 2, 2, 1)


def test_validation_split_holds_out_a_random_share_drawn_by_the_seed():
    train, val = split_validation(10, 0.25, seed=0)
    assert len(train) == 8 and len(val) == 2
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(10))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(val) > 0)
    np.testing.assert_array_equal(split_validation(10, 0.25, seed=0)[1], val)
    # Not Keras's last rows: over seeds, every row is held out somewhere.
    held_out = np.concatenate([split_validation(10, 0.25, seed=seed)[1] for seed in range(20)])
    assert set(held_out) == set(range(10))
    train, val = split_validation(10, 0.0, seed=0)
    np.testing.assert_array_equal(train, np.arange(10))
    assert val is None
    with pytest.raises(ValueError, match="leaves no validation samples"):
        split_validation(10, 0.01, seed=0)


def test_validation_rows_of_data_sorted_by_class_are_from_every_class():
    y = np.repeat([0, 1, 2, 3], 25)  # sorted by class, as many files are
    _, val = split_validation(100, 0.2, seed=0)
    assert set(y[val]) == {0, 1, 2, 3}


def test_training_data_corrupts_once_up_front_and_the_validation_rows_too():
    calls = []

    def corrupt(rows, rng):
        calls.append(len(rows))
        return rows + 1000

    data = training_data(
        X, None, batch_size=4, shuffle=False, batch_seed=0, noise_seed=0, model_input_shape=(4,),
        corrupt=corrupt, validation_split=0.2, passes=1,
    )
    assert calls == [8, 2] and data.steps_per_epoch == 2
    val_inputs, val_targets = data.validation_data
    np.testing.assert_array_equal(val_inputs, val_targets + 1000)
    inputs, targets = next(iter(data.make_batches()))
    np.testing.assert_array_equal(inputs, targets + 1000)


def test_training_data_uses_pairs_as_given():
    y = X * 2
    data = training_data(
        X, y, batch_size=10, shuffle=False, batch_seed=0, noise_seed=0, model_input_shape=(4,),
        corrupt=lambda rows, rng: rows * 0, passes=1,
    )
    inputs, targets = next(iter(data.make_batches()))
    np.testing.assert_array_equal(inputs, X)
    np.testing.assert_array_equal(targets, y)


def test_prediction_calls_see_full_batches_and_results_keep_the_dtype():
    sizes = []

    def double(batch):
        sizes.append(batch.shape)
        return [batch * 2, batch.reshape(len(batch), -1)[:, :1]]

    doubled, first = predict(double, X, (2, 2), batch_size=4)
    assert sizes == [(4, 2, 2)] * 3
    np.testing.assert_array_equal(doubled, X * 2)
    np.testing.assert_array_equal(first, X[:, :1])
    assert doubled.dtype == np.float64
    assert predict(double, X.astype(np.float32), (4,), batch_size=4)[0].dtype == np.float32


def test_batches_are_aligned_zero_padded_copies_never_x_itself():
    X32 = X.astype(np.float32)
    seen = []

    def record(batch):
        seen.append((batch.copy(), batch.ctypes.data % ALIGNMENT, np.shares_memory(batch, X32)))
        return [batch]

    list(prediction_chunks(record, X32, (4,), batch_size=8))
    assert [alignment for _, alignment, _ in seen] == [0, 0]
    assert not any(shared for _, _, shared in seen)
    np.testing.assert_array_equal(seen[1][0][:2], X32[8:])
    np.testing.assert_array_equal(seen[1][0][2:], 0.0)


def test_a_batch_size_function_chooses_each_batch():
    asked, sizes = [], []

    def choose(n_rows, sample_shape):
        asked.append((n_rows, sample_shape))
        return 4 if n_rows > 4 else 8

    def record(batch):
        sizes.append(len(batch))
        return [batch * 3]

    (tripled,) = predict(record, X, (2, 2), batch_size=choose)
    assert asked == [(10, (2, 2)), (6, (2, 2)), (2, (2, 2))] and sizes == [4, 4, 8]
    np.testing.assert_array_equal(tripled, X * 3)


def test_prediction_batch_sizes_are_powers_of_two_between_the_bounds():
    assert prediction_batch_size(1) == MIN_PREDICT_BATCH_SIZE
    assert prediction_batch_size(MIN_PREDICT_BATCH_SIZE + 1) == 2 * MIN_PREDICT_BATCH_SIZE
    assert prediction_batch_size(255) == prediction_batch_size(256) == 256
    assert prediction_batch_size(257) == 512
    assert prediction_batch_size(MAX_PREDICT_BATCH_SIZE - 1) == MAX_PREDICT_BATCH_SIZE
    assert prediction_batch_size(10**6) == MAX_PREDICT_BATCH_SIZE
    assert MIN_PREDICT_BATCH_SIZE <= PREDICT_BATCH_SIZE <= MAX_PREDICT_BATCH_SIZE
    assert prediction_batch_size(10**6, largest=512) == prediction_batch_size(300, largest=512) == 512


def test_wide_rows_take_fewer_rows_per_batch_but_never_fewer_than_the_reference():
    assert largest_prediction_batch(784 * 4) == MAX_PREDICT_BATCH_SIZE  # Fashion-MNIST
    assert largest_prediction_batch(32 * 32 * 3 * 4) == 512  # CIFAR-10
    assert largest_prediction_batch(128 * 128 * 3 * 4) == PREDICT_BATCH_SIZE
    for row_bytes in (4, 3000, 5000, 40_000):
        rows = largest_prediction_batch(row_bytes)
        assert rows * row_bytes <= MAX_PREDICT_BATCH_BYTES or rows == PREDICT_BATCH_SIZE


@pytest.mark.parametrize("shape", [(3,), (5, 7), (1000, 3)])
def test_aligned_empty_starts_at_the_alignment(shape):
    array = aligned_empty(shape)
    assert array.shape == shape and array.dtype == np.float32 and array.flags.c_contiguous
    assert array.ctypes.data % ALIGNMENT == 0


def rowwise(batch):
    rows = batch.reshape(len(batch), -1)
    return [rows * 2, rows.sum(axis=1, keepdims=True)]


def batch_dependent(batch):
    return [batch.reshape(len(batch), -1) + len(batch)]


def batch_dependent_beyond_the_unit_interval(batch):
    # Like JAX's small batches: the same outputs for values in [0, 1) only.
    rows = batch.reshape(len(batch), -1)
    return [np.where(np.abs(rows) > 2, rows + (len(batch) < 128), rows)]


@pytest.mark.parametrize("size", [8, PREDICT_BATCH_SIZE, 300, 2048])
def test_same_rows_tells_row_wise_functions_from_batch_dependent_ones(size):
    assert same_rows(rowwise, (2, 3), size)
    assert same_rows(batch_dependent, (2, 3), size) == (size == PREDICT_BATCH_SIZE)
    assert same_rows(batch_dependent_beyond_the_unit_interval, (2, 3), size) == (size >= 128)


def test_probe_rows_span_pixels_and_standardised_values_in_every_batch():
    probe = probe_rows(256, (3,))
    assert probe.dtype == np.float32 and probe.shape == (256, 3)
    for batch in np.split(probe, 8):
        assert (batch.min(axis=1) >= 0).any() and (np.abs(batch) > 1).any()
    np.testing.assert_array_equal(probe, probe_rows(256, (3,)))

"""skae._tables.losses: each column's cost as a negative log-likelihood, the same in Keras and NumPy."""

import keras
import numpy as np
import pytest
from scipy.special import softmax

from skae._tables.losses import NUMERIC_WEIGHT, MixedTableLoss, column_losses

NUMERIC, BLOCKS = slice(0, 2), [slice(2, 5), slice(5, 7)]


@pytest.fixture
def rows():
    rng = np.random.default_rng(0)
    encoded = np.column_stack([
        rng.normal(size=(6, 2)), np.eye(3)[rng.integers(0, 3, 6)], np.eye(2)[rng.integers(0, 2, 6)],
    ])
    return encoded, rng.normal(size=(6, 7))


def test_numbers_cost_their_weighted_squared_error_and_categories_their_negative_log_probability(rows):
    encoded, outputs = rows
    losses = column_losses(encoded, outputs, NUMERIC, BLOCKS)
    assert losses.shape == (6, 4)
    np.testing.assert_allclose(losses[:, :2], NUMERIC_WEIGHT * (encoded[:, :2] - outputs[:, :2]) ** 2)
    np.testing.assert_allclose(column_losses(encoded, outputs, NUMERIC, BLOCKS, numeric_weight=1)[:, :2],
                               (encoded[:, :2] - outputs[:, :2]) ** 2)
    np.testing.assert_allclose(column_losses(encoded, outputs, NUMERIC, BLOCKS, numeric_weight=1)[:, 2:], losses[:, 2:])
    for column, block in zip((2, 3), BLOCKS):
        true = encoded[:, block].argmax(axis=1)
        np.testing.assert_allclose(losses[:, column], -np.log(softmax(outputs[:, block], axis=1)[np.arange(6), true]))


def test_an_empty_block_costs_nothing_and_a_sure_right_guess_almost_nothing(rows):
    encoded, outputs = rows
    encoded = encoded.copy()
    encoded[0, BLOCKS[0]] = 0  # a category unseen in fit, with handle_unknown="ignore"
    assert column_losses(encoded, outputs, NUMERIC, BLOCKS)[0, 2] == 0
    sure = np.where(encoded == 1, 30.0, 0.0)
    sure[:, NUMERIC] = encoded[:, NUMERIC]
    assert column_losses(encoded, sure, NUMERIC, BLOCKS).max() < 1e-12


def test_the_keras_loss_is_the_mean_over_columns_on_this_backend(rows):
    encoded, outputs = rows
    loss = MixedTableLoss(NUMERIC, BLOCKS)
    expected = column_losses(encoded, outputs, NUMERIC, BLOCKS).mean(axis=1)
    per_row = keras.ops.convert_to_numpy(loss.call(keras.ops.convert_to_tensor(encoded, "float32"),
                                                   keras.ops.convert_to_tensor(outputs, "float32")))
    np.testing.assert_allclose(per_row, expected, rtol=1e-5)
    assert float(keras.ops.convert_to_numpy(loss(encoded.astype("float32"), outputs.astype("float32")))) == (
        pytest.approx(expected.mean(), rel=1e-5))


def test_a_table_without_categories_or_numbers_still_has_a_loss(rows):
    encoded, outputs = rows
    only_numbers = column_losses(encoded[:, :2], outputs[:, :2], NUMERIC, [])
    only_categories = column_losses(encoded[:, 2:], outputs[:, 2:], slice(0, 0), [slice(0, 3), slice(3, 5)])
    assert only_numbers.shape == (6, 2) and only_categories.shape == (6, 2)
    loss = MixedTableLoss(slice(0, 0), [slice(0, 3), slice(3, 5)])
    value = keras.ops.convert_to_numpy(loss(encoded[:, 2:].astype("float32"), outputs[:, 2:].astype("float32")))
    assert float(value) == pytest.approx(only_categories.mean(), rel=1e-5)


def test_a_model_compiled_with_it_saves_and_loads_with_it(rows, tmp_path):
    encoded, outputs = rows
    inputs = keras.Input((7,))
    model = keras.Model(inputs, keras.layers.Dense(7, name="out")(inputs))
    model.compile(optimizer="adam", loss=MixedTableLoss(NUMERIC, BLOCKS))
    first, *_ = [model.train_on_batch(encoded, encoded) for _ in range(20)]
    assert model.evaluate(encoded, encoded, verbose=0) < first  # it trains, on this backend
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.loss, MixedTableLoss)
    assert loaded.loss.numeric == NUMERIC and loaded.loss.blocks == BLOCKS
    assert loaded.loss.numeric_weight == NUMERIC_WEIGHT
    same = keras.losses.deserialize(keras.losses.serialize(MixedTableLoss(NUMERIC, BLOCKS)))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(same(encoded.astype("float32"), outputs.astype("float32"))),
        column_losses(encoded, outputs, NUMERIC, BLOCKS).mean(), rtol=1e-5,
    )

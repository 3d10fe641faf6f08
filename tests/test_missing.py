"""The Keras pieces and training data for rows with gaps, and the autoencoders trained on them."""

import pickle

import keras
import numpy as np
import pytest

from skae import AutoencoderTransformer, DenoisingAutoencoder

from skae._missing import (
    STEPS_PER_EVALUATION, ObservedInput, held_out_training_data, hide_observed, observed_mean_absolute_error,
    observed_mean_squared_error,
)


def test_observed_input_gives_values_with_zeros_at_the_gaps_and_the_mask():
    x = np.array([[1.5, np.nan, 0.0]], dtype=np.float32)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(ObservedInput()(x)), [[1.5, 0.0, 0.0, 1.0, 0.0, 1.0]]
    )


def _loss_and_gradient(loss_of, y_pred):
    """``loss_of(y_pred)`` and the gradient of its sum in ``y_pred``, on Keras's backend, as NumPy."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        loss, gradient = loss_of(y_pred), jax.grad(lambda p: keras.ops.sum(loss_of(p)))(keras.ops.convert_to_tensor(y_pred))
    elif backend == "torch":
        import torch

        variable = torch.tensor(y_pred, requires_grad=True)
        loss = loss_of(variable)
        loss.sum().backward()
        loss, gradient = loss.detach(), variable.grad
    else:
        import tensorflow as tf

        variable = tf.Variable(y_pred)
        with tf.GradientTape() as tape:
            loss = loss_of(variable)
            total = tf.reduce_sum(loss)
        gradient = tape.gradient(total, variable)
    return keras.ops.convert_to_numpy(loss), keras.ops.convert_to_numpy(gradient)


def test_the_loss_skips_gaps_in_the_targets_and_its_gradient_stays_finite():
    y_true = keras.ops.convert_to_tensor(np.array([[1.0, np.nan], [np.nan, np.nan]], dtype="float32"))
    y_pred = np.array([[0.0, 5.0], [3.0, 3.0]], dtype="float32")
    loss, gradient = _loss_and_gradient(lambda p: observed_mean_squared_error(y_true, p), y_pred)
    np.testing.assert_allclose(loss, [0.5, 0.0])  # (1 - 0)^2 over 2 entries; nothing observed
    np.testing.assert_array_equal(gradient, [[-1.0, 0.0], [0.0, 0.0]])


def test_hide_observed_hides_about_the_share_in_a_copy():
    X = np.ones((200, 50))
    hidden = hide_observed(X, np.random.default_rng(0), share=0.25)
    assert X.min() == 1.0  # the input is untouched
    assert 0.23 < np.isnan(hidden).mean() < 0.27


def test_held_out_entries_are_gaps_in_training_and_the_only_validation_targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    X[rng.random(X.shape) < 0.2] = np.nan
    data = held_out_training_data(
        X, batch_size=300, shuffle=False, batch_seed=0, corrupt=None, validation_share=0.1, validation_seed=1,
    )
    assert data.steps_per_epoch == STEPS_PER_EVALUATION
    inputs, targets = data.validation_data
    held_out = ~np.isnan(targets)
    assert 0.06 < held_out.sum() / (~np.isnan(X)).sum() < 0.14
    assert np.isnan(inputs[held_out]).all()
    batch_inputs, batch_targets = next(iter(data.make_batches()))
    training_gaps = np.isnan(batch_targets)
    assert training_gaps.sum() == np.isnan(X).sum() + held_out.sum()
    np.testing.assert_array_equal(batch_inputs, batch_targets)  # no corruption given


def test_too_few_entries_to_hold_out_leave_no_validation_data():
    data = held_out_training_data(
        np.ones((1, 2)), batch_size=4, shuffle=True, batch_seed=0, corrupt=None, validation_share=0.01,
        validation_seed=0,
    )
    assert data.validation_data is None


# --------------------------------------------------------------------------- #
# The autoencoders on rows with gaps
# --------------------------------------------------------------------------- #
TINY = dict(latent_dim=3, hidden_layer_sizes=(8,), epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def gappy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    return X, np.where(rng.random(X.shape) < 0.2, np.nan, X)


@pytest.mark.parametrize("cls", [AutoencoderTransformer, DenoisingAutoencoder])
def test_autoencoders_learn_around_gaps_and_encode_rows_with_gaps(gappy, cls):
    X, X_gaps = gappy
    given = X_gaps.copy()
    model = cls(**TINY).fit(X_gaps)
    np.testing.assert_array_equal(X_gaps, given)
    assert model.trained_on_missing_ and model.model_.loss is observed_mean_squared_error
    codes = model.transform(X_gaps)
    assert codes.shape == (200, 3) and np.isfinite(codes).all()
    assert np.isfinite(model.score_samples(X_gaps)).all()
    np.testing.assert_array_equal(cls(**TINY).fit(X_gaps).transform(X_gaps), codes)  # bit-identical refit
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).transform(X_gaps), codes)
    # Complete rows are encoded too, and a row's codes do not depend on its batch.
    np.testing.assert_array_equal(model.transform(X_gaps[:1]), codes[:1])
    assert np.isfinite(model.transform(X)).all()


def test_the_score_is_over_the_observed_entries(gappy):
    X, X_gaps = gappy
    model = AutoencoderTransformer(**TINY).fit(X_gaps)
    reconstruction = model.inverse_transform(model.transform(X_gaps))
    expected = -np.nanmean((X_gaps - reconstruction) ** 2, axis=1)
    np.testing.assert_allclose(model.score_samples(X_gaps), expected, rtol=1e-6)


def test_a_model_of_complete_rows_refuses_gaps_in_a_later_chunk(gappy):
    X, X_gaps = gappy
    model = AutoencoderTransformer(**TINY).partial_fit(X[:100])
    assert not model.trained_on_missing_
    with pytest.raises(ValueError, match="fitted on rows without gaps"):
        model.partial_fit(X_gaps[100:])
    with pytest.raises(ValueError, match="fitted on rows without gaps"):
        model.transform(X_gaps)


@pytest.mark.parametrize(
    "params, X_shape, message",
    [
        (dict(architecture="conv"), (200, 2, 3), "dense architecture on 2-D X"),
        (dict(loss="huber"), (200, 6), "loss='mse' or 'mae'"),
    ],
)
def test_gaps_need_the_dense_model_and_a_loss_over_observed_entries(gappy, params, X_shape, message):
    X_gaps = gappy[1].reshape(X_shape)
    with pytest.raises(ValueError, match=message):
        AutoencoderTransformer(**{**TINY, "latent_dim": None, **params}).fit(X_gaps)


def test_mae_becomes_the_mean_absolute_error_over_observed_entries(gappy):
    model = AutoencoderTransformer(loss="mae", **TINY).fit(gappy[1])
    assert model.model_.loss is observed_mean_absolute_error

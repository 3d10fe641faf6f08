"""AutoencoderTransformer as a user would use it: each public method and input shape."""

import functools

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from conftest import SMALL
from skae import AutoencoderTransformer


# --------------------------------------------------------------------------- #
# The public methods on 2-D data
# --------------------------------------------------------------------------- #
def test_fit_returns_self_and_sets_fitted_attributes(digits):
    ae = AutoencoderTransformer(latent_dim=3, **SMALL)
    assert ae.fit(digits) is ae
    assert ae.n_features_in_ == 64
    assert ae.input_shape_ == (64,)
    assert ae.n_iter_ == 2
    assert list(ae.history_) == ["loss"]
    assert len(ae.history_["loss"]) == 2
    assert ae.history_["loss"][1] < ae.history_["loss"][0]
    assert ae.encoder_.output_shape == (None, 3)
    assert ae.decoder_.output_shape == (None, 64)
    assert ae.model_.output_shape == (None, 64)


def test_default_latent_dim_is_the_tutorials_64(digits):
    ae = AutoencoderTransformer(epochs=1, random_state=0).fit(digits[:100])
    assert ae.transform(digits[:5]).shape == (5, 64)


def test_transform_and_inverse_transform_shapes_and_dtypes(fitted_dense, digits):
    for dtype in (np.float64, np.float32):
        X = digits[:300].astype(dtype)
        codes = fitted_dense.transform(X)
        assert codes.shape == (300, 4) and codes.dtype == dtype
        reconstruction = fitted_dense.inverse_transform(codes)
        assert reconstruction.shape == (300, 64) and reconstruction.dtype == dtype
        # The sigmoid output stays in [0, 1].
        assert reconstruction.min() >= 0 and reconstruction.max() <= 1


def test_fit_transform_equals_fit_then_transform(digits):
    ae = AutoencoderTransformer(latent_dim=3, **SMALL)
    codes = ae.fit_transform(digits)
    np.testing.assert_array_equal(codes, ae.transform(digits))
    np.testing.assert_array_equal(codes, clone(ae).fit(digits).transform(digits))


def test_encoder_and_decoder_are_views_on_the_model(fitted_dense, digits):
    model_ids = {id(v) for v in fitted_dense.model_.weights}
    part_ids = {id(v) for v in fitted_dense.encoder_.weights + fitted_dense.decoder_.weights}
    assert model_ids == part_ids
    X = digits[:10].astype(np.float32)
    through_parts = fitted_dense.inverse_transform(fitted_dense.transform(X))
    # A direct call on 10 rows batches differently from skae's fixed-size
    # prediction batches, so float32 results agree to rounding only.
    np.testing.assert_allclose(through_parts, keras.ops.convert_to_numpy(fitted_dense.model_(X)), atol=1e-6)


def test_score_is_negative_mse_of_the_round_trip(fitted_dense, digits):
    reconstruction = fitted_dense.inverse_transform(fitted_dense.transform(digits))
    per_sample = np.mean((digits - reconstruction) ** 2, axis=1)
    scores = fitted_dense.score_samples(digits)
    assert scores.shape == (len(digits),)
    np.testing.assert_allclose(scores, -per_sample, rtol=1e-6)
    assert fitted_dense.score(digits) == pytest.approx(-per_sample.mean(), rel=1e-6)
    assert fitted_dense.score(digits, y=np.zeros(len(digits))) == fitted_dense.score(digits)


def test_more_codes_and_epochs_reconstruct_better(digits):
    small = AutoencoderTransformer(latent_dim=2, epochs=3, random_state=0).fit(digits)
    large = AutoencoderTransformer(latent_dim=32, epochs=3, random_state=0).fit(digits)
    assert large.score(digits) > small.score(digits)


def test_get_feature_names_out_and_pandas_output(fitted_dense, digits):
    names = fitted_dense.get_feature_names_out()
    assert list(names) == [f"autoencodertransformer{i}" for i in range(4)]
    ae = clone(fitted_dense).set_output(transform="pandas")
    frame = pd.DataFrame(digits, columns=[f"pixel{i}" for i in range(64)])
    codes = ae.fit(frame).transform(frame)
    assert isinstance(codes, pd.DataFrame)
    assert list(codes.columns) == list(names)
    assert list(ae.feature_names_in_) == list(frame.columns)
    # Codes given as a DataFrame decode like the array.
    np.testing.assert_array_equal(ae.inverse_transform(codes), ae.inverse_transform(codes.to_numpy()))


def test_prediction_does_not_depend_on_batching(fitted_dense, digits):
    # 1,797 rows span several prediction batches, the last one partial.
    whole = fitted_dense.transform(digits)
    row_by_row = np.vstack([fitted_dense.transform(digits[i : i + 1]) for i in range(0, 1797, 97)])
    np.testing.assert_array_equal(whole[::97], row_by_row)
    permutation = np.random.default_rng(0).permutation(len(digits))
    np.testing.assert_array_equal(fitted_dense.transform(digits[permutation]), whole[permutation])


# --------------------------------------------------------------------------- #
# Training options
# --------------------------------------------------------------------------- #
def test_validation_split_reports_val_loss(digits):
    ae = AutoencoderTransformer(latent_dim=3, validation_split=0.25, **SMALL).fit(digits)
    assert set(ae.history_) == {"loss", "val_loss"}
    assert len(ae.history_["val_loss"]) == 2


def test_early_stopping_stops_when_the_loss_stalls(digits):
    # A learning rate too small to move float32 weights: val_loss never
    # improves after the first epoch, so patience=1 stops at epoch 2 of 20.
    ae = AutoencoderTransformer(
        latent_dim=3, optimizer="sgd", learning_rate=1e-12, epochs=20, batch_size=256,
        validation_split=0.2, early_stopping=True, patience=1, random_state=0,
    ).fit(digits)
    assert ae.n_iter_ == 2
    assert len(ae.history_["loss"]) == 2


def test_user_callbacks_are_called_and_verbose_shows_keras_progress(digits, capsys):
    epochs_seen = []
    callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch))
    AutoencoderTransformer(latent_dim=3, callbacks=[callback], verbose=1, **SMALL).fit(digits)
    assert epochs_seen == [0, 1]
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "loss:" in out


def test_silent_by_default(digits, capsys):
    AutoencoderTransformer(latent_dim=3, **SMALL).fit(digits[:100])
    assert capsys.readouterr().out == ""


def test_optimizer_instance_is_a_template_and_learning_rate_applies(digits):
    template = keras.optimizers.SGD(learning_rate=0.5)
    ae = AutoencoderTransformer(latent_dim=3, optimizer=template, learning_rate=0.01, **SMALL)
    ae.fit(digits[:200])
    assert ae.model_.optimizer is not template
    assert float(ae.model_.optimizer.learning_rate) == pytest.approx(0.01)
    assert float(template.learning_rate) == pytest.approx(0.5)
    assert int(template.iterations) == 0


def test_loss_and_activations_are_passed_to_keras(digits):
    ae = AutoencoderTransformer(
        latent_dim=3, loss="mae", activation="tanh", code_activation="softsign", output_activation=None,
        **SMALL,
    ).fit(digits[:200])
    assert ae.model_.loss == "mae"
    assert ae.decoder_.layers[-1].activation.__name__ == "linear"
    assert ae.encoder_.layers[-1].activation.__name__ == "softsign"
    assert ae.encoder_.layers[-2].activation.__name__ == "tanh"


# --------------------------------------------------------------------------- #
# Image-shaped input
# --------------------------------------------------------------------------- #
def test_image_input_gives_2d_codes_and_image_reconstructions(digit_images):
    ae = AutoencoderTransformer(latent_dim=5, **SMALL).fit(digit_images)
    assert ae.input_shape_ == (8, 8) and ae.n_features_in_ == 64
    codes = ae.transform(digit_images)
    assert codes.shape == (len(digit_images), 5)
    assert ae.inverse_transform(codes).shape == digit_images.shape
    # Flattened rows are the same samples.
    np.testing.assert_array_equal(ae.transform(digit_images.reshape(-1, 64)), codes)
    assert ae.score(digit_images) == ae.score(digit_images.reshape(-1, 64))


def test_channel_images_are_accepted(digit_images):
    images = digit_images[..., np.newaxis]
    ae = AutoencoderTransformer(latent_dim=5, **SMALL).fit(images)
    assert ae.input_shape_ == (8, 8, 1)
    assert ae.inverse_transform(ae.transform(images)).shape == images.shape


def test_images_of_another_shape_are_rejected(digit_images):
    ae = AutoencoderTransformer(latent_dim=5, **SMALL).fit(digit_images)
    with pytest.raises(ValueError, match=r"samples of shape \(4, 16\).*fitted on samples of shape \(8, 8\)"):
        ae.transform(digit_images.reshape(-1, 4, 16))


# --------------------------------------------------------------------------- #
# The conv architecture
# --------------------------------------------------------------------------- #
def test_conv_on_images_uses_the_feature_map_as_codes(digit_images):
    ae = AutoencoderTransformer(architecture="conv", **SMALL).fit(digit_images)
    # 8x8 -> 4x4 -> 2x2 with 8 filters.
    assert ae.transform(digit_images[:3]).shape == (3, 2 * 2 * 8)
    assert ae.inverse_transform(ae.transform(digit_images[:3])).shape == (3, 8, 8)
    assert ae.model_.input_shape == (None, 8, 8, 1)


def test_conv_on_flat_rows_with_image_shape(digits):
    ae = AutoencoderTransformer(architecture="conv", image_shape=(8, 8), latent_dim=6, **SMALL)
    ae.fit(digits)
    assert ae.transform(digits[:3]).shape == (3, 6)
    assert ae.inverse_transform(ae.transform(digits[:3])).shape == (3, 64)
    # Image-shaped input matching image_shape is accepted too.
    np.testing.assert_array_equal(
        ae.transform(digits[:3].reshape(3, 8, 8, 1)), ae.transform(digits[:3])
    )


def test_conv_needs_images(digits):
    with pytest.raises(ValueError, match="architecture='conv' needs images"):
        AutoencoderTransformer(architecture="conv", **SMALL).fit(digits)
    with pytest.raises(ValueError, match="image_shape=.* holds 49 values, but X has 64"):
        AutoencoderTransformer(architecture="conv", image_shape=(7, 7), **SMALL).fit(digits)


# --------------------------------------------------------------------------- #
# Custom callables
# --------------------------------------------------------------------------- #
def tied_pair(input_shape, latent_dim, hidden=8):
    """A user architecture: one hidden layer each way, linear output."""
    inputs = keras.Input(input_shape)
    hidden_codes = keras.layers.Dense(hidden, activation="elu")(inputs)
    encoder = keras.Model(inputs, keras.layers.Dense(latent_dim)(hidden_codes))
    decoder = keras.Sequential([keras.layers.Dense(hidden, activation="elu"), keras.layers.Dense(input_shape[0])])
    return encoder, decoder


def test_callable_architecture(digits):
    ae = AutoencoderTransformer(latent_dim=3, architecture=tied_pair, **SMALL).fit(digits)
    assert ae.transform(digits[:4]).shape == (4, 3)
    assert ae.inverse_transform(ae.transform(digits[:4])).shape == (4, 64)
    # Linear output: reconstructions are not squashed into [0, 1].
    assert ae.decoder_.layers[-1].activation.__name__ == "linear"


def test_callable_with_partial_clones_and_refits(digits):
    ae = AutoencoderTransformer(latent_dim=3, architecture=functools.partial(tied_pair, hidden=4), **SMALL)
    cloned = clone(ae)
    assert cloned.architecture.keywords == {"hidden": 4}
    np.testing.assert_array_equal(ae.fit(digits).transform(digits), cloned.fit(digits).transform(digits))


def test_callable_returning_a_mismatched_decoder_is_rejected(digits):
    def bad(input_shape, latent_dim):
        encoder, _ = tied_pair(input_shape, latent_dim)
        return encoder, keras.Sequential([keras.layers.Dense(5)])

    with pytest.raises(ValueError, match="decoder must give back samples"):
        AutoencoderTransformer(latent_dim=3, architecture=bad, **SMALL).fit(digits)


class SubclassedEncoder(keras.Model):
    """A subclassed Keras model without get_config: Keras cannot clone it."""

    def __init__(self, units, scale=np.ones(1)):
        super().__init__()
        self.scale = scale
        self.dense = keras.layers.Dense(units, activation="relu")

    def call(self, x):
        return self.dense(x) * self.scale[0]


def subclassed_architecture(input_shape, latent_dim):
    return SubclassedEncoder(latent_dim), keras.Sequential([keras.layers.Dense(input_shape[0])])


def test_subclassed_models_train_on_an_engine_built_the_same_way(digits):
    params = dict(latent_dim=3, architecture=subclassed_architecture, output_activation=None, **SMALL)
    ae = AutoencoderTransformer(**params).fit(digits)
    codes = ae.transform(digits)
    assert codes.shape == (1797, 3) and ae.inverse_transform(codes).shape == (1797, 64)
    np.testing.assert_array_equal(AutoencoderTransformer(**params).fit(digits).transform(digits), codes)
    assert ae.partial_fit(digits[:640]).n_iter_ == 3  # a new group size: a new engine, built again
    ae.set_params(latent_dim=4)
    if keras.backend.backend() == "torch":
        # One batch per call on PyTorch: no group size is new, so the fitted
        # engine trains on and nothing is built again.
        assert ae.partial_fit(digits[:320]).transform(digits[:5]).shape == (5, 3)
        return
    with pytest.raises(ValueError, match="parameters that build it changed since fit"):
        ae.partial_fit(digits[:320])  # another new group size: the build would not match

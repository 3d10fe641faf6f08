"""DenoisingAutoencoder: training on corruption, pairs, denoise, repeatable scores."""

import pickle

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from conftest import SMALL, make_mixed_table
from skae import AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder
from skae._tables.losses import column_losses
from skae.noise import masking


@pytest.fixture(scope="module")
def fitted_denoiser(digits):
    """A small masking denoiser fitted on the digits (do not mutate)."""
    return DenoisingAutoencoder(latent_dim=16, noise="masking", noise_factor=0.3, epochs=10, random_state=0).fit(
        digits
    )


def test_tutorial_configuration_builds_the_tutorials_model():
    images = np.random.default_rng(0).random((64, 28, 28, 1)).astype(np.float32)
    # The docstring's line, with one epoch instead of ten.
    dae = DenoisingAutoencoder(
        architecture="conv", image_shape=(28, 28, 1), noise="gaussian", noise_factor=0.2, activation="relu",
        loss="mae", output_activation="sigmoid", epochs=10, batch_size=32,
    ).set_params(epochs=1, random_state=0).fit(images)
    # The tutorial's ReLU convolutions (the estimators' default activation is ELU, chosen for tables).
    convolutions = [layer for layer in [*dae.encoder_.layers, *dae.decoder_.layers] if layer.weights]
    assert [layer.activation.__name__ for layer in convolutions] == ["relu"] * 4 + ["sigmoid"]
    assert dae.model_.loss == "mae" and dae.n_iter_ == 1 and dae.validation_split_ == 0.0
    assert dae.decoder_.layers[-1].activation.__name__ == "sigmoid"
    assert [type(layer).__name__ for layer in dae.encoder_.layers if layer.weights] == ["Conv2D", "Conv2D"]
    assert dae.encoder_.count_params() == 160 + 1160 and dae.decoder_.count_params() == 584 + 1168 + 145
    assert dae.value_range_ == pytest.approx((images.min(), images.max()))
    assert dae.denoise(images[:3]).shape == (3, 28, 28, 1)


def test_denoiser_restores_corrupted_input_better_than_a_plain_autoencoder(digits):
    # With a wide code layer a plain autoencoder learns to pass noise
    # through; training on corrupted input is what teaches it to remove it.
    # Measured here: 0.0282 for the denoiser, 0.0334 for the plain
    # autoencoder, 0.0708 for the corrupted input itself.
    params = dict(latent_dim=128, epochs=10, random_state=0)
    plain = AutoencoderTransformer(**params).fit(digits)
    denoiser = DenoisingAutoencoder(noise="masking", noise_factor=0.3, **params).fit(digits)
    corrupted = masking(digits, 0.3, random_state=1)

    def restoration_error(cleaned):
        return np.mean((cleaned - digits) ** 2)

    denoiser_error = restoration_error(denoiser.denoise(corrupted))
    assert denoiser_error < 0.9 * restoration_error(plain.inverse_transform(plain.transform(corrupted)))
    assert denoiser_error < 0.5 * restoration_error(corrupted)


class CountingNoise:
    """A callable noise (masking) that records the rows of each array it corrupts."""

    def __init__(self):
        self.calls = []

    def __call__(self, X, noise_factor, *, value_range, random_state):
        self.calls.append(X.shape[0])
        return masking(X, noise_factor, value_range=value_range, random_state=random_state)


def test_fresh_noise_corrupts_every_batch(digits):
    noise = CountingNoise()
    DenoisingAutoencoder(latent_dim=4, noise=noise, epochs=2, batch_size=600, random_state=0).fit(digits)
    # One trial row before training, then 3 batches per epoch (600 + 600 +
    # 597 rows), two epochs; Keras may draw a batch or two ahead.
    assert noise.calls[:7] == [1, *[600, 600, 597] * 2]


def test_fixed_noise_corrupts_the_training_data_once(digits):
    noise = CountingNoise()
    DenoisingAutoencoder(latent_dim=4, noise=noise, fresh_noise=False, validation_split=0.5, **SMALL).fit(digits)
    # Once for the training half and once for the validation half.
    assert noise.calls == [1, 899, 898]


def test_explicit_pairs_are_used_as_given(digits):
    noise = CountingNoise()
    noisy = masking(digits, 0.3, random_state=0)
    dae = DenoisingAutoencoder(latent_dim=16, noise=noise, epochs=10, random_state=0).fit(noisy, digits)
    assert noise.calls == [1]  # the trial row only
    assert dae.value_range_ == (0.0, 1.0)
    assert np.mean((dae.denoise(noisy) - digits) ** 2) < np.mean((noisy - digits) ** 2)


def test_labels_as_y_are_ignored(digits):
    labels = np.arange(len(digits)) % 10
    params = dict(latent_dim=4, **SMALL)
    with_labels = DenoisingAutoencoder(**params).fit(digits, labels).transform(digits)
    np.testing.assert_array_equal(with_labels, DenoisingAutoencoder(**params).fit(digits).transform(digits))


def test_targets_of_another_shape_are_rejected(digits):
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[1797, 100\]"):
        DenoisingAutoencoder(**SMALL).fit(digits, digits[:100])
    with pytest.raises(ValueError, match="y must have the shape of X"):
        DenoisingAutoencoder(**SMALL).fit(digits, digits[:, :10])


def test_transform_adds_no_noise(fitted_denoiser, digits):
    codes = fitted_denoiser.transform(digits)
    np.testing.assert_array_equal(codes, fitted_denoiser.transform(digits))
    np.testing.assert_allclose(codes, keras.ops.convert_to_numpy(fitted_denoiser.encoder_(digits.astype("float32"))), atol=1e-5)


def test_denoise_shapes_and_dtypes(fitted_denoiser, digits, digit_images):
    assert fitted_denoiser.denoise(digits[:5]).shape == (5, 64)
    assert fitted_denoiser.denoise(digits[:5].astype(np.float32)).dtype == np.float32
    images = DenoisingAutoencoder(latent_dim=4, **SMALL).fit(digit_images)
    assert images.denoise(digit_images[:5]).shape == (5, 8, 8)


def test_score_is_repeatable_and_per_sample(fitted_denoiser, digits):
    scores = fitted_denoiser.score_samples(digits)
    np.testing.assert_array_equal(scores, fitted_denoiser.score_samples(digits))
    assert fitted_denoiser.score(digits) == pytest.approx(scores.mean())
    permutation = np.random.default_rng(0).permutation(len(digits))
    np.testing.assert_array_equal(fitted_denoiser.score_samples(digits[permutation]), scores[permutation])
    np.testing.assert_array_equal(fitted_denoiser.score_samples(digits[:7]), scores[:7])
    # The score grades denoising: worse than reconstructing the clean input.
    plain_reconstruction = fitted_denoiser.inverse_transform(fitted_denoiser.transform(digits))
    assert -scores.mean() > np.mean((plain_reconstruction - digits) ** 2)


def test_clip_range(digits):
    auto = DenoisingAutoencoder(latent_dim=4, **SMALL).fit(digits * 2 - 1)
    assert auto.value_range_ == (-1.0, 1.0)
    explicit = DenoisingAutoencoder(latent_dim=4, clip=(0, 0.5), **SMALL).fit(digits)
    assert explicit.value_range_ == (0.0, 0.5)
    assert explicit.corrupt(digits, random_state=0).max() <= 0.5
    unclipped = DenoisingAutoencoder(latent_dim=4, clip=None, noise_factor=0.5, **SMALL).fit(digits)
    assert unclipped.value_range_ is None
    noisy = unclipped.corrupt(digits, random_state=0)
    assert noisy.min() < 0 and noisy.max() > 1


def test_pickle_round_trip(fitted_denoiser, digits):
    loaded = pickle.loads(pickle.dumps(fitted_denoiser))
    np.testing.assert_array_equal(loaded.denoise(digits), fitted_denoiser.denoise(digits))
    np.testing.assert_array_equal(loaded.score_samples(digits), fitted_denoiser.score_samples(digits))
    assert loaded.value_range_ == fitted_denoiser.value_range_


def test_a_callable_noise_trains_scores_and_corrupts(digits):
    def flip(X, noise_factor, *, value_range, random_state):
        low, high = value_range
        flipped = random_state.random(X.shape) < noise_factor
        return np.where(flipped, high + low - X, X)

    dae = DenoisingAutoencoder(latent_dim=8, noise=flip, noise_factor=0.1, **SMALL).fit(digits)
    np.testing.assert_array_equal(dae.corrupt(digits[:5], random_state=1), flip(
        digits[:5], 0.1, value_range=(0.0, 1.0), random_state=np.random.default_rng(1)
    ))
    assert np.isfinite(dae.score(digits))


@pytest.mark.parametrize(
    "noise, message",
    [
        (lambda X, noise_factor, *, value_range, random_state: X[:, :1], "shaped like its input"),
        (lambda X, noise_factor: X, "unexpected keyword argument"),
    ],
    ids=["wrong shape", "wrong signature"],
)
def test_a_broken_callable_noise_fails_before_training(digits, noise, message):
    model = DenoisingAutoencoder(noise=noise, **SMALL)
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(digits)
    assert not hasattr(model, "model_") and not hasattr(model, "value_range_")


def test_corrupt_needs_a_fitted_estimator_and_takes_any_seed(fitted_denoiser, digits):
    with pytest.raises(NotFittedError):
        DenoisingAutoencoder().corrupt(digits)
    by_int = fitted_denoiser.corrupt(digits, random_state=3)
    np.testing.assert_array_equal(by_int, fitted_denoiser.corrupt(digits, random_state=np.random.default_rng(3)))
    assert not np.array_equal(by_int, fitted_denoiser.corrupt(digits, random_state=4))
    np.testing.assert_array_equal(
        fitted_denoiser.corrupt(digits, random_state=np.random.RandomState(3)),
        fitted_denoiser.corrupt(digits, random_state=np.random.RandomState(3)),
    )


@pytest.fixture(scope="module")
def mixed_table():
    return make_mixed_table()


@pytest.fixture(scope="module")
def table_denoiser(mixed_table):
    """A tiny denoiser fitted on a table of numbers and categories (do not mutate)."""
    return DenoisingAutoencoder(latent_dim=2, hidden_layer_sizes=(8,), **{**SMALL, "batch_size": 32}).fit(mixed_table)


def test_a_mixed_table_is_corrupted_encoded_and_denoised_back_to_a_table(table_denoiser, mixed_table):
    layout = table_denoiser.table_layout_
    encoded = layout.transform(mixed_table)
    assert table_denoiser.input_shape_ == (7,) and table_denoiser.output_activation_ == "linear"
    assert table_denoiser.value_range_ == pytest.approx((encoded.min(), encoded.max()))
    noisy = table_denoiser.corrupt(mixed_table, random_state=0)
    assert noisy.shape == encoded.shape and not np.array_equal(noisy, encoded)
    assert np.abs(noisy - encoded).max() < 6 * 0.2  # the default noise, 0.2 N(0, 1), clipped
    cleaned = table_denoiser.denoise(mixed_table)
    assert list(cleaned.columns) == list(mixed_table.columns)
    assert (cleaned.dtypes == mixed_table.dtypes).all()
    assert table_denoiser.transform(mixed_table).shape == (240, 2)
    pd.testing.assert_frame_equal(mixed_table, make_mixed_table())  # fit, corrupt and denoise left it as it was


def test_a_mixed_tables_score_is_its_columns_cost_of_restoring_a_corruption(table_denoiser, mixed_table):
    scores = table_denoiser.score_samples(mixed_table)
    assert scores.shape == (240,) and np.all(scores < 0)
    if keras.backend.backend() == "torch":
        # PyTorch's CPU matrix products give a row of this 7-wide output other
        # last bits at another place in the batch (numeric tables too; the
        # codes keep theirs): the same scores, to rounding.
        np.testing.assert_allclose(table_denoiser.score_samples(mixed_table[::-1]), scores[::-1], rtol=1e-5)
    else:
        np.testing.assert_array_equal(table_denoiser.score_samples(mixed_table[::-1]), scores[::-1])
    layout = table_denoiser.table_layout_
    encoded = layout.transform(mixed_table)
    noisy = table_denoiser._seeded_corruption(encoded)  # each row's noise seeded by its own values
    assert not np.array_equal(noisy, encoded)
    restored = table_denoiser.model_.predict(noisy, verbose=0)
    expected = -column_losses(encoded, restored, layout.numeric_, layout.blocks_).mean(axis=1)
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-6)
    assert table_denoiser.score(mixed_table) == pytest.approx(scores.mean())


def test_a_mixed_table_refits_bit_identically_and_pickles(table_denoiser, mixed_table):
    again = pickle.loads(pickle.dumps(table_denoiser))
    pd.testing.assert_frame_equal(again.denoise(mixed_table), table_denoiser.denoise(mixed_table))
    refit = DenoisingAutoencoder(**table_denoiser.get_params()).fit(mixed_table)
    np.testing.assert_array_equal(refit.score_samples(mixed_table), table_denoiser.score_samples(mixed_table))


def test_clean_target_pairs_of_a_mixed_table_are_refused_before_training(mixed_table):
    model = DenoisingAutoencoder(**SMALL)
    with pytest.raises(ValueError, match="clean targets y for numeric X only"):
        model.fit(mixed_table, mixed_table)
    assert not hasattr(model, "model_")
    with pytest.raises(ValueError, match="loss must be 'mse'"):
        DenoisingAutoencoder(loss="mae", **SMALL).fit(mixed_table)


def test_the_outlier_detector_takes_denoising_members_on_a_mixed_table(mixed_table):
    member = DenoisingAutoencoder(latent_dim=2, hidden_layer_sizes=(8,), epochs=2)
    detector = AutoencoderOutlierDetector(estimator=member, n_estimators=2, random_state=0).fit(mixed_table)
    assert detector.table_layout_ is not None
    assert detector.feature_scores(mixed_table).shape == (240, 4)

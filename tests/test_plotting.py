"""skae.plotting: the Display objects draw what they say, where they are told."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from conftest import SMALL  # noqa: E402
from skae import AutoencoderTransformer, DenoisingAutoencoder  # noqa: E402
from skae.plotting import (  # noqa: E402
    DenoisingDisplay,
    LatentSpaceDisplay,
    LossCurveDisplay,
    ReconstructionDisplay,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def mosaic(display):
    return display.ax_.get_images()[0].get_array()


def row_labels(display):
    return [label.get_text() for label in display.ax_.get_yticklabels()]


def test_reconstructions_of_image_input(digit_images):
    ae = AutoencoderTransformer(latent_dim=8, **SMALL).fit(digit_images)
    display = ReconstructionDisplay.from_estimator(ae, digit_images, n_images=5)
    assert row_labels(display) == ["original", "reconstruction"]
    # Two rows of five 8x8 images with 1-pixel gaps.
    assert mosaic(display).shape == (2 * 8 + 1, 5 * 8 + 4)
    np.testing.assert_allclose(mosaic(display)[:8, :8], digit_images[0])
    np.testing.assert_allclose(mosaic(display)[9:, :8], ae.inverse_transform(ae.transform(digit_images[:1]))[0], rtol=1e-6)


def test_flat_square_rows_and_pca(digits):
    display = ReconstructionDisplay.from_estimator(PCA(8).fit(digits), digits, n_images=3)
    assert mosaic(display).shape == (17, 26)


def test_colour_scale_follows_the_data_not_unit_range(digits):
    raw = digits * 16  # the digits' own 0-16 pixel values
    display = ReconstructionDisplay.from_estimator(PCA(8).fit(raw), raw, n_images=3)
    low, high = display.ax_.get_images()[0].get_clim()
    shown = mosaic(display)
    assert (low, high) == (shown.min(), shown.max())
    assert high > 10  # not clipped at 1


def test_non_square_rows_need_an_image_shape(digits):
    pca = PCA(4).fit(digits[:, :60])
    with pytest.raises(ValueError, match="pass image_shape"):
        ReconstructionDisplay.from_estimator(pca, digits[:, :60])
    display = ReconstructionDisplay.from_estimator(pca, digits[:, :60], image_shape=(6, 10), n_images=2)
    assert mosaic(display).shape == (13, 21)


def test_draws_on_a_given_axes(digit_images):
    ae = AutoencoderTransformer(latent_dim=8, **SMALL).fit(digit_images)
    figure, (left, right) = plt.subplots(1, 2)
    display = ReconstructionDisplay.from_estimator(ae, digit_images, ax=right)
    assert display.ax_ is right and display.figure_ is figure
    assert not left.get_images()


def test_denoising_rows_and_own_noise(digits):
    dae = DenoisingAutoencoder(latent_dim=8, **SMALL).fit(digits)
    display = DenoisingDisplay.from_estimator(dae, digits, n_images=4)
    assert row_labels(display) == ["noisy", "denoised", "original"]
    noisy_row = mosaic(display)[:8, :8]
    assert not np.allclose(noisy_row, digits[0].reshape(8, 8))
    given = DenoisingDisplay.from_estimator(dae, digits, np.zeros_like(digits), n_images=4)
    assert np.all(mosaic(given)[:8, :8] == 0)


def test_loss_curves_from_history(digits):
    ae = AutoencoderTransformer(latent_dim=3, validation_split=0.2, **SMALL).fit(digits)
    display = LossCurveDisplay.from_estimator(ae)
    assert [line.get_label() for line in display.lines_] == ["loss", "val_loss"]
    np.testing.assert_allclose(display.lines_[0].get_ydata(), ae.history_["loss"])
    assert list(display.lines_[0].get_xdata()) == [1, 2]


def test_latent_space_projects_to_two_dimensions(digits):
    labels = np.arange(len(digits)) % 10
    ae = AutoencoderTransformer(latent_dim=5, **SMALL).fit(digits)
    display = LatentSpaceDisplay.from_estimator(ae, digits, labels)
    assert display.scatter_.get_offsets().shape == (len(digits), 2)
    np.testing.assert_array_equal(display.scatter_.get_array(), labels)
    one_code = AutoencoderTransformer(latent_dim=1, **SMALL).fit(digits)
    assert LatentSpaceDisplay.from_estimator(one_code, digits).scatter_.get_offsets().shape == (len(digits), 2)

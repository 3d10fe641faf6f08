"""SampleGridDisplay and LatentManifoldDisplay draw what a generative model makes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import norm  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from conftest import mosaic  # noqa: E402
from skae import VariationalAutoencoder  # noqa: E402
from skae.plotting import LatentManifoldDisplay, SampleGridDisplay  # noqa: E402

TINY = dict(epochs=1, hidden_layer_sizes=(8,), random_state=0)


@pytest.fixture(scope="module")
def vae():
    """A tiny VAE with 2 codes on the flat 8x8 digits (do not mutate)."""
    return VariationalAutoencoder(latent_dim=2, **TINY).fit(load_digits().data / 16.0)


pytestmark = pytest.mark.usefixtures("close_figures")


def test_mean_grid_decodes_prior_draws_of_the_seed(vae):
    display = SampleGridDisplay.from_estimator(vae, n_rows=3, n_cols=5, random_state=7)
    codes = np.random.RandomState(7).standard_normal((15, 2))
    np.testing.assert_allclose(display.images, vae.inverse_transform(codes))
    assert display.image_shape == (8, 8)
    # Three rows of five 8x8 images with 1-pixel gaps; the first tile is the first image.
    assert mosaic(display).shape == (3 * 8 + 2, 5 * 8 + 4)
    np.testing.assert_allclose(mosaic(display)[:8, :8], display.images[0].reshape(8, 8))
    np.testing.assert_allclose(mosaic(display)[9:17, 18:26], display.images[7].reshape(8, 8))
    again = SampleGridDisplay.from_estimator(vae, n_rows=3, n_cols=5, random_state=7)
    np.testing.assert_array_equal(again.images, display.images)
    other = SampleGridDisplay.from_estimator(vae, n_rows=3, n_cols=5, random_state=8)
    assert not np.allclose(other.images, display.images)


def test_sample_grid_draws_from_the_whole_model(vae):
    display = SampleGridDisplay.from_estimator(vae, n_rows=2, n_cols=4, kind="sample", random_state=0)
    np.testing.assert_allclose(display.images, vae.sample(8, random_state=0))
    means = SampleGridDisplay.from_estimator(vae, n_rows=2, n_cols=4, random_state=0).images
    assert not np.allclose(display.images, means)  # the Gaussian's noise is drawn too
    assert mosaic(display).shape == (17, 35)


def test_grid_from_arrays_on_a_given_axes_with_a_partial_last_row():
    images = np.arange(5 * 12, dtype=float).reshape(5, 12)
    figure, (left, right) = plt.subplots(1, 2)
    display = SampleGridDisplay(images, n_cols=3, image_shape=(3, 4)).plot(ax=right)
    assert display.ax_ is right and display.figure_ is figure and not left.get_images()
    shown = mosaic(display)
    assert shown.shape == (2 * 3 + 1, 3 * 4 + 2)
    np.testing.assert_array_equal(shown[4:, 5:9], images[4].reshape(3, 4))
    assert np.all(shown[4:, 10:] == images.max())  # the empty cell is background


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(n_rows=0), "n_rows"),
        (dict(n_cols=2.0), "n_cols"),
        (dict(n_rows=True), "n_rows"),
        (dict(kind="noise"), "kind"),
    ],
)
def test_sample_grid_refuses_bad_arguments(vae, arguments, message):
    with pytest.raises(ValueError, match=message):
        SampleGridDisplay.from_estimator(vae, **arguments)


def test_sample_kind_needs_a_generative_model(vae):
    pca = PCA(2).fit(load_digits().data[:100])
    with pytest.raises(TypeError, match="PCA has none"):
        SampleGridDisplay.from_estimator(pca, kind="sample")
    assert SampleGridDisplay.from_estimator(pca, n_rows=1, n_cols=2).images.shape == (2, 64)


def test_manifold_decodes_the_prior_quantiles(vae):
    display = LatentManifoldDisplay.from_estimator(vae, n_per_side=4)
    values = norm.ppf(np.linspace(0.05, 0.95, 4))
    np.testing.assert_allclose(display.codes_1, values)
    np.testing.assert_allclose(display.codes_2, values)
    assert mosaic(display).shape == (35, 35)  # 4 x 4 tiles of 8x8 pixels, 1-pixel gaps
    # Code 1 rises to the right, code 2 upwards: bottom-left is the lowest of both.
    np.testing.assert_allclose(
        mosaic(display)[-8:, :8], vae.inverse_transform([[values[0], values[0]]]).reshape(8, 8), rtol=1e-6
    )
    np.testing.assert_allclose(
        mosaic(display)[:8, -8:], vae.inverse_transform([[values[-1], values[-1]]]).reshape(8, 8), rtol=1e-6
    )
    np.testing.assert_allclose(
        mosaic(display)[:8, :8], vae.inverse_transform([[values[0], values[-1]]]).reshape(8, 8), rtol=1e-6
    )
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("code 1", "code 2")
    assert [label.get_text() for label in display.ax_.get_xticklabels()] == [f"{v:.2g}" for v in values]
    assert [label.get_text() for label in display.ax_.get_yticklabels()] == [f"{v:.2g}" for v in values]
    # y ticks sit on the tile centres, the lowest code at the bottom.
    np.testing.assert_allclose(display.ax_.get_yticks(), [30.5, 21.5, 12.5, 3.5])
    np.testing.assert_allclose(display.ax_.get_xticks(), [3.5, 12.5, 21.5, 30.5])


def test_manifold_extent_and_thinned_ticks(vae):
    display = LatentManifoldDisplay.from_estimator(vae, n_per_side=15, extent=(-3, 3))
    np.testing.assert_allclose(display.codes_1, np.linspace(-3, 3, 15))
    assert mosaic(display).shape == (134, 134)
    labels = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert labels[0] == "-3" and labels[-1] == "3" and len(labels) == 8


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(n_per_side=1), "n_per_side"),
        (dict(n_per_side=3.5), "n_per_side"),
        (dict(extent=(1, -1)), "extent"),
        (dict(extent=(0, np.inf)), "extent"),
        (dict(extent=3), "extent"),
        (dict(extent=(0, 1, 2)), "extent"),
    ],
)
def test_manifold_refuses_bad_arguments(vae, arguments, message):
    with pytest.raises(ValueError, match=message):
        LatentManifoldDisplay.from_estimator(vae, **arguments)


def test_manifold_needs_two_codes():
    three = VariationalAutoencoder(latent_dim=3, **TINY).fit(load_digits().data[:200] / 16.0)
    with pytest.raises(ValueError, match="latent_dim=3"):
        LatentManifoldDisplay.from_estimator(three)

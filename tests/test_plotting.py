"""skae.plotting: the Display objects draw what they say, where they are told."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from conftest import SMALL, mosaic  # noqa: E402
from skae import AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder  # noqa: E402
from skae.plotting import (  # noqa: E402
    DenoisingDisplay,
    LatentSpaceDisplay,
    LossCurveDisplay,
    OutlierDisplay,
    ReconstructionDisplay,
)


pytestmark = pytest.mark.usefixtures("close_figures")


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


def legend_is_outside_the_axes(ax):
    ax.figure.canvas.draw()
    return ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1


def test_reconstructions_are_titled_with_their_error_over_all_samples(digits):
    pca = PCA(8).fit(digits)
    display = ReconstructionDisplay.from_estimator(pca, digits, n_images=3)
    error = np.mean((digits - pca.inverse_transform(pca.transform(digits))) ** 2)
    assert display.ax_.get_title() == f"Reconstructions: MSE {error:.3g} over {len(digits):,} samples"
    assert mosaic(display).shape == (17, 26)  # still three images drawn


def test_denoising_is_titled_with_psnr_in_unit_range_and_mse_outside(digits):
    dae = DenoisingAutoencoder(latent_dim=8, **SMALL).fit(digits)
    noisy = np.clip(digits + 0.1, 0, 1)
    psnr = -10 * np.log10(np.mean((digits - noisy) ** 2))
    title = DenoisingDisplay.from_estimator(dae, digits, noisy).ax_.get_title()
    assert title.startswith(f"Denoising: PSNR {psnr:.1f} dB noisy, ") and title.endswith(f"({len(digits):,} samples)")
    assert "MSE 1 noisy" in DenoisingDisplay.from_estimator(dae, digits * 4, digits * 4 + 1).ax_.get_title()


def test_loss_curves_from_history(digits):
    ae = AutoencoderTransformer(latent_dim=3, validation_split=0.2, **SMALL).fit(digits)
    display = LossCurveDisplay.from_estimator(ae)
    assert [line.get_label() for line in display.lines_] == ["loss", "val_loss"]
    np.testing.assert_allclose(display.lines_[0].get_ydata(), ae.history_["loss"])
    assert list(display.lines_[0].get_xdata()) == [1, 2]
    # Validation dashed in the training curve's colour; a marker per epoch for few epochs.
    training, validation = display.lines_
    assert validation.get_linestyle() == "--" and validation.get_color() == training.get_color()
    assert training.get_marker() == "o"
    assert display.ax_.get_ylabel() == "loss (mse)"
    assert display.ax_.get_title() == f"val_loss {ae.history_['val_loss'][-1]:.4g} after 2 epochs"
    assert legend_is_outside_the_axes(display.ax_)


def test_loss_curves_mark_the_epoch_early_stopping_kept():
    val_loss = [0.5, 0.3, 0.2, 0.25, 0.26, 0.3] * 10  # 60 epochs, lowest at epoch 3
    display = LossCurveDisplay({"loss": np.linspace(1, 0.1, 60), "val_loss": val_loss}, best_epoch=3).plot()
    assert all(line.get_marker() == "None" for line in display.lines_)  # too many epochs for markers
    (marker,) = [line for line in display.ax_.get_lines() if line not in display.lines_]
    assert list(marker.get_xdata()) == [3, 3] and marker.get_linestyle() == ":"

    class Stopped:
        history_ = {"loss": [0.4, 0.2, 0.1], "val_loss": [0.5, 0.3, 0.4]}
        early_stopping_, loss = True, "mae"

    display = LossCurveDisplay.from_estimator(Stopped())
    assert display.best_epoch == 2 and display.ax_.get_title() == "lowest val_loss 0.3, epoch 2 of 3"
    assert display.ax_.get_ylabel() == "loss (mae)"


def test_latent_space_projects_to_two_dimensions(digits):
    labels = np.arange(len(digits)) % 10
    ae = AutoencoderTransformer(latent_dim=5, **SMALL).fit(digits)
    display = LatentSpaceDisplay.from_estimator(ae, digits, labels)
    assert display.scatter_.get_offsets().shape == (len(digits), 2)
    np.testing.assert_array_equal(display.scatter_.get_array(), labels)
    # The axes say they are a projection, and the title how much of the codes it keeps.
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("PCA 1 of the 5 codes", "PCA 2 of the 5 codes")
    share = PCA(2).fit(ae.transform(digits)).explained_variance_ratio_.sum()
    assert display.ax_.get_title().endswith(f"PCA 1-2 keep {share:.0%} of their variance")
    one_code = AutoencoderTransformer(latent_dim=1, **SMALL).fit(digits)
    display = LatentSpaceDisplay.from_estimator(one_code, digits)
    assert display.scatter_.get_offsets().shape == (len(digits), 2)
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("code 1", "")


def test_latent_space_names_the_classes_in_a_legend_outside_the_points():
    codes = np.random.default_rng(0).standard_normal((30, 2))
    labels = np.repeat([7, 2, 5], 10)  # named in sorted order: 2, 5, 7
    display = LatentSpaceDisplay(codes, labels, class_names=["two", "five", "seven"]).plot()
    assert [text.get_text() for text in display.ax_.get_legend().get_texts()] == ["two", "five", "seven"]
    assert len(display.figure_.axes) == 1  # a legend, no colour bar
    assert legend_is_outside_the_axes(display.ax_)
    with pytest.raises(ValueError, match="3 distinct values"):
        LatentSpaceDisplay(codes, labels, class_names=["two", "five"]).plot()
    with pytest.raises(ValueError, match="needs labels"):
        LatentSpaceDisplay(codes, class_names=["two"]).plot()


def test_latent_space_names_few_classes_by_label_and_shows_a_colour_bar_otherwise():
    codes = np.random.default_rng(0).standard_normal((60, 2))
    for labels in (np.repeat([7, 2, 5], 20), np.repeat(["cat", "dog", "eel"], 20)):
        display = LatentSpaceDisplay(codes, labels).plot()
        assert [text.get_text() for text in display.ax_.get_legend().get_texts()] == sorted(map(str, set(labels)))
        assert len(display.figure_.axes) == 1
    for labels in (np.linspace(0, 1, 60), np.arange(60)):  # real numbers; more than 20 classes
        display = LatentSpaceDisplay(codes, labels).plot()
        assert display.ax_.get_legend() is None and len(display.figure_.axes) == 2


@pytest.fixture(scope="module")
def digit_rows():
    """300 digits, flat, and the detector fitted on them (do not mutate)."""
    X = load_digits().data[:300] / 16.0
    return X, AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(X)


@pytest.fixture(scope="module")
def table():
    """A 5-column DataFrame whose last rows are far out in column ``c``, and its detector."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(300, 5)), columns=list("abcde"))
    frame.loc[295:, "c"] += 12
    return frame, AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(frame)


def test_outlier_images_are_the_most_outlying_rows(digit_rows):
    X, detector = digit_rows
    display = OutlierDisplay.from_estimator(detector, X, n_images=4)
    scores = detector.score_samples(X)
    np.testing.assert_array_equal(display.rows, np.argsort(scores)[:4])
    np.testing.assert_allclose(display.outlier_scores, -np.sort(scores)[:4])
    assert display.axes_.shape == (2, 4) and display.ax_ is None
    assert all(len(ax.get_images()) == 1 for ax in display.axes_.ravel())
    # Each map is that row's feature scores, on one shared colour scale with a colorbar.
    maps = [ax.get_images()[0] for ax in display.axes_[1]]
    np.testing.assert_allclose(maps[0].get_array(), detector.feature_scores(X[display.rows[:1]]).reshape(8, 8))
    assert len({id(image.norm) for image in maps}) == 1 and display.colorbar_.mappable is maps[-1]
    flags = detector.predict(X[display.rows]) == -1
    for ax, row, score, flag in zip(display.axes_[0], display.rows, display.outlier_scores, flags):
        assert ax.get_title() == f"row {row}\noutlier score {score:.1f}\n{'outlier' if flag else 'inlier'}"


def test_outlier_images_of_given_rows_and_shape(digit_rows):
    X, detector = digit_rows
    display = OutlierDisplay.from_estimator(detector, X, rows=[5, 0, -1], image_shape=(4, 16))
    assert list(display.rows) == [5, 0, 299] and display.axes_.shape == (2, 3)
    assert display.axes_[0, 1].get_images()[0].get_array().shape == (4, 16)
    figure, axes = plt.subplots(2, 1)
    drawn = OutlierDisplay.from_estimator(detector, X, rows=7, ax=axes, scale="linear", vmax=5.0)
    assert drawn.figure_ is figure and drawn.colorbar_.norm.vmax == 5.0


def test_outlier_bars_of_the_most_outlying_row(table):
    frame, detector = table
    display = OutlierDisplay.from_estimator(detector, frame)
    row = int(np.argmin(detector.score_samples(frame)))
    assert display.rows[0] == row and display.axes_ is None and display.colorbar_ is None
    scores = detector.feature_scores(frame.iloc[[row]])[0]
    order = np.argsort(-scores)[::-1]  # barh draws bottom up: the largest score on top
    assert [label.get_text() for label in display.ax_.get_yticklabels()] == list(frame.columns[order])
    np.testing.assert_allclose([bar.get_width() for bar in display.bars_], scores[order])
    assert display.ax_.get_title().startswith(f"row {row}, outlier score ")
    # The planted rows are the most outlying, and on average column c, where
    # they were put, leads their feature scores (an autoencoder spreads part
    # of an error over other columns, so not in every row).
    assert set(np.argsort(detector.score_samples(frame))[:5]) == set(range(295, 300))
    assert frame.columns[np.argmax(detector.feature_scores(frame.iloc[295:]).mean(axis=0))] == "c"


def test_outlier_bars_keep_the_top_features_of_the_chosen_row(table):
    frame, detector = table
    display = OutlierDisplay.from_estimator(detector, frame, rows=[3, 297], max_features=2)
    assert display.ax_.get_title().startswith("row 3,") and len(display.bars_) == 2
    display.plot(row=1, max_features=3)
    assert display.ax_.get_title().startswith("row 297,") and len(display.bars_) == 3


def test_outlier_display_kind_overrides_the_guess(digit_rows, table):
    X, detector = digit_rows
    bars = OutlierDisplay.from_estimator(detector, X, kind="tabular")
    assert bars.image_shape is None and len(bars.bars_) == 10
    assert all(label.get_text().startswith("x") for label in bars.ax_.get_yticklabels())
    frame, frame_detector = table
    images = OutlierDisplay.from_estimator(frame_detector, frame, n_images=2, kind="images", image_shape=(1, 5))
    assert images.axes_.shape == (2, 2)
    with pytest.raises(ValueError, match="pass image_shape"):
        OutlierDisplay.from_estimator(frame_detector, frame, kind="images")


def test_outlier_display_refuses_bad_rows_and_non_detectors(digit_rows):
    X, detector = digit_rows
    for rows in ([300], [-301], [1.5], []):
        with pytest.raises(ValueError, match="rows must be integer indices of the 300 rows"):
            OutlierDisplay.from_estimator(detector, X, rows=rows)
    with pytest.raises(TypeError, match="needs a fitted outlier detector.*PCA has no predict, feature_scores"):
        OutlierDisplay.from_estimator(PCA(4).fit(X), X)
    with pytest.raises(ValueError, match="kind must be"):
        OutlierDisplay.from_estimator(detector, X, kind="pictures")

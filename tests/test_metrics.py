"""skae.metrics: reconstruction errors and scorers, on PCA, Pipelines and skae."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import RECONSTRUCTION_SCORERS, make_reconstruction_scorer, reconstruction_error

TRUE = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])
RECON = np.array([[0.1, 0.5, 0.7], [1.0, 0.3, 0.0]])


def test_errors_by_hand():
    squared = np.array([0.01, 0, 0.09, 0, 0.04, 0])
    assert reconstruction_error(TRUE, RECON, "mse") == pytest.approx(squared.mean())
    assert reconstruction_error(TRUE, RECON, "mae") == pytest.approx(np.sqrt(squared).mean())
    assert reconstruction_error(TRUE, RECON, "rmse") == pytest.approx(np.sqrt(squared.mean()))
    assert reconstruction_error(TRUE, RECON, "psnr") == pytest.approx(10 * np.log10(1 / squared.mean()))
    assert reconstruction_error(TRUE, RECON, "psnr", data_range=255) == pytest.approx(
        10 * np.log10(255**2 / squared.mean())
    )
    assert reconstruction_error(TRUE, TRUE, "psnr") == np.inf


def test_images_compare_with_their_flattened_rows():
    images = np.random.default_rng(0).random((4, 3, 3))
    assert reconstruction_error(images, images.reshape(4, 9) * 0.5) == reconstruction_error(
        images.reshape(4, 9), images.reshape(4, 9) * 0.5
    )


def test_callable_metric():
    def max_error(X, X_hat):
        return np.max(np.abs(X - X_hat))

    assert reconstruction_error(TRUE, RECON, max_error) == pytest.approx(0.3)
    assert make_reconstruction_scorer(max_error)(PCA(2).fit(TRUE), TRUE) <= 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: reconstruction_error(TRUE, RECON[:1]), "same samples"),
        (lambda: reconstruction_error(TRUE, RECON, "ssim"), "metric must be one of"),
        (lambda: reconstruction_error(np.ones((2, 2)), np.zeros((2, 2)), "psnr"), "data_range must be positive"),
        (lambda: make_reconstruction_scorer("r2"), "metric must be one of"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_scorer_on_pca_is_the_hand_computed_negative_mse(digits):
    pca = PCA(n_components=8).fit(digits)
    by_hand = -np.mean((digits - pca.inverse_transform(pca.transform(digits))) ** 2)
    assert make_reconstruction_scorer("mse")(pca, digits) == pytest.approx(by_hand, rel=1e-12)
    assert RECONSTRUCTION_SCORERS["neg_mse"](pca, digits) == pytest.approx(by_hand, rel=1e-12)


def test_scorer_on_a_pipeline_measures_in_its_input_space(digits):
    pipeline = make_pipeline(StandardScaler(), PCA(n_components=8)).fit(digits)
    in_input_space = -np.mean((digits - pipeline.inverse_transform(pipeline.transform(digits))) ** 2)
    score = make_reconstruction_scorer("mse")(pipeline, digits)
    assert score == pytest.approx(in_input_space, rel=1e-12)
    scaled = pipeline[0].transform(digits)
    in_scaled_space = -np.mean((scaled - pipeline[1].inverse_transform(pipeline[1].transform(scaled))) ** 2)
    assert score != pytest.approx(in_scaled_space, rel=0.1)


def test_signs_make_greater_better(digits):
    coarse, fine = PCA(2).fit(digits), PCA(30).fit(digits)
    for name, scorer in RECONSTRUCTION_SCORERS.items():
        assert scorer(fine, digits) > scorer(coarse, digits), name
    assert RECONSTRUCTION_SCORERS["psnr"](fine, digits) > 0
    assert RECONSTRUCTION_SCORERS["neg_mae"](fine, digits) < 0


def test_scorer_needs_transform_and_inverse_transform(digits):
    with pytest.raises(TypeError, match="LogisticRegression has no transform"):
        make_reconstruction_scorer()(LogisticRegression(), digits)
    kmeans = KMeans(n_clusters=2, n_init=1, random_state=0).fit(digits)
    with pytest.raises(TypeError, match="KMeans has no inverse_transform"):
        make_reconstruction_scorer()(kmeans, digits)


def test_all_scorers_at_once_in_cross_validate(digits):
    results = cross_validate(PCA(8), digits, scoring=RECONSTRUCTION_SCORERS, cv=3)
    for name in RECONSTRUCTION_SCORERS:
        assert results[f"test_{name}"].shape == (3,)


def test_randomized_search_with_a_scorer(digits):
    search = RandomizedSearchCV(
        PCA(), {"n_components": list(range(1, 40))}, n_iter=4, random_state=0, cv=3,
        scoring=make_reconstruction_scorer("rmse"),
    ).fit(digits)
    assert search.best_params_["n_components"] == max(search.cv_results_["param_n_components"])


def test_repr():
    assert repr(make_reconstruction_scorer("psnr", data_range=1.0)) == "make_reconstruction_scorer('psnr', data_range=1.0)"

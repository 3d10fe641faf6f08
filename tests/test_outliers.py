"""AutoencoderOutlierDetector: what it finds, its threshold, its guarantees.

scikit-learn's own outlier-detector checks run in test_sklearn_checks.py;
here are the properties they do not cover.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder
from skae.outliers import DEFAULT_MAX_SAMPLES, DEFAULT_TRAINING_STEPS, default_autoencoder

N_INLIERS, N_OUTLIERS = 300, 15


@pytest.fixture(scope="module")
def planted():
    """Inliers near a 2-D plane in 6-D; outliers off it. ``(X, is_outlier)``."""
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(2, 6))
    inliers = rng.normal(size=(N_INLIERS, 2)) @ plane + 0.05 * rng.normal(size=(N_INLIERS, 6))
    outliers = rng.normal(size=(N_OUTLIERS, 2)) @ plane + rng.choice([-3.0, 3.0], size=(N_OUTLIERS, 6))
    X = np.vstack([inliers, outliers])
    return X, np.r_[np.zeros(N_INLIERS), np.ones(N_OUTLIERS)]


@pytest.fixture(scope="module")
def fitted(planted):
    """The default detector with 3 members, fitted on the planted data (do not mutate)."""
    return AutoencoderOutlierDetector(n_estimators=3, random_state=0).fit(planted[0])


def test_finds_the_planted_outliers(planted, fitted):
    X, is_outlier = planted
    assert roc_auc_score(is_outlier, -fitted.score_samples(X)) > 0.95
    flagged = fitted.predict(X) == -1
    assert flagged[is_outlier == 1].mean() > 0.8 and flagged[is_outlier == 0].mean() < 0.1


def test_auto_threshold_is_tukeys_outer_fence(planted, fitted):
    first, third = np.percentile(-fitted.score_samples(planted[0]), [25, 75])
    assert fitted.offset_ == pytest.approx(-(third + 3 * (third - first)))


def test_float_contamination_flags_that_share_of_the_training_rows(planted, fitted):
    detector = AutoencoderOutlierDetector(n_estimators=3, contamination=0.1, random_state=0)
    labels = detector.fit_predict(planted[0])
    assert np.sum(labels == -1) == round(0.1 * len(planted[0]))
    # The contamination moves only the threshold: the scores are those of "auto".
    np.testing.assert_array_equal(detector.score_samples(planted[0]), fitted.score_samples(planted[0]))


def test_decision_function_is_score_samples_minus_offset(planted, fitted):
    X = planted[0]
    np.testing.assert_allclose(fitted.decision_function(X), fitted.score_samples(X) - fitted.offset_)
    np.testing.assert_array_equal(fitted.predict(X), np.where(fitted.decision_function(X) < 0, -1, 1))


def test_a_row_scores_the_same_alone_or_with_others(planted, fitted):
    X = planted[0]
    together = fitted.score_samples(X)
    alone = np.array([fitted.score_samples(X[i : i + 1])[0] for i in (0, 150, N_INLIERS + 3)])
    np.testing.assert_array_equal(alone, together[[0, 150, N_INLIERS + 3]])


def test_feature_scores_point_at_the_corrupted_feature(planted, fitted):
    X = planted[0][:N_INLIERS].copy()
    X[:, 4] += 4.0
    feature_scores = fitted.feature_scores(X)
    assert feature_scores.shape == X.shape
    # The autoencoder spreads part of an error over correlated features, so
    # feature 4 leads for most rows and on average, not for every row.
    assert np.argmax(feature_scores.mean(axis=0)) == 4
    assert np.mean(np.argmax(feature_scores, axis=1) == 4) > 0.5
    typical = fitted.feature_scores(planted[0][:N_INLIERS])
    assert abs(np.median(typical)) < 0.5


def test_refits_are_bit_identical_and_the_seed_matters(planted, fitted):
    X = planted[0]
    again = AutoencoderOutlierDetector(n_estimators=3, random_state=0).fit(X)
    np.testing.assert_array_equal(again.score_samples(X), fitted.score_samples(X))
    other = AutoencoderOutlierDetector(n_estimators=3, random_state=1).fit(X)
    assert not np.array_equal(other.score_samples(X), fitted.score_samples(X))


def test_members_train_on_distinct_subsamples_with_distinct_seeds(planted, fitted):
    assert len(fitted.estimators_) == len(fitted.estimators_samples_) == 3
    assert fitted.max_samples_ == DEFAULT_MAX_SAMPLES
    assert all(len(rows) == DEFAULT_MAX_SAMPLES for rows in fitted.estimators_samples_)
    assert len({tuple(rows) for rows in fitted.estimators_samples_}) == 3
    seeds = {member.random_state for member in fitted.estimators_}
    assert len(seeds) == 3 and all(isinstance(seed, int) for seed in seeds)


def test_default_autoencoder_is_sized_from_the_data():
    autoencoder = default_autoencoder(n_features=64, n_samples=256)
    assert isinstance(autoencoder, AutoencoderTransformer) and autoencoder.random_state is None
    assert autoencoder.latent_dim == 8 and autoencoder.hidden_layer_sizes == (32,)
    assert autoencoder.output_activation is None
    assert autoencoder.epochs * (256 // autoencoder.batch_size) == DEFAULT_TRAINING_STEPS
    assert default_autoencoder(n_features=1, n_samples=5).latent_dim == 1


@pytest.mark.parametrize("max_samples, expected", [(50, 50), (0.5, 157), ("auto", 256)])
def test_max_samples(planted, max_samples, expected):
    detector = AutoencoderOutlierDetector(PCA(n_components=2), n_estimators=2, max_samples=max_samples)
    assert detector.fit(planted[0]).max_samples_ == expected


def test_any_reconstruction_model_works(planted):
    X, is_outlier = planted
    detector = AutoencoderOutlierDetector(
        make_pipeline(StandardScaler(), PCA(n_components=2, svd_solver="randomized")),
        n_estimators=4, random_state=0,
    ).fit(X)
    assert all(member[-1].random_state is not None for member in detector.estimators_)
    assert roc_auc_score(is_outlier, -detector.score_samples(X)) > 0.95


def test_a_denoising_autoencoder_as_the_reconstruction_model(planted):
    X, is_outlier = planted
    denoiser = DenoisingAutoencoder(2, output_activation=None, noise="masking", clip=None, epochs=20)
    detector = AutoencoderOutlierDetector(denoiser, n_estimators=2, random_state=0).fit(X)
    assert all(isinstance(member, DenoisingAutoencoder) for member in detector.estimators_)
    assert roc_auc_score(is_outlier, -detector.score_samples(X)) > 0.9


def test_pickle_round_trip_scores_the_same(planted, fitted):
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.score_samples(planted[0]), fitted.score_samples(planted[0]))
    np.testing.assert_array_equal(restored.feature_scores(planted[0]), fitted.feature_scores(planted[0]))


class FailsOnThirdFit(PCA):
    fits = 0

    def fit(self, X, y=None):
        type(self).fits += 1
        if type(self).fits == 3:
            raise RuntimeError("third fit fails")
        return super().fit(X, y)


def test_a_failed_fit_leaves_the_detector_as_it_was(planted):
    X = planted[0]
    detector = AutoencoderOutlierDetector(FailsOnThirdFit(n_components=2), n_estimators=2).fit(X)
    before = dict(vars(detector))
    scores = detector.score_samples(X)
    with pytest.raises(RuntimeError, match="third fit"):
        detector.fit(X[:, :4])
    assert vars(detector).keys() == before.keys()
    assert all(vars(detector)[name] is value for name, value in before.items())
    np.testing.assert_array_equal(detector.score_samples(X), scores)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"contamination": 0.6}, ValueError, "contamination"),
        ({"n_estimators": 0}, ValueError, "n_estimators"),
        ({"max_samples": 1000}, ValueError, "max_samples=1000 is more than the 315"),
        ({"max_samples": 1.5}, ValueError, "max_samples"),
        ({"estimator": StandardScaler().fit}, ValueError, "estimator"),
        ({"n_neighbors": 0}, ValueError, "n_neighbors"),
    ],
)
def test_bad_parameters_fail_before_training(planted, params, error, message):
    with pytest.raises(error, match=message):
        AutoencoderOutlierDetector(**params).fit(planted[0])


def test_bad_input_is_refused_and_input_is_not_modified(planted, fitted):
    X = planted[0].copy()
    X_inf = X.copy()
    X_inf[3, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        AutoencoderOutlierDetector().fit(X_inf)
    with pytest.raises(ValueError, match="6 features"):
        fitted.score_samples(X[:, :5])
    fitted.feature_scores(X)
    np.testing.assert_array_equal(X, planted[0])


def test_rows_with_gaps_are_scored_on_their_observed_features(planted):
    # A sensor drops a tenth of its readings: every member learns around the
    # gaps (though a subsample may have none), and the outliers are still found.
    X, is_outlier = planted
    X_gaps = np.where(np.random.default_rng(1).random(X.shape) < 0.1, np.nan, X)
    given = X_gaps.copy()
    detector = AutoencoderOutlierDetector(n_estimators=3, random_state=0).fit(X_gaps)
    assert all(member.trained_on_missing_ for member in detector.estimators_)
    scores = detector.score_samples(X_gaps)
    assert not np.isnan(scores).any()
    assert roc_auc_score(is_outlier, -scores) > 0.95
    explained = detector.feature_scores(X_gaps)
    np.testing.assert_array_equal(np.isnan(explained), np.isnan(X_gaps))
    np.testing.assert_array_equal(X_gaps, given)
    assert np.isnan(detector.score_samples(np.full((1, X.shape[1]), np.nan)))[0]


def test_a_detector_of_complete_rows_refuses_gaps_later(planted, fitted):
    with pytest.raises(ValueError, match="fitted on rows without gaps"):
        fitted.score_samples(np.where(planted[0] > 2, np.nan, planted[0]))


@pytest.fixture(scope="module")
def planted_table():
    """A mixed table whose colour follows its sign, with anomalies planted in rows 0-9.

    Rows 0-4 have the other colour (a combination never seen), rows 5-9 a
    ``b`` far off its line; "violet", in two rows, is missing from
    some members' subsamples. ``(table, is_outlier)``.
    """
    rng = np.random.default_rng(0)
    n = 400
    a = rng.normal(size=n)
    colour = np.where(a > 0, "red", "blue")
    colour[:5] = np.where(a[:5] > 0, "blue", "red")
    colour[-2:] = "violet"
    b = 2 * a + 0.1 * rng.normal(size=n)
    b[5:10] += 6
    table = pd.DataFrame({"a": a, "colour": pd.Categorical(colour), "b": b,
                          "size": pd.Categorical(rng.choice(["S", "L"], n))})
    return table, np.r_[np.ones(10), np.zeros(n - 10)]


@pytest.fixture(scope="module")
def fitted_on_table(planted_table):
    return AutoencoderOutlierDetector(n_estimators=3, max_samples=100, random_state=0).fit(planted_table[0])


def test_a_mixed_table_is_explained_by_its_own_columns(planted_table, fitted_on_table):
    table, is_outlier = planted_table
    detector = fitted_on_table
    assert detector.n_features_in_ == 4 and list(detector.feature_names_in_) == list(table.columns)
    assert all(member.table_layout_ is detector.table_layout_ for member in detector.estimators_)
    assert roc_auc_score(is_outlier, -detector.score_samples(table)) > 0.95
    blamed = detector.feature_scores(table.iloc[:10]).argmax(axis=1)
    np.testing.assert_array_equal(blamed[:5], 1)  # colour
    assert set(blamed[5:]) <= {0, 2}  # a or b, whose line is broken
    assert (detector.feature_scores(table.iloc[-2:])[:, 1] > 0).all()  # violet, known to every member


def test_a_mixed_table_detector_refits_bit_identically_and_pickles(planted_table, fitted_on_table):
    table = planted_table[0]
    given = table.copy()
    refit = AutoencoderOutlierDetector(n_estimators=3, max_samples=100, random_state=0).fit(table)
    scores = fitted_on_table.score_samples(table)
    np.testing.assert_array_equal(refit.score_samples(table), scores)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fitted_on_table)).score_samples(table), scores)
    pd.testing.assert_frame_equal(table, given)


def test_a_mixed_table_is_refused_where_it_cannot_be_scored(planted_table, fitted_on_table):
    table = planted_table[0]
    with pytest.raises(TypeError, match=r"columns \['colour', 'size'\] are categorical"):
        AutoencoderOutlierDetector(estimator=PCA(2)).fit(table)
    gaps = table.copy()
    gaps.loc[3, "a"] = np.nan
    with pytest.raises(ValueError, match=r"missing entries; columns \['a'\]"):
        AutoencoderOutlierDetector(n_estimators=2).fit(gaps)
    unseen = table.iloc[:3].copy()
    unseen["colour"] = pd.Categorical(["green"] * 3)
    with pytest.raises(ValueError, match="unknown categor"):
        fitted_on_table.score_samples(unseen)
    with pytest.raises(ValueError, match="feature names"):
        fitted_on_table.score_samples(table[["b", "a", "colour", "size"]])

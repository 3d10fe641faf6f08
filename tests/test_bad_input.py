"""Bad input and bad parameters, table-driven, for both estimators and every method.

Each case must raise ``ValueError``, ``TypeError`` or ``NotFittedError`` with a
message naming the problem, before any training starts, and must leave its
inputs and a fitted estimator untouched.
"""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from conftest import SMALL
from skae import AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder

ESTIMATORS = {"autoencoder": AutoencoderTransformer, "denoiser": DenoisingAutoencoder,
              "variational": VariationalAutoencoder}
GOOD = np.random.default_rng(0).random((40, 6))


class TrainingStarted(keras.callbacks.Callback):
    """Records whether Keras began training."""

    started = False

    def on_train_begin(self, logs=None):
        type(self).started = True


@pytest.fixture(scope="module")
def fitted():
    """One fitted estimator of each kind on 6 features, one on 4x4 images."""
    models = {name: cls(latent_dim=2, **SMALL).fit(GOOD) for name, cls in ESTIMATORS.items()}
    models["images"] = DenoisingAutoencoder(architecture="conv", **SMALL).fit(GOOD[:, :4].reshape(10, 4, 4))
    return models


def assert_before_training(call, error, message):
    TrainingStarted.started = False
    with pytest.raises(error, match=message):
        call()
    assert not TrainingStarted.started


# --------------------------------------------------------------------------- #
# Bad data given to fit
# --------------------------------------------------------------------------- #
BAD_TRAINING_DATA = [
    ("inf", np.where(GOOD > 0.9, np.inf, GOOD), ValueError, "infinity"),
    ("1-D", GOOD[:, 0], ValueError, "Expected 2D array"),
    ("5-D", np.zeros((2, 2, 2, 2, 2)), ValueError, "5 dimensions"),
    ("strings", np.array([["a", "b"], ["c", "d"]]), ValueError, "could not convert|string"),
    ("object", np.array([[object(), 1.0]]), TypeError, "float"),
    ("complex", GOOD + 1j, ValueError, "Complex data not supported"),
    ("empty", np.empty((0, 6)), ValueError, "0 sample"),
    ("zero features", np.empty((5, 0)), ValueError, "0 feature"),
    ("sparse", sp.csr_matrix(GOOD), TypeError, "[Ss]parse"),
    ("scalar", 3.0, ValueError, "Expected 2D array"),
    ("ragged", [[1.0, 2.0], [3.0]], ValueError, "inhomogeneous|sequence"),
    ("beyond float32", np.where(GOOD > 0.9, 1e300, GOOD), ValueError, "beyond float32's range"),
]


@pytest.mark.parametrize("estimator", sorted(ESTIMATORS))
@pytest.mark.parametrize("case, X, error, message", BAD_TRAINING_DATA, ids=[c[0] for c in BAD_TRAINING_DATA])
def test_bad_training_data(estimator, case, X, error, message):
    model = ESTIMATORS[estimator](callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(X), error, message)


def test_gaps_are_learnt_around_by_the_autoencoders_and_refused_by_the_variational_one():
    # docs/missing_values.rst: the VAE's likelihood needs every entry.
    X = np.where(GOOD > 0.9, np.nan, GOOD)
    model = VariationalAutoencoder(callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(X), ValueError, "VariationalAutoencoder does not accept missing values")
    for cls in (AutoencoderTransformer, DenoisingAutoencoder):
        assert cls(**SMALL).fit(X).trained_on_missing_


@pytest.mark.parametrize("estimator", ["autoencoder", "denoiser"])
def test_nothing_observed_is_refused(estimator):
    model = ESTIMATORS[estimator](callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(np.full((5, 3), np.nan)), ValueError, "no observed entry")


def test_single_sample_works_or_fails_clearly():
    # One sample is enough to fit an autoencoder (scikit-learn's checks
    # accept either), but not to hold out a validation share.
    AutoencoderTransformer(**SMALL).fit(GOOD[:1])
    model = AutoencoderTransformer(validation_split=0.5, callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(GOOD[:1]), ValueError, "n_samples=1")


@pytest.mark.parametrize("estimator", sorted(ESTIMATORS))
def test_y_of_another_length(estimator):
    model = ESTIMATORS[estimator](callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(GOOD, np.zeros(39)), ValueError, r"inconsistent numbers of samples: \[40, 39\]")


def test_denoiser_targets_of_another_shape():
    model = DenoisingAutoencoder(callbacks=[TrainingStarted()], **SMALL)
    assert_before_training(lambda: model.fit(GOOD, GOOD[:, :5]), ValueError, "y must have the shape of X")
    assert_before_training(lambda: model.fit(GOOD, np.where(GOOD > 0.5, np.nan, GOOD)), ValueError, "NaN")


@pytest.mark.parametrize(
    "params, X, message",
    [
        ({"architecture": "conv"}, GOOD, "architecture='conv' needs images"),
        ({"architecture": "conv", "image_shape": (2, 2)}, GOOD, "holds 4 values, but X has 6"),
        ({"image_shape": (3, 3)}, GOOD, "holds 9 values, but X has 6"),
    ],
)
def test_images_that_do_not_match(params, X, message):
    model = AutoencoderTransformer(callbacks=[TrainingStarted()], **SMALL, **params)
    assert_before_training(lambda: model.fit(X), ValueError, message)


# --------------------------------------------------------------------------- #
# Bad parameters
# --------------------------------------------------------------------------- #
BAD_PARAMS = [
    ({"latent_dim": 0}, "latent_dim"),
    ({"latent_dim": -3}, "latent_dim"),
    ({"latent_dim": 2.5}, "latent_dim"),
    ({"latent_dim": "8"}, "latent_dim"),
    ({"architecture": "lstm"}, "architecture"),
    ({"hidden_layer_sizes": (8, 0)}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": ("8",)}, "hidden_layer_sizes"),
    ({"hidden_layer_sizes": 8}, "hidden_layer_sizes"),
    ({"conv_filters": ()}, "conv_filters"),
    ({"conv_filters": (16, -8)}, "conv_filters"),
    ({"image_shape": (64,)}, "image_shape"),
    ({"activation": "sigmoidal"}, "activation"),
    ({"output_activation": "nope"}, "output_activation"),
    ({"code_activation": "nope"}, "code_activation"),
    ({"hidden_layer_sizes": "wide"}, "hidden_layer_sizes"),
    ({"loss": "absolute"}, "loss"),
    ({"optimizer": "adamant"}, "optimizer"),
    ({"optimizer": 3}, "optimizer"),
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"learning_rate": "fast"}, "learning_rate"),
    ({"epochs": 0}, "epochs"),
    ({"epochs": 1.5}, "epochs"),
    ({"epochs": "long"}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"shuffle": "yes"}, "shuffle"),
    ({"validation_split": 1.0}, "validation_split"),
    ({"validation_split": -0.1}, "validation_split"),
    ({"validation_split": "some"}, "validation_split"),
    ({"early_stopping": 1.0}, "early_stopping"),
    ({"early_stopping": "yes"}, "early_stopping"),
    ({"patience": -1}, "patience"),
    ({"patience": "long"}, "patience"),
    ({"callbacks": "early"}, "callbacks"),
    ({"verbose": 3}, "verbose"),
    ({"random_state": "seed"}, "random_state"),
    ({"on_interrupt": "ignore"}, "on_interrupt"),
]

BAD_NOISE_PARAMS = [
    ({"noise": "speckle"}, "noise"),
    ({"noise_factor": -0.1}, "noise_factor"),
    ({"noise": "masking", "noise_factor": 1.5}, "noise_factor"),
    ({"noise": "salt_and_pepper", "noise_factor": 2}, "noise_factor"),
    ({"clip": (1, 0)}, "clip"),
    ({"clip": (0, 1, 2)}, "clip"),
    ({"clip": "data"}, "clip"),
    ({"fresh_noise": "yes"}, "fresh_noise"),
]


# Each estimator's cases for the parameters it has (the variational one has no loss).
BAD_PARAM_CASES = [(estimator, params, name) for estimator, cls in sorted(ESTIMATORS.items())
                   for params, name in BAD_PARAMS if name in cls().get_params()]


@pytest.mark.parametrize("estimator, params, name", BAD_PARAM_CASES,
                         ids=[f"{e}-{p}" for e, p, _ in BAD_PARAM_CASES])
def test_bad_parameters(estimator, params, name):
    params = {**SMALL, "callbacks": [TrainingStarted()], **params}
    model = ESTIMATORS[estimator](**params)
    assert_before_training(lambda: model.fit(GOOD), (ValueError, TypeError), name)


@pytest.mark.parametrize("params, name", BAD_NOISE_PARAMS, ids=[str(p) for p, _ in BAD_NOISE_PARAMS])
def test_bad_noise_parameters(params, name):
    model = DenoisingAutoencoder(callbacks=[TrainingStarted()], **SMALL, **params)
    assert_before_training(lambda: model.fit(GOOD), (ValueError, TypeError), name)


# --------------------------------------------------------------------------- #
# Bad input to the fitted methods
# --------------------------------------------------------------------------- #
SAMPLE_METHODS = {"autoencoder": ["transform", "score", "score_samples"],
                  "denoiser": ["transform", "score", "score_samples", "denoise"],
                  "variational": ["transform", "score", "score_samples"]}
BAD_SAMPLES = [
    ("wrong width", GOOD[:, :5], ValueError, "X has 5 features, but .* is expecting 6 features"),
    ("nan", np.where(GOOD > 0.9, np.nan, GOOD), ValueError, "NaN"),
    ("1-D", GOOD[0], ValueError, "Expected 2D array"),
    ("images instead of rows", GOOD.reshape(40, 2, 3), ValueError, r"samples of shape \(2, 3\)"),
    ("strings", np.array([["a"] * 6]), ValueError, "could not convert|string"),
    ("complex", GOOD + 1j, ValueError, "Complex data not supported"),
    ("empty", np.empty((0, 6)), ValueError, "0 sample"),
    ("sparse", sp.csr_matrix(GOOD), TypeError, "[Ss]parse"),
]
CASES = [(estimator, method, *case) for estimator, methods in SAMPLE_METHODS.items()
         for method in methods for case in BAD_SAMPLES]


@pytest.mark.parametrize("estimator, method, case, X, error, message", CASES,
                         ids=[f"{e}.{m}-{c}" for e, m, c, *_ in CASES])
def test_bad_samples_after_fit(fitted, estimator, method, case, X, error, message):
    with pytest.raises(error, match=message):
        getattr(fitted[estimator], method)(X)


@pytest.mark.parametrize("method", ["transform", "denoise", "score"])
def test_images_of_the_wrong_shape(fitted, method):
    with pytest.raises(ValueError, match=r"samples of shape \(2, 8\), but .* fitted on samples of shape \(4, 4\)"):
        getattr(fitted["images"], method)(np.zeros((3, 2, 8)))


BAD_CODES = [
    ("wrong width", np.zeros((3, 5)), ValueError, "X has 5 features, but .* is expecting 2 codes"),
    ("3-D", np.zeros((3, 2, 1)), ValueError, "Found array with dim 3"),
    ("1-D", np.zeros(2), ValueError, "Expected 2D array"),
    ("inf", np.full((3, 2), np.inf), ValueError, "infinity"),
    ("beyond float32", np.full((3, 2), -1e40), ValueError, "beyond float32's range"),
    ("strings", np.array([["a", "b"]]), ValueError, "could not convert|string"),
]


@pytest.mark.parametrize("estimator", sorted(ESTIMATORS))
@pytest.mark.parametrize("case, Z, error, message", BAD_CODES, ids=[c[0] for c in BAD_CODES])
def test_bad_codes_to_inverse_transform(fitted, estimator, case, Z, error, message):
    with pytest.raises(error, match=message):
        fitted[estimator].inverse_transform(Z)


PUBLIC_METHODS = ["transform", "inverse_transform", "score", "score_samples", "denoise", "get_feature_names_out"]
UNFITTED_CASES = [(name, method) for name, cls in sorted(ESTIMATORS.items())
                  for method in PUBLIC_METHODS if hasattr(cls, method)]


@pytest.mark.parametrize("estimator, method", UNFITTED_CASES, ids=[f"{e}.{m}" for e, m in UNFITTED_CASES])
def test_use_before_fit(estimator, method):
    model = ESTIMATORS[estimator]()
    args = () if method == "get_feature_names_out" else (GOOD,)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(model, method)(*args)


def test_a_failed_refit_leaves_the_fitted_estimator_as_it_was(fitted):
    model = fitted["autoencoder"]
    state = dict(vars(model))
    codes = model.transform(GOOD)
    with pytest.raises(ValueError):
        model.fit(np.zeros((5, 3)), np.zeros(4))
    with pytest.raises(ValueError):
        model.fit(np.full((5, 3), np.nan))
    assert vars(model) == state
    np.testing.assert_array_equal(model.transform(GOOD), codes)


# --------------------------------------------------------------------------- #
# Tables come in every unit
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("scale", [1e30, 1e-30])
def test_the_variational_autoencoder_refuses_variances_float32_cannot_hold(scale):
    X = GOOD * scale
    TrainingStarted.started = False
    with pytest.raises(ValueError, match="largest feature variance.*StandardScaler"):
        VariationalAutoencoder(epochs=2, callbacks=[TrainingStarted()]).fit(X)
    assert not TrainingStarted.started
    np.testing.assert_array_equal(X, GOOD * scale)


@pytest.mark.parametrize("scale", [1e-8, 1e8])
def test_the_variational_autoencoder_trains_on_tables_in_small_and_large_units(scale):
    vae = VariationalAutoencoder(hidden_layer_sizes=(4,), epochs=2, random_state=0).fit(GOOD * scale)
    assert np.all(np.isfinite(vae.score_samples(GOOD * scale)))


def test_a_diverging_fit_prints_nothing_beside_its_error(capsys):
    with pytest.raises(ValueError, match="Training diverged"):
        AutoencoderTransformer(output_activation=None, epochs=2).fit(np.full((40, 6), 1e20))
    captured = capsys.readouterr()
    assert captured.out == "" and "Invalid loss" not in captured.err


def test_the_detector_takes_images_as_the_autoencoders_do():
    from skae import AutoencoderOutlierDetector

    images = np.random.default_rng(0).random((40, 4, 4, 1))
    detector = AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(images)
    flat = AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(images.reshape(40, -1))
    assert detector.n_features_in_ == 16
    np.testing.assert_array_equal(detector.score_samples(images), flat.score_samples(images.reshape(40, -1)))

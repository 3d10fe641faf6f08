"""The shared base: random state, global state, persistence, validation."""

import copy
import io
import pickle
import random

import joblib
import keras
import numpy as np
import pytest
import scipy.sparse as sp
import tensorflow as tf
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

# TensorFlow has a public setter for op determinism but no public getter.
from tensorflow.python.framework.config import is_op_determinism_enabled

from conftest import SMALL
from skae import AutoencoderTransformer
from skae._base import PREDICT_BATCH_SIZE


# --------------------------------------------------------------------------- #
# Random state
# --------------------------------------------------------------------------- #
def test_same_integer_random_state_gives_bit_identical_fits(digits):
    params = dict(latent_dim=4, hidden_layer_sizes=(8,), epochs=2, batch_size=32)
    first = AutoencoderTransformer(random_state=7, **params).fit(digits).transform(digits)
    second = AutoencoderTransformer(random_state=7, **params).fit(digits).transform(digits)
    other = AutoencoderTransformer(random_state=8, **params).fit(digits).transform(digits)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_random_state_instance_and_none_follow_scikit_learn(digits):
    def codes(random_state):
        ae = AutoencoderTransformer(latent_dim=3, epochs=1, random_state=random_state)
        return ae.fit(digits[:300]).transform(digits[:10])

    np.testing.assert_array_equal(codes(np.random.RandomState(3)), codes(np.random.RandomState(3)))
    # None draws from NumPy's global RandomState, like scikit-learn estimators.
    np.random.seed(11)
    seeded_first = codes(None)
    np.random.seed(11)
    np.testing.assert_array_equal(codes(None), seeded_first)


def test_fit_leaves_no_global_random_state_behind(digits):
    def draw_everything():
        return (
            random.random(),
            np.random.random(),
            float(tf.random.uniform(())),
            float(keras.random.uniform(())),
        )

    determinism_before = is_op_determinism_enabled()
    # The same draws with and without a fit in between prove that Python's
    # and NumPy's global states, TensorFlow's global seed (and its op-seed
    # counter) and Keras's global seed generator are left as they were.
    keras.utils.set_random_seed(123)
    expected = draw_everything()
    keras.utils.set_random_seed(123)
    AutoencoderTransformer(latent_dim=3, epochs=1, random_state=0).fit(digits[:200])
    assert draw_everything() == expected
    assert is_op_determinism_enabled() == determinism_before


# --------------------------------------------------------------------------- #
# Persistence
# --------------------------------------------------------------------------- #
def joblib_round_trip(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


@pytest.mark.parametrize(
    "round_trip",
    [lambda e: pickle.loads(pickle.dumps(e)), joblib_round_trip, copy.deepcopy],
    ids=["pickle", "joblib", "deepcopy"],
)
def test_round_trips_give_identical_output_and_keep_weights_shared(round_trip, fitted_dense, digits):
    loaded = round_trip(fitted_dense)
    np.testing.assert_array_equal(loaded.transform(digits), fitted_dense.transform(digits))
    codes = fitted_dense.transform(digits)
    np.testing.assert_array_equal(loaded.inverse_transform(codes), fitted_dense.inverse_transform(codes))
    assert loaded.score(digits) == fitted_dense.score(digits)
    assert loaded.history_ == fitted_dense.history_
    # The encoder and decoder are still the nested parts of the one model.
    model_ids = {id(v) for v in loaded.model_.weights}
    assert model_ids == {id(v) for v in loaded.encoder_.weights + loaded.decoder_.weights}
    assert loaded.model_ is not fitted_dense.model_


def test_loaded_model_keeps_its_optimizer_state(fitted_dense):
    loaded = pickle.loads(pickle.dumps(fitted_dense))
    for saved, original in zip(loaded.model_.optimizer.variables, fitted_dense.model_.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(saved), np.asarray(original))
    assert int(loaded.model_.optimizer.iterations) > 0


def test_pickling_does_not_change_the_fitted_estimator(fitted_dense):
    attributes = set(vars(fitted_dense))
    pickle.dumps(fitted_dense)
    assert set(vars(fitted_dense)) == attributes
    assert fitted_dense.model_ is not None


def test_unfitted_estimator_pickles(digits):
    ae = pickle.loads(pickle.dumps(AutoencoderTransformer(latent_dim=3, **SMALL)))
    with pytest.raises(NotFittedError):
        ae.transform(digits)
    assert ae.get_params() == AutoencoderTransformer(latent_dim=3, **SMALL).get_params()


def test_pickles_from_another_skae_version_warn(fitted_dense):
    state = fitted_dense.__getstate__()
    state["_skae_version"] = "0.0.1"
    loaded = AutoencoderTransformer.__new__(AutoencoderTransformer)
    with pytest.warns(UserWarning, match="pickled with skae 0.0.1"):
        loaded.__setstate__(state)
    check_is_fitted(loaded)


def test_clone_of_a_fitted_model_is_unfitted(fitted_dense, digits):
    cloned = clone(fitted_dense)
    assert cloned.get_params() == fitted_dense.get_params()
    with pytest.raises(NotFittedError):
        cloned.transform(digits)


def test_pickling_is_unchanged_by_scikeras_import(fitted_dense, digits):
    # Importing scikeras.wrappers patches keras.Model.__reduce__ process-wide;
    # skae pickles through the .keras format and must not care.
    import scikeras.wrappers  # noqa: F401

    loaded = pickle.loads(pickle.dumps(fitted_dense))
    np.testing.assert_array_equal(loaded.transform(digits), fitted_dense.transform(digits))


# --------------------------------------------------------------------------- #
# Prediction batches
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("n_rows", [1, PREDICT_BATCH_SIZE - 1, PREDICT_BATCH_SIZE, PREDICT_BATCH_SIZE + 1])
def test_batch_edges(n_rows, fitted_dense, digits):
    X = digits[:n_rows]
    codes = fitted_dense.transform(X)
    assert codes.shape == (n_rows, 4)
    np.testing.assert_array_equal(codes[-1:], fitted_dense.transform(X[-1:]))


# --------------------------------------------------------------------------- #
# Validation: bad parameters and bad input fail before any training
# --------------------------------------------------------------------------- #
class TrainingStarted(keras.callbacks.Callback):
    """Records whether Keras began training."""

    started = False

    def on_train_begin(self, logs=None):
        type(self).started = True


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
    ({"image_shape": (64,)}, "image_shape"),
    ({"activation": "sigmoidal"}, "activation"),
    ({"output_activation": "nope"}, "output_activation"),
    ({"loss": "absolute"}, "loss"),
    ({"optimizer": "adamant"}, "optimizer"),
    ({"optimizer": 3}, "optimizer"),
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"epochs": 0}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"validation_split": 1.0}, "validation_split"),
    ({"validation_split": -0.1}, "validation_split"),
    ({"patience": -1}, "patience"),
    ({"callbacks": "early"}, "callbacks"),
    ({"verbose": 3}, "verbose"),
    ({"random_state": "seed"}, "random_state"),
]


@pytest.mark.parametrize("params, name", BAD_PARAMS, ids=[str(p) for p, _ in BAD_PARAMS])
def test_bad_parameters_raise_before_training(params, name, digits):
    TrainingStarted.started = False
    callbacks = params.pop("callbacks", [TrainingStarted()])
    ae = AutoencoderTransformer(callbacks=callbacks, **{**SMALL, **params})
    with pytest.raises((ValueError, TypeError), match=name):
        ae.fit(digits)
    assert not TrainingStarted.started


def test_validation_split_too_large_for_tiny_data():
    with pytest.raises(ValueError, match="leaves no validation samples with n_samples=2"):
        AutoencoderTransformer(validation_split=0.1, **SMALL).fit(np.ones((2, 3)))


BAD_X = [
    (np.array([[0.1, np.nan], [0.2, 0.3]]), ValueError, "NaN"),
    (np.array([[0.1, np.inf], [0.2, 0.3]]), ValueError, "infinity"),
    (np.linspace(0, 1, 10), ValueError, "Expected 2D array"),
    (np.array([["a", "b"], ["c", "d"]]), ValueError, "could not convert|string"),
    (np.array([[1 + 2j, 0], [0, 1]]), ValueError, "Complex data not supported"),
    (np.empty((0, 4)), ValueError, "0 sample"),
    (np.empty((3, 0)), ValueError, "0 feature"),
    (np.zeros((2, 2, 2, 2, 2)), ValueError, "5 dimensions"),
    (sp.csr_matrix(np.eye(4)), TypeError, "[Ss]parse"),
    (np.array([[object(), 1.0]]), TypeError, "float"),
]


@pytest.mark.parametrize("X, error, message", BAD_X, ids=[m for _, _, m in BAD_X])
def test_bad_training_input_raises_before_training(X, error, message):
    TrainingStarted.started = False
    with pytest.raises(error, match=message):
        AutoencoderTransformer(callbacks=[TrainingStarted()], **SMALL).fit(X)
    assert not TrainingStarted.started


@pytest.mark.parametrize("method", ["transform", "score", "score_samples"])
def test_wrong_width_after_fit_uses_scikit_learns_message(method, fitted_dense, digits):
    with pytest.raises(ValueError, match="X has 63 features, but AutoencoderTransformer is expecting 64 features"):
        getattr(fitted_dense, method)(digits[:, :63])


def test_inverse_transform_checks_the_code_width(fitted_dense):
    with pytest.raises(ValueError, match="X has 5 features, but AutoencoderTransformer is expecting 4 codes"):
        fitted_dense.inverse_transform(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        fitted_dense.inverse_transform(np.full((2, 4), np.nan))


def test_inputs_are_never_modified(digits):
    X = digits[:300].copy()
    X.setflags(write=False)
    original = X.copy()
    ae = AutoencoderTransformer(latent_dim=3, **SMALL).fit(X)
    codes = ae.transform(X)
    codes.setflags(write=False)
    codes_before = codes.copy()
    ae.inverse_transform(codes)
    ae.score(X)
    np.testing.assert_array_equal(X, original)
    np.testing.assert_array_equal(codes, codes_before)

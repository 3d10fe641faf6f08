"""ONNX: every estimator and the pipelines around them, run by onnxruntime as in Python."""

import copy
import inspect
import os

import keras
import numpy as np
import onnx
import onnxruntime
import pytest
import skl2onnx
from sklearn.base import BaseEstimator, clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

import skae
from skae import AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder
from skae.onnx import to_onnx

#: The issue's bound on any difference between onnxruntime and Python.
ATOL = 1e-5
SMALL = dict(epochs=1, batch_size=64, random_state=0)


def run(onnx_model, X):
    """onnxruntime's outputs for ``X``, after checking the graph is valid ONNX."""
    onnx.checker.check_model(onnx_model)
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString())
    return session.run(None, {session.get_inputs()[0].name: X})


@pytest.fixture(scope="module")
def autoencoders(digits, digit_images):
    """``name -> (fitted estimator, the samples it takes)``: dense, conv, both likelihoods."""
    return {
        "dense": (AutoencoderTransformer(latent_dim=3, hidden_layer_sizes=(16,), **SMALL).fit(digits), digits),
        "conv denoiser": (
            DenoisingAutoencoder(architecture="conv", conv_filters=(4, 2), **SMALL).fit(digit_images), digit_images
        ),
        "gaussian vae": (VariationalAutoencoder(hidden_layer_sizes=(8,), **SMALL).fit(digits), digits),
        "bernoulli vae": (
            VariationalAutoencoder(hidden_layer_sizes=(8,), likelihood="bernoulli", **SMALL).fit(digits), digits
        ),
    }


def test_every_public_estimator_has_a_converter():
    estimators = [
        getattr(skae, name) for name in skae.__all__
        if inspect.isclass(getattr(skae, name)) and issubclass(getattr(skae, name), BaseEstimator)
    ]
    assert len(estimators) == 5
    for estimator_class in estimators:
        # The imputer has none: it works on gaps, which its network's ONNX graph cannot take.
        converts = estimator_class in skl2onnx._supported_operators.sklearn_operator_name_map
        assert converts == (estimator_class is not skae.AutoencoderImputer)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_models_of_rows_with_gaps_take_gaps_in_the_graph(digits, dtype):
    gaps = np.where(np.random.default_rng(0).random(digits.shape) < 0.1, np.nan, digits)[:300].astype(dtype)
    gaps[7] = np.nan  # nothing observed: the detector scores NaN, in Python and in the graph
    model = AutoencoderTransformer(latent_dim=2, **SMALL).fit(gaps)
    (codes,) = run(to_onnx(model, gaps[:1]), gaps)
    np.testing.assert_allclose(codes, model.transform(gaps), rtol=0, atol=ATOL)
    detector = AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(gaps)
    labels, scores = run(to_onnx(detector, gaps[:1]), gaps)
    np.testing.assert_allclose(scores.ravel(), detector.decision_function(gaps), rtol=0, atol=ATOL)
    np.testing.assert_array_equal(labels[np.isfinite(scores.ravel())], detector.predict(gaps)[np.isfinite(scores.ravel())])


@pytest.mark.parametrize("name", ["dense", "conv denoiser", "gaussian vae", "bernoulli vae"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_codes_and_reconstructions_match_python(autoencoders, name, dtype):
    estimator, X = autoencoders[name]
    X = X[:300].astype(dtype)
    (codes,) = run(to_onnx(estimator, X[:1]), X)
    (reconstructions,) = run(to_onnx(estimator, X[:1], reconstruction=True), X)
    expected_codes = estimator.transform(X)
    assert codes.dtype == dtype and codes.shape == expected_codes.shape
    np.testing.assert_allclose(codes, expected_codes, rtol=0, atol=ATOL)
    expected = estimator.inverse_transform(expected_codes).reshape(len(X), -1)
    np.testing.assert_allclose(reconstructions, expected, rtol=0, atol=ATOL)


@keras.saving.register_keras_serializable(package="skae_tests")
class SubclassedEncoder(keras.Model):
    """A subclassed Keras model: its graph exists only once it is called.

    Registered, so that off TensorFlow the exporting TensorFlow process can
    load it from the pickled estimator.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.dense = keras.layers.Dense(self.units, activation="relu")

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def subclassed_architecture(input_shape, latent_dim):
    return SubclassedEncoder(latent_dim), keras.Sequential([keras.layers.Dense(input_shape[0])])


def test_a_callable_architecture_of_subclassed_models_converts(digits):
    X = digits[:200].astype(np.float32)
    estimator = AutoencoderTransformer(
        latent_dim=3, architecture=subclassed_architecture, output_activation=None, **SMALL
    ).fit(X)
    (codes,) = run(to_onnx(estimator, X[:1]), X)
    np.testing.assert_allclose(codes, estimator.transform(X), rtol=0, atol=ATOL)


def test_a_denoiser_ships_as_its_denoise(autoencoders, digit_images):
    denoiser, _ = autoencoders["conv denoiser"]
    noisy = denoiser.corrupt(digit_images[:200], random_state=0).astype(np.float32)
    (cleaned,) = run(to_onnx(denoiser, noisy[:1], reconstruction=True), noisy)
    np.testing.assert_allclose(cleaned, denoiser.denoise(noisy).reshape(200, -1), rtol=0, atol=ATOL)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_pipeline_of_scaler_autoencoder_and_classifier_is_one_graph(digits, dtype):
    X = (digits * 16).astype(dtype)  # unscaled: the pipeline's MinMaxScaler scales it
    y = np.arange(len(X)) % 3
    pipeline = make_pipeline(
        MinMaxScaler(), AutoencoderTransformer(latent_dim=4, **SMALL), LogisticRegression(max_iter=300)
    ).fit(X, y)
    labels, probabilities = run(to_onnx(pipeline, X[:1], options={LogisticRegression: {"zipmap": False}}), X)
    np.testing.assert_array_equal(labels, pipeline.predict(X))
    np.testing.assert_allclose(probabilities, pipeline.predict_proba(X), rtol=0, atol=ATOL)


def test_skl2onnx_own_to_onnx_converts_once_skae_onnx_is_imported(fitted_dense, digits):
    X = digits[:50].astype(np.float32)
    options = {id(fitted_dense): {"reconstruction": True}}
    (reconstructions,) = run(skl2onnx.to_onnx(fitted_dense, X[:1], options=options), X)
    expected = fitted_dense.inverse_transform(fitted_dense.transform(X))
    np.testing.assert_allclose(reconstructions, expected, rtol=0, atol=ATOL)


def test_an_option_by_id_wins_over_reconstruction(fitted_dense, digits):
    X = digits[:50].astype(np.float32)
    onnx_model = to_onnx(fitted_dense, X[:1], reconstruction=True, options={id(fitted_dense): {"reconstruction": False}})
    assert run(onnx_model, X)[0].shape == (50, 4)


def test_the_detector_converts_as_predict_and_decision_function(digits):
    X = digits.astype(np.float32)
    detector = AutoencoderOutlierDetector(n_estimators=2, contamination=0.1, random_state=0).fit(X)
    labels, scores = run(to_onnx(detector, X[:1]), X)
    np.testing.assert_array_equal(labels, detector.predict(X))
    assert (labels == -1).any() and (labels == 1).any()
    np.testing.assert_allclose(scores.ravel(), detector.decision_function(X), rtol=0, atol=ATOL)
    older = copy.copy(detector)
    del older._member_codes  # as unpickled from a skae that kept only the neighbour searches
    np.testing.assert_array_equal(run(to_onnx(older, X[:1]), X)[1], scores)


def test_a_detector_of_other_members_is_refused_by_name(digits):
    detector = AutoencoderOutlierDetector(PCA(2), n_estimators=2, random_state=0).fit(digits)
    with pytest.raises(TypeError, match="not PCA"):
        to_onnx(detector, digits[:1])


def test_an_unfitted_estimator_is_refused(digits):
    with pytest.raises(NotFittedError):
        to_onnx(AutoencoderTransformer(), digits[:1])


def _refuse(message):
    raise ValueError(message)


def test_off_tensorflow_a_tensorflow_process_exports_the_same_graph(autoencoders, monkeypatch):
    from skae.onnx import _export

    estimator, X = autoencoders["dense"]
    X = X[:50].astype(np.float32)
    on_this_backend = to_onnx(estimator, X[:1])
    # As on JAX or PyTorch: the graph is built by a child Python on TensorFlow.
    monkeypatch.setattr(_export.keras.backend, "backend", lambda: "jax")
    (codes,) = run(to_onnx(estimator, X[:1]), X)
    np.testing.assert_array_equal(codes, run(on_this_backend, X)[0])
    with pytest.raises(ValueError, match="refused in the child"):
        _export.on_tensorflow(_refuse, "refused in the child")


class _LoadsBy:
    """Unpickles as ``function(*args)``: a payload that fails (or kills) the child as it loads."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def _fail_to_load(message):
    raise LookupError(message)


def test_off_tensorflow_one_child_serves_every_export_and_a_dead_one_is_replaced(monkeypatch):
    from skae.onnx import _export

    monkeypatch.setattr(_export.keras.backend, "backend", lambda: "jax")
    with pytest.raises(ValueError, match="first"):
        _export.on_tensorflow(_refuse, "first")
    worker = _export._tensorflow_worker()
    # A payload the child cannot load is an error in the child; the next request is read whole.
    with pytest.raises(LookupError, match="cannot load this"):
        _export.on_tensorflow(_refuse, _LoadsBy(_fail_to_load, "cannot load this"))
    with pytest.raises(ValueError, match="second"):
        _export.on_tensorflow(_refuse, "second")
    assert _export._tensorflow_worker() is worker and worker.alive()
    # A child that dies during a request is reported with its exit status, then replaced.
    with pytest.raises(RuntimeError, match=r"failed \(exit 3\)"):
        _export.on_tensorflow(_refuse, _LoadsBy(os._exit, 3))
    with pytest.raises(ValueError, match="third"):
        _export.on_tensorflow(_refuse, "third")
    assert _export._tensorflow_worker() is not worker


def test_a_model_of_a_mixed_table_is_refused_saying_why():
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"size": np.arange(40.0), "kind": pd.Categorical(["a", "b"] * 20)})
    ae = AutoencoderTransformer(latent_dim=2, hidden_layer_sizes=(4,), epochs=1, random_state=0).fit(table)
    with pytest.raises(ValueError, match="categorical columns.*has no ONNX graph"):
        to_onnx(ae, np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="AutoencoderTransformer was fitted on a table with categorical columns"):
        to_onnx(make_pipeline(ae), table.iloc[:1])
    detector = AutoencoderOutlierDetector(n_estimators=1, estimator=clone(ae)).fit(table)
    with pytest.raises(ValueError, match="AutoencoderOutlierDetector was fitted on a table with categorical"):
        to_onnx(detector, table.iloc[:1])

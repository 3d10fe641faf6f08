"""skae._predictors: one compiled stateless prediction call per key, on every Keras backend."""

import keras
import numpy as np
import pytest

from skae import AutoencoderTransformer, _batching, _predictors
from skae.architectures import compose_autoencoder, dense_autoencoder

BACKEND = keras.backend.backend()


def compiled(seed=0, units=4):
    model = compose_autoencoder(*dense_autoencoder((8,), units, seed=seed))
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    return model


def keras_outputs(model, batch):
    return keras.ops.convert_to_numpy(model.predict_on_batch(batch))


def test_each_backend_has_its_compiled_predictor():
    predictor = _predictors.predict_function(("test_predictors", "kind"), "model", compiled())
    kind = _predictors._predictors[(("test_predictors", "kind"), "model")]
    assert type(kind) is _predictors._PREDICTORS[BACKEND]
    assert predictor.batch_size == kind.batch_size


def test_models_of_a_key_share_one_prediction_function_with_keras_results():
    prediction_key = ("test_predictors", "predict")
    first, second = compiled(seed=1), compiled(seed=2)
    batch = np.random.default_rng(0).random((256, 8)).astype(np.float32)
    for model in (first, second):
        outputs = _predictors.predict_function(prediction_key, "model", model)(batch)
        np.testing.assert_array_equal(np.asarray(outputs[0]), keras_outputs(model, batch))
    assert _predictors._predictors[(prediction_key, "model")].template is first
    # Another structure under the same key falls back to Keras, still correct.
    other = compiled(units=3)
    outputs = _predictors.predict_function(prediction_key, "model", other)(batch)
    np.testing.assert_array_equal(np.asarray(outputs[0]), keras_outputs(other, batch))


def test_a_bound_part_predicts_with_the_weights_it_has_now():
    model = compiled(seed=7)
    function = _predictors.predict_function(("test_predictors", "now"), "model", model)
    batch = np.random.default_rng(0).random((256, 8)).astype(np.float32)
    before = np.asarray(function(batch)[0]).copy()
    model.set_weights([w + 0.5 for w in model.get_weights()])  # on JAX this replaces the values
    after = np.asarray(function(batch)[0])
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, keras_outputs(model, batch))


@pytest.mark.skipif(BACKEND != "tensorflow", reason="resource handles are TensorFlow's")
def test_a_part_is_bound_once_and_weights_without_handles_take_the_concrete_call():
    model = compiled(seed=4)
    assert _predictors.predict_function(("test_predictors", "bind"), "model", model) is _predictors.predict_function(
        ("test_predictors", "bind"), "model", model
    )
    predictor = _predictors.TensorFlowPredictor(model)
    batch = _batching.aligned_empty((16, 8))
    batch[:] = np.random.default_rng(0).random((16, 8))
    original = batch.copy()
    weights = _predictors._Weights(model)
    by_op = np.asarray(predictor._run(weights, batch)[0])
    assert predictor._traced[(16, 8)][1] is not None  # the op call passed its check
    weights.handles = None
    np.testing.assert_array_equal(np.asarray(predictor._run(weights, batch)[0]), by_op)
    np.testing.assert_array_equal(by_op, np.asarray(model.predict_on_batch(batch)))
    np.testing.assert_array_equal(batch, original)


@pytest.mark.skipif(BACKEND == "tensorflow", reason="TensorFlow's own test is the one above")
def test_a_compiled_call_is_kept_only_where_it_gives_the_uncompiled_outputs(monkeypatch):
    model = compiled(seed=4)
    predictor = _predictors._PREDICTORS[BACKEND](model)
    batch = np.random.default_rng(0).random((16, 8)).astype(np.float32)
    expected = keras_outputs(model, batch)
    np.testing.assert_array_equal(np.asarray(predictor.bind(model)(batch)[0]), expected)
    compiled_call = predictor._traced[(16, 8)]
    assert compiled_call != predictor._stateless and compiled_call != getattr(predictor, "_flat", None)
    # A compiled call whose outputs differ is replaced by the uncompiled one.
    monkeypatch.setattr(_predictors, "_same_outputs", lambda outputs, expected: False)
    np.testing.assert_array_equal(np.asarray(predictor.bind(model)(batch[:5])[0]), expected[:5])
    assert predictor._traced[(5, 8)] in (predictor._stateless, getattr(predictor, "_flat", None))


def test_only_batch_sizes_checked_to_give_the_same_rows_are_used(monkeypatch):
    predictor = _predictors._PREDICTORS[BACKEND](compiled(seed=5))
    size_for_300 = predictor.batch_size(300, (8,))
    assert size_for_300 in (512, _batching.PREDICT_BATCH_SIZE)
    checked = []

    def differs(predict_batch, sample_shape, size):
        checked.append(size)
        return False

    monkeypatch.setattr(_batching, "same_rows", differs)
    below_reference = [
        size for size in (2**i for i in range(12))
        if predictor.smallest_batch <= size < _batching.PREDICT_BATCH_SIZE
    ]
    assert predictor.batch_size(1, (8,)) == _batching.PREDICT_BATCH_SIZE
    assert checked == below_reference  # each refused size gives way to the next power of two
    assert predictor.batch_size(2, (8,)) == _batching.PREDICT_BATCH_SIZE  # the same sizes, checked once
    assert predictor.batch_size(10**6, (8,)) == _batching.PREDICT_BATCH_SIZE
    assert predictor.batch_size(256, (8,)) == _batching.PREDICT_BATCH_SIZE  # the reference, never checked
    assert predictor.batch_size(300, (8,)) == size_for_300  # checked before
    assert checked == [*below_reference, _batching.MAX_PREDICT_BATCH_SIZE]


def test_a_refused_small_batch_gives_way_to_the_smallest_larger_one_that_holds(monkeypatch):
    predictor = _predictors._PREDICTORS[BACKEND](compiled(seed=5))
    monkeypatch.setattr(_batching, "same_rows", lambda predict_batch, sample_shape, size: size >= 32)
    assert predictor.batch_size(1, (8,)) == 32
    assert predictor.batch_size(20, (8,)) == 32
    assert predictor.batch_size(40, (8,)) == 64
    assert {size for size, usable in predictor._usable.items() if not usable} == {
        size for size in (1, 2, 4, 8, 16) if size >= predictor.smallest_batch
    }


def test_the_largest_batch_follows_the_widest_input_or_output():
    kind = _predictors._PREDICTORS[BACKEND]
    narrow = kind(compiled(seed=6))
    wide = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4096)])
    wide_predictor = kind(wide)
    assert narrow.batch_size(10**6, (8,)) in (_batching.MAX_PREDICT_BATCH_SIZE, _batching.PREDICT_BATCH_SIZE)
    assert wide_predictor.batch_size(10**6, (8,)) in (512, _batching.PREDICT_BATCH_SIZE)  # 16 KB rows out
    assert (narrow._largest, wide_predictor._largest) == (_batching.MAX_PREDICT_BATCH_SIZE, 512)


ROW_COUNTS = [1, 255, 256, 257, 1000, _batching.MAX_PREDICT_BATCH_SIZE + 1]
#: Tiny models whose outputs, on this machine, differ in the last bits between
#: a 1-row batch and a larger one (28x28 inputs: long sums).
SENSITIVE = {
    "dense": dict(architecture="dense", latent_dim=8, hidden_layer_sizes=()),
    "conv": dict(architecture="conv", conv_filters=(4, 2)),
}


@pytest.mark.parametrize("architecture", ["dense", "conv"])
def test_a_rows_outputs_do_not_depend_on_the_rows_passed_with_it_bit_for_bit(architecture):
    images = np.random.default_rng(0).random((_batching.MAX_PREDICT_BATCH_SIZE + 100, 28, 28))
    X = images.astype(np.float32) if architecture == "conv" else images
    estimator = AutoencoderTransformer(**SENSITIVE[architecture], epochs=1, batch_size=64, random_state=0)
    estimator.fit(X[:300])
    codes = estimator.transform(X)
    assert_rows_independent(estimator, X, codes, ROW_COUNTS, (1, 700, len(X) - 2))


def test_a_rows_outputs_do_not_depend_on_its_place_in_a_batch_of_a_narrow_table():
    # Three features through ELU and sigmoid: on PyTorch the last elements of
    # a small batch went through scalar activations that differ in the last
    # bit from the vectorised ones (check_methods_subset_invariance failed).
    X = np.random.default_rng(0).normal(scale=3, size=(300, 3))
    estimator = AutoencoderTransformer(
        latent_dim=2, hidden_layer_sizes=(3,), activation="elu", code_activation="elu",
        output_activation="sigmoid", epochs=1, random_state=0,
    ).fit(X)
    assert_rows_independent(estimator, X, estimator.transform(X), (5, 20, 33), (0, 4, 19, 150))


def assert_rows_independent(estimator, X, codes, row_counts, single_rows):
    """Each method's outputs for the first and last ``row_counts`` rows, and for single rows, equal the whole's."""
    for name, rows in {"transform": X, "inverse_transform": codes, "score_samples": X}.items():
        method = getattr(estimator, name)
        whole = method(rows)
        for n_rows in row_counts:
            np.testing.assert_array_equal(method(rows[:n_rows]), whole[:n_rows])
            np.testing.assert_array_equal(method(rows[-n_rows:]), whole[-n_rows:])
        for row in single_rows:
            np.testing.assert_array_equal(method(rows[row : row + 1]), whole[row : row + 1])

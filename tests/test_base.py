"""The shared base: random state, global state, persistence, validation."""

import concurrent.futures
import copy
import io
import os
import pickle
import random
import signal
import subprocess
import sys

import joblib
import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

# TensorFlow has a public setter for op determinism but no public getter.
from tensorflow.python.framework.config import is_op_determinism_enabled

from conftest import SMALL, BatchCounter, grouped_steps_only, tensorflow_only
from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae._batching import PREDICT_BATCH_SIZE
from skae.exceptions import InconsistentVersionWarning


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
    with pytest.warns(InconsistentVersionWarning, match="pickled with skae 0.0.1"):
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
# Inputs
# --------------------------------------------------------------------------- #
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


@pytest.mark.parametrize("estimator_class", [AutoencoderTransformer, DenoisingAutoencoder])
def test_read_only_and_memory_mapped_inputs_are_not_modified(estimator_class, digits, tmp_path):
    path = tmp_path / "digits.npy"
    np.save(path, digits[:300])
    mapped = np.load(path, mmap_mode="r")
    model = estimator_class(latent_dim=3, **SMALL).fit(mapped)
    codes = model.transform(mapped)
    codes.setflags(write=False)
    model.inverse_transform(codes)
    model.score(mapped)
    if hasattr(model, "denoise"):
        model.denoise(mapped)
        model.fit(mapped, mapped)
    np.testing.assert_array_equal(np.load(path), digits[:300])


# --------------------------------------------------------------------------- #
# Out-of-core training: partial_fit and memmaps
# --------------------------------------------------------------------------- #
def weights(estimator):
    return [np.asarray(w) for w in estimator.model_.weights]


def assert_same_weights(first, second):
    for a, b in zip(weights(first), weights(second), strict=True):
        np.testing.assert_array_equal(a, b)


def test_first_partial_fit_is_a_one_epoch_fit(digits):
    streamed = AutoencoderTransformer(latent_dim=4, **SMALL).partial_fit(digits)
    fitted = AutoencoderTransformer(latent_dim=4, **{**SMALL, "epochs": 1}).fit(digits)
    assert streamed.n_iter_ == 1 and streamed.history_ == fitted.history_
    assert_same_weights(streamed, fitted)


def test_partial_fit_keeps_the_optimizer_state_between_calls(digits):
    # Without shuffling, two passes of partial_fit train on the same batches
    # as a 2-epoch fit: identical weights only if Adam's moments and step
    # count carry over from the first call to the second.
    params = dict(latent_dim=4, shuffle=False, **SMALL)
    streamed = AutoencoderTransformer(**params).partial_fit(digits).partial_fit(digits)
    fitted = AutoencoderTransformer(**params).fit(digits)
    assert int(streamed.model_.optimizer.iterations) == 2 * 29
    assert streamed.n_iter_ == 2 and streamed.history_ == fitted.history_
    assert_same_weights(streamed, fitted)


def test_partial_fit_over_chunks_is_reproducible_and_seeded(digits):
    def stream(random_state):
        ae = AutoencoderTransformer(latent_dim=4, batch_size=64, random_state=random_state)
        for chunk in np.array_split(digits, 3):
            ae.partial_fit(chunk)
        return ae

    first, second, other = stream(0), stream(0), stream(1)
    assert first.n_iter_ == 3 and len(first.history_["loss"]) == 3
    assert_same_weights(first, second)
    assert not np.array_equal(first.transform(digits), other.transform(digits))


@grouped_steps_only
def test_each_chunk_runs_in_groups_that_fit_its_batches(digits):
    # Keras calls batch hooks once per group of batches it runs in one call.
    counter = BatchCounter()
    ae = AutoencoderTransformer(latent_dim=4, callbacks=[counter], **SMALL)
    ae.partial_fit(digits[:1792])  # 28 batches: one group
    assert counter.batches == 1
    ae.partial_fit(digits[:640])  # 10 batches: one group
    assert counter.batches == 2
    ae.partial_fit(digits[:592].repeat(4, axis=0)[:2368])  # 37 batches: groups of 32 and 5
    assert counter.batches == 4
    assert int(ae.model_.optimizer.iterations) == 28 + 10 + 37


def test_partial_fit_survives_pickling_between_calls(digits):
    first_chunk, second_chunk = np.array_split(digits, 2)
    ae = AutoencoderTransformer(latent_dim=4, **SMALL).partial_fit(first_chunk)
    loaded = pickle.loads(pickle.dumps(ae))
    assert_same_weights(ae.partial_fit(second_chunk), loaded.partial_fit(second_chunk))
    # The encoder still shares the weights partial_fit trained.
    np.testing.assert_array_equal(loaded.transform(digits), ae.transform(digits))


def test_partial_fit_continues_a_fit_and_fit_starts_over(fitted_dense, digits):
    ae = copy.deepcopy(fitted_dense)
    ae.partial_fit(digits[:500])
    assert ae.n_iter_ == fitted_dense.n_iter_ + 1
    assert len(ae.history_["loss"]) == ae.n_iter_
    assert not np.array_equal(ae.transform(digits), fitted_dense.transform(digits))
    ae.fit(digits)
    assert ae.n_iter_ == fitted_dense.n_iter_
    np.testing.assert_array_equal(ae.transform(digits), fitted_dense.transform(digits))


class EpochRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_callbacks_see_partial_fit_passes_as_successive_epochs(digits):
    recorder = EpochRecorder()
    ae = AutoencoderTransformer(latent_dim=4, callbacks=[recorder], **SMALL)
    for chunk in np.array_split(digits, 3):
        ae.partial_fit(chunk)
    assert recorder.epochs == [0, 1, 2]


def test_a_failed_partial_fit_leaves_the_estimator_as_it_was(fitted_dense, digits):
    ae = copy.deepcopy(fitted_dense)
    before = weights(ae)
    with pytest.raises(ValueError, match="X has 63 features"):
        ae.partial_fit(digits[:, :63])
    bad = digits[:100].copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ae.partial_fit(bad)
    assert ae.n_iter_ == fitted_dense.n_iter_
    for a, b in zip(weights(ae), before):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- #
# Rollback: a partial_fit that fails in training changes nothing
# --------------------------------------------------------------------------- #
class RaiseAtBatch(keras.callbacks.Callback):
    """A user's callback that fails after the first group of batches."""

    def on_train_batch_end(self, batch, logs=None):
        raise RuntimeError("the callback failed")


class SigintAtBatch(keras.callbacks.Callback):
    """Ctrl-C after the first group of batches."""

    def on_train_batch_end(self, batch, logs=None):
        os.kill(os.getpid(), signal.SIGINT)


FAILURES = {
    "divergence": (dict(), lambda X: X * 1e20, ValueError, "Training diverged"),  # squared errors overflow float32
    "Ctrl-C": (dict(on_interrupt="raise", callbacks=[SigintAtBatch()]), lambda X: X, KeyboardInterrupt, None),
    "callback error": (dict(callbacks=[RaiseAtBatch()]), lambda X: X, RuntimeError, "the callback failed"),
}


def full_state(estimator):
    model = estimator.model_
    return {
        "variables": [np.asarray(v) for v in model.variables + model.optimizer.variables],
        "n_iter_": estimator.n_iter_,
        "history_": copy.deepcopy(estimator.history_),
        "pass_seed": estimator._pass_seed,
    }


def assert_same_state(first, second):
    for a, b in zip(first["variables"], second["variables"], strict=True):
        np.testing.assert_array_equal(a, b)
    assert {k: v for k, v in first.items() if k != "variables"} == {
        k: v for k, v in second.items() if k != "variables"
    }


@pytest.mark.parametrize("strategy", [None, pytest.param("one device", marks=tensorflow_only)])
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_partial_fit_failing_in_training_is_rolled_back_entirely(failure, strategy, digits, sigint_raises):
    failing_params, make_input, error, message = FAILURES[failure]
    distribute = None if strategy is None else tf.distribute.OneDeviceStrategy("/cpu:0")
    params = dict(latent_dim=4, batch_size=64, random_state=0, distribute=distribute)
    first_chunk, second_chunk = digits[:900], digits[900:]
    failing = AutoencoderTransformer(**params).partial_fit(first_chunk)
    twin = AutoencoderTransformer(**params).partial_fit(first_chunk)
    before, codes = full_state(failing), failing.transform(digits)
    failing.set_params(**failing_params)
    with pytest.raises(error, match=message):
        failing.partial_fit(make_input(second_chunk))
    failing.set_params(**{name: AutoencoderTransformer().get_params()[name] for name in failing_params})
    assert_same_state(full_state(failing), before)
    np.testing.assert_array_equal(failing.transform(digits), codes)
    # The next call gives what it would have had the failed call never happened.
    assert_same_state(full_state(failing.partial_fit(second_chunk)), full_state(twin.partial_fit(second_chunk)))


def test_a_seed_generator_in_the_model_rolls_back_with_the_weights(digits):
    def noisy_architecture(input_shape, latent_dim):
        inputs = keras.Input(input_shape)
        codes = keras.layers.Dense(latent_dim, activation="relu")(keras.layers.GaussianNoise(0.1, seed=1)(inputs))
        code_inputs = keras.Input((latent_dim,))
        outputs = keras.layers.Dense(input_shape[0], activation="sigmoid")(code_inputs)
        return keras.Model(inputs, codes), keras.Model(code_inputs, outputs)

    ae = AutoencoderTransformer(3, architecture=noisy_architecture, batch_size=64, random_state=0)
    ae.partial_fit(digits)
    seed_state = [np.asarray(v) for v in ae.model_.non_trainable_variables]
    assert seed_state  # the GaussianNoise layer's seed generator
    with pytest.raises(ValueError, match="Training diverged"):
        ae.partial_fit(digits * 1e20)
    for a, b in zip(ae.model_.non_trainable_variables, seed_state, strict=True):
        np.testing.assert_array_equal(np.asarray(a), b)
    ae.partial_fit(digits)
    assert not all(np.array_equal(np.asarray(a), b) for a, b in zip(ae.model_.non_trainable_variables, seed_state))


def test_denoiser_partial_fit_takes_the_value_range_from_the_first_chunk(digits):
    dae = DenoisingAutoencoder(latent_dim=4, **SMALL)
    dae.partial_fit(digits[:500] * 0.5)
    dae.partial_fit(digits[500:1000])
    assert dae.value_range_ == (0.0, 0.5) and dae.n_iter_ == 2
    pairs = DenoisingAutoencoder(latent_dim=4, **SMALL).partial_fit(digits[:500], digits[:500])
    assert pairs.n_iter_ == 1


def test_fit_reads_a_memmap_without_copying_it(digits, tmp_path):
    path = tmp_path / "digits.npy"
    np.save(path, digits.astype(np.float32))
    mapped = np.load(path, mmap_mode="r")
    ae = AutoencoderTransformer(latent_dim=4, **SMALL)
    assert np.shares_memory(ae._validate_samples(mapped, reset=True), mapped)
    from_memmap = AutoencoderTransformer(latent_dim=4, **SMALL).fit(mapped)
    in_memory = AutoencoderTransformer(latent_dim=4, **SMALL).fit(np.array(mapped))
    assert_same_weights(from_memmap, in_memory)
    chunked = AutoencoderTransformer(latent_dim=4, **SMALL)
    for start in range(0, len(mapped), 600):
        chunked.partial_fit(mapped[start : start + 600])
    assert chunked.n_iter_ == 3


# --------------------------------------------------------------------------- #
# Persistence across processes, export, threads
# --------------------------------------------------------------------------- #
def test_a_pickle_loads_in_a_fresh_process_with_identical_output(fitted_dense, digits, tmp_path):
    model_path, data_path, out_path = tmp_path / "model.joblib", tmp_path / "X.npy", tmp_path / "codes.npy"
    joblib.dump(fitted_dense, model_path)
    np.save(data_path, digits)
    script = (
        "import joblib, numpy as np;"
        f"model = joblib.load({str(model_path)!r});"
        f"np.save({str(out_path)!r}, model.transform(np.load({str(data_path)!r})))"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300, env=env)
    np.testing.assert_array_equal(np.load(out_path), fitted_dense.transform(digits))


def test_encoder_and_decoder_export_as_keras_files(fitted_dense, digits, tmp_path):
    fitted_dense.encoder_.save(tmp_path / "encoder.keras")
    fitted_dense.decoder_.save(tmp_path / "decoder.keras")
    encoder = keras.saving.load_model(tmp_path / "encoder.keras")
    decoder = keras.saving.load_model(tmp_path / "decoder.keras")
    X = digits[:256].astype(np.float32)  # one prediction batch, as skae runs it
    codes = np.asarray(encoder.predict_on_batch(X))
    np.testing.assert_array_equal(codes, fitted_dense.transform(X))
    np.testing.assert_array_equal(np.asarray(decoder.predict_on_batch(codes)), fitted_dense.inverse_transform(codes))


def test_transform_from_eight_threads_matches_serial_calls(digits):
    model = AutoencoderTransformer(latent_dim=4, **SMALL).fit(digits)  # fresh: no cached predict function
    chunks = [digits[i::8] for i in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            threaded = list(pool.map(model.transform, chunks))
            for chunk, codes in zip(chunks, threaded):
                np.testing.assert_array_equal(codes, model.transform(chunk))


# --------------------------------------------------------------------------- #
# Hooks: what a variational autoencoder needs of the base
# --------------------------------------------------------------------------- #
@keras.saving.register_keras_serializable(package="skae_tests")
class GaussianSampler(keras.layers.Layer):
    """Draws codes from (means, log-variances) and adds the KL term to the loss."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        self.add_loss(-0.5 * keras.ops.mean(1 + log_var - mean**2 - keras.ops.exp(log_var)))
        noise = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        return mean + keras.ops.exp(0.5 * log_var) * noise

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def two_headed_encoder(input_shape, latent_dim):
    inputs = keras.Input(input_shape)
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    mean, log_var = keras.layers.Dense(latent_dim)(hidden), keras.layers.Dense(latent_dim)(hidden)
    code_inputs = keras.Input((latent_dim,))
    outputs = keras.layers.Dense(input_shape[0], activation="sigmoid")(code_inputs)
    return keras.Model(inputs, [mean, log_var], name="encoder"), keras.Model(code_inputs, outputs, name="decoder")


class SamplingAutoencoder(AutoencoderTransformer):
    """An encoder with two outputs, a sampler and an extra loss term between it and the decoder."""

    def _compose_model(self, encoder, decoder, input_shape, seed=None):
        inputs = keras.Input(input_shape)
        codes = GaussianSampler(seed=self.latent_dim, name="sampler")(encoder(inputs))
        return keras.Model(inputs, decoder(codes))

    def _score_samples(self, X):
        return -np.sum(self.transform(X) ** 2, axis=1)  # any per-sample score


def test_hooks_carry_a_two_output_encoder_a_sampler_and_an_extra_loss(digits):
    params = dict(latent_dim=3, architecture=two_headed_encoder, batch_size=64, random_state=0)
    model = SamplingAutoencoder(epochs=2, **params).fit(digits)
    codes = model.transform(digits)
    assert codes.shape == (1797, 3) and model.get_feature_names_out().shape == (3,)
    np.testing.assert_array_equal(codes, model.transform(digits))  # the means: deterministic
    assert model.inverse_transform(codes).shape == (1797, 64)
    np.testing.assert_array_equal(model.score_samples(digits), -np.sum(codes**2, axis=1))
    model.model_(digits[:8].astype(np.float32))
    assert len(model.model_.losses) == 1  # the KL term, added in the forward pass
    refit = SamplingAutoencoder(epochs=2, **params).fit(digits)
    np.testing.assert_array_equal(refit.transform(digits), codes)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.transform(digits), codes)
    sampler_state = np.asarray(model.model_.get_layer("sampler").seed_generator.state)
    with pytest.raises(ValueError, match="Training diverged"):
        model.partial_fit(digits * 1e20)
    np.testing.assert_array_equal(np.asarray(model.model_.get_layer("sampler").seed_generator.state), sampler_state)

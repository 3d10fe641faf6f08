"""skae._engines: compiled models shared across fits, and what that buys."""

import copy
import functools
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from conftest import SMALL
from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae import _engines
from skae.architectures import compose_autoencoder, dense_autoencoder


def compiled(seed=0, units=4):
    model = compose_autoencoder(*dense_autoencoder((8,), units, seed=seed))
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    model.optimizer.build(model.trainable_variables)
    return model


def key(**params):
    return _engines.make_key(AutoencoderTransformer, {"latent_dim": 4, **params}, (8,))


def test_keys_compare_settings_by_value_and_callables_by_identity():
    assert key(optimizer=keras.optimizers.Adam(0.01)) == key(optimizer=keras.optimizers.Adam(0.01))
    assert key(optimizer=keras.optimizers.Adam(0.01)) != key(optimizer=keras.optimizers.Adam(0.02))
    assert key(hidden_layer_sizes=[4]) == key(hidden_layer_sizes=(4,))

    def make_activation(slope):
        return lambda x: slope * x

    assert key(activation=make_activation(1)) != key(activation=make_activation(1))
    assert key(callbacks=[{}]) is None  # unhashable: no sharing
    # clone deep-copies a partial: equal parts, equal keys.
    assert key(architecture=functools.partial(dense_autoencoder, hidden_layer_sizes=(3,))) == key(
        architecture=copy.deepcopy(functools.partial(dense_autoencoder, hidden_layer_sizes=(3,)))
    )


def test_an_engine_is_lent_again_after_a_success_but_not_after_a_failure():
    made = []

    def build():
        made.append(_engines.Engine(compiled()))
        return made[-1]

    engine_key = ("test_engines", "lend")
    with _engines.checkout(engine_key, build) as first:
        pass
    with _engines.checkout(engine_key, build) as second:
        assert second is first
        with _engines.checkout(engine_key, build) as third:  # the first is lent out
            assert third is not first
    with pytest.raises(RuntimeError), _engines.checkout(engine_key, build) as failed:
        raise RuntimeError
    with _engines.checkout(engine_key, build) as after:
        assert after is not failed
    assert len(made) == 2


def test_idle_engines_are_bounded_while_others_are_lent():
    def build():
        return _engines.Engine(compiled())

    with _engines.checkout(("test_engines", "lent"), build):
        pass
    with _engines.checkout(("test_engines", "lent"), build):  # the oldest key, lent out meanwhile
        for index in range(_engines.MAX_IDLE_ENGINES + 5):
            with _engines.checkout(("test_engines", "bound", index), build):
                pass
    assert sum(len(engines) for engines in _engines._idle.values()) <= _engines.MAX_IDLE_ENGINES
    assert all(_engines._idle.values())  # no key is left without engines


def test_load_and_store_copy_weights_and_optimizer_state_and_check_the_shapes():
    source, target = compiled(seed=1), compiled(seed=2)
    source.optimizer.iterations.assign(7)
    engine = _engines.Engine(compiled(seed=3))
    engine.load(source)
    engine.store(target)
    for a, b in zip(source.variables + source.optimizer.variables, target.variables + target.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(RuntimeError, match="does not match"):
        engine.load(compiled(units=3))


def test_a_fit_on_a_reused_engine_equals_one_on_a_new_engine(digits):
    # latent_dim=5 is used by no other test: the first fit builds the engine.
    params = dict(latent_dim=5, hidden_layer_sizes=(7,), **SMALL)
    first = AutoencoderTransformer(**params).fit(digits)
    assert any(key[0] == first._engine_key for key in _engines._idle)
    second = AutoencoderTransformer(**params).fit(digits)
    np.testing.assert_array_equal(first.transform(digits), second.transform(digits))
    for a, b in zip(first.model_.optimizer.variables, second.model_.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_training_settings_share_an_engine_and_model_settings_do_not(digits):
    base = AutoencoderTransformer(latent_dim=3, **SMALL).fit(digits[:200])
    noisy = DenoisingAutoencoder(latent_dim=3, noise="masking", **SMALL).fit(digits[:200])
    assert AutoencoderTransformer(latent_dim=3, epochs=1, verbose=0).fit(digits[:200])._engine_key == base._engine_key
    assert AutoencoderTransformer(latent_dim=3, activation="tanh", **SMALL).fit(digits[:200])._engine_key != base._engine_key
    assert noisy._engine_key != base._engine_key  # another estimator class


GRID_SEARCH_SCRIPT = textwrap.dedent(
    """
    import logging
    from sklearn.datasets import load_digits
    from sklearn.model_selection import GridSearchCV
    from skae import AutoencoderTransformer

    messages = []

    class Recorder(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    logging.getLogger("tensorflow").addHandler(Recorder())
    search = GridSearchCV(
        AutoencoderTransformer(hidden_layer_sizes=(), epochs=10, batch_size=64, random_state=0),
        {"latent_dim": list(range(1, 21))}, cv=3,
    ).fit(load_digits().data[:300] / 16.0)
    print(len(search.cv_results_["params"]), sum("retracing" in message for message in messages))
    """
)


def test_a_grid_search_of_20_candidates_prints_no_retracing_warning():
    # In a fresh process, as a user's script runs it: TensorFlow counts
    # traces per Python function for the whole process. 20 architectures
    # trace Keras's train function 20 times, each called 10 times a fold;
    # predictions run concrete functions, traced once per architecture.
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-c", GRID_SEARCH_SCRIPT], capture_output=True, text=True, env=environment, timeout=600
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.split() == ["20", "0"]

"""Training on several devices (the ``distribute`` parameter).

On TensorFlow it takes a tf.distribute.Strategy, on JAX a
keras.distribution.DataParallel; PyTorch refuses it. Two CPU devices can only
be configured before the backend starts, so the two-device fits run in a fresh
Python process: a MirroredStrategy over two logical CPUs, and a DataParallel
over two host devices (``XLA_FLAGS``). Each backend's suite runs its own.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import keras
import pytest
import tensorflow as tf
from sklearn.base import clone

from conftest import SMALL, tensorflow_only
from skae import AutoencoderTransformer, DenoisingAutoencoder

BACKEND = keras.backend.backend()

MIRRORED_SCRIPT = textwrap.dedent(
    """
    import json, pickle
    import keras
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    from sklearn.base import clone
    from sklearn.datasets import load_digits
    from skae import AutoencoderTransformer, DenoisingAutoencoder

    X = load_digits().data[:1792] / 16.0  # 28 batches of 64, 32 rows per replica
    X_before = X.copy()
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    results = {"replicas": strategy.num_replicas_in_sync}
    class BatchCounter(keras.callbacks.Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1

    for estimator_class in (AutoencoderTransformer, DenoisingAutoencoder):
        params = dict(latent_dim=4, batch_size=64, epochs=2, random_state=0)
        counter = BatchCounter()
        mirrored = estimator_class(distribute=strategy, callbacks=[counter], **params).fit(X)
        mirrored.set_params(callbacks=None)
        single = estimator_class(**params).fit(X)
        codes = mirrored.transform(X)
        loaded = pickle.loads(pickle.dumps(mirrored))
        mirrored.partial_fit(X[:640])
        weights_before = [np.asarray(w) for w in mirrored.model_.weights]
        try:
            mirrored.partial_fit(X * 1e20)
        except ValueError as error:
            diverged = "Training diverged" in str(error)
        rolled_back = diverged and all(
            np.array_equal(a, np.asarray(b)) for a, b in zip(weights_before, mirrored.model_.weights)
        )
        results[estimator_class.__name__] = {
            "divergence_rolled_back": bool(rolled_back and mirrored.n_iter_ == 3),
            "max_weight_difference": max(
                float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                for a, b in zip(loaded.model_.weights, single.model_.weights)
            ),
            "losses": [mirrored.history_["loss"], single.history_["loss"]],
            "codes_shape": list(codes.shape),
            "codes_match_the_loaded_copy": bool(np.array_equal(codes, loaded.transform(X))),
            "loaded_distribute": repr(loaded.distribute),
            "n_iter_after_partial_fit": mirrored.n_iter_,
            "batch_hook_calls": counter.batches,
        }
    uneven = AutoencoderTransformer(latent_dim=2, batch_size=31, distribute=strategy)
    try:
        uneven.fit(X)
    except ValueError as error:
        results["uneven_batch_error"] = str(error)
    odd_rows = AutoencoderTransformer(
        latent_dim=2, batch_size=64, epochs=1, validation_split=0.1, distribute=strategy
    ).fit(X[:1001])
    results["odd_rows_val_loss"] = odd_rows.history_["val_loss"]
    results["clone_has_a_strategy"] = type(clone(uneven).distribute).__name__
    one_worker = AutoencoderTransformer(
        latent_dim=4, batch_size=64, epochs=2, random_state=0,
        distribute=tf.distribute.MultiWorkerMirroredStrategy(),
    ).fit(X)
    plain = AutoencoderTransformer(latent_dim=4, batch_size=64, epochs=2, random_state=0).fit(X)
    results["one_worker_equals_plain"] = all(
        np.array_equal(np.asarray(a), np.asarray(b))
        for a, b in zip(one_worker.model_.weights, plain.model_.weights)
    )
    results["X_unchanged"] = bool(np.array_equal(X, X_before))
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def mirrored_results():
    """Fits under a MirroredStrategy over two logical CPUs, in a fresh process."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        capture_output=True, text=True, env=environment, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@tensorflow_only
@pytest.mark.parametrize("name", ["AutoencoderTransformer", "DenoisingAutoencoder"])
def test_mirrored_training_matches_single_device_training(mirrored_results, name):
    result = mirrored_results[name]
    assert mirrored_results["replicas"] == 2
    # Each replica takes half of every batch and their gradients are summed:
    # the same updates, up to float32 rounding.
    assert result["max_weight_difference"] < 1e-6
    mirrored_losses, single_losses = result["losses"]
    assert mirrored_losses[:2] == pytest.approx(single_losses, rel=1e-5)
    # Grouped steps fail with more than one replica: one batch per call,
    # so Keras called the batch hooks for each of the 2 x 28 batches.
    assert result["batch_hook_calls"] == 56


@tensorflow_only
@pytest.mark.parametrize("name", ["AutoencoderTransformer", "DenoisingAutoencoder"])
def test_a_mirrored_fit_predicts_pickles_and_trains_on(mirrored_results, name):
    result = mirrored_results[name]
    assert result["codes_shape"] == [1792, 4]  # one code per row, not one per replica
    assert result["codes_match_the_loaded_copy"]
    assert result["loaded_distribute"] == "None"
    assert result["n_iter_after_partial_fit"] == 3
    assert result["divergence_rolled_back"]


@tensorflow_only
def test_mirrored_training_checks_batches_and_leaves_data_alone(mirrored_results):
    assert "batch_size=31 does not split evenly over the 2 replicas" in mirrored_results["uneven_batch_error"]
    assert len(mirrored_results["odd_rows_val_loss"]) == 1  # 901 training rows: 900 used
    assert mirrored_results["clone_has_a_strategy"] == "MirroredStrategy"
    assert mirrored_results["X_unchanged"]


@tensorflow_only
def test_a_single_worker_multi_worker_strategy_trains_like_no_strategy(mirrored_results):
    # Without TF_CONFIG, MultiWorkerMirroredStrategy has one worker and one
    # replica. (With two workers Keras 3.15 fails before the first batch, for
    # plain Keras models too: keras-team/keras#20585; see docs/scaling.rst.)
    assert mirrored_results["one_worker_equals_plain"]


# --------------------------------------------------------------------------- #
# In this process: one CPU device
# --------------------------------------------------------------------------- #
@tensorflow_only
def test_a_one_device_strategy_trains_like_no_strategy(digits):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    on_device = AutoencoderTransformer(latent_dim=4, distribute=strategy, **SMALL).fit(digits)
    plain = AutoencoderTransformer(latent_dim=4, **SMALL).fit(digits)
    assert on_device.model_.distribute_strategy is not strategy  # trained on an engine in its scope
    assert on_device.transform(digits).shape == (len(digits), 4)
    assert on_device.history_["loss"] == pytest.approx(plain.history_["loss"], rel=1e-5)
    assert clone(on_device).distribute is not strategy  # clone deep-copies parameters
    assert pickle.loads(pickle.dumps(on_device)).distribute is None
    assert on_device.distribute is strategy  # pickling left the estimator alone


@tensorflow_only
@pytest.mark.parametrize(
    "distribute, error, message",
    [
        ("mirrored", ValueError, "'distribute' parameter"),
        (tf.distribute.get_strategy(), ValueError, "default strategy"),
        (tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]), ValueError, "devices this process does not have"),
    ],
    ids=["string", "default strategy", "missing device"],
)
@pytest.mark.parametrize("estimator_class", [AutoencoderTransformer, DenoisingAutoencoder])
def test_bad_strategies_are_rejected_before_training(estimator_class, distribute, error, message, digits):
    # A MirroredStrategy over a device that does not exist would hang in fit.
    with pytest.raises(error, match=message):
        estimator_class(distribute=distribute, **SMALL).fit(digits)


@pytest.mark.skipif(BACKEND != "torch", reason="TensorFlow and JAX train on several devices")
def test_pytorch_refuses_to_distribute_before_training(digits):
    with pytest.raises(ValueError, match="Keras is using 'torch'; leave distribute=None"):
        AutoencoderTransformer(distribute=tf.distribute.OneDeviceStrategy("/cpu:0"), **SMALL).fit(digits)


@pytest.mark.skipif(BACKEND != "jax", reason="JAX's own test")
def test_jax_refuses_a_tensorflow_strategy_before_training(digits):
    with pytest.raises(TypeError, match="must be a keras.distribution.DataParallel"):
        AutoencoderTransformer(distribute=tf.distribute.OneDeviceStrategy("/cpu:0"), **SMALL).fit(digits)


@tensorflow_only
def test_tensorflow_refuses_a_keras_data_parallel_before_training(digits):
    with pytest.raises(ValueError, match="got a keras.distribution.DataParallel.*set KERAS_BACKEND=jax"):
        AutoencoderTransformer(distribute=keras.distribution.DataParallel(), **SMALL).fit(digits)


# --------------------------------------------------------------------------- #
# JAX: a DataParallel over two host devices, in a fresh process
# --------------------------------------------------------------------------- #
DATA_PARALLEL_SCRIPT = textwrap.dedent(
    """
    import json, pickle
    import keras
    import numpy as np
    from sklearn.base import clone
    from sklearn.datasets import load_digits
    from skae import AutoencoderTransformer, DenoisingAutoencoder

    def to_numpy(weights):
        return [keras.ops.convert_to_numpy(w) for w in weights]

    X = load_digits().data[:1792] / 16.0  # 28 batches of 64, 32 rows per device
    X_before = X.copy()
    strategy = keras.distribution.DataParallel()
    results = {"replicas": len(strategy.device_mesh.devices)}

    class DistributionRecorder(keras.callbacks.Callback):
        # Keras's JAX trainer shards each batch by the distribution it finds here.
        def on_train_batch_begin(self, batch, logs=None):
            self.distribution = keras.distribution.distribution()

    for estimator_class in (AutoencoderTransformer, DenoisingAutoencoder):
        params = dict(latent_dim=4, batch_size=64, epochs=2, random_state=0)
        recorder = DistributionRecorder()
        parallel = estimator_class(distribute=strategy, callbacks=[recorder], **params).fit(X)
        parallel.set_params(callbacks=None)
        single = estimator_class(**params).fit(X)
        codes = parallel.transform(X)
        loaded = pickle.loads(pickle.dumps(parallel))
        parallel.partial_fit(X[:640])
        weights_before = to_numpy(parallel.model_.weights)
        try:
            parallel.partial_fit(X * 1e20)
        except ValueError as error:
            diverged = "Training diverged" in str(error)
        results[estimator_class.__name__] = {
            "divergence_rolled_back": bool(diverged and all(
                np.array_equal(a, b) for a, b in zip(weights_before, to_numpy(parallel.model_.weights))
            ) and parallel.n_iter_ == 3),
            "max_weight_difference": max(
                float(np.max(np.abs(a - b)))
                for a, b in zip(to_numpy(loaded.model_.weights), to_numpy(single.model_.weights))
            ),
            "losses": [parallel.history_["loss"], single.history_["loss"]],
            "codes_shape": list(codes.shape),
            "codes_match_the_loaded_copy": bool(np.array_equal(codes, loaded.transform(X))),
            "loaded_distribute": repr(loaded.distribute),
            "clone_distribute": type(clone(parallel).distribute).__name__,
            "trained_under_the_distribution": recorder.distribution is strategy,
        }
    try:
        AutoencoderTransformer(latent_dim=2, batch_size=31, distribute=strategy).fit(X)
    except ValueError as error:
        results["uneven_batch_error"] = str(error)
    results["X_unchanged"] = bool(np.array_equal(X, X_before))
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def data_parallel_results():
    """Fits under a DataParallel over two host devices on JAX, in a fresh process."""
    environment = {
        **os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "jax",
        "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
    }
    completed = subprocess.run(
        [sys.executable, "-c", DATA_PARALLEL_SCRIPT],
        capture_output=True, text=True, env=environment, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


jax_only = pytest.mark.skipif(BACKEND != "jax", reason="keras.distribution trains skae only on JAX")


@jax_only
@pytest.mark.parametrize("name", ["AutoencoderTransformer", "DenoisingAutoencoder"])
def test_data_parallel_training_matches_single_device_training(data_parallel_results, name):
    result = data_parallel_results[name]
    assert data_parallel_results["replicas"] == 2
    # Each device takes half of every batch and the gradients are averaged:
    # the same updates, up to float32 rounding.
    assert result["max_weight_difference"] < 1e-6
    parallel_losses, single_losses = result["losses"]
    assert parallel_losses[:2] == pytest.approx(single_losses, rel=1e-5)
    assert result["trained_under_the_distribution"]


@jax_only
@pytest.mark.parametrize("name", ["AutoencoderTransformer", "DenoisingAutoencoder"])
def test_a_data_parallel_fit_predicts_pickles_rolls_back_and_clones(data_parallel_results, name):
    result = data_parallel_results[name]
    assert result["codes_shape"] == [1792, 4]
    assert result["codes_match_the_loaded_copy"]
    assert result["loaded_distribute"] == "None"
    assert result["divergence_rolled_back"]
    assert result["clone_distribute"] == "DataParallel"


@jax_only
def test_data_parallel_training_checks_batches_and_leaves_data_alone(data_parallel_results):
    assert "batch_size=31 does not split evenly over the 2 replicas" in data_parallel_results["uneven_batch_error"]
    assert data_parallel_results["X_unchanged"]

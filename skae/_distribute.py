"""Training on several devices: a ``tf.distribute.Strategy`` or a ``keras.distribution.DataParallel``.

The estimators' ``distribute`` parameter takes, on Keras's TensorFlow backend,
a strategy (``MirroredStrategy`` for several GPUs, ``MultiWorkerMirroredStrategy``
across machines), and on JAX a ``keras.distribution.DataParallel`` (over the
devices JAX sees). Keras 3 trains under either when the model and
its optimizer are created in its scope; on JAX the fit itself must run in the
scope too, since Keras's JAX trainer reads the distribution there to shard each
batch. The rest of this module works around what was measured to go wrong with
TensorFlow 2.21 and Keras 3.15 on a ``MirroredStrategy`` over two logical CPUs:

* with more than one replica, running several batches per call of the train
  function fails ("You must feed a value for placeholder tensor", the same
  frame as keras-team/keras#19246), so such fits run one batch per call
  (JAX's grouped steps work under ``DataParallel``);
* a Python generator given to ``fit`` loses the batches Keras reads ahead to
  build its distributed functions, so batches are fed through
  ``tf.data.Dataset.from_generator``, which restarts skae's seeded batches;
* replicas overwrote a batch yielded as both input and target (and so the
  caller's data), so targets are a copy;
* a batch that does not split evenly over the replicas fails (the first) or
  weighs rows unequally, so batches hold a multiple of the replica count;
* ``predict_on_batch`` on a model built in the scope returned each row once
  per replica, so only the training engine is built in the scope
  (:mod:`skae._engines`): the estimator's own model stays outside it, and the
  trained weights are copied across.
"""

import contextlib


def is_data_parallel(strategy):
    """Whether ``strategy`` is a ``keras.distribution.DataParallel`` (else a ``tf.distribute`` one)."""
    import keras

    return isinstance(strategy, keras.distribution.DataParallel)


def check_strategy(strategy, batch_size):
    """Reject what cannot train: the wrong kind for the backend, the default strategy, missing devices, uneven batches."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        _check_data_parallel(strategy)
    elif backend == "tensorflow":
        _check_tensorflow_strategy(strategy)
    else:
        raise ValueError(
            "distribute trains on several devices on Keras's TensorFlow backend (a "
            "tf.distribute.Strategy) or its JAX backend (keras.distribution.DataParallel), "
            f"and Keras is using {backend!r}; leave distribute=None or set KERAS_BACKEND."
        )
    replicas = n_replicas(strategy)
    if batch_size % replicas:
        raise ValueError(
            f"batch_size={batch_size} does not split evenly over the {replicas} "
            f"replicas of distribute; use a multiple of {replicas}."
        )


def _check_data_parallel(strategy):
    if not is_data_parallel(strategy):
        raise TypeError(
            "On Keras's JAX backend distribute must be a keras.distribution.DataParallel "
            f"(e.g. keras.distribution.DataParallel()) or None, got {strategy!r}; "
            "tf.distribute strategies train only on the TensorFlow backend."
        )


def _check_tensorflow_strategy(strategy):
    if is_data_parallel(strategy):
        raise ValueError(
            "distribute got a keras.distribution.DataParallel, which skae trains with on "
            "Keras's JAX backend, and Keras is using 'tensorflow'; pass a "
            "tf.distribute.Strategy (e.g. tf.distribute.MirroredStrategy()) or set KERAS_BACKEND=jax."
        )
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(
            "distribute must be a tf.distribute.Strategy (e.g. "
            f"tf.distribute.MirroredStrategy()) or None, got {strategy!r}."
        )
    if not tf.distribute.has_strategy() and strategy is tf.distribute.get_strategy():
        raise ValueError(
            "distribute got TensorFlow's default strategy, which does not "
            "distribute anything; pass None instead."
        )
    # A MirroredStrategy over a device that does not exist builds without
    # complaint and then hangs in fit.
    known = {device.name.rpartition("device:")[2] for device in tf.config.list_logical_devices()}
    missing = [
        device for device in strategy.extended.worker_devices
        if device.rpartition("device:")[2] not in known
    ]
    if missing:
        raise ValueError(
            f"distribute uses devices this process does not have: {missing}; it has "
            f"{sorted(known)}. Logical CPU devices must be configured with "
            "tf.config.set_logical_device_configuration before TensorFlow starts."
        )


def n_replicas(strategy):
    """Number of model replicas a step runs on: 1 without a strategy."""
    if strategy is None:
        return 1
    if is_data_parallel(strategy):
        mesh = strategy.device_mesh
        return dict(zip(mesh.axis_names, mesh.shape))[strategy.batch_dim_name]
    return strategy.num_replicas_in_sync


def scope(strategy):
    """The strategy's scope, or a no-op without a strategy."""
    return contextlib.nullcontext() if strategy is None else strategy.scope()


def training_scope(strategy):
    """The scope a fit runs in: a ``DataParallel``'s own (JAX shards each batch there), else none."""
    return strategy.scope() if strategy is not None and is_data_parallel(strategy) else contextlib.nullcontext()


def max_steps_per_execution(strategy, limit):
    """Most batches per train call that work under ``strategy``."""
    if strategy is None or is_data_parallel(strategy):
        return limit
    return limit if n_replicas(strategy) == 1 else 1


def training_batches(strategy, make_batches, model_input_shape):
    """What ``fit`` reads: the batches themselves, or through ``tf.data`` under a ``tf.distribute`` strategy."""
    if strategy is None or is_data_parallel(strategy):
        return make_batches()
    return as_dataset(make_batches, model_input_shape)


def as_dataset(make_batches, model_input_shape):
    """Feed the batches of ``make_batches()`` through ``tf.data``.

    ``make_batches`` is called anew whenever Keras restarts the data, so the
    seeded batches start from the beginning rather than losing those read
    ahead; targets that are the inputs themselves are copied.
    """
    import tensorflow as tf

    def batches():
        for inputs, targets in make_batches():
            yield inputs, targets.copy() if targets is inputs else targets

    spec = tf.TensorSpec((None, *model_input_shape), tf.float32)
    return tf.data.Dataset.from_generator(batches, output_signature=(spec, spec))

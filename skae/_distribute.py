"""Training under a ``tf.distribute.Strategy``: what Keras needs beyond the scope.

The estimators' ``distribute`` parameter takes a strategy (``MirroredStrategy``
for several GPUs, ``MultiWorkerMirroredStrategy`` across machines). Keras 3
trains under one when the model and its optimizer are created in
``strategy.scope()``; the rest of this module works around what was measured
to go wrong with TensorFlow 2.21 and Keras 3.15 on a ``MirroredStrategy`` over
two logical CPUs:

* with more than one replica, running several batches per call of the train
  function fails ("You must feed a value for placeholder tensor", the same
  frame as keras-team/keras#19246), so such fits run one batch per call;
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


def check_strategy(strategy, batch_size):
    """Reject what cannot train: another backend, not a strategy, the default one, missing devices, uneven batches."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            "distribute takes a tf.distribute.Strategy, which trains only on Keras's "
            f"TensorFlow backend, and Keras is using {backend!r}; leave distribute=None "
            "or set KERAS_BACKEND=tensorflow."
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
    replicas = n_replicas(strategy)
    if batch_size % replicas:
        raise ValueError(
            f"batch_size={batch_size} does not split evenly over the {replicas} "
            f"replicas of distribute; use a multiple of {replicas}."
        )


def n_replicas(strategy):
    """Number of model replicas a step runs on: 1 without a strategy."""
    return 1 if strategy is None else strategy.num_replicas_in_sync


def scope(strategy):
    """The strategy's scope, or a no-op without a strategy."""
    return contextlib.nullcontext() if strategy is None else strategy.scope()


def max_steps_per_execution(strategy, limit):
    """Most batches per train call that work under ``strategy``."""
    return limit if n_replicas(strategy) == 1 else 1


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

"""Compiling Keras models, and reusing compiled ones so memory stays flat over many fits.

TensorFlow keeps memory for every function it traces for as long as the
process lives, even after the model that traced it is gone. Keras traces a
train function for every new model and a predict function for every model
that predicts, so a process fitting many small autoencoders (a grid search)
grew by about 10 MB per fit (measured: 100 fits of a 64-8-64 autoencoder),
and TensorFlow warned about "retracing".

So each fitted estimator keeps its own Keras model (``model_``: weights and
optimizer state, pickled and exported as before), but nothing is traced on
it. Instead:

* **Training** runs on an :class:`Engine`, a compiled copy of the model kept
  in a pool and keyed by everything that shapes the traced function (see
  :func:`make_key`). A fit takes a free engine of its key (or builds one),
  copies the model's weights and optimizer state in, trains, and copies them
  back only when training succeeded, which is also what makes a failed
  ``partial_fit`` leave the estimator's model untouched. Two fits in two
  threads take two engines.
* **Prediction** calls one compiled stateless function per key, which takes
  the weights as arguments (Keras's ``stateless_call``), so every estimator
  of that key shares its traces (one per batch shape), and threads can call
  it at once: :mod:`skae._predictors` holds one for each Keras backend.

Reusing an engine gives bit-identical results to a new model: the traced
computation is the same and the whole state (weights, seed-generator
states, optimizer variables) is copied in. Traced functions are what the
engines keep, so the pool is bounded (:data:`MAX_IDLE_ENGINES`).
"""

import collections
import contextlib
import functools
import json
import threading

import keras
import numpy as np

from . import _distribute
from ._random import python_random_seeded
from ._validation import resolve_keras_object

#: Idle engines kept for later fits, over all keys, least recently used
#: dropped first.
MAX_IDLE_ENGINES = 16

_idle = collections.OrderedDict()  # key -> list of idle engines
_lock = threading.Lock()


def _hashable(value):
    """A hashable stand-in for a parameter value that compares as the value does."""
    if isinstance(value, (keras.optimizers.Optimizer, keras.losses.Loss)):
        config = {k: v for k, v in value.get_config().items() if k != "name"}
        return (type(value), json.dumps(config, sort_keys=True, default=repr))
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, functools.partial):  # clone deep-copies partials: compare their parts
        keywords = tuple(sorted((name, _hashable(item)) for name, item in value.keywords.items()))
        return ("partial", _hashable(value.func), _hashable(value.args), keywords)
    hash(value)  # functions and other objects compare by identity
    return value


def make_key(estimator_class, model_params, model_input_shape):
    """Key of the models an estimator of these settings builds, or ``None``.

    Two fits may share an engine when their estimator class, every parameter
    that shapes the model or its compilation (``model_params``), the model's
    input shape and Keras's global dtype settings are equal. Callables (a
    custom architecture, activation or loss) are compared by identity.
    ``None`` (no sharing) if a parameter cannot be hashed.
    """
    try:
        params = tuple(sorted((name, _hashable(value)) for name, value in model_params.items()))
    except TypeError:
        return None
    dtype_policy = keras.config.dtype_policy().name
    return (estimator_class, params, tuple(model_input_shape), dtype_policy, keras.config.floatx())


def make_optimizer(optimizer, learning_rate=None):
    """A fresh optimizer from a Keras name or a template instance (left unchanged)."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        optimizer = resolve_keras_object(keras.optimizers.get, optimizer, "optimizer")
    config = optimizer.get_config()
    if learning_rate is not None:
        config["learning_rate"] = learning_rate
    # One name for every fit: TensorFlow keeps memory per variable name.
    config["name"] = "optimizer"
    return type(optimizer).from_config(config)


def compile_model(model, optimizer, loss, steps_per_execution=1):
    """Compile ``model`` and build its optimizer's state, so it can be copied."""
    model.compile(optimizer=optimizer, loss=loss, steps_per_execution=steps_per_execution)
    optimizer.build(model.trainable_variables)
    return model


def new_engine(model, steps_per_execution, strategy=None, rebuild=None):
    """An :class:`Engine` for ``model``: a compiled copy, in ``strategy``'s scope if any.

    The copy is Keras's clone of ``model``; a model Keras cannot clone (a
    subclassed one without ``get_config``) is built anew by ``rebuild()``.
    """
    # Cloning re-runs initializers, which may draw from Python's random.
    with python_random_seeded(0), _distribute.scope(strategy):
        try:
            copy = keras.models.clone_model(model, recursive=True)
        except NotImplementedError:
            if rebuild is None:
                raise
            copy = rebuild()
        optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
        compile_model(copy, optimizer, model.loss, steps_per_execution)
    return Engine(copy, strategy)


def _variables(model):
    return [*model.variables, *model.optimizer.variables]


def _copy(sources, targets):
    # A copy of each value, not the value itself: on JAX, assigning shares the
    # array, and training donates the engine's arrays to its step function,
    # which deletes them; the estimator's model must not hold those.
    for source, target in zip(sources, targets, strict=True):
        target.assign(keras.ops.copy(source.value))


class Engine:
    """A compiled copy of an autoencoder that trains in its place.

    Parameters
    ----------
    model : keras.Model
        Compiled, with its optimizer built: the engine's own model, which
        Keras traces once and then trains for every fit that takes it.
    strategy : tf.distribute.Strategy or None
        The strategy ``model`` was built under, if any.
    """

    def __init__(self, model, strategy=None):
        self.model = model
        self.strategy = strategy
        self._shapes = [tuple(v.shape) for v in _variables(model)]

    def _check_matches(self, model):
        if [tuple(v.shape) for v in _variables(model)] != self._shapes:
            raise RuntimeError(
                "The engine's model does not match the estimator's: their "
                "variables differ in number or shape."
            )

    def load(self, model):
        """Copy ``model``'s weights, seed states and optimizer state into the engine."""
        self._check_matches(model)
        with _distribute.scope(self.strategy):
            _copy(_variables(model), _variables(self.model))

    def store(self, model):
        """Copy the engine's trained state back into ``model``."""
        _copy(_variables(self.model), _variables(model))


@contextlib.contextmanager
def checkout(key, build):
    """Lend an engine of ``key`` for one training run.

    Takes an idle engine of ``key`` or makes one with ``build()``; gives it
    back afterwards, unless training raised: a failure may leave the engine
    part-way through Keras's ``fit``, so it is dropped. A ``None`` key always
    builds a new engine and keeps none.
    """
    engine = None
    if key is not None:
        with _lock:
            engines = _idle.get(key)
            if engines:
                engine = engines.pop()
                if not engines:
                    del _idle[key]
    if engine is None:
        engine = build()
    yield engine
    if key is not None:
        with _lock:
            _idle.setdefault(key, []).append(engine)
            _idle.move_to_end(key)
            while sum(len(engines) for engines in _idle.values()) > MAX_IDLE_ENGINES:
                oldest = next(iter(_idle))
                _idle[oldest].pop(0)
                if not _idle[oldest]:
                    del _idle[oldest]

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
  it at once. Other Keras backends predict through Keras's
  ``predict_on_batch``.

Reusing an engine gives bit-identical results to a new model: the traced
computation is the same and the whole state (weights, seed-generator
states, optimizer variables) is copied in. Traced functions are what the
engines keep, so the pool is bounded (:data:`MAX_IDLE_ENGINES`).
"""

import collections
import contextlib
import functools
import inspect
import json
import math
import threading
import weakref

import keras
import numpy as np

from . import _batching, _distribute
from ._random import python_random_seeded
from ._validation import resolve_keras_object

#: Idle engines kept for later fits, over all keys, least recently used
#: dropped first.
MAX_IDLE_ENGINES = 16

#: Compiled prediction functions kept, least recently used dropped first.
MAX_PREDICTORS = 64

_idle = collections.OrderedDict()  # key -> list of idle engines
_predictors = collections.OrderedDict()  # (key, part name) -> _Predictor
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
    for source, target in zip(sources, targets, strict=True):
        target.assign(source)


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


class PartFunction:
    """``f(batch) -> list of outputs`` of a model part, and the batch sizes it takes.

    Parameters
    ----------
    call : callable
        Maps a float32 batch of samples to a list of arrays, one per output.
    batch_size : int or callable
        As :func:`skae._batching.prediction_chunks` takes it: the rows of
        every batch, or ``(n_rows_left, sample_shape) -> rows``.
    """

    def __init__(self, call, batch_size=_batching.PREDICT_BATCH_SIZE):
        self._call = call
        self.batch_size = batch_size

    def __call__(self, batch):
        return self._call(batch)


class _Predictor:
    """One compiled stateless call of a model part, shared by every model of a key.

    Traced once per batch shape with ``get_concrete_function``, and run as
    one ``StatefulPartitionedCall`` op on the weights' handles: it cannot
    retrace, and a small batch runs about four times faster than through the
    concrete function's own call (measured, 8 rows of the dense tutorial
    encoder: 45 instead of 215 us; both far below Keras's ``predict_on_batch``).
    Each shape's op is checked once against the concrete function's call,
    which is used instead if they differ or the weights have no handles.

    Batch sizes follow :func:`~skae._batching.prediction_batch_size`, up to
    :func:`~skae._batching.largest_prediction_batch` for the part's widest
    input or output row. A size other than
    :data:`~skae._batching.PREDICT_BATCH_SIZE` is used only once it is
    checked to give every row the same outputs
    (:func:`~skae._batching.same_rows`): whether it does depends on the
    kernels TensorFlow picks for the shape on this machine.
    """

    def __init__(self, template):
        import tensorflow as tf

        self._tf = tf
        self.template = template
        self.shapes = [tuple(v.shape) for v in template.variables]
        # A subclassed model's call may take no training argument.
        parameters = inspect.signature(template.call).parameters.values()
        self._call_kwargs = {"training": False} if any(
            parameter.name == "training" or parameter.kind is parameter.VAR_KEYWORD for parameter in parameters
        ) else {}
        self._function = tf.function(self._call, autograph=False)
        self._traced = {}  # batch shape -> (concrete function, its output dtypes, None if its op call is unchecked)
        self._usable = {_batching.PREDICT_BATCH_SIZE: True}  # batch size -> same rows as the reference
        self._largest = None  # rows of the largest batch
        self._bound = weakref.WeakKeyDictionary()  # part -> PartFunction
        self._lock = threading.RLock()

    def _call(self, trainable, non_trainable, batch):
        outputs, _ = self.template.stateless_call(trainable, non_trainable, batch, **self._call_kwargs)
        return _as_list(outputs)

    def bind(self, part):
        """A :class:`PartFunction` computing ``part`` with its own weights, ``None`` if they do not fit."""
        bound = self._bound.get(part)
        if bound is None:
            if [tuple(v.shape) for v in part.variables] != self.shapes:
                return None
            weights = _Weights(part)
            bound = PartFunction(lambda batch: self._run(weights, batch), self.batch_size)
            with self._lock:
                self._bound[part] = bound
        return bound

    def batch_size(self, n_rows, sample_shape):
        """Rows of the next batch: :func:`~skae._batching.prediction_batch_size`'s, once checked."""
        if self._largest is None:
            with self._lock:
                if self._largest is None:
                    self._largest = self._largest_batch(sample_shape)
        size = _batching.prediction_batch_size(n_rows, self._largest)
        usable = self._usable.get(size)
        if usable is None:
            with self._lock:
                usable = self._usable.get(size)
                if usable is None:
                    usable = _batching.same_rows(self.bind(self.template), sample_shape, size)
                    self._usable[size] = usable
        return size if usable else _batching.PREDICT_BATCH_SIZE

    def _largest_batch(self, sample_shape):
        """Rows of the largest batch, from the widest of a row's input and outputs."""
        rows = _batching.PREDICT_BATCH_SIZE
        outputs = self.bind(self.template)(np.zeros((rows, *sample_shape), dtype=np.float32))
        widest = max(math.prod(sample_shape), *(np.asarray(output).size // rows for output in outputs))
        return _batching.largest_prediction_batch(widest * np.dtype(np.float32).itemsize)

    def _run(self, weights, batch):
        tensor = self._as_tensor(batch)
        traced = self._traced.get(batch.shape)
        if traced is None:
            traced = self._trace(weights, batch.shape)
        concrete, output_dtypes = traced
        if output_dtypes is None or weights.handles is None:
            return concrete(weights.trainable, weights.non_trainable, tensor)
        return self._tf.raw_ops.StatefulPartitionedCall(
            args=[*weights.handles, tensor, *concrete.captured_inputs], Tout=output_dtypes, f=concrete
        )

    def _trace(self, weights, shape):
        """Trace the function for batches of ``shape``; check its op call on random rows.

        Returns the concrete function and the dtypes of its outputs, ``None``
        if its op call did not give the concrete call's outputs.
        """
        tf = self._tf
        concrete = self._function.get_concrete_function(
            weights.trainable, weights.non_trainable, tf.TensorSpec(shape, tf.float32)
        )
        output_dtypes = [output.dtype for output in concrete.outputs]
        probe = tf.constant(np.random.default_rng(0).random(shape, dtype=np.float32))
        expected = concrete(weights.trainable, weights.non_trainable, probe)
        checked = False
        if weights.handles is not None:
            args = [*weights.handles, probe, *concrete.captured_inputs]
            if [arg.dtype for arg in args] == [tensor.dtype for tensor in concrete.inputs]:
                outputs = tf.raw_ops.StatefulPartitionedCall(args=args, Tout=output_dtypes, f=concrete)
                checked = len(outputs) == len(expected) and all(
                    np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True) for a, b in zip(outputs, expected)
                )
        self._traced[shape] = (concrete, output_dtypes if checked else None)
        return self._traced[shape]

    def _as_tensor(self, batch):
        """``batch`` as a tensor, sharing its memory where TensorFlow allows."""
        if (
            batch.dtype == np.float32 and batch.flags.c_contiguous and batch.flags.writeable
            and batch.ctypes.data % _batching.ALIGNMENT == 0
        ):
            return self._tf.experimental.dlpack.from_dlpack(batch.__dlpack__())
        return self._tf.convert_to_tensor(batch, dtype=self._tf.float32)


class _Weights:
    """A part's variables as its predictor's function takes them, and their handles."""

    def __init__(self, part):
        self.trainable = [v.value for v in part.trainable_variables]
        self.non_trainable = [v.value for v in part.non_trainable_variables]
        handles = [_resource_handle(v) for v in (*self.trainable, *self.non_trainable)]
        self.handles = None if any(handle is None for handle in handles) else handles


def _resource_handle(variable):
    """The variable's resource handle, or ``None`` (then the concrete call reads the variable)."""
    try:
        handle = variable.handle
    except (AttributeError, ValueError):  # ValueError: a distributed variable outside a replica
        return None
    return handle if getattr(handle, "dtype", None) == "resource" else None


def predict_function(key, part_name, part):
    """Return a :class:`PartFunction` computing ``part`` of a model of ``key``.

    ``part`` (the model or its encoder or decoder, named ``part_name``) is
    run through the key's shared compiled function with its own weights, in
    batches of the sizes that function is checked to take. Models that cannot
    share one (``key`` is ``None``, or the variables do not match) run
    through Keras's ``predict_on_batch`` in batches of
    :data:`~skae._batching.PREDICT_BATCH_SIZE` rows.
    """
    predictor = None
    if key is not None and keras.backend.backend() == "tensorflow":
        with _lock:
            predictor = _predictors.get((key, part_name))
            if predictor is None:
                predictor = _predictors[(key, part_name)] = _Predictor(part)
            _predictors.move_to_end((key, part_name))
            while len(_predictors) > MAX_PREDICTORS:
                _predictors.popitem(last=False)
    bound = None if predictor is None else predictor.bind(part)
    if bound is not None:
        return bound
    return PartFunction(lambda batch: _as_list(part.predict_on_batch(batch)))


def _as_list(outputs):
    """A model's outputs as a list, one array per output."""
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

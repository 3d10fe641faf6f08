"""Compiled stateless prediction calls of model parts, one kind per Keras backend.

Calling a Keras model directly costs far more than its arithmetic on a few
rows (Python dispatch through every layer), and ``predict_on_batch`` more
still. So every estimator of one key (:func:`skae._engines.make_key`) and
part (the model, its encoder or its decoder) shares one compiled
*stateless* function that takes the weights as arguments (Keras's
``stateless_call``), traced once per batch shape:

* TensorFlow: a ``tf.function``, run as one ``StatefulPartitionedCall`` op
  on the weights' handles (:class:`TensorFlowPredictor`);
* JAX: a ``jax.jit`` function of the variables' current values, read at each
  call since training on JAX replaces them (:class:`JaxPredictor`);
* PyTorch: a ``torch.jit.trace`` of the call with the weights as inputs, run
  under ``torch.no_grad`` (:class:`TorchPredictor`).

Each traced shape is checked once against the backend's uncompiled stateless
call on random rows, and that call is used instead if they differ. Batch
sizes are shared logic (:class:`Predictor`): a size other than
:data:`~skae._batching.PREDICT_BATCH_SIZE` is used only once it is checked to
give every row the same outputs bit for bit (:func:`~skae._batching.same_rows`),
since that depends on the kernels a backend picks for a shape.
"""

import abc
import collections
import inspect
import math
import threading
import warnings
import weakref

import keras
import numpy as np

from . import _batching

#: Compiled prediction functions kept, least recently used dropped first.
MAX_PREDICTORS = 64

_predictors = collections.OrderedDict()  # (key, part name) -> Predictor
_lock = threading.Lock()


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


class Predictor(abc.ABC):
    """One compiled stateless call of a model part, shared by every model of a key.

    Subclasses compile for one backend: :meth:`_weights` says what a bound
    part passes to :meth:`_run`, which computes a batch's outputs.

    Parameters
    ----------
    template : keras.Model
        The first part of its key; the structure every bound part must share.
    """

    #: Rows of the smallest batch (a power of two).
    smallest_batch = _batching.MIN_PREDICT_BATCH_SIZE

    def __init__(self, template):
        self.template = template
        self.shapes = [tuple(v.shape) for v in template.variables]
        # A subclassed model's call may take no training argument.
        parameters = inspect.signature(template.call).parameters.values()
        self._call_kwargs = {"training": False} if any(
            parameter.name == "training" or parameter.kind is parameter.VAR_KEYWORD for parameter in parameters
        ) else {}
        self._traced = {}  # batch shape -> the compiled call (and what a backend keeps with it)
        self._usable = {_batching.PREDICT_BATCH_SIZE: True}  # batch size -> same rows as the reference
        self._largest = None  # rows of the largest batch
        self._bound = weakref.WeakKeyDictionary()  # part -> PartFunction
        self._lock = threading.RLock()

    def _stateless(self, trainable, non_trainable, batch):
        outputs, _ = self.template.stateless_call(list(trainable), list(non_trainable), batch, **self._call_kwargs)
        return _as_list(outputs)

    def bind(self, part):
        """A :class:`PartFunction` computing ``part`` with its own weights, ``None`` if they do not fit."""
        bound = self._bound.get(part)
        if bound is None:
            if [tuple(v.shape) for v in part.variables] != self.shapes:
                return None
            weights = self._weights(part)
            bound = PartFunction(lambda batch: self._run(weights, batch), self.batch_size)
            with self._lock:
                self._bound[part] = bound
        return bound

    def _weights(self, part):
        """What :meth:`_run` takes for ``part``'s weights: the part itself unless a backend can hold them."""
        return part

    @abc.abstractmethod
    def _run(self, weights, batch):
        """The outputs of ``batch`` (a list of arrays) with the weights :meth:`_weights` gave."""

    def batch_size(self, n_rows, sample_shape):
        """Rows of the next batch: :func:`~skae._batching.prediction_batch_size`'s, once checked."""
        if self._largest is None:
            with self._lock:
                if self._largest is None:
                    self._largest = self._largest_batch(sample_shape)
        size = _batching.prediction_batch_size(n_rows, self._largest, self.smallest_batch)
        # A refused small size gives way to the next power of two, not straight
        # to the reference: on JAX the dense decoder's batches give the
        # reference's bits from 64 rows, on PyTorch the parts' from 2 or 4.
        while not self._checked_usable(size, sample_shape):
            if size >= _batching.PREDICT_BATCH_SIZE:
                return _batching.PREDICT_BATCH_SIZE
            size *= 2
        return size

    def _checked_usable(self, size, sample_shape):
        """Whether batches of ``size`` rows give the reference's outputs, probed once per size."""
        usable = self._usable.get(size)
        if usable is None:
            with self._lock:
                usable = self._usable.get(size)
                if usable is None:
                    usable = _batching.same_rows(self.bind(self.template), sample_shape, size)
                    self._usable[size] = usable
        return usable

    def _largest_batch(self, sample_shape):
        """Rows of the largest batch, from the widest of a row's input and outputs."""
        rows = _batching.PREDICT_BATCH_SIZE
        outputs = self.bind(self.template)(np.zeros((rows, *sample_shape), dtype=np.float32))
        widest = max(math.prod(sample_shape), *(np.asarray(output).size // rows for output in outputs))
        return _batching.largest_prediction_batch(widest * np.dtype(np.float32).itemsize)


def _same_outputs(outputs, expected):
    return len(outputs) == len(expected) and all(
        np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True) for a, b in zip(outputs, expected)
    )


def _probe(shape):
    return _batching.probe_rows(shape[0], shape[1:])


def _variable_values(part):
    return [v.value for v in part.trainable_variables], [v.value for v in part.non_trainable_variables]


class TensorFlowPredictor(Predictor):
    """A ``tf.function`` of the stateless call, run as one op on the weights' handles.

    Traced once per batch shape with ``get_concrete_function`` and run as one
    ``StatefulPartitionedCall`` op: it cannot retrace, and a small batch runs
    about four times faster than through the concrete function's own call
    (measured, 8 rows of the dense tutorial encoder: 45 instead of 215 us;
    both far below Keras's ``predict_on_batch``). The concrete function's
    call is used instead where the op's outputs differ or the weights have
    no handles.
    """

    def __init__(self, template):
        import tensorflow as tf

        super().__init__(template)
        self._tf = tf
        self._function = tf.function(self._stateless, autograph=False)

    def _weights(self, part):
        return _Weights(part)

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

        Keeps the concrete function and the dtypes of its outputs, ``None``
        if its op call did not give the concrete call's outputs.
        """
        tf = self._tf
        concrete = self._function.get_concrete_function(
            weights.trainable, weights.non_trainable, tf.TensorSpec(shape, tf.float32)
        )
        output_dtypes = [output.dtype for output in concrete.outputs]
        probe = tf.constant(_probe(shape))
        expected = concrete(weights.trainable, weights.non_trainable, probe)
        checked = False
        if weights.handles is not None:
            args = [*weights.handles, probe, *concrete.captured_inputs]
            if [arg.dtype for arg in args] == [tensor.dtype for tensor in concrete.inputs]:
                outputs = tf.raw_ops.StatefulPartitionedCall(args=args, Tout=output_dtypes, f=concrete)
                checked = _same_outputs(outputs, expected)
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
    """A part's variables as the TensorFlow function takes them, and their handles."""

    def __init__(self, part):
        self.trainable, self.non_trainable = _variable_values(part)
        handles = [_resource_handle(v) for v in (*self.trainable, *self.non_trainable)]
        self.handles = None if any(handle is None for handle in handles) else handles


def _resource_handle(variable):
    """The variable's resource handle, or ``None`` (then the concrete call reads the variable)."""
    try:
        handle = variable.handle
    except (AttributeError, ValueError):  # ValueError: a distributed variable outside a replica
        return None
    return handle if getattr(handle, "dtype", None) == "resource" else None


class JaxPredictor(Predictor):
    """A ``jax.jit`` of the stateless call, given the variables' current values at each call.

    JAX arrays are immutable, so training replaces a variable's value rather
    than writing into it: a bound part reads its values at each call. ``jit``
    keeps one compiled function per batch shape.
    """

    def __init__(self, template):
        import jax

        super().__init__(template)
        self._function = jax.jit(self._stateless)

    def _run(self, part, batch):
        trainable, non_trainable = _variable_values(part)
        if batch.shape not in self._traced:
            expected = self._stateless(trainable, non_trainable, _probe(batch.shape))
            compiled = self._function(trainable, non_trainable, _probe(batch.shape))
            self._traced[batch.shape] = self._function if _same_outputs(compiled, expected) else self._stateless
        return self._traced[batch.shape](trainable, non_trainable, batch)


class TorchPredictor(Predictor):
    """A ``torch.jit.trace`` of the stateless call, with the weights as its inputs, under ``torch.no_grad``.

    Traced once per batch shape; the weights are inputs rather than
    constants, so one trace serves every part of the key, and a bound part
    keeps its weight tensors, which training updates in place. Measured with
    torch 2.13 on one row, against a direct Keras call: the dense tutorial
    model 25 against 435 us, the conv one 351 against 1499 us, outputs
    bit-equal. ``torch.jit.trace`` is deprecated in favour of
    ``torch.export``, but an exported module ran at 0.7x of the direct call
    (299 and 1123 us), too slow to be a fast path, so the deprecation warning
    is silenced. The calls run with TorchScript's optimising executor off:
    with it on, a traced call was slow for its first hundred or so calls
    (11 ms a row against 0.3 ms after), which is all a short job ever sees.
    Where tracing fails or its outputs differ, the stateless call
    runs as it is, still without gradients.

    Batches start at one row, and the probe of :meth:`Predictor.batch_size`
    doubles a size until it holds: PyTorch's CPU kernels run an activation
    such as ELU, sigmoid or softplus vectorised over chunks of 32 floats and
    the leftover elements through a scalar version that can differ in the
    last bit, so a row's outputs depend on where it falls in a batch whose
    activations leave a leftover. The dense and conv models' activations
    (784, 3136 and 392 floats a row) leave none from 4 rows (measured at
    their defaults: 4 to 2048 rows bit-equal for every part of both, 1 and
    2 refused but for the conv decoder, which takes 2).
    """

    smallest_batch = 1

    def __init__(self, template):
        import torch

        super().__init__(template)
        self._torch = torch
        self._n_trainable = len(template.trainable_variables)

    def _flat(self, batch, *weights):
        return tuple(self._stateless(weights[: self._n_trainable], weights[self._n_trainable :], batch))

    def _weights(self, part):
        # Keras's PyTorch variables are assigned in place (``copy_``), so the
        # tensors read once stay the part's weights through training.
        trainable, non_trainable = _variable_values(part)
        return (*trainable, *non_trainable)

    def _run(self, weights, batch):
        torch = self._torch
        with torch.no_grad(), torch.jit.optimized_execution(False):
            call = self._traced.get(batch.shape)
            if call is None:
                call = self._trace(batch.shape, weights)
            return [output.numpy() for output in call(torch.as_tensor(batch), *weights)]

    def _trace(self, shape, weights):
        """Trace the call for batches of ``shape`` (under ``no_grad``); keep the trace if it checks."""
        torch = self._torch
        probe = torch.as_tensor(_probe(shape))
        expected = self._flat(probe, *weights)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", torch.jit.TracerWarning)
                warnings.simplefilter("ignore", DeprecationWarning)
                traced = torch.jit.trace(self._flat, (probe, *weights), check_trace=False)
            usable = _same_outputs([o.numpy() for o in traced(probe, *weights)], [o.numpy() for o in expected])
        except Exception:  # noqa: BLE001 - a layer torch cannot trace runs uncompiled
            usable = False
        self._traced[shape] = traced if usable else self._flat
        return self._traced[shape]


_PREDICTORS = {"tensorflow": TensorFlowPredictor, "jax": JaxPredictor, "torch": TorchPredictor}


def predict_function(key, part_name, part):
    """Return a :class:`PartFunction` computing ``part`` of a model of ``key``.

    ``part`` (the model or its encoder or decoder, named ``part_name``) is
    run through the key's shared compiled function for the Keras backend in
    use, with its own weights, in batches of the sizes that function is
    checked to take. Models that cannot share one (``key`` is ``None``, the
    variables do not match, or the backend has no predictor here) run
    through Keras's ``predict_on_batch`` in batches of
    :data:`~skae._batching.PREDICT_BATCH_SIZE` rows.
    """
    predictor = None
    kind = _PREDICTORS.get(keras.backend.backend())
    if key is not None and kind is not None:
        with _lock:
            predictor = _predictors.get((key, part_name))
            if predictor is None:
                predictor = _predictors[(key, part_name)] = kind(part)
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

"""What a fitted estimator computes, as a Keras graph exported to ONNX.

Each function here builds a Keras functional model around a fitted model's
layers and exports it with Keras's own ONNX export (tf2onnx under
TensorFlow), so the ONNX graph runs the same layers with the same weights
as ``transform``. The graphs take rows as scikit-learn passes them (float32
or float64, flat or image-shaped), compute in float32 as the Keras model
does, and give their results in the input's float type, so that
:mod:`skae.onnx` can place them between the other steps of a pipeline.
Nothing here sees an estimator: its layers and arrays are handed in.

tf2onnx converts TensorFlow graphs only, so on Keras's JAX and PyTorch
backends :func:`on_tensorflow` builds the graph in a child Python running
Keras on TensorFlow (a dependency of skae, so always installed), from the
estimator pickled as for any other process: same ``.keras`` weights, same
layers, same tf2onnx graph as under TensorFlow. The child is started on the
first export and serves the later ones until this process ends, so only the
first pays for starting TensorFlow.
"""

import atexit
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings

import keras
import numpy as np

#: The newest ONNX opset tf2onnx 1.17 writes.
MAX_OPSET = 18


def _first(outputs):
    """The first of a layer's outputs (means, not log-variances or logits)."""
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def _encode(encoder, rows, model_input_shape):
    """Codes of float ``rows`` (any float type), in float32."""
    samples = keras.ops.reshape(keras.ops.cast(rows, "float32"), (-1, *model_input_shape))
    return _first(encoder(samples))


def _reconstruct(decoder, codes, n_features):
    """The decoder's means for ``codes``, flat: ``(n_rows, n_features)`` float32."""
    return keras.ops.reshape(_first(decoder(codes)), (-1, n_features))


def autoencoder_output(inputs, encoder, decoder, model_input_shape, *, reconstruction):
    """``transform``'s codes of ``inputs``, or with ``reconstruction`` their decoding."""
    codes = _encode(encoder, inputs, model_input_shape)
    if not reconstruction:
        return keras.ops.cast(codes, inputs.dtype)
    n_features = int(np.prod(model_input_shape))
    return keras.ops.cast(_reconstruct(decoder, codes, n_features), inputs.dtype)


def _mean_over_observed(values):
    """Each row's mean over its entries that are not NaN (the gaps), as :func:`skae._missing.mean_over_observed`."""
    gaps = keras.ops.isnan(values)
    # where with a scalar: tf2onnx writes it as ONNX's Where, which NaN do not pass.
    total = keras.ops.sum(keras.ops.where(gaps, 0.0, values), axis=1)
    return total / keras.ops.sum(keras.ops.cast(keras.ops.logical_not(gaps), values.dtype), axis=1)


def _kth_nearest_distance(codes, reference_codes, k):
    """Euclidean distance from each row of ``codes`` to its ``k``-th nearest reference code."""
    differences = keras.ops.expand_dims(codes, 1) - reference_codes[np.newaxis]
    distances = keras.ops.sqrt(keras.ops.sum(keras.ops.square(differences), axis=-1))
    negated_nearest, _ = keras.ops.top_k(-distances, k=k, sorted=True)
    return -negated_nearest[:, k - 1]


class _Renamed(keras.layers.Layer):
    """``part`` under another name: the members' encoders are all called "encoder"."""

    def __init__(self, part, **kwargs):
        super().__init__(**kwargs)
        self.part = part

    def call(self, inputs):
        return self.part(inputs)


def detector_outputs(inputs, members, *, n_features, offset):
    """``(labels, decision_function)`` of an outlier detector, as in ``predict``.

    ``members`` holds, per autoencoder of the ensemble, a dict with its
    ``encoder``, ``decoder``, ``model_input_shape``, training
    ``reference_codes``, ``k`` (the neighbour whose distance counts) and the
    robust scales ``error_center``, ``error_scale``, ``part_center`` and
    ``part_scale``. The scores are computed in float64 from the float32
    codes and reconstructions, as :mod:`skae._outlier_scores` does.
    """
    rows = keras.ops.reshape(keras.ops.cast(inputs, "float64"), (-1, n_features))
    total = 0.0
    for index, member in enumerate(members):
        encoder = _Renamed(member["encoder"], name=f"encoder_{index}")
        decoder = _Renamed(member["decoder"], name=f"decoder_{index}")
        codes = _encode(encoder, rows, member["model_input_shape"])
        reconstruction = keras.ops.cast(_reconstruct(decoder, codes, n_features), "float64")
        errors = keras.ops.abs(rows - reconstruction)
        error_part = _mean_over_observed((errors - member["error_center"]) / member["error_scale"])
        code_part = _kth_nearest_distance(
            keras.ops.cast(codes, "float64"), member["reference_codes"], member["k"]
        )
        center, scale = member["part_center"], member["part_scale"]
        total = total + (error_part - center[0]) / scale[0] + (code_part - center[1]) / scale[1]
    decision = -total / len(members) - offset
    labels = keras.ops.cast(keras.ops.where(decision < 0, -1, 1), "int64")
    return labels, keras.ops.cast(keras.ops.reshape(decision, (-1, 1)), inputs.dtype)


def export(inputs, outputs, opset):
    """The ONNX ``ModelProto`` of the Keras graph from ``inputs`` to ``outputs``.

    ``opset`` is capped at :data:`MAX_OPSET`; later opsets run it unchanged.
    """
    import onnx

    model = keras.Model(inputs, outputs)
    signature = [keras.InputSpec(shape=inputs.shape, dtype=inputs.dtype)]
    with tempfile.TemporaryDirectory() as directory, warnings.catch_warnings():
        # Keras's NumPy 2 patch of tf2onnx touches np.object, which warns.
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"keras\..*")
        path = os.path.join(directory, "model.onnx")
        model.export(
            path, format="onnx", verbose=False, input_signature=signature,
            opset_version=min(opset, MAX_OPSET),
        )
        return onnx.load(path)


def _custom_object_modules():
    """The modules that registered Keras custom objects here: the child imports them to load the models."""
    modules = {getattr(value, "__module__", None) for value in keras.saving.get_custom_objects().values()}
    return sorted(name for name in modules if name and name != "__main__")


def on_tensorflow(build, *args):
    """``build(*args)``, the ONNX model of a fitted estimator, built under Keras's TensorFlow backend.

    Under TensorFlow this is ``build(*args)``. Under another backend, ``build``
    and ``args`` are pickled to a child Python serving :func:`serve_parent` with
    ``KERAS_BACKEND=tensorflow`` (:class:`_TensorFlowWorker`, kept for the next
    export), which loads the models from their ``.keras`` bytes: custom layers and models must be registered with
    ``keras.saving.register_keras_serializable``, as for pickling.
    """
    import onnx

    if keras.backend.backend() == "tensorflow":
        return build(*args)
    header = {"sys_path": sys.path, "modules": _custom_object_modules()}
    status, result, details = _tensorflow_worker().request(header, (build, args))
    if status == "error":
        raise result from RuntimeError(f"in the TensorFlow process that exports to ONNX:\n{details}")
    return onnx.load_from_string(result)


class _TensorFlowWorker:
    """A child Python running :func:`serve_parent` on Keras's TensorFlow backend, serving requests in turn.

    Requests and replies are pickles on its standard input and output; its
    standard error goes to a temporary file, read when it fails. It ends when
    its input closes: at this process's exit, or when this process dies.
    """

    def __init__(self):
        environment = {**os.environ, "KERAS_BACKEND": "tensorflow"}
        environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD_COMMAND], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.errors, env=environment,
        )

    def alive(self):
        return self.process.poll() is None

    def request(self, header, payload):
        """``(status, result, details)`` of one request: ``"ok"`` and the ONNX bytes, or ``"error"``."""
        # Two frames: the child imports the header's modules before it unpickles the payload.
        request = _frame(pickle.dumps(header)) + _frame(pickle.dumps(payload))
        with self.lock:
            try:
                self.process.stdin.write(request)
                self.process.stdin.flush()
                return pickle.loads(_read_frame(self.process.stdout))
            except Exception:
                self.close()
                self.errors.seek(0)
                raise RuntimeError(
                    f"The TensorFlow process that exports to ONNX failed (exit {self.process.returncode}):\n"
                    + self.errors.read().decode(errors="replace")[-2000:]
                ) from None

    def close(self):
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _frame(data):
    """``data`` after its length: a request's parts are read whole, even when one cannot be unpickled."""
    return len(data).to_bytes(8, "little") + data


def _read_frame(stream):
    """The bytes of the next :func:`_frame` in ``stream``; ``EOFError`` when it ends first."""
    length = stream.read(8)
    data = stream.read(int.from_bytes(length, "little")) if len(length) == 8 else b""
    if len(length) < 8 or len(data) < int.from_bytes(length, "little"):
        raise EOFError("the stream ended within a frame")
    return data


_worker = None
_worker_lock = threading.Lock()


def _tensorflow_worker():
    """This process's running :class:`_TensorFlowWorker`, started anew if none is (or it was a parent's)."""
    global _worker
    with _worker_lock:
        if _worker is None or _worker.owner != os.getpid() or not _worker.alive():
            _worker = _TensorFlowWorker()
            atexit.register(_worker.close)
        return _worker


def _serve(stdin, stdout):
    """The child's side of :func:`on_tensorflow`: each request in, its ONNX bytes (or error) out."""
    while True:
        try:
            header, payload = pickle.loads(_read_frame(stdin)), _read_frame(stdin)
        except EOFError:
            return
        sys.path[:] = header["sys_path"]
        try:
            for name in header["modules"]:
                __import__(name)
            build, args = pickle.loads(payload)
            reply = ("ok", build(*args).SerializeToString(), "")
        except Exception as error:
            reply = ("error", error, traceback.format_exc())
        finally:
            keras.backend.clear_session()
        stdout.write(_frame(pickle.dumps(reply)))
        stdout.flush()


def serve_parent():
    """The child's main: serve the parent's requests on standard input until it closes."""
    # Replies go to the original standard output; anything printed there (by
    # TensorFlow or tf2onnx) goes to standard error instead.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, replies)


# Not ``python -m``: that would run this module a second time, beside the copy
# that importing the package skae.onnx already made.
_CHILD_COMMAND = f"from {__name__} import serve_parent; serve_parent()"

"""Fitted skae estimators and pipelines as ONNX graphs, through skl2onnx.

Importing this module registers a converter and a shape calculator with
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_ for every estimator in
``skae.__all__`` but the imputer, so ``skl2onnx.to_onnx`` converts a
:class:`~sklearn.pipeline.Pipeline` that mixes scikit-learn and skae steps
into one graph, which `onnxruntime <https://onnxruntime.ai/>`_ (or any ONNX
runtime) answers without Python, TensorFlow or skae. It needs the ``onnx``
extra: ``pip install "skae[onnx]"``.

What each estimator computes in the graph:

* :class:`~skae.AutoencoderTransformer`, :class:`~skae.DenoisingAutoencoder`
  and :class:`~skae.VariationalAutoencoder` convert as ``transform``: the
  codes (for the variational autoencoder, the posterior means). With the
  converter option ``reconstruction=True`` they output
  ``inverse_transform(transform(X))`` instead, flattened to
  ``(n_samples, n_features)``: what :meth:`~skae.DenoisingAutoencoder.denoise`
  returns, which is how a denoiser ships.
* :class:`~skae.AutoencoderOutlierDetector` converts as scikit-learn's outlier
  detectors do: two outputs, ``label`` (``predict``: +1 or -1) and
  ``scores`` (``decision_function``). Its members must be skae autoencoders
  (the default); put a scaler in front of the detector in a Pipeline rather
  than inside its ``estimator``.

Models fitted on rows with gaps take them in the graph too (NaN in, codes
or scores out), as they do in Python. :class:`~skae.AutoencoderImputer` has
no converter: filling the gaps takes a ``where`` of two arrays, which
tf2onnx may write as arithmetic (``mask * a + (1 - mask) * b``), and NaN pass
through that (measured: every imputed entry NaN).

The Keras models inside are converted by Keras's own ONNX export (tf2onnx
under TensorFlow) and compute in float32, as in Python; float64 input is cast
to float32 on the way in and the outputs back to float64. On Keras's JAX and
PyTorch backends each skae step is exported by a child Python running Keras
on TensorFlow (installed with skae), from the estimator pickled: the same
graph, and custom Keras layers must be registered with
``keras.saving.register_keras_serializable``, as for pickling. The child
starts on the first export, which waits a few seconds for TensorFlow to
load, and serves the later ones until the process ends.
"""

from ._converters import AUTOENCODERS, register_converters, to_onnx

__all__ = ["AUTOENCODERS", "register_converters", "to_onnx"]

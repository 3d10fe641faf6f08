"""The skl2onnx converters and shape calculators of skae's estimators, registered on import."""

from skl2onnx import to_onnx as _skl2onnx_to_onnx
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, Int64TensorType
from skl2onnx.common.utils import check_input_and_output_numbers, check_input_and_output_types
from skl2onnx.helpers import add_onnx_graph
from sklearn.utils.validation import check_is_fitted

from .._base import BaseAutoencoder
from ..autoencoder import AutoencoderTransformer
from ..denoising import DenoisingAutoencoder
from ..outliers import AutoencoderOutlierDetector
from ..variational import VariationalAutoencoder
from . import _export

#: The estimators that convert as ``transform``, with the ``reconstruction`` option.
AUTOENCODERS = (AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder)

_KERAS_DTYPES = {FloatTensorType: "float32", DoubleTensorType: "float64"}


def _input_dtype(operator):
    return _KERAS_DTYPES[type(operator.inputs[0].type)]


def _wants_reconstruction(options_holder, model):
    return bool(options_holder.get_options(model, {"reconstruction": False})["reconstruction"])


def _autoencoder_shape(operator):
    """Shape calculator: ``(n_samples, n_codes)``, or ``n_features`` columns with ``reconstruction``."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_input_and_output_types(operator, good_input_types=list(_KERAS_DTYPES))
    model = operator.raw_operator
    check_is_fitted(model)
    _refuse_mixed_table(model)
    width = model.n_features_in_ if _wants_reconstruction(operator.scope_inst, model) else model._n_features_out
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = type(operator.inputs[0].type)([n_rows, width])


def _refuse_mixed_table(model):
    """Refuse a skae estimator fitted on a table with categorical columns: its encoding has no ONNX graph."""
    if getattr(model, "table_layout_", None) is not None:
        raise ValueError(
            f"{type(model).__name__} was fitted on a table with categorical columns, whose one-hot encoding "
            "happens outside its Keras model, so it has no ONNX graph; refit it on a numeric table (one-hot "
            "encode in a ColumnTransformer) to export it."
        )


def _input_signature(operator):
    """The shape of one row and the float type of the operator's input."""
    return tuple(operator.inputs[0].type.shape[1:]), _input_dtype(operator)


def _autoencoder_graph(model, signature, reconstruction, opset):
    import keras

    inputs = keras.Input(shape=signature[0], dtype=signature[1])
    output = _export.autoencoder_output(
        inputs, model.encoder_, model.decoder_, model._model_input_shape, reconstruction=reconstruction
    )
    return _export.export(inputs, output, opset)


def _convert_autoencoder(scope, operator, container):
    """Converter: the estimator's Keras encoder (and decoder) as one ONNX graph."""
    model = operator.raw_operator
    graph = _export.on_tensorflow(
        _autoencoder_graph, model, _input_signature(operator),
        _wants_reconstruction(container, model), container.target_opset,
    )
    add_onnx_graph(scope, operator, container, graph)


def _member_arrays(detector, index, member):
    if not isinstance(member, BaseAutoencoder):
        raise TypeError(
            "ONNX conversion of AutoencoderOutlierDetector needs skae autoencoders as its "
            f"members, not {type(member).__name__}: put a scaler in a Pipeline before the "
            "detector rather than inside its estimator."
        )
    return {
        "encoder": member.encoder_, "decoder": member.decoder_,
        "model_input_shape": member._model_input_shape,
        # A detector unpickled from before skae kept ``_member_codes`` has them in its searches.
        "reference_codes": (
            detector._member_codes[index] if hasattr(detector, "_member_codes")
            else detector._code_neighbors[index]._fit_X
        ),
        "k": detector._code_neighbors[index].n_neighbors,
        "error_center": detector.error_center_[index], "error_scale": detector.error_scale_[index],
        "part_center": detector.part_center_[index], "part_scale": detector.part_scale_[index],
    }


def _detector_shape(operator):
    """Shape calculator: ``label`` ``(n_samples,)`` int64 and ``scores`` ``(n_samples, 1)``."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(operator, good_input_types=list(_KERAS_DTYPES))
    check_is_fitted(operator.raw_operator)
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = Int64TensorType([n_rows])
    operator.outputs[1].type = type(operator.inputs[0].type)([n_rows, 1])


def _detector_graph(detector, signature, opset):
    import keras

    members = [_member_arrays(detector, index, member) for index, member in enumerate(detector.estimators_)]
    inputs = keras.Input(shape=signature[0], dtype=signature[1])
    outputs = _export.detector_outputs(
        inputs, members, n_features=detector.n_features_in_, offset=detector.offset_
    )
    return _export.export(inputs, list(outputs), opset)


def _convert_detector(scope, operator, container):
    """Converter: every member's codes, errors and neighbour distance, combined as ``predict`` does."""
    detector = operator.raw_operator
    for index, member in enumerate(detector.estimators_):
        _member_arrays(detector, index, member)  # refuses other members before any export starts
    graph = _export.on_tensorflow(_detector_graph, detector, _input_signature(operator), container.target_opset)
    add_onnx_graph(scope, operator, container, graph)


def register_converters():
    """Register skae's converters and shape calculators with skl2onnx.

    Importing :mod:`skae.onnx` already does this; calling it again is harmless.
    """
    for estimator_class in AUTOENCODERS:
        update_registered_converter(
            estimator_class, f"Skae{estimator_class.__name__}", _autoencoder_shape,
            _convert_autoencoder, options={"reconstruction": [False, True]},
        )
    update_registered_converter(
        AutoencoderOutlierDetector, "SkaeAutoencoderOutlierDetector", _detector_shape, _convert_detector
    )


def to_onnx(model, X=None, *, reconstruction=False, options=None, **kwargs):
    """Convert a fitted estimator or pipeline to an ONNX model.

    :func:`skl2onnx.to_onnx` with skae's converters registered, and the
    ``reconstruction`` option set for every skae autoencoder in ``model``.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted: a skae estimator, or a scikit-learn pipeline holding any.
    X : array-like, default=None
        A few rows like those the model takes (``X[:1]`` will do): they give
        the graph's input name, float type and number of columns. float32
        rows make a float32 graph, float64 rows a float64 one.
    reconstruction : bool, default=False
        Make every skae autoencoder in ``model`` output
        ``inverse_transform(transform(X))`` (flattened) instead of its codes.
    options : dict, default=None
        skl2onnx's per-estimator options, by class or by ``id(estimator)``;
        these win over ``reconstruction`` for the estimators they name.
    **kwargs
        Passed on to :func:`skl2onnx.to_onnx` (``target_opset``,
        ``initial_types``, ...).

    Returns
    -------
    onnx_model : onnx.ModelProto
        The graph; ``onnx_model.SerializeToString()`` is what an ONNX
        runtime loads.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skae import AutoencoderTransformer
    >>> from skae.onnx import to_onnx
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.astype(np.float32)
    >>> pipeline = make_pipeline(
    ...     MinMaxScaler(), AutoencoderTransformer(latent_dim=8, epochs=2, random_state=0),
    ...     LogisticRegression(max_iter=500),
    ... ).fit(X, y)
    >>> session = onnxruntime.InferenceSession(to_onnx(pipeline, X[:1]).SerializeToString())
    >>> labels, probabilities = session.run(None, {"X": X[:100]})
    >>> bool((labels == pipeline.predict(X[:100])).all())
    True
    """
    # Before skl2onnx, which would first complain of a DataFrame's several inputs.
    for estimator in [model, *model.get_params(deep=True).values()]:
        _refuse_mixed_table(estimator)
    register_converters()
    merged = {estimator_class: {"reconstruction": bool(reconstruction)} for estimator_class in AUTOENCODERS}
    merged.update(options or {})
    return _skl2onnx_to_onnx(model, X, options=merged, **kwargs)


register_converters()

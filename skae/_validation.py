"""Pure input checks: shapes, dtypes, ranges and parameter values.

Functions of their arguments alone, raising ``ValueError`` or ``TypeError``
with the wording of scikit-learn's own estimators where there is one. The
estimator base calls them before any training starts; scikit-learn's
``validate_data`` does the rest (NaN, dtypes, ``n_features_in_``).
"""

import math
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def ndim(X):
    """Number of dimensions of an array-like, without NumPy's dispatch protocol."""
    shape = getattr(X, "shape", None)
    return len(shape) if shape is not None else np.asarray(X).ndim


def check_no_categories(X, estimator_name):
    """Refuse a DataFrame's ``category`` columns: read as numbers, their codes would mean nothing."""
    dtypes = getattr(X, "dtypes", None)
    if not hasattr(X, "columns") or dtypes is None:
        return
    categorical = [column for column, dtype in zip(X.columns, dtypes) if str(dtype) == "category"]
    if categorical:
        raise TypeError(
            f"{estimator_name} takes numbers here, and columns {categorical} are categorical (dtype "
            "'category'). One-hot encode them first (OneHotEncoder in a ColumnTransformer), or let "
            "AutoencoderTransformer or DenoisingAutoencoder encode them (categorical_features='from_dtype', "
            "their default)."
        )


def flatten_samples(X):
    """Return ``X`` with each sample flattened, and the samples' shape.

    Image arrays ``(n, h, w)`` and ``(n, h, w, c)`` become ``(n, h*w[*c])``
    views; anything else is returned untouched (with shape ``None``) for
    scikit-learn's validation to accept or reject.
    """
    if sp.issparse(X) or hasattr(X, "iloc") or hasattr(X, "__dataframe__"):
        return X, None
    n_dims = ndim(X)
    if n_dims <= 2:
        return X, None
    if n_dims > 4:
        raise ValueError(
            "Expected a 2-D array (n_samples, n_features) or images "
            f"(n_samples, height, width[, channels]); got an array with {n_dims} "
            "dimensions."
        )
    X = np.asarray(X)
    return X.reshape(X.shape[0], -1), X.shape[1:]


def check_float32_range(X, name="X"):
    """Reject finite values the float32 Keras model would turn into infinity."""
    # fmax and fmin rather than abs: no temporary copy of X on every call, and NaN (gaps) skipped.
    if X.dtype != np.float32 and X.size and max(np.fmax.reduce(X, axis=None), -np.fmin.reduce(X, axis=None)) > _FLOAT32_MAX:
        raise ValueError(
            f"{name} has values beyond float32's range (+-{_FLOAT32_MAX:.3g}), in "
            "which the Keras model computes; scale it first."
        )
    return X


def check_sample_shape(sample_shape, accepted, fitted_shape, estimator_name):
    """Reject image samples whose shape is none of the ``accepted`` ones."""
    if sample_shape is not None and sample_shape not in accepted:
        raise ValueError(
            f"X has samples of shape {sample_shape}, but {estimator_name} was "
            f"fitted on samples of shape {fitted_shape}."
        )


def check_targets(X, y):
    """Validate explicit training targets ``y`` for the validated 2-D ``X``."""
    y, _ = flatten_samples(y)
    y = check_array(y, dtype=[np.float64, np.float32], input_name="y")
    check_float32_range(y, "y")
    if y.shape != X.shape:
        raise ValueError(f"y must have the shape of X, {X.shape} flattened; got {y.shape}.")
    return y


def check_codes(Z, n_codes, estimator_name):
    """Validate codes given to ``inverse_transform``."""
    Z = check_float32_range(check_array(Z, dtype=[np.float64, np.float32]))
    if Z.shape[1] != n_codes:
        raise ValueError(
            f"X has {Z.shape[1]} features, but {estimator_name} is expecting "
            f"{n_codes} codes as input."
        )
    return Z


def check_positive_ints(value, name, *, allow_empty=True):
    """Return ``value`` as a tuple of positive ints or raise a clear error."""
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of positive ints, got {value!r}.") from None
    if not allow_empty and not items:
        raise ValueError(f"{name} must not be empty.")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, Integral):
            raise TypeError(f"{name} must be a sequence of positive ints, got {value!r}.")
        if item < 1:
            raise ValueError(f"{name} must be a sequence of positive ints, got {value!r}.")
    return tuple(int(item) for item in items)


def check_image_shape(image_shape, n_features):
    """Return ``image_shape`` as a tuple that holds ``n_features`` values."""
    shape = check_positive_ints(image_shape, "image_shape")
    if len(shape) not in (2, 3):
        raise ValueError(
            "image_shape must be (height, width) or (height, width, channels), "
            f"got {image_shape!r}."
        )
    if n_features is not None and math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} holds {math.prod(shape)} values, but X "
            f"has {n_features} features per sample."
        )
    return shape


def check_value_range(value, name):
    """Return ``(low, high)`` as floats, or raise if it is not a valid range."""
    try:
        low, high = value
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be (low, high), got {value!r}.") from None
    if not low <= high:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}.")
    return low, high


def resolve_keras_object(getter, value, name):
    """Turn a Keras identifier into its object, with a clear error if unknown."""
    try:
        return getter(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}={value!r} is not a known Keras {name}: {error}") from None

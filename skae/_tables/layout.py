"""A mixed table's columns as a network sees them, and back.

:class:`TableLayout` is a scikit-learn transformer: ``fit`` learns which
columns are categorical and how each is encoded, ``transform`` gives the
float matrix a network trains on, and ``inverse_transform`` turns a
network's output back into a table with the original columns, dtypes and
category sets. The encoding is scikit-learn's own, in one
:class:`~sklearn.compose.ColumnTransformer`:

* each numeric column is standardised (:class:`~sklearn.preprocessing.StandardScaler`),
  so that its regression term is in units of its own spread;
* each categorical column becomes a block of one-hot columns
  (:class:`~sklearn.preprocessing.OneHotEncoder`); a network's output for the
  block is read as one logit a category, and decoded to the most probable one.

The encoded matrix holds the numeric columns first, then one block per
categorical column, in the table's order: ``numeric_`` and ``blocks_`` say
where each is.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes")


def _is_category(dtype):
    return getattr(dtype, "name", None) == "category"


def _holds_text(values):
    """Whether a column (a Series or a 1-D array) holds strings: a text dtype, or objects of which any is one."""
    dtype = values.dtype
    if getattr(dtype, "kind", None) in ("U", "S") or getattr(dtype, "name", None) in ("string", "str"):
        return True
    return getattr(dtype, "kind", None) == "O" and any(isinstance(value, str) for value in values)


def categorical_mask(X, categorical_features):
    """Which of ``X``'s columns are categorical, as a boolean array.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
    categorical_features : "from_dtype", array-like of str, int or bool, or None
        ``"from_dtype"``: a DataFrame's ``category`` columns, as in
        scikit-learn's ``HistGradientBoosting*``. Names (of a DataFrame's
        columns), indices, or a boolean mask over the columns. ``None``: none.

    Raises
    ------
    ValueError
        For names not among the columns, indices out of range, or a mask of
        the wrong length.
    TypeError
        For text or ``category`` columns left numeric: an autoencoder cannot
        compute with strings, nor read category codes as numbers, so they
        must be marked (or text cast to ``category``).
    """
    columns = list(X.columns) if _is_dataframe(X) else None
    n_features = len(columns) if columns is not None else np.shape(X)[1]
    if categorical_features is None:
        mask = np.zeros(n_features, dtype=bool)
    elif isinstance(categorical_features, str) and categorical_features == "from_dtype":
        dtypes = list(X.dtypes) if columns is not None else [None] * n_features
        mask = np.array([_is_category(dtype) for dtype in dtypes], dtype=bool)
    else:
        mask = _mask_from_selection(np.asarray(categorical_features), columns, n_features)
    unmarked = [index for index in np.flatnonzero(~mask) if columns is not None and _is_category(X.dtypes.iloc[index])]
    if unmarked:
        raise TypeError(
            f"Columns {[columns[index] for index in unmarked]} have dtype 'category' but are not in "
            "categorical_features; name them too, or use categorical_features='from_dtype'."
        )
    text = [index for index in np.flatnonzero(~mask) if _holds_text(_column(X, index))]
    if text:
        names = [columns[index] if columns is not None else int(index) for index in text]
        raise TypeError(
            f"Columns {names} hold text but are not marked categorical: pass them in "
            "categorical_features, or cast them with DataFrame.astype('category') and use "
            "categorical_features='from_dtype'."
        )
    return mask


def _column(X, index):
    return X.iloc[:, index] if _is_dataframe(X) else np.asarray(X)[:, index]


def _mask_from_selection(selection, columns, n_features):
    """The boolean mask of ``categorical_features`` given as names, indices or a mask."""
    selection = selection.reshape(-1)
    if selection.dtype.kind == "b":
        if selection.size != n_features:
            raise ValueError(
                f"categorical_features as a boolean mask needs one entry per column ({n_features}); "
                f"got {selection.size}."
            )
        return selection.copy()
    mask = np.zeros(n_features, dtype=bool)
    if selection.dtype.kind in ("U", "S", "O") and selection.size:
        if columns is None:
            raise ValueError("categorical_features names columns, which needs X as a DataFrame.")
        unknown = [str(name) for name in selection if name not in columns]
        if unknown:
            raise ValueError(f"categorical_features names columns that X does not have: {unknown}.")
        mask[[columns.index(name) for name in selection]] = True
        return mask
    if selection.size and not all(isinstance(index, Integral) for index in selection.tolist()):
        raise TypeError("categorical_features must be 'from_dtype', column names, indices or a boolean mask.")
    if selection.size and (selection.min() < -n_features or selection.max() >= n_features):
        raise ValueError(f"categorical_features has indices out of range for {n_features} columns.")
    mask[selection] = True
    return mask


class TableLayout(TransformerMixin, BaseEstimator):
    """Numeric columns standardised and categorical ones one-hot encoded, and back.

    Parameters
    ----------
    categorical_features : "from_dtype", array-like of str, int or bool, or None, default="from_dtype"
        Which columns are categorical: see :func:`categorical_mask`.
    handle_unknown : {"error", "ignore"}, default="error"
        A category not seen in ``fit``: an error, or an all-zero block (as
        :class:`~sklearn.preprocessing.OneHotEncoder` does), which adds
        nothing to the loss.

    Attributes
    ----------
    categorical_ : ndarray of bool of shape (n_features_in_,)
        Which columns are categorical.
    categories_ : dict
        Each categorical column's (name or index's) categories, in the order
        of its block.
    numeric_ : slice
        Where the standardised numeric columns are in the encoded matrix.
    blocks_ : list of slice
        Where each categorical column's block is, in the table's order.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.

    Examples
    --------
    >>> import pandas as pd
    >>> from skae._tables.layout import TableLayout
    >>> table = pd.DataFrame({"carat": [0.3, 1.1, 0.7], "cut": pd.Categorical(["Good", "Ideal", "Good"])})
    >>> layout = TableLayout().fit(table)
    >>> layout.transform(table).shape, layout.blocks_
    ((3, 3), [slice(1, 3, None)])
    >>> layout.inverse_transform(layout.transform(table)).equals(table)
    True
    """

    _parameter_constraints = {
        "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
        "handle_unknown": [StrOptions({"error", "ignore"})],
    }

    def __init__(self, categorical_features="from_dtype", handle_unknown="error"):
        self.categorical_features = categorical_features
        self.handle_unknown = handle_unknown

    def fit(self, X, y=None):
        """Learn which columns are categorical, their categories, and the numeric columns' scale."""
        self._validate_params()
        validate_data(self, X, skip_check_array=True, reset=True)
        self.categorical_ = categorical_mask(X, self.categorical_features)
        self._columns = list(X.columns) if _is_dataframe(X) else list(range(self.n_features_in_))
        self._dtypes = [_plain_dtype(dtype) for dtype in X.dtypes] if _is_dataframe(X) else None
        selected = [column if _is_dataframe(X) else index for index, column in enumerate(self._columns)]
        numeric = [column for column, categorical in zip(selected, self.categorical_) if not categorical]
        categorical = [column for column, is_categorical in zip(selected, self.categorical_) if is_categorical]
        self._encoder = ColumnTransformer(
            [("numeric", StandardScaler(), numeric),
             ("categorical", OneHotEncoder(handle_unknown=self.handle_unknown, sparse_output=False), categorical)],
            sparse_threshold=0.0, verbose_feature_names_out=False,
        ).fit(X)
        one_hot = self._encoder.named_transformers_["categorical"]
        categories = one_hot.categories_ if categorical else []
        self.categories_ = dict(zip(categorical, categories))
        self.numeric_ = slice(0, len(numeric))
        ends = np.cumsum([len(numeric)] + [len(values) for values in categories])
        self.blocks_ = [slice(int(start), int(end)) for start, end in zip(ends[:-1], ends[1:])]
        return self

    def transform(self, X):
        """The encoded float64 matrix: standardised numeric columns, then one-hot blocks."""
        check_is_fitted(self)
        validate_data(self, X, skip_check_array=True, reset=False)
        return np.asarray(self._encoder.transform(X), dtype=np.float64)

    def inverse_transform(self, X):
        """A table like ``fit``'s from encoded rows (or a network's logits): each block's most likely category.

        Returns a DataFrame with the original columns, dtypes and category
        sets when ``fit`` saw one, else an array (of objects when any column
        is categorical).
        """
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        numeric = self._encoder.named_transformers_["numeric"]
        values = {}
        numeric_columns = [column for column, is_categorical in zip(self._columns, self.categorical_)
                           if not is_categorical]
        if numeric_columns:
            restored = numeric.inverse_transform(X[:, self.numeric_])
            values.update(zip(numeric_columns, restored.T))
        if self.blocks_:
            one_hot = self._encoder.named_transformers_["categorical"]
            # OneHotEncoder reads each block by its argmax: logits and probabilities decode alike.
            decoded = one_hot.inverse_transform(X[:, self.blocks_[0].start:])
            values.update(zip(self.categories_, decoded.T))
        if self._dtypes is None:
            ordered = [values[column] for column in self._columns]
            dtype = object if self.blocks_ else np.float64
            return np.column_stack(ordered).astype(dtype) if ordered else np.empty((len(X), 0))
        return self._as_dataframe(values, len(X))

    def _as_dataframe(self, values, n_rows):
        import pandas as pd

        columns = {}
        for column, (kind, detail) in zip(self._columns, self._dtypes):
            if kind == "category":
                categories, ordered = detail
                columns[column] = pd.Categorical(values[column], categories=categories, ordered=ordered)
            elif kind == "numeric":
                columns[column] = _in_dtype(values[column], np.dtype(detail))
            else:
                columns[column] = values[column].astype(object)
        return pd.DataFrame(columns, index=pd.RangeIndex(n_rows))

    def in_table_order(self, column_values):
        """Per-column values in the layout's order (numeric columns, then categorical) put in the table's order."""
        layout_order = np.r_[np.flatnonzero(~self.categorical_), np.flatnonzero(self.categorical_)]
        return np.asarray(column_values)[:, np.argsort(layout_order)]

    def get_feature_names_out(self, input_features=None):
        """The encoded columns' names: the numeric columns', then ``column_category`` for each block."""
        check_is_fitted(self)
        return self._encoder.get_feature_names_out(input_features)


def _plain_dtype(dtype):
    """A column's dtype as plain values (pickles and skops files hold no pandas objects).

    ``("category", (categories, ordered))``, ``("numeric", numpy dtype string)``
    (a nullable pandas dtype as its NumPy one), or ``("other", None)`` for text.
    """
    if _is_category(dtype):
        return "category", (np.asarray(dtype.categories).tolist(), bool(dtype.ordered))
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    if getattr(numpy_dtype, "kind", None) in ("b", "i", "u", "f"):
        return "numeric", numpy_dtype.str
    return "other", None


def _in_dtype(values, dtype):
    """Reconstructed numbers in a numeric column's own dtype: rounded for integers, thresholded for booleans."""
    kind = getattr(dtype, "kind", "f")
    if kind == "b":
        return values > 0.5
    if kind in ("i", "u"):
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype) if kind == "f" else values

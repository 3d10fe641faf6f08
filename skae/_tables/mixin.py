"""What lets an autoencoder take a mixed table: the base's hooks, through a TableLayout.

An estimator that lists :class:`MixedTablesMixin` before
:class:`~skae._base.BaseAutoencoder` takes a DataFrame with categorical
columns. At ``fit`` it learns a :class:`~skae._tables.layout.TableLayout`
(``table_layout_``) when any column is categorical, and from then on:

* its network sees the encoded table (standardised numbers, one-hot
  categories) and outputs numbers and one logit a category, linearly;
* it is trained on :class:`~skae._tables.losses.MixedTableLoss`, each
  column's cost (a weighted squared error for a number, the cross-entropy
  for a category);
* ``inverse_transform`` returns a table like ``fit``'s, each category cell
  its most probable category, and ``score_samples`` the negative mean of the
  columns' costs.

:class:`~skae.AutoencoderOutlierDetector` gives its members one layout
fitted on all its rows (``_given_table_layout``) and reads each original
column's cost from ``_codes_and_column_costs``.

A table without categorical columns (every array) goes the base's way,
unchanged. Mixed tables with missing entries are refused for now: the
gap machinery of :mod:`skae._missing` works on numbers only.
"""

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, validate_data

from .layout import TableLayout, _is_dataframe, categorical_mask
from . import losses

#: The constraints of the two parameters the mixin reads.
PARAMETER_CONSTRAINTS = {
    "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
    "handle_unknown": [StrOptions({"error", "ignore"})],
}


class MixedTablesMixin:
    """Hooks of :class:`~skae._base.BaseAutoencoder` for tables with categorical columns.

    The estimator has ``categorical_features`` and ``handle_unknown``
    parameters; ``table_layout_`` is ``None`` when ``fit`` saw no
    categorical column.
    """

    table_layout_ = None
    #: A layout fitted elsewhere that ``fit`` adopts instead of fitting one (the
    #: outlier detector's ensemble shares one, fitted on all its rows: a member's
    #: subsample may lack a category).
    _given_table_layout = None

    def __setstate__(self, state):
        # Pickled before these parameters existed: the defaults, which behave as skae did then.
        super().__setstate__({"categorical_features": "from_dtype", "handle_unknown": "error", **state})

    def _fit_table_layout(self, X):
        """The layout of ``X``'s columns, or ``None`` when none is categorical."""
        if self._given_table_layout is not None:
            return self._given_table_layout
        marked = self._categorical_columns(X)
        if marked is None:
            return None
        table, mask = marked
        self._check_mixed_table_settings(table)
        return TableLayout(categorical_features=mask, handle_unknown=self.handle_unknown).fit(table)

    def _categorical_columns(self, X):
        """``(table, mask)`` of ``X``'s categorical columns by ``categorical_features``, or ``None`` if it has none."""
        if self.categorical_features is None:
            return None
        from_dtype = isinstance(self.categorical_features, str)
        if from_dtype and not _is_dataframe(X):
            return None
        table = X if _is_dataframe(X) else check_array(X, dtype=None, ensure_all_finite="allow-nan")
        mask = categorical_mask(table, self.categorical_features)
        return (table, mask) if mask.any() else None

    def _check_mixed_table_settings(self, table):
        """Refuse settings a mixed table cannot train with, before any training."""
        name = type(self).__name__
        if self.loss != "mse":
            raise ValueError(
                f"{name} trains a table with categorical columns on each column's own cost (a weighted "
                f"squared error for a standardised number, the cross-entropy for a category), so loss must "
                f"be 'mse', not {self.loss!r}."
            )
        if self.output_activation not in ("auto", "linear", None):
            raise ValueError(
                f"{name} outputs numbers and one logit a category for a table with categorical columns, "
                f"linearly: output_activation must be 'auto' (or 'linear', or None), not {self.output_activation!r}."
            )
        if self.image_shape is not None:
            raise ValueError(f"{name}: image_shape does not apply to a table with categorical columns.")
        missing = _columns_with_missing(table)
        if missing:
            raise ValueError(
                f"{name} does not yet take a table with categorical columns and missing entries; columns "
                f"{missing} have some. Fill them first, e.g. with sklearn.impute.SimpleImputer "
                "(strategy='most_frequent' for the categorical ones)."
            )

    # Hooks of BaseAutoencoder.
    def _validate_samples(self, X, *, reset):
        if reset:
            self.table_layout_ = self._fit_table_layout(X)
        layout = self.table_layout_
        if layout is None:
            return super()._validate_samples(X, reset=reset)
        validate_data(self, X, skip_check_array=True, reset=reset)
        table = X if _is_dataframe(X) else check_array(X, dtype=None, ensure_all_finite="allow-nan")
        missing = _columns_with_missing(table)
        if missing:
            raise ValueError(f"{type(self).__name__} was fitted on a complete table; columns {missing} have gaps.")
        encoded = layout.transform(table)
        if reset:
            self.input_shape_ = (encoded.shape[1],)
        return encoded

    def _resolve_output_activation(self, targets):
        return "linear" if self.table_layout_ is not None else super()._resolve_output_activation(targets)

    def _training_loss(self):
        layout = self.table_layout_
        if layout is None:
            return super()._training_loss()
        return losses.MixedTableLoss(layout.numeric_, layout.blocks_, losses.NUMERIC_WEIGHT)

    def _model_params(self):
        layout = self.table_layout_
        bounds = None if layout is None else (
            (layout.numeric_.start, layout.numeric_.stop), tuple((block.start, block.stop) for block in layout.blocks_)
        )
        return {**super()._model_params(), "table_layout": bounds}

    def _score_samples(self, X):
        return super()._score_samples(X) if self.table_layout_ is None else self._table_scores(X, X)

    def _table_scores(self, X_input, X_target):
        """The negative mean of each column's cost of reconstructing encoded ``X_target`` from ``X_input``."""
        layout = self.table_layout_
        outputs = self._predict("model", X_input)[0].reshape(len(X_input), -1)
        return -losses.column_losses(
            X_target, outputs, layout.numeric_, layout.blocks_, losses.NUMERIC_WEIGHT
        ).mean(axis=1)

    def _codes_and_column_costs(self, X):
        """The codes of a mixed table's rows and each original column's cost of reconstructing them.

        Both are float64; the costs have one column per column of the table,
        in its order: a number's absolute error in standard units, a
        category's negative log-probability (what the outlier detector
        explains a row by).
        """
        layout = self.table_layout_
        encoded = self._validate_samples(X, reset=False)
        codes = self._predict("encoder", encoded)[0]
        outputs = self._predict("decoder", codes)[0]
        costs = losses.column_losses(encoded, outputs, layout.numeric_, layout.blocks_, numeric_weight=1.0)
        costs[:, layout.numeric_] = np.sqrt(costs[:, layout.numeric_])
        return np.asarray(codes, dtype=np.float64), layout.in_table_order(costs)

    def inverse_transform(self, X):
        """Decode codes back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_codes)
            Codes, as returned by :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, *input_shape_), or DataFrame
            Reconstructions shaped like the samples given to ``fit``: 2-D
            ``(n_samples, n_features)`` for 2-D input, images for images. For
            a table with categorical columns, a table like ``fit``'s (a
            DataFrame with its columns, dtypes and category sets), each
            categorical cell its most probable category.
        """
        decoded = super().inverse_transform(X)
        return decoded if self.table_layout_ is None else self.table_layout_.inverse_transform(decoded)


def _columns_with_missing(table):
    """The names (or indices) of a table's columns with missing entries (NaN or None)."""
    if _is_dataframe(table):
        return [column for column, gaps in table.isna().any().items() if gaps]
    missing = np.frompyfunc(_is_missing, 1, 1)(table).astype(bool)
    return [int(index) for index in np.flatnonzero(missing.any(axis=0))]


def _is_missing(value):
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))

"""What reconstructing a mixed table costs, column by column: a Keras loss and its NumPy twin.

Each original column costs one term:

* a numeric column, standardised by :class:`~skae._tables.layout.TableLayout`,
  :data:`NUMERIC_WEIGHT` times its squared error;
* a categorical column the cross-entropy of its block's softmax: the
  negative log-probability of the true category.

The training loss is the mean over the original columns, whatever their
encoded width: a categorical column of fifty categories weighs as much as a
numeric one. The weight was measured, not derived (docs/tables.rst, "Numbers
and categories", has the figures): at 1, the squared error ``loss="mse"``
charges a numeric table, the categories drowned the numbers, whose test
error reached 9 times PCA's on the mixed-tables benchmark; 16 brought it
below PCA's on all five tables, with the categories still above PCA's on
the three large ones. An all-zero block (a category unseen in ``fit``, with
``handle_unknown="ignore"``) costs nothing.
"""

import keras
import numpy as np
from scipy.special import log_softmax


#: What a numeric column's squared error counts for against a categorical column's
#: cross-entropy (measured on ``skae bench mixed``: see the module docstring).
NUMERIC_WEIGHT = 16.0


def _n_columns(numeric, blocks):
    return (numeric.stop - numeric.start) + len(blocks)


def column_losses(encoded, outputs, numeric, blocks, numeric_weight=NUMERIC_WEIGHT):
    """Each row's cost of each original column, as a NumPy array of shape (n_samples, n_columns).

    Parameters
    ----------
    encoded : ndarray of shape (n_samples, n_encoded)
        Rows as :meth:`TableLayout.transform <skae._tables.layout.TableLayout.transform>`
        encodes them.
    outputs : ndarray of shape (n_samples, n_encoded)
        A network's output for them: numbers for the numeric columns, a logit
        a category for the blocks.
    numeric, blocks : slice, list of slice
        The layout's ``numeric_`` and ``blocks_``.
    numeric_weight : float, default=NUMERIC_WEIGHT
        The factor of the numeric columns' squared errors.

    Returns
    -------
    losses : ndarray of shape (n_samples, n_numeric + len(blocks))
        The numeric columns' costs first, then the categorical ones', in the
        layout's order.
    """
    encoded, outputs = np.asarray(encoded, dtype=np.float64), np.asarray(outputs, dtype=np.float64)
    numeric_losses = numeric_weight * (encoded[:, numeric] - outputs[:, numeric]) ** 2
    block_losses = [-(encoded[:, block] * log_softmax(outputs[:, block], axis=1)).sum(axis=1) for block in blocks]
    return np.column_stack([numeric_losses, *block_losses]) if blocks else numeric_losses


@keras.saving.register_keras_serializable(package="skae")
class MixedTableLoss(keras.losses.Loss):
    """The Keras loss of encoded rows: the mean of :func:`column_losses` over the columns, per row.

    A registered :class:`keras.losses.Loss`, so that a model compiled with it
    is saved and loaded (and pickled) with it.

    Parameters
    ----------
    numeric : slice
        The layout's ``numeric_``.
    blocks : list of slice
        The layout's ``blocks_``.
    numeric_weight : float, default=NUMERIC_WEIGHT
        The factor of the numeric columns' squared errors.

    Examples
    --------
    >>> import numpy as np
    >>> from skae._tables.losses import MixedTableLoss
    >>> loss = MixedTableLoss(numeric=slice(0, 1), blocks=[slice(1, 3)])
    >>> encoded = np.array([[1.0, 0.0, 1.0]], dtype="float32")
    >>> print(f"{float(loss(encoded, np.array([[0.0, 0.0, 0.0]], dtype='float32'))):.4f}")
    8.3466
    """

    def __init__(self, numeric, blocks, numeric_weight=NUMERIC_WEIGHT, name="mixed_table", **kwargs):
        super().__init__(name=name, **kwargs)
        self.numeric = slice(*_bounds(numeric))
        self.blocks = [slice(*_bounds(block)) for block in blocks]
        self.numeric_weight = float(numeric_weight)

    def call(self, y_true, y_pred):
        numeric = self.numeric
        total = self.numeric_weight * keras.ops.sum(keras.ops.square(y_true[:, numeric] - y_pred[:, numeric]), axis=-1)
        for block in self.blocks:
            log_probabilities = keras.ops.log_softmax(y_pred[:, block], axis=-1)
            total = total - keras.ops.sum(y_true[:, block] * log_probabilities, axis=-1)
        return total / _n_columns(self.numeric, self.blocks)

    def get_config(self):
        return {**super().get_config(), "numeric": _bounds(self.numeric),
                "blocks": [_bounds(block) for block in self.blocks], "numeric_weight": self.numeric_weight}


def _bounds(part):
    """``[start, stop]`` of a slice (or of a saved one): what a config can hold."""
    return [part.start, part.stop] if isinstance(part, slice) else [int(part[0]), int(part[1])]

"""The defaults chosen from the data: what each ``"auto"`` parameter becomes.

One rule, in one place, for every autoencoder (and for the outlier
detector's default autoencoder). Each function takes plain values and
returns plain values, so the rules can be read, tested and measured on
their own; the estimators store what they return in fitted attributes
(``output_activation_``, ``epochs_``...), as ``PCA`` stores
``n_components_``. A parameter the user set is returned unchanged.

The numbers below were chosen by experiments on scikit-learn's bundled
tables and the ten ODDS sets, standardised, and are measured with the
defaults as shipped by ``skae bench tabular`` (below PCA's test error on 13
of 14 tables, median ratio 0.794) and on Fashion-MNIST against the
tutorial's model by ``skae bench image_defaults`` (docs/tables.rst and
docs/performance.rst have the tables):

* the output is linear unless the training data lie in [0, 1]: a sigmoid
  cannot reach the negative half of a standardised table;
* training runs up to :data:`STEP_BUDGET` gradient steps (at least
  :data:`MIN_EPOCHS`, at most :data:`MAX_EPOCHS` epochs) and stops early on
  a random :data:`VALIDATION_SHARE` of the rows: ten epochs of a few hundred
  rows are a few dozen steps, where a model has not started to learn, while
  ten epochs of Fashion-MNIST's 60,000 are already enough;
* the patience is a twentieth of the epochs (at least
  :data:`MIN_PATIENCE`): a small table's epochs are a handful of noisy
  steps each.
"""

import math

AUTO = "auto"


def is_auto(value):
    """Whether a parameter's value is ``"auto"`` (it may be an array or a callable)."""
    return isinstance(value, str) and value == AUTO


#: Most gradient steps of a fit with ``epochs="auto"``.
STEP_BUDGET = 20_000
#: Fewest and most epochs ``epochs="auto"`` gives.
MIN_EPOCHS, MAX_EPOCHS = 10, 1_000
#: Share of rows held out for early stopping by ``validation_split="auto"``...
VALIDATION_SHARE = 0.1
#: ... when there are at least this many rows (else the training loss is monitored).
MIN_ROWS_FOR_VALIDATION = 100
#: Fewest epochs ``patience="auto"`` waits; otherwise a twentieth of the epochs.
MIN_PATIENCE = 5
#: The hidden layer ``hidden_layer_sizes="auto"`` gives...
HIDDEN_LAYER_SIZES = (128,)
#: ... to data of at most this many features; wider data (images) get none.
MAX_FEATURES_FOR_HIDDEN = 256


def hidden_layer_sizes(value, n_features):
    """``value``, or for ``"auto"``: :data:`HIDDEN_LAYER_SIZES` up to :data:`MAX_FEATURES_FOR_HIDDEN` features, else ``()``."""
    if is_auto(value):
        return HIDDEN_LAYER_SIZES if n_features <= MAX_FEATURES_FOR_HIDDEN else ()
    return value


def output_activation(value, X):
    """``value``, or for ``"auto"``: ``"sigmoid"`` if ``X`` lies in [0, 1], else ``None`` (linear)."""
    if not is_auto(value):
        return value
    in_unit_interval = X.size and float(X.min()) >= 0.0 and float(X.max()) <= 1.0
    return "sigmoid" if in_unit_interval else None


def validation_split(value, n_samples, early_stopping):
    """``value``, or for ``"auto"``: :data:`VALIDATION_SHARE` to stop early on, else 0.

    Rows are held out only for early stopping, and only from
    :data:`MIN_ROWS_FOR_VALIDATION` rows: below that the training loss is
    monitored instead.
    """
    if not is_auto(value):
        return value
    return VALIDATION_SHARE if early_stopping and n_samples >= MIN_ROWS_FOR_VALIDATION else 0.0


def epochs_for_budget(step_budget, steps_per_epoch, min_epochs, max_epochs):
    """The epochs of ``steps_per_epoch`` steps that make ``step_budget`` steps, clipped."""
    return min(max(math.ceil(step_budget / steps_per_epoch), min_epochs), max_epochs)


def epochs(value, steps_per_epoch):
    """``value``, or for ``"auto"``: enough epochs for :data:`STEP_BUDGET` steps, clipped."""
    if not is_auto(value):
        return value
    return epochs_for_budget(STEP_BUDGET, steps_per_epoch, MIN_EPOCHS, MAX_EPOCHS)


def early_stopping(value, epochs_value):
    """``value``, or for ``"auto"``: whether ``epochs`` is ``"auto"`` (a budget to stop within)."""
    if not is_auto(value):
        return value
    return is_auto(epochs_value)


def patience(value, n_epochs):
    """``value``, or for ``"auto"``: a twentieth of ``n_epochs``, at least :data:`MIN_PATIENCE`."""
    if not is_auto(value):
        return value
    return max(MIN_PATIENCE, math.ceil(n_epochs / 20))

"""Reconstruction errors, and scorers that grade any transformer that can invert.

A reconstruction scorer works on every fitted estimator or Pipeline with
``transform`` and ``inverse_transform`` (PCA, a scaler followed by an
autoencoder, ...): it compares ``X`` with ``inverse_transform(transform(X))``
in the space of the ``X`` it is given, so different models compete under one
measure in :class:`~sklearn.model_selection.GridSearchCV`,
:func:`~sklearn.model_selection.cross_validate` or
:class:`~sklearn.model_selection.RandomizedSearchCV`.
"""

import numpy as np

__all__ = [
    "RECONSTRUCTION_SCORERS",
    "ReconstructionScorer",
    "make_reconstruction_scorer",
    "reconstruction_error",
]

_METRICS = ("mse", "mae", "rmse", "psnr")


def _as_rows(X, name):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, got a scalar.")
    return X.reshape(X.shape[0], -1)


def reconstruction_error(X, X_hat, metric="mse", *, data_range=None):
    """Measure how far reconstructions ``X_hat`` are from ``X``.

    Both are compared sample by sample after flattening each sample, so
    images and their flattened rows compare equal.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        The true samples.
    X_hat : array-like with as many values as ``X``
        Their reconstructions.
    metric : {"mse", "mae", "rmse", "psnr"} or callable, default="mse"
        Mean squared error, mean absolute error, root mean squared error, or
        peak signal-to-noise ratio in dB. A callable ``metric(X, X_hat)`` gets
        both as 2-D float arrays and returns a float.
    data_range : float or None, default=None
        Peak-to-peak range of the data, for ``"psnr"`` only (1.0 for images
        in [0, 1], 255 for uint8 pixels); ``None`` uses ``X.max() - X.min()``.

    Returns
    -------
    value : float
        The metric's value: lower is better for the errors, higher is better
        for ``"psnr"`` (``inf`` for a perfect reconstruction).

    Examples
    --------
    >>> import numpy as np
    >>> from skae.metrics import reconstruction_error
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> X_hat = np.array([[0.0, 0.5], [1.0, 0.0]])
    >>> reconstruction_error(X, X_hat, "mse"), reconstruction_error(X, X_hat, "mae")
    (0.0625, 0.125)
    >>> round(reconstruction_error(X, X_hat, "psnr", data_range=1.0), 2)
    12.04
    """
    X, X_hat = _as_rows(X, "X"), _as_rows(X_hat, "X_hat")
    if X.shape != X_hat.shape:
        raise ValueError(
            f"X and X_hat must hold the same samples; got shapes {X.shape} and "
            f"{X_hat.shape} after flattening each sample."
        )
    if callable(metric):
        return float(metric(X, X_hat))
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS} or a callable, got {metric!r}.")
    if metric == "mae":
        return float(np.mean(np.abs(X - X_hat)))
    mse = float(np.mean(np.square(X - X_hat)))
    if metric == "mse":
        return mse
    if metric == "rmse":
        return float(np.sqrt(mse))
    return _psnr(mse, float(X.max() - X.min()) if data_range is None else data_range)


def _psnr(mse, data_range):
    """Peak signal-to-noise ratio in dB of a mean squared error."""
    if data_range <= 0:
        raise ValueError(f"data_range must be positive for psnr, got {data_range!r}.")
    if mse == 0:
        return float("inf")
    return float(10 * np.log10(data_range**2 / mse))


class ReconstructionScorer:
    """Score a fitted estimator by how well it reconstructs ``X``.

    Made by :func:`make_reconstruction_scorer`; see there. Calling it as
    ``scorer(estimator, X, y=None)`` returns the signed metric of ``X``
    against ``estimator.inverse_transform(estimator.transform(X))``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.decomposition import PCA
    >>> from skae.metrics import ReconstructionScorer
    >>> X = load_digits().data
    >>> scorer = ReconstructionScorer("psnr", data_range=16.0)
    >>> scorer(PCA(n_components=32).fit(X), X) > scorer(PCA(n_components=4).fit(X), X)
    True
    """

    def __init__(self, metric="mse", *, data_range=None, greater_is_better=None):
        if not callable(metric) and metric not in _METRICS:
            raise ValueError(f"metric must be one of {_METRICS} or a callable, got {metric!r}.")
        if greater_is_better is None:
            greater_is_better = metric == "psnr"
        self.metric = metric
        self.data_range = data_range
        self.greater_is_better = greater_is_better

    def __call__(self, estimator, X, y=None):
        for method in ("transform", "inverse_transform"):
            if not hasattr(estimator, method):
                raise TypeError(
                    f"A reconstruction scorer needs an estimator with transform and "
                    f"inverse_transform; {type(estimator).__name__} has no {method}."
                )
        X_hat = estimator.inverse_transform(estimator.transform(X))
        value = reconstruction_error(X, X_hat, self.metric, data_range=self.data_range)
        return value if self.greater_is_better else -value

    def __repr__(self):
        metric = getattr(self.metric, "__name__", repr(self.metric))
        options = "" if self.data_range is None else f", data_range={self.data_range}"
        return f"make_reconstruction_scorer({metric}{options})"


def make_reconstruction_scorer(metric="mse", *, data_range=None, greater_is_better=None):
    """Make a scorer that grades reconstructions, for model selection.

    The scorer ``scorer(estimator, X, y=None)`` works on any fitted estimator
    or Pipeline with ``transform`` and ``inverse_transform``: it measures
    ``metric`` between ``X`` and ``inverse_transform(transform(X))`` in the
    space of the ``X`` it is given (before a Pipeline's scaler, for example),
    so PCA and an autoencoder compete under one measure. ``y`` is ignored.

    Parameters
    ----------
    metric : {"mse", "mae", "rmse", "psnr"} or callable, default="mse"
        See :func:`reconstruction_error`.
    data_range : float or None, default=None
        For ``"psnr"``: the data's peak-to-peak range; ``None`` uses that of
        the ``X`` being scored.
    greater_is_better : bool or None, default=None
        Whether the metric grows with quality. ``None`` means ``True`` for
        ``"psnr"`` and ``False`` otherwise (errors, and callables), in which
        case the scorer returns the negated error, so greater is always better.

    Returns
    -------
    scorer : ReconstructionScorer
        Usable as ``scoring=`` in GridSearchCV, RandomizedSearchCV,
        cross_validate and cross_val_score.

    See Also
    --------
    RECONSTRUCTION_SCORERS : Ready-made scorers for the four metrics.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.decomposition import PCA
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skae import make_reconstruction_scorer
    >>> X = load_digits().data / 16.0
    >>> search = GridSearchCV(PCA(), {"n_components": [2, 16]},
    ...                       scoring=make_reconstruction_scorer("mse"), cv=3).fit(X)
    >>> search.best_params_
    {'n_components': 16}
    """
    return ReconstructionScorer(metric, data_range=data_range, greater_is_better=greater_is_better)


#: Ready-made scorers: negated MSE, MAE and RMSE, and PSNR (greater is better
#: for all). Pass one as ``scoring=``, or the whole dict to ``cross_validate``
#: to get every metric at once.
RECONSTRUCTION_SCORERS = {
    "neg_mse": make_reconstruction_scorer("mse"),
    "neg_mae": make_reconstruction_scorer("mae"),
    "neg_rmse": make_reconstruction_scorer("rmse"),
    "psnr": make_reconstruction_scorer("psnr"),
}

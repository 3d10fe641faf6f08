"""OutlierDisplay: why an outlier detector flagged the rows it flagged.

:mod:`skae.plotting` imports it, and it is documented, doctested and pickled
as ``skae.plotting.OutlierDisplay``.
"""

import math
from numbers import Integral

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize, SymLogNorm

from ._image_tiles import image_shape_for

#: What ``from_estimator`` calls on the detector.
_DETECTOR_METHODS = ("score_samples", "predict", "feature_scores")
#: Feature scores up to this are typical errors: the colour scale is linear below, and at least this tall.
_TYPICAL = 3.0


def _take(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else np.asarray(X)[rows]


def _selected_rows(estimator, X, rows, n_images):
    """Indices of the rows to show, and their ``score_samples``."""
    n_samples = len(X)
    if rows is None:
        if not isinstance(n_images, Integral) or n_images < 1:
            raise ValueError(f"n_images must be a positive int; got {n_images!r}.")
        scores = np.asarray(estimator.score_samples(X))
        order = np.argsort(scores, kind="stable")[:n_images]
        return order, scores[order]
    indices = np.atleast_1d(np.asarray(rows))
    if (
        indices.ndim != 1 or indices.size == 0 or not np.issubdtype(indices.dtype, np.integer)
        or np.any((indices < -n_samples) | (indices >= n_samples))
    ):
        raise ValueError(
            f"rows must be integer indices of the {n_samples} rows of X (or None for the "
            f"most outlying); got {rows!r}."
        )
    indices = indices % n_samples
    return indices, np.asarray(estimator.score_samples(_take(X, indices)))


def _shown_image_shape(estimator, n_features, kind, image_shape):
    """``None`` for a bar chart, else the shape to show each row as."""
    if kind not in ("auto", "images", "tabular"):
        raise ValueError(f"kind must be 'auto', 'images' or 'tabular'; got {kind!r}.")
    side = math.isqrt(n_features)
    named = hasattr(estimator, "feature_names_in_")
    if kind == "tabular" or (kind == "auto" and image_shape is None and (named or side < 8 or side**2 != n_features)):
        return None
    return image_shape_for(estimator, np.empty((0, n_features)), image_shape)


class OutlierDisplay:
    """Why rows were flagged: each feature's part in a detector's outlier score.

    For images, each selected row is drawn over its map of
    :meth:`~skae.AutoencoderOutlierDetector.feature_scores` (one shared colour
    scale, with a colorbar), under a title giving its outlier score
    (``-score_samples``) and whether ``predict`` flags it. For tabular data,
    one row's largest feature scores are drawn as horizontal bars.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
        The rows shown.
    feature_scores : ndarray of shape (n_rows, n_features)
        Their feature scores: absolute reconstruction errors in robust
        standard deviations of the training errors.
    outlier_scores : ndarray of shape (n_rows,)
        Their outlier scores, ``-score_samples``: higher is more unusual.
    is_outlier : ndarray of bool of shape (n_rows,)
        Whether the detector flags each row.
    rows : ndarray of int of shape (n_rows,) or None, default=None
        Their indices in the data they came from, for the titles; ``None``
        numbers them from 0.
    image_shape : tuple of int or None, default=None
        ``(height, width[, channels])`` to show each row as an image;
        ``None`` draws a bar chart of one row.
    feature_names : array-like of str or None, default=None
        Bar labels; ``None`` names the features ``x0``, ``x1``, ...

    Attributes
    ----------
    figure_ : matplotlib Figure
    axes_ : ndarray of matplotlib Axes of shape (2, n_rows) or None
        Images over their feature-score maps; ``None`` for a bar chart.
    colorbar_ : matplotlib Colorbar or None
        The feature scores' shared colour scale; ``None`` for a bar chart.
    ax_ : matplotlib Axes or None
        The bar chart; ``None`` for images.
    bars_ : matplotlib BarContainer or None
        The bars, largest score on top; ``None`` for images.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderOutlierDetector
    >>> from skae.plotting import OutlierDisplay
    >>> X = load_digits().data[:300] / 16.0
    >>> detector = AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(X)
    >>> display = OutlierDisplay.from_estimator(detector, X, n_images=4)
    >>> display.axes_.shape
    (2, 4)
    >>> bars = OutlierDisplay.from_estimator(detector, X, rows=[7], kind="tabular", max_features=5)
    >>> len(bars.bars_)
    5
    """

    def __init__(self, X, feature_scores, outlier_scores, is_outlier, *, rows=None, image_shape=None,
                 feature_names=None):
        self.X = X
        self.feature_scores = feature_scores
        self.outlier_scores = outlier_scores
        self.is_outlier = is_outlier
        self.rows = rows
        self.image_shape = image_shape
        self.feature_names = feature_names

    @classmethod
    def from_estimator(cls, estimator, X, *, rows=None, n_images=8, image_shape=None, kind="auto", row=None,
                       max_features=10, ax=None, cmap="hot", scale="symlog", vmax=None):
        """Score ``X`` with a fitted detector and draw its most outlying rows.

        Parameters
        ----------
        estimator : fitted outlier detector
            Anything with ``score_samples``, ``predict`` and
            ``feature_scores``, such as :class:`~skae.AutoencoderOutlierDetector`.
        X : array-like of shape (n_samples, n_features)
            Rows to choose from, as the detector takes them.
        rows : int, array-like of int or None, default=None
            Indices of the rows of ``X`` to show, in that order; ``None``
            takes the ``n_images`` rows with the lowest ``score_samples``,
            the most outlying first.
        n_images : int, default=8
            How many rows ``rows=None`` takes.
        image_shape : tuple of int or None, default=None
            ``(height, width[, channels])`` of one image. ``None`` infers a
            square for a detector without feature names whose number of
            features is a square of a side of at least 8.
        kind : {"auto", "images", "tabular"}, default="auto"
            Images when an image shape is given or inferred, else a bar chart;
            or either, whatever the shape of the data.
        row, max_features, ax, cmap, scale, vmax
            Passed to :meth:`plot`.

        Returns
        -------
        display : OutlierDisplay
        """
        missing = [name for name in _DETECTOR_METHODS if not hasattr(estimator, name)]
        if missing:
            raise TypeError(
                f"OutlierDisplay needs a fitted outlier detector with {', '.join(_DETECTOR_METHODS)}, "
                f"such as skae.AutoencoderOutlierDetector; {type(estimator).__name__} has no {', '.join(missing)}."
            )
        rows, normality = _selected_rows(estimator, X, rows, n_images)
        X_rows = _take(X, rows)
        display = cls(
            np.asarray(X_rows, dtype=np.float64), np.asarray(estimator.feature_scores(X_rows)), -normality,
            np.asarray(estimator.predict(X_rows)) == -1, rows=rows,
            image_shape=_shown_image_shape(estimator, np.shape(X_rows)[1], kind, image_shape),
            feature_names=getattr(estimator, "feature_names_in_", None),
        )
        return display.plot(row=row, max_features=max_features, ax=ax, cmap=cmap, scale=scale, vmax=vmax)

    def _title(self, position, sep):
        index = position if self.rows is None else self.rows[position]
        verdict = "outlier" if self.is_outlier[position] else "inlier"
        return sep.join([f"row {index}", f"outlier score {self.outlier_scores[position]:.1f}", verdict])

    def plot(self, *, row=None, max_features=10, ax=None, cmap="hot", scale="symlog", vmax=None):
        """Draw the images over their score maps, or one row's bar chart.

        Parameters
        ----------
        row : int or None, default=None
            Bar charts only: which of the rows shown to draw, by position
            (``None``: the first, the most outlying by default).
        max_features : int, default=10
            Bar charts only: how many of the highest feature scores to draw.
        ax : matplotlib Axes, array of 2 x n_rows Axes, or None, default=None
            Where to draw: one Axes for a bar chart, a grid for images (the
            colorbar takes room from them); a new figure when ``None``.
        cmap : str, default="hot"
            Colormap of the feature-score maps.
        scale : {"symlog", "linear"}, default="symlog"
            The maps' colour scale, from 0: ``"symlog"`` is linear up to 3
            and logarithmic above, as scores span orders of magnitude (a
            pixel nearly constant in training has a small typical error,
            so ink there scores high).
        vmax : float or None, default=None
            Feature score at the top of the colour scale; ``None`` takes the
            largest score shown, and at least 3.

        Returns
        -------
        self
        """
        if self.image_shape is None:
            return self._plot_bars(0 if row is None else row, max_features, ax)
        if scale not in ("symlog", "linear"):
            raise ValueError(f"scale must be 'symlog' or 'linear'; got {scale!r}.")
        return self._plot_images(ax, cmap, scale, vmax)

    def _plot_bars(self, position, max_features, ax):
        scores = np.asarray(self.feature_scores)[position]
        names = self.feature_names
        if names is None:
            names = [f"x{feature}" for feature in range(len(scores))]
        top = np.argsort(-scores, kind="stable")[:max_features][::-1]
        ax = ax if ax is not None else plt.subplots(figsize=(6, 1.2 + 0.35 * len(top)), layout="constrained")[1]
        self.bars_ = ax.barh(np.arange(len(top)), scores[top], color="tab:red")
        ax.set_yticks(np.arange(len(top)), [str(names[feature]) for feature in top])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("feature score (robust SDs of the training errors)")
        ax.set_title(self._title(position, ", "))
        self.ax_, self.figure_, self.axes_, self.colorbar_ = ax, ax.figure, None, None
        return self

    def _plot_images(self, axes, cmap, scale, vmax):
        n_rows = len(self.X)
        if axes is None:
            _, axes = plt.subplots(2, n_rows, figsize=(1.6 * n_rows + 1.2, 4), squeeze=False, layout="constrained")
        axes = np.asarray(axes, dtype=object).reshape(2, n_rows)
        images = np.asarray(self.X, dtype=np.float64).reshape(n_rows, *self.image_shape)
        maps = np.asarray(self.feature_scores, dtype=np.float64).reshape(images.shape)
        maps = maps.mean(axis=-1) if maps.ndim == 4 else maps
        low, high = images.min(), images.max()
        images = (images - low) / (high - low if high > low else 1.0)
        vmax = max(_TYPICAL, float(maps.max())) if vmax is None else vmax
        norm = SymLogNorm(_TYPICAL, vmin=0.0, vmax=vmax) if scale == "symlog" else Normalize(0.0, vmax)
        for position, (top, bottom) in enumerate(axes.T):
            top.imshow(images[position], cmap="gray", vmin=0.0, vmax=1.0)
            mappable = bottom.imshow(maps[position], cmap=cmap, norm=norm)
            top.set_title(self._title(position, "\n"), fontsize=9)
            for axis in (top, bottom):
                axis.set_xticks([])
                axis.set_yticks([])
        axes[0, 0].set_ylabel("image")
        axes[1, 0].set_ylabel("feature scores")
        extend = ("neither", "min", "max", "both")[int(maps.min() < 0) + 2 * int(maps.max() > vmax)]
        self.figure_ = axes[0, 0].figure
        ticks = None
        if scale == "symlog":  # 0, the top of typical errors, then each decade
            ticks = [0.0, _TYPICAL, *(10.0**power for power in range(1, int(math.log10(vmax)) + 1))]
        self.colorbar_ = self.figure_.colorbar(
            mappable, ax=list(axes.ravel()), extend=extend, ticks=ticks, format="%g", label="feature score"
        )
        self.axes_, self.ax_, self.bars_ = axes, None, None
        return self

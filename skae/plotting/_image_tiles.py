"""What skae's Displays share: the shape to show a sample as, images tiled into one, legends.

The Displays live in the other private modules of :mod:`skae.plotting`; the
helpers here serve all of them, so none imports another for them.
"""

import math

import matplotlib.pyplot as plt
import numpy as np


def image_shape_for(estimator, X, image_shape):
    """Shape to show one sample of ``X`` as: given, from ``fit``, or a square."""
    n_features = int(np.prod(np.shape(X)[1:]))
    if image_shape is None:
        fitted_shape = getattr(estimator, "input_shape_", (n_features,))
        if len(fitted_shape) >= 2:
            image_shape = fitted_shape
        elif math.isqrt(n_features) ** 2 == n_features:
            side = math.isqrt(n_features)
            image_shape = (side, side)
        else:
            raise ValueError(
                f"Cannot show samples of {n_features} features as images; pass "
                "image_shape=(height, width)."
            )
    image_shape = tuple(image_shape)
    if len(image_shape) == 3 and image_shape[-1] == 1:
        image_shape = image_shape[:2]
    return image_shape


def ax_or_new(ax, figsize):
    """``ax``, or the Axes of a new figure of ``figsize``."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def legend_outside(ax, *args):
    """A legend to the right of the axes, so it never covers what they show."""
    return ax.legend(*args, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, fontsize="small")


def tile_gap(image_shape):
    """Pixels between tiled images: one per 14 rows of an image, at least one."""
    return max(1, image_shape[0] // 14)


def tile(images, n_cols, gap):
    """Images ``(n, height, width[, channels])`` in rows of ``n_cols``, as one array.

    Gaps, and the cells of an unfilled last row, take the brightest value.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.plotting._image_tiles import tile
    >>> tile(np.zeros((3, 2, 2)), n_cols=2, gap=1).shape
    (5, 5)
    """
    height, width = images.shape[1:3]
    n_rows = math.ceil(len(images) / n_cols)
    mosaic = np.full(
        (n_rows * (height + gap) - gap, n_cols * (width + gap) - gap, *images.shape[3:]), images.max()
    )
    for position, image in enumerate(images):
        top, left = (position // n_cols) * (height + gap), (position % n_cols) * (width + gap)
        mosaic[top : top + height, left : left + width] = image
    return mosaic


def frameless(ax):
    """Hide ``ax``'s frame and tick marks (tick labels stay)."""
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)

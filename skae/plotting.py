"""Pictures of autoencoders, as scikit-learn-style Display objects.

Each display is made with ``from_estimator`` (or from arrays with its
constructor), draws with ``plot(ax=None)`` and keeps ``figure_`` and ``ax_``,
like :class:`sklearn.metrics.ConfusionMatrixDisplay`. matplotlib is imported
here only, so the rest of skae does not need it.

* :class:`ReconstructionDisplay`: originals over reconstructions;
* :class:`DenoisingDisplay`: noisy, denoised and original images;
* :class:`LossCurveDisplay`: training and validation loss per epoch;
* :class:`LatentSpaceDisplay`: the codes in 2-D, coloured by label;
* :class:`OutlierDisplay`: why a detector flagged rows, feature by feature
  (defined in ``skae/_outlier_plotting.py``, re-exported here);
* :class:`SampleGridDisplay`: a grid of images a generative model draws;
* :class:`LatentManifoldDisplay`: the images decoded over a grid of a 2-D
  latent space (both defined in ``skae/_generative_plotting.py``,
  re-exported here).
"""

import numpy as np

from ._image_tiles import ax_or_new, frameless, image_shape_for, tile, tile_gap

__all__ = [
    "DenoisingDisplay", "LatentManifoldDisplay", "LatentSpaceDisplay", "LossCurveDisplay", "OutlierDisplay",
    "ReconstructionDisplay", "SampleGridDisplay",
]


class _ImageRowsDisplay:
    """Rows of images, one row per labelled array, drawn as one mosaic."""

    def __init__(self, rows, *, image_shape):
        self.rows = rows
        self.image_shape = image_shape

    def _mosaic(self, n_images, gap):
        """Tile the rows into one array; gaps take the brightest value."""
        rows = [
            np.asarray(images, dtype=float)[:n_images].reshape(n_images, *self.image_shape)
            for images in self.rows.values()
        ]
        return tile(np.concatenate(rows), n_images, gap)

    def plot(self, *, ax=None, cmap="gray"):
        """Draw the rows of images.

        All rows share one colour scale, from the smallest to the largest
        value shown, so data need not be scaled to [0, 1].

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw; a new figure is made when ``None``.
        cmap : str, default="gray"
            Colormap of single-channel images.

        Returns
        -------
        self
            The display, with ``figure_`` and ``ax_`` set.
        """
        n_images = min(len(images) for images in self.rows.values())
        ax = ax_or_new(ax, figsize=(2 * n_images, 2 * len(self.rows)))
        height = self.image_shape[0]
        gap = tile_gap(self.image_shape)
        ax.imshow(self._mosaic(n_images, gap), cmap=cmap)
        ax.set_yticks([row * (height + gap) + height / 2 for row in range(len(self.rows))], list(self.rows))
        ax.set_xticks([])
        frameless(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ReconstructionDisplay(_ImageRowsDisplay):
    """Original images over their reconstructions, as in the autoencoder tutorial.

    Parameters
    ----------
    originals : array-like of shape (n_images, ...)
        Images, or flattened rows of them.
    reconstructions : array-like of shape (n_images, ...)
        Their reconstructions.
    image_shape : tuple of int
        ``(height, width[, channels])`` of one image.

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import ReconstructionDisplay
    >>> X = load_digits().data / 16.0
    >>> ae = AutoencoderTransformer(latent_dim=16, epochs=2, random_state=0).fit(X)
    >>> display = ReconstructionDisplay.from_estimator(ae, X, n_images=8)
    >>> display.ax_.get_yticklabels()[1].get_text()
    'reconstruction'
    """

    def __init__(self, originals, reconstructions, *, image_shape):
        super().__init__({"original": originals, "reconstruction": reconstructions}, image_shape=image_shape)

    @classmethod
    def from_estimator(cls, estimator, X, *, n_images=10, image_shape=None, ax=None, cmap="gray"):
        """Reconstruct the first ``n_images`` samples of ``X`` and draw them.

        Parameters
        ----------
        estimator : fitted estimator with ``transform`` and ``inverse_transform``
            A skae autoencoder, PCA, or a Pipeline of them.
        X : array-like of shape (n_samples, ...)
            Samples, shaped as the estimator takes them.
        n_images : int, default=10
            How many samples to show.
        image_shape : tuple of int or None, default=None
            Shape of one image; ``None`` takes the shape the estimator was
            fitted on, or a square for flat rows.
        ax : matplotlib Axes or None, default=None
            Where to draw.
        cmap : str, default="gray"
            Colormap.

        Returns
        -------
        display : ReconstructionDisplay
        """
        X = X[:n_images]
        reconstructions = estimator.inverse_transform(estimator.transform(X))
        display = cls(X, reconstructions, image_shape=image_shape_for(estimator, X, image_shape))
        return display.plot(ax=ax, cmap=cmap)


class DenoisingDisplay(_ImageRowsDisplay):
    """Noisy images, the denoiser's output, and the clean originals.

    Parameters
    ----------
    noisy, denoised, originals : array-like of shape (n_images, ...)
        The three rows, top to bottom.
    image_shape : tuple of int
        ``(height, width[, channels])`` of one image.

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> from skae.plotting import DenoisingDisplay
    >>> X = load_digits().data / 16.0
    >>> dae = DenoisingAutoencoder(latent_dim=16, epochs=2, random_state=0).fit(X)
    >>> display = DenoisingDisplay.from_estimator(dae, X, n_images=8)
    >>> [label.get_text() for label in display.ax_.get_yticklabels()]
    ['noisy', 'denoised', 'original']
    """

    def __init__(self, noisy, denoised, originals, *, image_shape):
        super().__init__(
            {"noisy": noisy, "denoised": denoised, "original": originals}, image_shape=image_shape
        )

    @classmethod
    def from_estimator(
        cls, estimator, X, X_noisy=None, *, n_images=10, image_shape=None, random_state=0, ax=None, cmap="gray"
    ):
        """Denoise corrupted samples and draw noisy, denoised and original rows.

        Parameters
        ----------
        estimator : fitted DenoisingAutoencoder
            Anything with ``denoise``.
        X : array-like of shape (n_samples, ...)
            Clean samples.
        X_noisy : array-like or None, default=None
            Their corrupted versions; ``None`` corrupts ``X`` with the
            estimator's :meth:`~skae.DenoisingAutoencoder.corrupt`, seeded by
            ``random_state``.
        n_images : int, default=10
            How many samples to show.
        image_shape : tuple of int or None, default=None
            Shape of one image; see :meth:`ReconstructionDisplay.from_estimator`.
        random_state : int, default=0
            Seed of the corruption when ``X_noisy`` is ``None``.
        ax : matplotlib Axes or None, default=None
            Where to draw.
        cmap : str, default="gray"
            Colormap.

        Returns
        -------
        display : DenoisingDisplay
        """
        X = np.asarray(X[:n_images])
        if X_noisy is None:
            X_noisy = estimator.corrupt(X, random_state=random_state)
        X_noisy = np.asarray(X_noisy[:n_images])
        display = cls(
            X_noisy, estimator.denoise(X_noisy), X,
            image_shape=image_shape_for(estimator, X, image_shape),
        )
        return display.plot(ax=ax, cmap=cmap)


class LossCurveDisplay:
    """Training (and validation) loss per epoch, from an estimator's ``history_``.

    Parameters
    ----------
    history : dict of str to list of float
        Curves by name, one value per epoch, such as a fitted estimator's
        ``history_`` (``loss`` and ``val_loss``).

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes
    lines_ : list of matplotlib Line2D
        One line per curve.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skae.plotting import LossCurveDisplay
    >>> display = LossCurveDisplay({"loss": [0.3, 0.2, 0.15], "val_loss": [0.32, 0.25, 0.2]}).plot()
    >>> [line.get_label() for line in display.lines_]
    ['loss', 'val_loss']
    """

    def __init__(self, history):
        self.history = history

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Draw the loss curves of a fitted estimator.

        Parameters
        ----------
        estimator : fitted skae estimator
            Anything with ``history_``.
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        display : LossCurveDisplay
        """
        return cls(estimator.history_).plot(ax=ax)

    def plot(self, *, ax=None):
        """Draw one line per loss, against the epoch number.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        self
        """
        ax = ax_or_new(ax, figsize=(6, 4))
        self.lines_ = []
        for name, values in self.history.items():
            (line,) = ax.plot(range(1, len(values) + 1), values, marker="o", label=name)
            self.lines_.append(line)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class LatentSpaceDisplay:
    """The codes of samples in 2-D, coloured by their labels.

    Codes with more than two dimensions are projected on their first two
    principal components.

    Parameters
    ----------
    codes_2d : ndarray of shape (n_samples, 2)
        Coordinates to draw.
    labels : array-like of shape (n_samples,) or None
        Colours; ``None`` draws every point alike.
    class_names : sequence of str or None, default=None
        Names of the distinct labels, in sorted order (for Fashion-MNIST,
        :data:`skae.datasets.FASHION_MNIST_CLASS_NAMES`): a legend names
        each colour. ``None`` shows a colour bar of the label values.

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes
    scatter_ : matplotlib PathCollection

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import LatentSpaceDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(latent_dim=8, epochs=2, random_state=0).fit(X / 16.0)
    >>> LatentSpaceDisplay.from_estimator(ae, X / 16.0, y).scatter_.get_offsets().shape
    (1797, 2)
    >>> names = [f"digit {label}" for label in range(10)]
    >>> display = LatentSpaceDisplay.from_estimator(ae, X / 16.0, y, class_names=names)
    >>> [text.get_text() for text in display.ax_.get_legend().get_texts()][:2]
    ['digit 0', 'digit 1']
    """

    def __init__(self, codes_2d, labels=None, *, class_names=None):
        self.codes_2d = codes_2d
        self.labels = labels
        self.class_names = class_names

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, class_names=None, ax=None):
        """Encode ``X`` and draw the codes in 2-D.

        Parameters
        ----------
        estimator : fitted estimator with ``transform``
        X : array-like of shape (n_samples, ...)
            Samples to encode.
        y : array-like of shape (n_samples,) or None, default=None
            Labels for the colours.
        class_names : sequence of str or None, default=None
            Names of the distinct labels of ``y``, in sorted order.
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        display : LatentSpaceDisplay
        """
        codes = np.asarray(estimator.transform(X))
        if codes.shape[1] > 2:
            from sklearn.decomposition import PCA

            codes = PCA(n_components=2).fit_transform(codes)
        elif codes.shape[1] == 1:
            codes = np.column_stack([codes[:, 0], np.zeros(len(codes))])
        return cls(codes, y, class_names=class_names).plot(ax=ax)

    def plot(self, *, ax=None):
        """Draw the points.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        self
        """
        ax = ax_or_new(ax, figsize=(6, 5))
        colours = None if self.labels is None else np.asarray(self.labels)
        if self.class_names is not None:
            if colours is None:
                raise ValueError("class_names needs labels to name.")
            classes, colours = np.unique(colours, return_inverse=True)
            if len(self.class_names) != len(classes):
                raise ValueError(
                    f"class_names has {len(self.class_names)} names, but the labels have "
                    f"{len(classes)} distinct values."
                )
        colour_options = {} if colours is None else {"c": colours, "cmap": "tab10"}
        self.scatter_ = ax.scatter(self.codes_2d[:, 0], self.codes_2d[:, 1], s=4, **colour_options)
        if self.class_names is not None:
            handles, _ = self.scatter_.legend_elements(num=None)
            ax.legend(handles, list(self.class_names), fontsize="small", markerscale=0.8)
        elif colours is not None:
            ax.figure.colorbar(self.scatter_, ax=ax, label="label")
        ax.set_xlabel("code 1")
        ax.set_ylabel("code 2")
        self.ax_, self.figure_ = ax, ax.figure
        return self


# Defined apart to keep this module small.
from ._generative_plotting import LatentManifoldDisplay, SampleGridDisplay  # noqa: E402
from ._outlier_plotting import OutlierDisplay  # noqa: E402

# Documented, doctested and pickled as skae.plotting's.
for _display in (OutlierDisplay, SampleGridDisplay, LatentManifoldDisplay):
    _display.__module__ = __name__
del _display

"""Pictures of autoencoders, as scikit-learn-style Display objects.

Each display is made with ``from_estimator`` (or from arrays with its
constructor), draws with ``plot(ax=None)`` and keeps ``figure_`` and ``ax_``,
like :class:`sklearn.metrics.ConfusionMatrixDisplay`. matplotlib is imported
here only, so the rest of skae does not need it.

* :class:`ReconstructionDisplay`: originals over reconstructions;
* :class:`DenoisingDisplay`: noisy, denoised and original images;
* :class:`LossCurveDisplay`: training and validation loss per epoch;
* :class:`LatentSpaceDisplay`: the codes in 2-D, coloured by label
  (defined in ``skae/_latent_plotting.py``, re-exported here);
* :class:`OutlierDisplay`: why a detector flagged rows, feature by feature
  (defined in ``skae/_outlier_plotting.py``, re-exported here);
* :class:`SampleGridDisplay`: a grid of images a generative model draws;
* :class:`LatentManifoldDisplay`: the images decoded over a grid of a 2-D
  latent space (both defined in ``skae/_generative_plotting.py``,
  re-exported here).
"""

import numpy as np

from ._image_tiles import ax_or_new, frameless, image_shape_for, legend_outside, tile, tile_gap
from .metrics import reconstruction_error

__all__ = [
    "DenoisingDisplay", "LatentManifoldDisplay", "LatentSpaceDisplay", "LossCurveDisplay", "OutlierDisplay",
    "ReconstructionDisplay", "SampleGridDisplay",
]


class _ImageRowsDisplay:
    """Rows of images, one row per labelled array, drawn as one mosaic."""

    def __init__(self, rows, *, image_shape, title=None):
        self.rows = rows
        self.image_shape = image_shape
        self.title = title

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
        if self.title is not None:
            ax.set_title(self.title)
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
    title : str or None, default=None
        Title of the axes; :meth:`from_estimator` gives the mean squared
        error.

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
    >>> display.ax_.get_title()[:20]
    'Reconstructions: MSE'
    """

    def __init__(self, originals, reconstructions, *, image_shape, title=None):
        super().__init__(
            {"original": originals, "reconstruction": reconstructions}, image_shape=image_shape, title=title
        )

    @classmethod
    def from_estimator(cls, estimator, X, *, n_images=10, image_shape=None, ax=None, cmap="gray"):
        """Reconstruct ``X``, draw its first ``n_images`` samples, title it with the error.

        Parameters
        ----------
        estimator : fitted estimator with ``transform`` and ``inverse_transform``
            A skae autoencoder, PCA, or a Pipeline of them.
        X : array-like of shape (n_samples, ...)
            Samples, shaped as the estimator takes them: usually test data.
            The title gives the mean squared error over all of them.
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
        reconstructions = np.asarray(estimator.inverse_transform(estimator.transform(X)))
        X = np.asarray(X)
        title = f"Reconstructions: MSE {reconstruction_error(X, reconstructions):.3g} over {len(X):,} samples"
        display = cls(
            X[:n_images], reconstructions[:n_images], image_shape=image_shape_for(estimator, X, image_shape),
            title=title,
        )
        return display.plot(ax=ax, cmap=cmap)


class DenoisingDisplay(_ImageRowsDisplay):
    """Noisy images, the denoiser's output, and the clean originals.

    Parameters
    ----------
    noisy, denoised, originals : array-like of shape (n_images, ...)
        The three rows, top to bottom.
    image_shape : tuple of int
        ``(height, width[, channels])`` of one image.
    title : str or None, default=None
        Title of the axes; :meth:`from_estimator` gives the errors of the
        noisy and the denoised samples.

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

    def __init__(self, noisy, denoised, originals, *, image_shape, title=None):
        super().__init__(
            {"noisy": noisy, "denoised": denoised, "original": originals}, image_shape=image_shape, title=title
        )

    @classmethod
    def from_estimator(
        cls, estimator, X, X_noisy=None, *, n_images=10, image_shape=None, random_state=0, ax=None, cmap="gray"
    ):
        """Denoise corrupted samples, draw the first few, title them with the errors.

        Parameters
        ----------
        estimator : fitted DenoisingAutoencoder
            Anything with ``denoise``.
        X : array-like of shape (n_samples, ...)
            Clean samples. The title compares the noisy and the denoised
            samples with all of them: PSNR for data in [0, 1], else MSE.
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
        if X_noisy is None:
            X_noisy = estimator.corrupt(X, random_state=random_state)
        denoised = np.asarray(estimator.denoise(X_noisy))
        X, X_noisy = np.asarray(X), np.asarray(X_noisy)
        if X.min() >= 0 and X.max() <= 1:
            noisy, cleaned = (reconstruction_error(X, Z, "psnr", data_range=1.0) for Z in (X_noisy, denoised))
            title = f"Denoising: PSNR {noisy:.1f} dB noisy, {cleaned:.1f} dB denoised ({len(X):,} samples)"
        else:
            noisy, cleaned = (reconstruction_error(X, Z) for Z in (X_noisy, denoised))
            title = f"Denoising: MSE {noisy:.3g} noisy, {cleaned:.3g} denoised ({len(X):,} samples)"
        display = cls(
            X_noisy[:n_images], denoised[:n_images], X[:n_images],
            image_shape=image_shape_for(estimator, X, image_shape), title=title,
        )
        return display.plot(ax=ax, cmap=cmap)


#: Curves longer than this many epochs are drawn without a marker per epoch.
MAX_MARKED_EPOCHS = 30


class LossCurveDisplay:
    """Training and validation loss per epoch, from an estimator's ``history_``.

    Each ``val_`` curve is drawn dashed, in its training curve's colour.
    Curves of at most 30 epochs (``MAX_MARKED_EPOCHS``) get a marker per
    epoch. The legend sits to the right of the axes.

    Parameters
    ----------
    history : dict of str to list of float
        Curves by name, one value per epoch, such as a fitted estimator's
        ``history_`` (``loss`` and ``val_loss``).
    best_epoch : int or None, default=None
        An epoch to mark with a dotted vertical line, such as the one early
        stopping kept (counted from 1).
    ylabel : str, default="loss"
        Label of the y axis.
    title : str or None, default=None
        Title of the axes; :meth:`from_estimator` gives the loss it ended at.

    Attributes
    ----------
    figure_ : matplotlib Figure
    ax_ : matplotlib Axes
    lines_ : list of matplotlib Line2D
        One line per curve, in the order of ``history``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skae.plotting import LossCurveDisplay
    >>> display = LossCurveDisplay({"loss": [0.3, 0.2, 0.15], "val_loss": [0.32, 0.25, 0.2]}).plot()
    >>> [(line.get_label(), line.get_linestyle()) for line in display.lines_]
    [('loss', '-'), ('val_loss', '--')]
    """

    def __init__(self, history, *, best_epoch=None, ylabel="loss", title=None):
        self.history = history
        self.best_epoch = best_epoch
        self.ylabel = ylabel
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Draw the loss curves of a fitted estimator.

        With early stopping, the epoch of the lowest monitored loss (the
        validation loss when there is one) is marked, and the title gives
        that loss; otherwise the title gives the last epoch's loss.

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
        history = estimator.history_
        monitored = "val_loss" if history.get("val_loss") else "loss"
        values = history[monitored]
        epochs = f"{len(values)} epoch{'' if len(values) == 1 else 's'}"
        best_epoch, title = None, f"{monitored} {values[-1]:.4g} after {epochs}"
        if getattr(estimator, "early_stopping_", False):
            best_epoch = int(np.argmin(values)) + 1
            title = f"lowest {monitored} {min(values):.4g}, epoch {best_epoch} of {len(values)}"
        loss = getattr(estimator, "loss", None)
        ylabel = f"loss ({loss})" if isinstance(loss, str) else "loss"
        return cls(history, best_epoch=best_epoch, ylabel=ylabel, title=title).plot(ax=ax)

    def plot(self, *, ax=None):
        """Draw one line per curve, against the epoch number.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        self
        """
        ax = ax_or_new(ax, figsize=(7.5, 4))
        self.lines_, colours = [], {}
        for name, values in self.history.items():
            style = {"marker": "o"} if len(values) <= MAX_MARKED_EPOCHS else {}
            if name.startswith("val_") and name[4:] in colours:
                style.update(color=colours[name[4:]], linestyle="--")
            (line,) = ax.plot(range(1, len(values) + 1), values, label=name, **style)
            colours[name] = line.get_color()
            self.lines_.append(line)
        if self.best_epoch is not None:
            ax.axvline(self.best_epoch, color="grey", linestyle=":", label=f"epoch {self.best_epoch}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(self.ylabel)
        if self.title is not None:
            ax.set_title(self.title)
        legend_outside(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self


# Defined apart to keep this module small.
from ._generative_plotting import LatentManifoldDisplay, SampleGridDisplay  # noqa: E402
from ._latent_plotting import LatentSpaceDisplay  # noqa: E402
from ._outlier_plotting import OutlierDisplay  # noqa: E402

# Documented, doctested and pickled as skae.plotting's.
for _display in (OutlierDisplay, SampleGridDisplay, LatentManifoldDisplay, LatentSpaceDisplay):
    _display.__module__ = __name__
del _display

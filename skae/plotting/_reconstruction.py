"""ReconstructionDisplay and DenoisingDisplay: images in rows, originals beside what a model makes of them."""

import numpy as np

from ..metrics import reconstruction_error
from ._image_tiles import ax_or_new, frameless, image_shape_for, tile, tile_gap


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

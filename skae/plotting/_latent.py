"""LatentSpaceDisplay: the codes of samples in 2-D, coloured by class (imported by skae.plotting)."""

import numpy as np

from ._image_tiles import ax_or_new, legend_outside

#: Labels with at most this many distinct values are classes, named in a
#: legend; more, or real numbers, get a colour bar.
MAX_LEGEND_CLASSES = 20


class LatentSpaceDisplay:
    """The codes of samples in 2-D, coloured by their labels.

    Codes with more than two dimensions are projected on their first two
    principal components, and the axes say so.

    Parameters
    ----------
    codes_2d : ndarray of shape (n_samples, 2)
        Coordinates to draw.
    labels : array-like of shape (n_samples,) or None
        Colours; ``None`` draws every point alike.
    class_names : sequence of str or None, default=None
        Names of the distinct labels, in sorted order (for Fashion-MNIST,
        :data:`skae.datasets.FASHION_MNIST_CLASS_NAMES`) for the legend.
        ``None`` names each class by its label when there are at most 20 of
        them (``MAX_LEGEND_CLASSES``; integers, strings or booleans),
        and shows a colour bar of the label values otherwise.
    axis_labels : tuple of str, default=("code 1", "code 2")
        Labels of the x and y axes.
    title : str or None, default=None
        Title of the axes; :meth:`from_estimator` says what the axes hold.

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
    >>> display = LatentSpaceDisplay.from_estimator(ae, X / 16.0, y)
    >>> display.scatter_.get_offsets().shape, display.ax_.get_xlabel()
    ((1797, 2), 'PCA 1 of the 8 codes')
    >>> [text.get_text() for text in display.ax_.get_legend().get_texts()][:2]
    ['0', '1']
    >>> names = [f"digit {label}" for label in range(10)]
    >>> display = LatentSpaceDisplay.from_estimator(ae, X / 16.0, y, class_names=names)
    >>> [text.get_text() for text in display.ax_.get_legend().get_texts()][:2]
    ['digit 0', 'digit 1']
    """

    def __init__(self, codes_2d, labels=None, *, class_names=None, axis_labels=("code 1", "code 2"), title=None):
        self.codes_2d = codes_2d
        self.labels = labels
        self.class_names = class_names
        self.axis_labels = axis_labels
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, class_names=None, ax=None):
        """Encode ``X`` and draw the codes in 2-D.

        More than two codes are projected on their first two principal
        components; the title gives the share of the codes' variance those
        two keep.

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
        n_samples, n_codes = codes.shape
        axis_labels, title = ("code 1", "code 2"), f"The codes of {n_samples:,} samples"
        if n_codes > 2:
            from sklearn.decomposition import PCA

            pca = PCA(n_components=2).fit(codes)
            codes = pca.transform(codes)
            axis_labels = tuple(f"PCA {component} of the {n_codes} codes" for component in (1, 2))
            title = (
                f"{n_codes} codes of {n_samples:,} samples: PCA 1-2 keep "
                f"{pca.explained_variance_ratio_.sum():.0%} of their variance"
            )
        elif n_codes == 1:
            codes = np.column_stack([codes[:, 0], np.zeros(n_samples)])
            axis_labels = ("code 1", "")
        return cls(codes, y, class_names=class_names, axis_labels=axis_labels, title=title).plot(ax=ax)

    def _classes(self, labels):
        """``(names, colour indices)`` of the labels' classes, or ``None`` for a colour bar."""
        if self.class_names is None:
            if labels.dtype.kind not in "iubOUS":
                return None
            classes = np.unique(labels)
            if len(classes) > MAX_LEGEND_CLASSES:
                return None
            return [str(label) for label in classes], np.searchsorted(classes, labels)
        classes, indices = np.unique(labels, return_inverse=True)
        if len(self.class_names) != len(classes):
            raise ValueError(
                f"class_names has {len(self.class_names)} names, but the labels have "
                f"{len(classes)} distinct values."
            )
        return list(self.class_names), indices

    def plot(self, *, ax=None):
        """Draw the points, with a legend of the classes outside the axes.

        Parameters
        ----------
        ax : matplotlib Axes or None, default=None
            Where to draw.

        Returns
        -------
        self
        """
        ax = ax_or_new(ax, figsize=(7.5, 5))
        if self.labels is None:
            if self.class_names is not None:
                raise ValueError("class_names needs labels to name.")
            self.scatter_ = ax.scatter(self.codes_2d[:, 0], self.codes_2d[:, 1], s=4)
        else:
            labels = np.asarray(self.labels)
            classes = self._classes(labels)
            colours = labels if classes is None else classes[1]
            cmap = "viridis" if classes is None else ("tab10" if len(classes[0]) <= 10 else "tab20")
            self.scatter_ = ax.scatter(self.codes_2d[:, 0], self.codes_2d[:, 1], s=4, c=colours, cmap=cmap)
            if classes is None:
                ax.figure.colorbar(self.scatter_, ax=ax, label="label")
            else:
                handles, _ = self.scatter_.legend_elements(num=None)
                legend_outside(ax, handles, classes[0]).set_title("class")
        ax.set_xlabel(self.axis_labels[0])
        ax.set_ylabel(self.axis_labels[1])
        if self.title is not None:
            ax.set_title(self.title)
        self.ax_, self.figure_ = ax, ax.figure
        return self

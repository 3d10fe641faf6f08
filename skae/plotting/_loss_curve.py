"""LossCurveDisplay: an estimator's training and validation loss per epoch."""

import numpy as np

from ._image_tiles import ax_or_new, legend_outside


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

"""Warnings skae emits, as classes so scripts can filter or escalate them."""

__all__ = ["FitInterruptedWarning", "InconsistentVersionWarning"]


class FitInterruptedWarning(UserWarning):
    """``fit`` was interrupted (Ctrl-C) and kept the weights reached so far.

    Turn it into an error with ``warnings.simplefilter("error",
    FitInterruptedWarning)``, or set ``on_interrupt="raise"`` on the
    estimator to let the ``KeyboardInterrupt`` through.

    Examples
    --------
    >>> import warnings
    >>> from skae.exceptions import FitInterruptedWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("fit was interrupted", FitInterruptedWarning)
    >>> caught[0].category.__name__, issubclass(FitInterruptedWarning, UserWarning)
    ('FitInterruptedWarning', True)
    """


class InconsistentVersionWarning(UserWarning):
    """A pickled estimator is loaded by another skae version than saved it.

    The estimator still loads; refit it, or pin skae to the version that
    saved it, to be sure it behaves the same.

    Examples
    --------
    >>> import warnings
    >>> from skae.exceptions import InconsistentVersionWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", InconsistentVersionWarning)  # refuse old pickles
    ...     issubclass(InconsistentVersionWarning, UserWarning)
    True
    """

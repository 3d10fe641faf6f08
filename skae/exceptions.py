"""Warnings skae emits, as classes so scripts can filter or escalate them."""

__all__ = ["FitInterruptedWarning", "InconsistentVersionWarning"]


class FitInterruptedWarning(UserWarning):
    """``fit`` was interrupted (Ctrl-C) and kept the weights reached so far.

    Turn it into an error with ``warnings.simplefilter("error",
    FitInterruptedWarning)``, or set ``on_interrupt="raise"`` on the
    estimator to let the ``KeyboardInterrupt`` through.
    """


class InconsistentVersionWarning(UserWarning):
    """A pickled estimator is loaded by another skae version than saved it."""

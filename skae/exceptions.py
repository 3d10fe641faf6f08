"""Warnings skae emits, as classes so scripts can filter or escalate them.

They point at the user's line: ``_external_stacklevel`` finds the first
frame outside skae, which under a :class:`~sklearn.pipeline.Pipeline` is the
Pipeline's call.
"""

import os
import sys

__all__ = ["FitInterruptedWarning", "InconsistentVersionWarning"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _external_stacklevel():
    """``stacklevel`` that makes a warning point at the first frame outside skae.

    Counted from the function that calls ``warnings.warn``. (Python 3.12's
    ``skip_file_prefixes`` does the same, but skae supports 3.10.)
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


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

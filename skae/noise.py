"""Corruption functions for denoising autoencoders: pure NumPy, seeded, and their registry.

Every noise has one signature, which a user's callable ``noise`` follows too:

``noise(X, noise_factor, *, value_range, random_state) -> X_noisy``

* ``X`` is the data to corrupt, of any shape; it is never modified;
* ``noise_factor`` is the noise's strength (a standard deviation, a share of
  entries);
* ``value_range`` is ``(low, high)``, the range the clean data live in, or
  ``None`` for unbounded data;
* ``random_state`` is a ``numpy.random.Generator``, a ``RandomState``, an int
  or ``None``;
* the result is a new array of ``X``'s shape, in ``X``'s float dtype.

:class:`~skae.DenoisingAutoencoder` picks a noise from :data:`NOISES` by name;
adding one is one entry there.
"""

import warnings
from numbers import Real

import numpy as np

from ._validation import check_value_range

__all__ = ["NOISES", "gaussian", "masking", "salt_and_pepper"]


def _rng(random_state):
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    return np.random.default_rng(random_state)


def _as_float(X):
    X = np.asarray(X)
    return X if np.issubdtype(X.dtype, np.floating) else X.astype(np.float64)


def _check_share(noise_factor, name):
    if not isinstance(noise_factor, Real) or not 0 <= noise_factor <= 1:
        raise ValueError(
            f"noise_factor of {name} noise is the share of entries to corrupt and "
            f"must be in [0, 1], got {noise_factor!r}."
        )


def gaussian(X, noise_factor=0.2, *, value_range=None, random_state=None, clip_range=None):
    """Add Gaussian noise: ``X + noise_factor * N(0, 1)``, clipped to the value range.

    With ``noise_factor=0.2`` and ``value_range=(0, 1)`` this is the denoising
    tutorial's corruption.

    Parameters
    ----------
    X : array-like
        Data to corrupt, any shape.
    noise_factor : float, default=0.2
        Standard deviation of the noise; must be >= 0.
    value_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``; ``None`` leaves it unclipped.
    random_state : Generator, RandomState, int or None, default=None
        Source of the noise.
    clip_range : (float, float) or None, default=None
        Deprecated name of ``value_range``, kept for skae 0.1's scripts.

    Returns
    -------
    X_noisy : ndarray
        A new array of ``X``'s shape and float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.noise import gaussian
    >>> X = np.full((2, 3), 0.5)
    >>> noisy = gaussian(X, 0.2, value_range=(0, 1), random_state=0)
    >>> noisy.shape, bool(np.all((noisy >= 0) & (noisy <= 1)))
    ((2, 3), True)
    """
    if not isinstance(noise_factor, Real) or noise_factor < 0:
        raise ValueError(
            f"noise_factor of gaussian noise is a standard deviation and must be "
            f">= 0, got {noise_factor!r}."
        )
    if clip_range is not None:
        warnings.warn(
            "gaussian's clip_range was renamed value_range, the name every noise "
            "shares; clip_range will be removed in skae 0.3.",
            FutureWarning,
            stacklevel=2,
        )
        value_range = clip_range
    X = _as_float(X)
    noise = _rng(random_state).standard_normal(X.shape)
    X_noisy = (X + noise_factor * noise).astype(X.dtype, copy=False)
    if value_range is not None:
        np.clip(X_noisy, *check_value_range(value_range, "value_range"), out=X_noisy)
    return X_noisy


def salt_and_pepper(X, noise_factor=0.2, *, value_range=None, random_state=None):
    """Set a share of entries to the low or the high end of the value range.

    Parameters
    ----------
    X : array-like
        Data to corrupt, any shape.
    noise_factor : float in [0, 1], default=0.2
        Share of entries to corrupt; each becomes ``low`` or ``high`` with
        equal probability.
    value_range : (float, float) or None, default=None
        ``(low, high)``; ``None`` uses ``X``'s own minimum and maximum (of
        its observed entries: NaN are gaps).
    random_state : Generator, RandomState, int or None, default=None
        Source of the noise.

    Returns
    -------
    X_noisy : ndarray
        A new array of ``X``'s shape and float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.noise import salt_and_pepper
    >>> noisy = salt_and_pepper(np.full((100, 100), 0.5), 0.3, value_range=(0, 1), random_state=0)
    >>> sorted(np.unique(noisy).tolist())
    [0.0, 0.5, 1.0]
    >>> round(float(np.mean(noisy != 0.5)), 2)
    0.3
    """
    _check_share(noise_factor, "salt_and_pepper")
    X = _as_float(X)
    if value_range is None:
        observed = not X.size or not np.isnan(X).all()
        value_range = (np.nanmin(X), np.nanmax(X)) if X.size and observed else (0.0, 1.0)
    low, high = check_value_range(value_range, "value_range")
    rng = _rng(random_state)
    hit = rng.random(X.shape) < noise_factor
    salt = rng.random(X.shape) < 0.5
    return np.where(hit, np.where(salt, high, low), X).astype(X.dtype, copy=False)


def masking(X, noise_factor=0.2, *, value_range=None, random_state=None):
    """Set a share of entries to zero (masking noise).

    Parameters
    ----------
    X : array-like
        Data to corrupt, any shape.
    noise_factor : float in [0, 1], default=0.2
        Share of entries set to zero.
    value_range : (float, float) or None, default=None
        Not used (zero is the mask value whatever the range); accepted so
        every noise has the same signature.
    random_state : Generator, RandomState, int or None, default=None
        Source of the noise.

    Returns
    -------
    X_noisy : ndarray
        A new array of ``X``'s shape and float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.noise import masking
    >>> noisy = masking(np.ones((100, 100)), 0.25, random_state=0)
    >>> round(float(np.mean(noisy == 0)), 2)
    0.25
    """
    _check_share(noise_factor, "masking")
    X = _as_float(X)
    keep = _rng(random_state).random(X.shape) >= noise_factor
    return (X * keep).astype(X.dtype, copy=False)


#: Corruptions selected by ``DenoisingAutoencoder(noise=...)``, all with the
#: module's one signature.
NOISES = {"gaussian": gaussian, "salt_and_pepper": salt_and_pepper, "masking": masking}

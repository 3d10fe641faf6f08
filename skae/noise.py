"""Corruption functions for denoising autoencoders: pure NumPy, seeded.

Each function returns a corrupted copy of ``X`` in ``X``'s float dtype and
never modifies ``X``. ``random_state`` may be a ``numpy.random.Generator``, a
``numpy.random.RandomState``, an int or ``None``.
"""

from numbers import Real

import numpy as np

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


def _check_range(value_range, name):
    low, high = value_range
    if not low <= high:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value_range!r}.")
    return low, high


def gaussian(X, noise_factor=0.2, *, clip_range=None, random_state=None):
    """Add Gaussian noise: ``X + noise_factor * N(0, 1)``, optionally clipped.

    With ``noise_factor=0.2`` and ``clip_range=(0, 1)`` this is the denoising
    tutorial's corruption.

    Parameters
    ----------
    X : array-like
        Data to corrupt, any shape.
    noise_factor : float, default=0.2
        Standard deviation of the noise; must be >= 0.
    clip_range : (float, float) or None, default=None
        Clip the result to ``[low, high]``; ``None`` leaves it unclipped.
    random_state : Generator, RandomState, int or None, default=None
        Source of the noise.

    Returns
    -------
    X_noisy : ndarray
        A new array of ``X``'s shape and float dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.noise import gaussian
    >>> X = np.full((2, 3), 0.5)
    >>> noisy = gaussian(X, 0.2, clip_range=(0, 1), random_state=0)
    >>> noisy.shape, bool(np.all((noisy >= 0) & (noisy <= 1)))
    ((2, 3), True)
    """
    if not isinstance(noise_factor, Real) or noise_factor < 0:
        raise ValueError(
            f"noise_factor of gaussian noise is a standard deviation and must be "
            f">= 0, got {noise_factor!r}."
        )
    X = _as_float(X)
    noise = _rng(random_state).standard_normal(X.shape)
    X_noisy = (X + noise_factor * noise).astype(X.dtype, copy=False)
    if clip_range is not None:
        np.clip(X_noisy, *_check_range(clip_range, "clip_range"), out=X_noisy)
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
        ``(low, high)``; ``None`` uses ``X``'s own minimum and maximum.
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
        value_range = (X.min(), X.max()) if X.size else (0.0, 1.0)
    low, high = _check_range(value_range, "value_range")
    rng = _rng(random_state)
    hit = rng.random(X.shape) < noise_factor
    salt = rng.random(X.shape) < 0.5
    return np.where(hit, np.where(salt, high, low), X).astype(X.dtype, copy=False)


def masking(X, noise_factor=0.2, *, random_state=None):
    """Set a share of entries to zero (masking noise).

    Parameters
    ----------
    X : array-like
        Data to corrupt, any shape.
    noise_factor : float in [0, 1], default=0.2
        Share of entries set to zero.
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


#: Corruptions selected by ``DenoisingAutoencoder(noise=...)``.
NOISES = {"gaussian": gaussian, "salt_and_pepper": salt_and_pepper, "masking": masking}

"""Seeds from ``random_state``, without touching any global random state.

Every source of randomness in a fit (initial weights, batch order, noise,
the passes of later ``partial_fit`` calls) gets its own seed, drawn once from
``random_state``; a row's randomness at prediction time comes from the row
itself. TensorFlow's global seed, its determinism flag and NumPy's global
generator are never set.
"""

import contextlib
import hashlib
import random

import numpy as np
from sklearn.utils import check_random_state

_MAX_SEED = np.iinfo(np.int32).max


def draw_seeds(random_state, n_seeds):
    """Draw ``n_seeds`` ints from ``random_state`` (an int, a ``RandomState`` or ``None``).

    ``None`` draws from NumPy's global ``RandomState``, as scikit-learn's
    estimators do; an int makes the draws, and so the fit, repeatable.
    """
    return [int(seed) for seed in check_random_state(random_state).randint(_MAX_SEED, size=n_seeds)]


def pass_seeds(pass_seed, n_done, n_seeds=2):
    """Seeds of the training pass that follows ``n_done`` passes.

    A pure function of a seed drawn at ``fit`` and the passes done so far, so
    a ``partial_fit`` rolled back (``n_done`` unchanged) leaves no trace.
    """
    rng = np.random.default_rng([pass_seed, n_done])
    return [int(seed) for seed in rng.integers(_MAX_SEED, size=n_seeds)]


def row_seeds(X):
    """One seed per row of 2-D ``X``, from the row's own values.

    The same row gets the same seed in float32 and float64, whatever rows
    come with it and in whatever order.
    """
    return [
        int.from_bytes(hashlib.blake2b(row.astype(np.float64).tobytes(), digest_size=8).digest(), "little")
        for row in X
    ]


@contextlib.contextmanager
def python_random_seeded(seed):
    """Seed Python's ``random`` for the block, then put its state back.

    Keras layers and initializers created without a seed draw theirs from
    Python's ``random``: this makes such builds repeatable without leaving
    the caller's random state changed.
    """
    saved_state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(saved_state)

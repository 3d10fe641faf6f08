"""Shared fixtures: small data and small fitted models, built once per session."""

import os
import signal

# Quiet TensorFlow's C++ start-up logging before it is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# scikit-learn's array-API check runs only when SciPy is imported with this
# set; without it that check is skipped, and every check must run.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits

from skae import AutoencoderTransformer

#: Settings that keep test models tiny and quick.
SMALL = dict(epochs=2, batch_size=64, random_state=0)


def make_mixed_table(n=240, seed=0):
    """A table of two numbers and two categories, one of which follows a number's sign."""
    rng = np.random.default_rng(seed)
    size = rng.normal(size=n)
    return pd.DataFrame({
        "size": size * 3 + 10,
        "side": pd.Categorical(np.where(size > 0, "right", "left")),
        "count": rng.poisson(4, n),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
    })


@pytest.fixture(scope="session")
def digits():
    """The 8x8 digits scaled to [0, 1]: 1,797 rows of 64 float64 features."""
    return load_digits().data / 16.0


@pytest.fixture(scope="session")
def digit_images(digits):
    """The digits as a (n, 8, 8) image array."""
    return digits.reshape(-1, 8, 8)


@pytest.fixture(scope="session")
def fitted_dense(digits):
    """A small dense autoencoder fitted on the digits (do not mutate)."""
    return AutoencoderTransformer(latent_dim=4, **SMALL).fit(digits)


def layer_summary(model):
    """(class name, units or filters, activation name) of each weighted layer."""
    summary = []
    for layer in model.layers:
        if not layer.weights:
            continue
        size = getattr(layer, "units", None) or getattr(layer, "filters", None)
        summary.append((type(layer).__name__, size, layer.activation.__name__))
    return summary


@pytest.fixture
def close_figures():
    """Close every matplotlib figure a test opened."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def mosaic(display):
    """The one image a tiled Display drew."""
    return display.ax_.get_images()[0].get_array()


@pytest.fixture
def sigint_raises():
    """Let SIGINT raise KeyboardInterrupt as in a terminal.

    A test run started as a background job of a non-interactive shell
    inherits SIGINT ignored, and Python then installs no handler for it.
    """
    previous_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous_handler)


#: Whether Keras runs several batches per train call on this backend; its
#: PyTorch trainer refuses ``steps_per_execution`` > 1, so there each batch
#: is a call of its own.
GROUPED_STEPS = keras.backend.backend() != "torch"
grouped_steps_only = pytest.mark.skipif(
    not GROUPED_STEPS, reason="Keras's PyTorch trainer runs one batch per call (steps_per_execution must be 1)"
)

#: Training under a ``tf.distribute`` strategy needs Keras's TensorFlow backend.
tensorflow_only = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="tf.distribute strategies train only on Keras's TensorFlow backend",
)


class BatchCounter(keras.callbacks.Callback):
    """Counts Keras's batch-end calls: one per group of batches run in one call."""

    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

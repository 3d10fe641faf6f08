"""What differs between Keras's backends (TensorFlow, JAX, PyTorch), kept in one place.

skae keeps to Keras's public API, so most of it runs on every backend as it
is. What does not:

* PyTorch's trainer runs one batch per call: Keras refuses
  ``steps_per_execution`` above 1 there.
"""

import keras


def current():
    """The name of the backend Keras runs on: ``"tensorflow"``, ``"jax"`` or ``"torch"``."""
    return keras.backend.backend()


def max_steps_per_execution(limit):
    """Most batches per call of Keras's train function that the backend runs."""
    return 1 if current() == "torch" else limit

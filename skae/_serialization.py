"""Keras models to bytes and back, through Keras's public ``.keras`` format.

The estimators pickle their Keras model as the bytes of a ``.keras`` file
(architecture, weights and optimizer state) rather than relying on how
``pickle`` treats a ``keras.Model``: importing ``scikeras.wrappers`` replaces
``keras.Model.__reduce__`` for the whole process, and skae's pickles must not
change with that.
"""

import os
import tempfile

import keras

_FILE_NAME = "model.keras"


def model_to_bytes(model):
    """Return the bytes of ``model`` saved as a ``.keras`` file."""
    with tempfile.TemporaryDirectory(prefix="skae-") as folder:
        path = os.path.join(folder, _FILE_NAME)
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def model_from_bytes(data):
    """Load a Keras model from the bytes made by :func:`model_to_bytes`.

    Custom layers of user-built architectures must be registered with
    ``keras.saving.register_keras_serializable`` to load, as for any
    ``.keras`` file.
    """
    with tempfile.TemporaryDirectory(prefix="skae-") as folder:
        path = os.path.join(folder, _FILE_NAME)
        with open(path, "wb") as file:
            file.write(data)
        return keras.saving.load_model(path)

"""Pickling an estimator: its Keras model as ``.keras`` bytes, and back.

The estimators pickle their Keras model as the bytes of a ``.keras`` file
(architecture, weights and optimizer state) rather than relying on how
``pickle`` treats a ``keras.Model``: importing ``scikeras.wrappers`` replaces
``keras.Model.__reduce__`` for the whole process, and skae's pickles must not
change with that. The pickle records the skae version that wrote it.

skops (``skops.io``) stores the same state, so a skops file of an estimator
holds the ``.keras`` bytes too; either way the model is loaded with Keras's
``safe_mode=True``, which refuses a ``Lambda`` layer's code.
"""

import os
import tempfile
import warnings

import keras

from .exceptions import InconsistentVersionWarning, _external_stacklevel

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
        # safe_mode=True (Keras's default, stated so it stays): a Lambda layer's
        # pickled Python code in the file is refused, never run.
        return keras.saving.load_model(path, safe_mode=True)


def pickle_state(state, version):
    """Turn an estimator's attributes into its picklable state.

    The model goes as ``.keras`` bytes (the encoder and decoder are parts of
    it); the engine key and a ``distribute`` strategy hold this process's
    objects and are left out (the copy trains without a strategy until one
    is set again).
    """
    state = dict(state)
    state.pop("_engine_key", None)
    model = state.pop("model_", None)
    if model is not None:
        state.pop("encoder_", None)
        state.pop("decoder_", None)
        state["_model_bytes"] = model_to_bytes(model)
    if state.get("distribute") is not None:
        state["distribute"] = None
    state["_skae_version"] = version
    return state


def unpickle_state(state, estimator_name, version):
    """Return ``(attributes, model or None)`` from a pickled state, warning on another version."""
    state = dict(state)
    model_bytes = state.pop("_model_bytes", None)
    pickled_version = state.pop("_skae_version", None)
    if pickled_version != version:
        warnings.warn(
            f"This {estimator_name} was pickled with skae {pickled_version} and is "
            f"loaded with skae {version}; its behaviour may differ. Refit it to be safe.",
            InconsistentVersionWarning,
            stacklevel=_external_stacklevel(),
        )
    if "_pass_seeds" in state:  # skae 0.1 kept a generator
        state["_pass_seed"] = int(state.pop("_pass_seeds").integers(2**31 - 1))
    return state, None if model_bytes is None else model_from_bytes(model_bytes)

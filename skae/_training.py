"""The Keras training loop: steps per call, callbacks, Ctrl-C, divergence.

:func:`run_epochs` trains a compiled Keras model on skae's batches and
returns what it learned about the epochs; it never touches an estimator.
The estimator base decides which model trains (a reusable engine, see
:mod:`skae._engines`) and commits the result only when this returns, so a
failure here leaves the estimator as it was.

* Keras runs up to :data:`MAX_STEPS_PER_EXECUTION` batches per call of its
  compiled train function (``steps_per_execution``): the same updates,
  without the per-batch dispatch cost, which for the tutorials' small models
  is a large share of the time (measured: a dense epoch takes 0.6 as long).
  On PyTorch, Keras runs one batch per call and refuses more.
* The validation loss is Keras's own test step on the held-out rows, run
  by a callback at the end of each epoch (:class:`ValidationLoss`) rather
  than by ``fit``'s ``validation_data``, whose evaluation loop costs about
  20 ms an epoch: on a small table, more than the epoch's training.
* A non-finite loss stops training at once (as Keras's ``TerminateOnNaN``
  does, without its print) and raises ``ValueError``, as scikit-learn's MLP
  does.
* Ctrl-C keeps the weights reached so far with a
  :class:`~skae.exceptions.FitInterruptedWarning` pointing at the user's
  call, or lets the ``KeyboardInterrupt`` through with
  ``on_interrupt="raise"``.
"""

import warnings

import keras
import numpy as np

from .exceptions import FitInterruptedWarning, _external_stacklevel

#: Most training batches Keras runs per call of its compiled train function.
MAX_STEPS_PER_EXECUTION = 32


def steps_per_execution(steps_per_epoch, most=MAX_STEPS_PER_EXECUTION, *, endless=True):
    """Batches per call of Keras's train function.

    From ``endless`` batches (``fit``), Keras pulls exactly this many per
    call, so it must divide the epoch: otherwise the last call of an epoch
    would train on batches of the next. A single pass (``partial_fit``) ends
    with its data, so its last group may be short and any size up to ``most``
    works. On PyTorch it is always 1: Keras refuses more there.
    """
    if keras.backend.backend() == "torch":
        return 1
    if not endless:
        return min(most, steps_per_epoch)
    return max(
        size for size in range(1, min(most, steps_per_epoch) + 1) if steps_per_epoch % size == 0
    )


#: Most validation rows :class:`ValidationLoss` evaluates in one test step.
VALIDATION_BATCH_SIZE = 1024


class ValidationLoss(keras.callbacks.Callback):
    """Adds ``val_loss`` to each epoch's logs: the model's loss on held-out rows.

    Keras's test step (``test_on_batch``, the loss ``fit`` would report as
    ``val_loss``) on ``inputs`` and ``targets`` in chunks of up to
    :data:`VALIDATION_BATCH_SIZE` rows, averaged over the rows. It must come
    first among the callbacks, so that the others (early stopping, the
    history, the progress bar) read the value it adds.
    """

    def __init__(self, inputs, targets):
        super().__init__()
        self.inputs, self.targets = inputs, targets

    def on_epoch_end(self, epoch, logs=None):
        n_rows = self.inputs.shape[0]
        total = 0.0
        for start in range(0, n_rows, VALIDATION_BATCH_SIZE):
            stop = min(start + VALIDATION_BATCH_SIZE, n_rows)
            loss = self.model.test_on_batch(self.inputs[start:stop], self.targets[start:stop])
            total += float(np.ravel(loss)[0]) * (stop - start)
        if logs is not None:
            logs["val_loss"] = total / n_rows


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops training at the first non-finite batch loss, as Keras's ``TerminateOnNaN``.

    Without its print to stdout: :func:`run_epochs` raises a ``ValueError``
    that says what happened and what to do.
    """

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.all(np.isfinite(loss)):
            self.model.stop_training = True


def _callbacks(user_callbacks, history, *, early_stopping, patience, validation_data):
    callbacks = [] if validation_data is None else [ValidationLoss(*validation_data)]
    callbacks += [*(user_callbacks or []), StopOnNonFiniteLoss(), history]
    if early_stopping:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="loss" if validation_data is None else "val_loss",
                patience=patience,
                restore_best_weights=True,
            )
        )
    return callbacks


def run_epochs(
    model, batches, *, steps_per_epoch, epochs, initial_epoch=0, validation_data=None,
    callbacks=None, early_stopping=False, patience=5, verbose=0, on_interrupt="warn",
    estimator_name="estimator",
):
    """Train ``model`` for up to ``epochs`` epochs; return ``(history, n_epochs)``.

    ``batches`` is what Keras's ``fit`` reads, ``steps_per_epoch`` batches an
    epoch; callbacks see epochs ``initial_epoch`` onwards. ``history`` maps
    each Keras log (``loss``, ``val_loss``) to its per-epoch floats;
    ``n_epochs`` counts the complete epochs (fewer after early stopping or
    Ctrl-C).

    Raises ``ValueError`` if the loss stops being finite, and lets a
    ``KeyboardInterrupt`` through with ``on_interrupt="raise"``.
    """
    history = keras.callbacks.History()
    try:
        model.fit(
            batches,
            steps_per_epoch=steps_per_epoch,
            initial_epoch=initial_epoch,
            epochs=initial_epoch + epochs,
            shuffle=False,  # the batches are shuffled with skae's own seed
            callbacks=_callbacks(
                callbacks, history, early_stopping=early_stopping, patience=patience,
                validation_data=validation_data,
            ),
            verbose=verbose,
        )
    except KeyboardInterrupt:
        if on_interrupt == "raise":
            raise
        warnings.warn(
            f"{estimator_name} training was interrupted after {len(history.epoch)} "
            f"complete epoch(s) of {epochs}; the estimator keeps the weights "
            "reached so far.",
            FitInterruptedWarning,
            stacklevel=_external_stacklevel(),
        )
    losses = history.history.get("loss", [])
    if losses and not np.isfinite(losses[-1]):
        raise ValueError(
            f"Training diverged: the loss became {losses[-1]} in epoch "
            f"{initial_epoch + len(losses)}, so training stopped and the estimator "
            "was left as it was. Scale X (e.g. with StandardScaler, or to [0, 1]) or "
            "lower the learning_rate."
        )
    logs = {name: [float(value) for value in values] for name, values in history.history.items()}
    return logs, len(history.epoch)

"""skae._training: the Keras loop (steps per call, divergence, Ctrl-C), alone and through an estimator."""

import os
import signal

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from conftest import GROUPED_STEPS, BatchCounter, grouped_steps_only
from skae import AutoencoderTransformer
from skae._batching import training_data
from skae._training import run_epochs, steps_per_execution
from skae.architectures import compose_autoencoder, dense_autoencoder
from skae.exceptions import FitInterruptedWarning


# --------------------------------------------------------------------------- #
# Grouped training steps, on plain Keras models
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "steps, expected", [(1, 1), (28, 28), (29, 29), (64, 32), (1875, 25), (31 * 37, 31), (97 * 2, 2)]
)
def test_steps_per_execution_divides_an_endless_epoch(monkeypatch, steps, expected):
    monkeypatch.setattr(keras.backend, "backend", lambda: "tensorflow")  # a backend that groups steps
    assert steps_per_execution(steps) == expected


@pytest.mark.parametrize("steps, most, expected", [(37, 32, 32), (10, 32, 10), (37, 1, 1)])
def test_a_single_pass_takes_any_group_size(monkeypatch, steps, most, expected):
    monkeypatch.setattr(keras.backend, "backend", lambda: "tensorflow")  # a backend that groups steps
    assert steps_per_execution(steps, most, endless=False) == expected


@pytest.mark.parametrize("endless", [True, False])
def test_pytorch_trains_one_batch_per_call(monkeypatch, endless):
    # Keras's PyTorch trainer refuses steps_per_execution > 1.
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    assert steps_per_execution(64, endless=endless) == 1


def compiled_model(steps, seed=0):
    model = compose_autoencoder(*dense_autoencoder((64,), 4, seed=seed))
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse", steps_per_execution=steps)
    return model


def train(X, steps, *, passes, epochs):
    data = training_data(
        X, None, batch_size=16, shuffle=True, batch_seed=0, noise_seed=0,
        model_input_shape=(64,), passes=passes,
    )
    model = compiled_model(steps)
    history, n_epochs = run_epochs(
        model, data.make_batches(), steps_per_epoch=data.steps_per_epoch, epochs=epochs
    )
    return model, history, n_epochs


@grouped_steps_only
@pytest.mark.parametrize(
    "n_rows, passes, epochs, grouped_steps",
    [(448, None, 2, 28), (592, 1, 1, 32)],  # 28 batches a call; a 37-batch pass as 32 + 5
    ids=["fit", "one pass of a prime batch count"],
)
def test_grouped_steps_train_exactly_like_single_steps(digits, n_rows, passes, epochs, grouped_steps):
    X = digits[:n_rows]
    grouped, grouped_history, _ = train(X, grouped_steps, passes=passes, epochs=epochs)
    single, single_history, n_epochs = train(X, 1, passes=passes, epochs=epochs)
    assert n_epochs == epochs and grouped_history == single_history
    for a, b in zip(grouped.weights, single.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@grouped_steps_only
def test_a_fit_runs_each_epoch_in_one_call_when_it_can(digits):
    # 1,792 rows, 28 batches of 64: Keras calls batch hooks once per call.
    counter = BatchCounter()
    AutoencoderTransformer(latent_dim=4, epochs=2, batch_size=64, callbacks=[counter]).fit(digits[:1792])
    assert counter.batches == 2


# --------------------------------------------------------------------------- #
# Divergence and interruption, through an estimator
# --------------------------------------------------------------------------- #
def test_divergence_stops_at_once_and_leaves_the_estimator_as_it_was(fitted_dense, digits):
    model = clone(fitted_dense).fit(digits)
    state = dict(vars(model))
    counter = BatchCounter()
    huge = np.full((200, 64), 1e20)  # squared errors overflow float32 at once
    model.set_params(output_activation=None, callbacks=[counter], epochs=5)
    with pytest.raises(ValueError, match="Training diverged: the loss became (inf|nan) in epoch 1"):
        model.fit(huge)
    # Keras ran the epoch's 4 batches as one compiled group and stopped after
    # it; on PyTorch, one batch a call, it stopped after the first.
    assert counter.batches == 1
    model.set_params(output_activation=state["output_activation"], callbacks=None, epochs=2)
    assert {k: v for k, v in vars(model).items()} == {**state, "epochs": 2, "callbacks": None}
    np.testing.assert_array_equal(model.transform(digits), clone(fitted_dense).fit(digits).transform(digits))


class InterruptAt(keras.callbacks.Callback):
    """Sends this process a real SIGINT (Ctrl-C) once ``step`` training steps are done.

    Keras calls back after each group of batches it runs in one call, so the
    interrupt comes at the end of the group that reaches ``step``.
    """

    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations) >= self.step:
            self.step = float("inf")
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_keeps_the_weights_reached_so_far(digits, sigint_raises):
    # 1,797 rows in batches of 64: 29 steps an epoch, a prime, so Keras runs
    # each epoch in one call; the interrupt comes at the end of epoch 3's call.
    model = AutoencoderTransformer(latent_dim=4, epochs=10, batch_size=64, callbacks=[InterruptAt(70)], random_state=0)
    with pytest.warns(FitInterruptedWarning, match="interrupted after 2 complete epoch") as caught:
        model.fit(digits)
    # The warning points at the user's call. (Other warnings may come first:
    # Keras on PyTorch warns when a variable becomes a NumPy array.)
    (interrupted,) = [w for w in caught if w.category is FitInterruptedWarning]
    assert interrupted.filename == __file__
    assert model.n_iter_ == 2 and len(model.history_["loss"]) == 2
    # The end of epoch 3's call; on PyTorch (a call per batch) step 70's.
    assert int(model.model_.optimizer.iterations) == (87 if GROUPED_STEPS else 70)
    assert model.transform(digits).shape == (1797, 4)
    assert np.isfinite(model.score(digits))


def test_the_interrupt_warning_points_at_the_pipeline_call(digits, sigint_raises):
    import sklearn.pipeline

    pipeline = sklearn.pipeline.make_pipeline(
        AutoencoderTransformer(latent_dim=4, epochs=3, batch_size=64, callbacks=[InterruptAt(29)], random_state=0)
    )
    with pytest.warns(FitInterruptedWarning) as caught:
        pipeline.fit(digits)
    (interrupted,) = [w for w in caught if w.category is FitInterruptedWarning]
    assert interrupted.filename == sklearn.pipeline.__file__


def test_ctrl_c_can_be_let_through(fitted_dense, digits, sigint_raises):
    model = clone(fitted_dense).set_params(callbacks=[InterruptAt(1)], on_interrupt="raise")
    with pytest.raises(KeyboardInterrupt):
        model.fit(digits)
    with pytest.raises(NotFittedError):
        model.transform(digits)



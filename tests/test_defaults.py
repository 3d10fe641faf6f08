"""The ``"auto"`` defaults: the rules in skae._defaults, and how the estimators apply them."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder
from skae import _defaults

from conftest import layer_summary

#: The tutorial's dense model, spelled out (the README and the docs show this line).
TUTORIAL = dict(
    latent_dim=64, hidden_layer_sizes=(), activation="relu", code_activation="relu",
    output_activation="sigmoid", epochs=10, batch_size=32,
)


@pytest.fixture(scope="module")
def table():
    """The wine table, standardised: 178 rows of 13 unbounded features."""
    return StandardScaler().fit_transform(load_wine().data)


# --------------------------------------------------------------------------- #
# The rules
# --------------------------------------------------------------------------- #
def test_output_activation_follows_the_data_range():
    assert _defaults.output_activation("auto", np.array([[0.0, 1.0], [0.5, 0.2]])) == "sigmoid"
    assert _defaults.output_activation("auto", np.array([[-0.1, 1.0]])) is None
    assert _defaults.output_activation("auto", np.array([[0.0, 255.0]])) is None
    assert _defaults.output_activation("tanh", np.array([[-5.0]])) == "tanh"
    assert _defaults.output_activation(None, np.array([[0.5]])) is None


def test_epochs_make_the_step_budget_within_bounds():
    assert _defaults.epochs("auto", steps_per_epoch=4) == _defaults.MAX_EPOCHS
    assert _defaults.epochs("auto", steps_per_epoch=100) == 200
    assert _defaults.epochs("auto", steps_per_epoch=1688) == 12  # Fashion-MNIST's 54,000 rows
    assert _defaults.epochs("auto", steps_per_epoch=10**6) == _defaults.MIN_EPOCHS
    assert _defaults.epochs(3, steps_per_epoch=4) == 3


def test_early_stopping_and_validation_come_with_auto_epochs():
    assert _defaults.early_stopping("auto", "auto") is True
    assert _defaults.early_stopping("auto", 10) is False
    assert _defaults.early_stopping(False, "auto") is False
    assert _defaults.validation_split("auto", 1000, early_stopping=True) == 0.1
    assert _defaults.validation_split("auto", 99, early_stopping=True) == 0.0
    assert _defaults.validation_split("auto", 1000, early_stopping=False) == 0.0
    assert _defaults.validation_split(0.3, 10, early_stopping=False) == 0.3


def test_patience_is_a_twentieth_of_the_epochs():
    assert _defaults.patience("auto", 1000) == 50
    assert _defaults.patience("auto", 12) == _defaults.MIN_PATIENCE
    assert _defaults.patience(2, 1000) == 2


def test_hidden_layers_for_tables_not_for_images():
    assert _defaults.hidden_layer_sizes("auto", 30) == (128,)
    assert _defaults.hidden_layer_sizes("auto", 784) == ()
    assert _defaults.hidden_layer_sizes((4, 2), 784) == (4, 2)
    assert _defaults.hidden_layer_sizes([], 30) == []


def test_the_detector_keeps_its_own_step_budget():
    from skae.outliers import default_autoencoder

    member = default_autoencoder(n_features=64, n_samples=256)
    assert member.epochs == _defaults.epochs_for_budget(400, 8, 1, 400) == 50


# --------------------------------------------------------------------------- #
# The estimators
# --------------------------------------------------------------------------- #
def test_auto_settings_are_resolved_into_fitted_attributes(table):
    ae = AutoencoderTransformer(latent_dim=2, random_state=0, learning_rate=0.01).fit(table)
    # 178 rows: 160 to train in 5 batches, 18 to stop early on.
    assert ae.validation_split_ == 0.1 and ae.early_stopping_ is True
    assert ae.epochs_ == _defaults.MAX_EPOCHS and ae.patience_ == 50
    assert ae.output_activation_ is None and ae.hidden_layer_sizes_ == (128,)
    assert set(ae.history_) == {"loss", "val_loss"}
    assert ae.n_iter_ < ae.epochs_  # it stopped early
    assert ae.decoder_.layers[-1].activation.__name__ == "linear"
    assert ae.encoder_.layers[-1].activation.__name__ == "linear"
    # The parameters themselves stay as given.
    assert ae.get_params()["epochs"] == "auto" and ae.get_params()["output_activation"] == "auto"


def test_given_settings_are_never_overridden(table):
    ae = AutoencoderTransformer(
        latent_dim=2, hidden_layer_sizes=(4,), output_activation="sigmoid", epochs=3,
        validation_split=0.2, patience=1, random_state=0,
    ).fit(table)
    assert ae.output_activation_ == "sigmoid" and ae.hidden_layer_sizes_ == (4,)
    assert ae.epochs_ == 3 and ae.n_iter_ == 3 and ae.early_stopping_ is False
    assert ae.validation_split_ == 0.2 and ae.patience_ == 1


def test_a_refit_on_data_of_another_range_builds_the_model_that_range_needs(table, digits):
    # The same parameters resolve to different models: the compiled engine of
    # one must not train the other.
    ae = AutoencoderTransformer(latent_dim=2, hidden_layer_sizes=(), epochs=1, random_state=0)
    ae.fit(digits[:200, :13])
    assert ae.decoder_.layers[-1].activation.__name__ == "sigmoid"
    ae.fit(table)
    assert ae.output_activation_ is None
    assert ae.decoder_.layers[-1].activation.__name__ == "linear"
    assert ae.inverse_transform(ae.transform(table)).min() < 0


@pytest.mark.parametrize("Estimator", [AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder])
def test_every_autoencoder_applies_the_same_rule(Estimator, table):
    # A short patience keeps the test quick; epochs and early stopping stay "auto".
    estimator = Estimator(latent_dim=2, patience=3, random_state=0, learning_rate=0.01).fit(table)
    assert estimator.early_stopping_ is True and estimator.validation_split_ == 0.1
    assert estimator.epochs_ == _defaults.MAX_EPOCHS and estimator.n_iter_ < estimator.epochs_
    refit = clone(estimator).fit(table)
    np.testing.assert_array_equal(refit.transform(table), estimator.transform(table))


def test_the_tutorials_dense_model_is_one_line_away(digits):
    ae = AutoencoderTransformer(**TUTORIAL).set_params(epochs=1, random_state=0).fit(digits[:64])
    assert layer_summary(ae.encoder_) == [("Dense", 64, "relu")]
    assert layer_summary(ae.decoder_) == [("Dense", 64, "sigmoid")]
    assert ae.validation_split_ == 0.0 and ae.early_stopping_ is False and ae.n_iter_ == 1

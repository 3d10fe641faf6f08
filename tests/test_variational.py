"""VariationalAutoencoder: the posterior, the bounds against exact likelihoods, sampling, guarantees."""

import pickle

import keras
import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import VariationalAutoencoder

TINY = dict(latent_dim=2, hidden_layer_sizes=(16,), epochs=3, batch_size=64, random_state=0)


@pytest.fixture(scope="module")
def fitted_vae(digits):
    """A small Gaussian VAE fitted on the digits (do not mutate)."""
    return VariationalAutoencoder(**TINY).fit(digits)


@pytest.fixture(scope="module")
def binary_digits(digits):
    return (digits > 0.5).astype(np.float64)


@pytest.fixture(scope="module")
def fitted_bernoulli(binary_digits):
    """A small Bernoulli VAE with one code, fitted on binarised digits (do not mutate).

    ``beta=4`` widens its posterior beyond the true one, so the gaps between
    the bounds (measured: 2.5, 0.27 and 0.026 nats below log p(x) for 1, 10
    and 100 draws) are many standard errors wide.
    """
    return VariationalAutoencoder(**{**TINY, "latent_dim": 1}, likelihood="bernoulli", beta=4.0).fit(binary_digits)


def test_transform_returns_the_posterior_means(fitted_vae, digits):
    codes = fitted_vae.transform(digits)
    means, log_variances = fitted_vae.encoder_.predict_on_batch(digits[:256].astype(np.float32))
    np.testing.assert_allclose(codes[:256], means, rtol=1e-6, atol=1e-6)
    assert np.all(np.abs(log_variances) < 12)
    np.testing.assert_array_equal(fitted_vae.transform(digits), codes)  # no draws: deterministic
    assert fitted_vae.transform(digits.astype(np.float32)).dtype == np.float32
    assert fitted_vae.get_feature_names_out().tolist() == ["variationalautoencoder0", "variationalautoencoder1"]


def test_inverse_transform_returns_the_decoders_means(fitted_vae, fitted_bernoulli, digits, binary_digits):
    codes = fitted_vae.transform(digits[:5])
    np.testing.assert_allclose(fitted_vae.inverse_transform(codes),
                               fitted_vae.decoder_.predict_on_batch(codes.astype(np.float32)), rtol=1e-5, atol=1e-6)
    probabilities = fitted_bernoulli.inverse_transform(fitted_bernoulli.transform(binary_digits[:5]))
    assert probabilities.shape == (5, 64) and np.all((probabilities > 0) & (probabilities < 1))


def test_the_bounds_sit_below_the_exact_log_likelihood_and_tighten(fitted_bernoulli, binary_digits):
    # With one code, log p(x) is an integral over a line: take it on a fine grid.
    X = binary_digits
    grid = np.linspace(-8, 8, 4001)
    logits = fitted_bernoulli.decoder_.predict_on_batch(grid[:, None].astype(np.float32))[1].astype(np.float64)
    log_px_given_z = X @ logits.T - np.logaddexp(0, logits).sum(axis=1)
    log_prior = -0.5 * grid**2 - 0.5 * np.log(2 * np.pi)
    exact = logsumexp(log_px_given_z + log_prior, axis=1) + np.log(grid[1] - grid[0])
    vae = pickle.loads(pickle.dumps(fitted_bernoulli))
    gaps = [exact - vae.set_params(n_importance=n).score_samples(X) for n in (1, 10, 100)]
    means = [gap.mean() for gap in gaps]
    assert means[0] > means[1] > means[2] > -3 * gaps[2].std() / np.sqrt(len(X))
    assert means[2] < 0.05 * means[0]  # 100 draws nearly close the gap


def test_scores_are_a_rows_own_and_repeat_exactly(fitted_vae, digits):
    vae = pickle.loads(pickle.dumps(fitted_vae)).set_params(n_importance=4)
    scores = vae.score_samples(digits[:300])
    np.testing.assert_array_equal(vae.score_samples(digits[:300]), scores)
    np.testing.assert_array_equal(vae.score_samples(digits[[5]]), scores[[5]])
    np.testing.assert_array_equal(vae.score_samples(digits[:300][::-1]), scores[::-1])
    assert vae.score(digits[:300]) == pytest.approx(scores.mean())


def test_sample_draws_from_the_prior_and_the_likelihood(fitted_vae, fitted_bernoulli):
    samples = fitted_vae.sample(50, random_state=0)
    rng = np.random.RandomState(0)
    means = fitted_vae.inverse_transform(rng.standard_normal((50, 2)))
    expected = means + np.sqrt(fitted_vae.noise_variance_) * rng.standard_normal(means.shape)
    np.testing.assert_allclose(samples, expected, rtol=1e-6, atol=1e-6)
    assert not np.array_equal(fitted_vae.sample(50, random_state=1), samples)
    binary = fitted_bernoulli.sample(40, random_state=0)
    assert binary.shape == (40, 64) and set(np.unique(binary)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="n_samples"):
        fitted_vae.sample(0)
    with pytest.raises(NotFittedError):
        VariationalAutoencoder().sample()


def test_gaussian_variances_are_floored_for_constant_features(digits):
    # Two pixels of the digits are always zero: they must not collapse the variance.
    assert (digits.var(axis=0) == 0).sum() >= 2
    vae = VariationalAutoencoder(**TINY, var_smoothing=0.05).fit(digits)
    floor = 0.05 * digits.var(axis=0).max()
    assert vae.noise_variance_.shape == (64,) and np.all(vae.noise_variance_ >= floor * (1 - 1e-6))
    assert np.isfinite(vae.score_samples(digits[:10])).all()


def test_beta_weighs_the_kl_term(digits):
    def mean_kl(beta):
        vae = VariationalAutoencoder(**{**TINY, "epochs": 6}, beta=beta).fit(digits)
        means, log_variances = (keras.ops.convert_to_numpy(part) for part in vae.encoder_(digits.astype(np.float32)))
        return np.mean(0.5 * np.sum(means**2 + np.exp(log_variances) - 1 - log_variances, axis=1))

    assert mean_kl(4.0) < mean_kl(0.25)


def test_conv_architecture_takes_and_gives_images(digit_images):
    vae = VariationalAutoencoder(architecture="conv", conv_filters=(4,), **{**TINY, "epochs": 1}).fit(digit_images)
    assert vae.transform(digit_images[:3]).shape == (3, 2)
    assert vae.inverse_transform(np.zeros((3, 2))).shape == (3, 8, 8)
    assert vae.sample(3, random_state=0).shape == (3, 8, 8)
    assert np.isfinite(vae.score_samples(digit_images[:3])).all()


def test_a_callable_architecture_may_give_the_posterior_itself(digits):
    def two_headed(input_shape, latent_dim):
        inputs = keras.Input(input_shape)
        hidden = keras.layers.Dense(8, activation="relu")(inputs)
        heads = [keras.layers.Dense(latent_dim, name=name)(hidden) for name in ("mu", "log_var")]
        code_inputs = keras.Input((latent_dim,))
        decoder = keras.Model(code_inputs, keras.layers.Dense(input_shape[0])(code_inputs))
        return keras.Model(inputs, heads), decoder

    vae = VariationalAutoencoder(architecture=two_headed, **TINY).fit(digits)
    assert {"mu", "log_var"} <= {layer.name for layer in vae.encoder_.layers}
    assert vae.transform(digits[:4]).shape == (4, 2)


def test_refits_are_bit_identical_and_pickling_keeps_everything(fitted_vae, digits):
    refit = VariationalAutoencoder(**TINY).fit(digits)
    loaded = pickle.loads(pickle.dumps(fitted_vae))
    for other in (refit, loaded):
        np.testing.assert_array_equal(other.transform(digits), fitted_vae.transform(digits))
        np.testing.assert_array_equal(other.score_samples(digits[:50]), fitted_vae.score_samples(digits[:50]))
        np.testing.assert_array_equal(other.sample(5, random_state=0), fitted_vae.sample(5, random_state=0))
        np.testing.assert_array_equal(other.noise_variance_, fitted_vae.noise_variance_)


def test_a_failed_partial_fit_rolls_back_weights_and_sampler(digits):
    vae = VariationalAutoencoder(**TINY).partial_fit(digits)
    sampler_state = np.asarray(vae.model_.get_layer("sampler").seed_generator.state)
    weights = [np.asarray(w) for w in vae.model_.weights]
    codes = vae.transform(digits)
    with pytest.raises(ValueError, match="Training diverged"):
        vae.partial_fit(digits * 1e20)
    np.testing.assert_array_equal(np.asarray(vae.model_.get_layer("sampler").seed_generator.state), sampler_state)
    for before, after in zip(weights, vae.model_.weights):
        np.testing.assert_array_equal(before, np.asarray(after))
    np.testing.assert_array_equal(vae.transform(digits), codes)
    assert vae.n_iter_ == 1
    vae.partial_fit(digits)
    assert vae.n_iter_ == 2
    assert not np.array_equal(np.asarray(vae.model_.get_layer("sampler").seed_generator.state), sampler_state)


@pytest.mark.parametrize(
    "params, X_change, match",
    [
        (dict(likelihood="bernoulli"), lambda X: X * 2, r"in \[0, 1\]"),
        (dict(likelihood="bernoulli", output_activation="sigmoid"), None, "output_activation=None"),
        (dict(latent_dim=None), None, "latent_dim"),
        (dict(var_smoothing=0.0), None, "var_smoothing"),
        (dict(n_importance=0), None, "n_importance"),
        (dict(beta=-1.0), None, "beta"),
    ],
)
def test_bad_input_is_refused_before_training(digits, params, X_change, match):
    vae = VariationalAutoencoder(**{**TINY, **params})
    with pytest.raises(ValueError, match=match):
        vae.fit(digits if X_change is None else X_change(digits))
    assert not hasattr(vae, "model_")


def test_bernoulli_scores_refuse_data_outside_the_unit_interval(fitted_bernoulli, binary_digits):
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        fitted_bernoulli.score_samples(binary_digits[:3] - 0.5)


def test_loss_is_not_a_parameter():
    assert "loss" not in VariationalAutoencoder().get_params()
    with pytest.raises(TypeError, match="VariationalAutoencoder"):
        VariationalAutoencoder(loss="mse")


def test_grid_search_tunes_the_latent_size_by_likelihood_in_a_pipeline(digits):
    search = GridSearchCV(
        make_pipeline(StandardScaler(), VariationalAutoencoder(**TINY)),
        {"variationalautoencoder__latent_dim": [1, 4]}, cv=2,
    ).fit(digits[:600])
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_["variationalautoencoder__latent_dim"] in (1, 4)


def test_unscaled_data_cannot_overflow_the_log_variances(digits):
    # pyod #609: a VAE's log-variance exploded on such data and its loss became NaN.
    X = digits * 1e4
    vae = VariationalAutoencoder(**{**TINY, "epochs": 2}).fit(X)
    _, log_variances = vae.encoder_(X[:256].astype(np.float32))
    assert np.all(np.abs(keras.ops.convert_to_numpy(log_variances)) <= 12)  # saturated, not overflowing
    assert np.isfinite(vae.history_["loss"]).all() and np.isfinite(vae.score_samples(X[:20])).all()

"""The bounds against exact log-likelihoods: a linear-Gaussian model, whose p(x) is known."""

import numpy as np
import pytest
from scipy import stats

from skae._variational_bounds import evidence_bound, kl_to_prior, log_likelihood

D, K, SIGMA2 = 6, 2, 0.3


@pytest.fixture(scope="module")
def linear_gaussian():
    """``x = W z + b + noise``: orthogonal ``W``, so the exact posterior is diagonal."""
    rng = np.random.default_rng(0)
    W = np.linalg.qr(rng.standard_normal((D, K)))[0] * np.array([2.0, 0.7])
    b = rng.standard_normal(D)
    X = rng.standard_normal((400, K)) @ W.T + b + np.sqrt(SIGMA2) * rng.standard_normal((400, D))
    log_px = stats.multivariate_normal(b, W @ W.T + SIGMA2 * np.eye(D)).logpdf(X)
    precision = np.eye(K) + W.T @ W / SIGMA2  # diagonal
    post_var = 1.0 / np.diag(precision)
    post_means = (X - b) @ W / SIGMA2 * post_var
    log_vars = np.tile(np.log(post_var), (len(X), 1))
    return dict(X=X, W=W, b=b, log_px=log_px, means=post_means, log_vars=log_vars)


def bound(model, means=None, n_importance=1, seeds=None):
    return evidence_bound(
        model["X"], model["means"] if means is None else means, model["log_vars"],
        lambda codes: (codes.astype(np.float64) @ model["W"].T + model["b"]).astype(np.float32),
        likelihood="gaussian", variances=np.full(D, SIGMA2), n_importance=n_importance,
        seeds=list(range(len(model["X"]))) if seeds is None else seeds,
    )


def test_log_likelihoods_match_scipy():
    rng = np.random.default_rng(1)
    X, decoded = rng.random((3, 4)), rng.standard_normal((3, 2, 4))
    variances = rng.random(4) + 0.1
    expected = stats.norm(decoded, np.sqrt(variances)).logpdf(X[:, None, :]).sum(-1)
    np.testing.assert_allclose(log_likelihood(X, decoded, likelihood="gaussian", variances=variances), expected)
    binary = (X > 0.5).astype(float)
    expected = stats.bernoulli(1 / (1 + np.exp(-decoded))).logpmf(binary[:, None, :]).sum(-1)
    np.testing.assert_allclose(log_likelihood(binary, decoded, likelihood="bernoulli"), expected)
    # Extreme logits stay finite: log p is exact, not computed from clipped probabilities.
    assert np.isfinite(log_likelihood(np.ones((1, 1)), np.full((1, 1, 1), -200.0), likelihood="bernoulli")).all()


def test_kl_matches_its_definition_by_integration():
    mean, log_var = 0.7, -1.2
    z = np.linspace(-10, 10, 200_001)
    q = stats.norm(mean, np.exp(0.5 * log_var))
    integrand = q.pdf(z) * (q.logpdf(z) - stats.norm.logpdf(z))
    expected = np.sum(integrand) * (z[1] - z[0])
    assert kl_to_prior(np.array([[mean]]), np.array([[log_var]]))[0] == pytest.approx(expected, rel=1e-6)


def test_importance_weights_are_exact_with_the_exact_posterior(linear_gaussian):
    # Every weight p(x, z) / q(z | x) then equals p(x), whatever z is drawn.
    for n_importance in (2, 30):
        np.testing.assert_allclose(bound(linear_gaussian, n_importance=n_importance), linear_gaussian["log_px"],
                                   atol=2e-4)


def test_the_elbo_is_exact_on_average_with_the_exact_posterior(linear_gaussian):
    gap = bound(linear_gaussian) - linear_gaussian["log_px"]
    assert abs(gap.mean()) < 3 * gap.std() / np.sqrt(len(gap))


def test_bounds_tighten_with_draws_below_the_true_log_likelihood(linear_gaussian):
    poor_means = linear_gaussian["means"] + 0.8  # a posterior that misses
    means = [bound(linear_gaussian, poor_means, n).mean() for n in (1, 10, 100)]
    assert means[0] < means[1] < means[2] < linear_gaussian["log_px"].mean()


def test_a_rows_draws_come_from_its_own_seed(linear_gaussian):
    poor_means = linear_gaussian["means"] + 0.8
    whole = bound(linear_gaussian, poor_means, 5)
    seeds = list(range(len(whole)))
    part = evidence_bound(
        linear_gaussian["X"][7:9], poor_means[7:9], linear_gaussian["log_vars"][7:9],
        lambda codes: (codes.astype(np.float64) @ linear_gaussian["W"].T + linear_gaussian["b"]).astype(np.float32),
        likelihood="gaussian", variances=np.full(D, SIGMA2), n_importance=5, seeds=seeds[7:9],
    )
    np.testing.assert_array_equal(part, whole[7:9])
    assert not np.array_equal(bound(linear_gaussian, poor_means, 5, seeds=[s + 1 for s in seeds]), whole)

"""Bounds on a variational autoencoder's log-likelihood, in NumPy.

Pure functions of the encoder's posterior parameters, a decoding function
and seeded draws; they never see an estimator. All sums run in float64 over
the float32 outputs of the Keras model.

* :func:`log_likelihood` gives ``log p(x | z)`` for each row and draw.
* :func:`evidence_bound` gives, per row, the ELBO with one draw (its KL term
  in closed form), or with ``n_importance`` draws the importance-weighted
  bound of Burda, Grosse and Salakhutdinov (2016),
  ``log mean_k p(x, z_k) / q(z_k | x)``, which tightens as the draws grow.

The draws of a row come from its own seed, so its bound does not depend on
the rows scored with it.
"""

import math

import numpy as np
from scipy.special import logsumexp

_LOG_2PI = math.log(2.0 * math.pi)

#: Draws decoded per call: bounds the memory of ``n_importance`` draws of many rows.
MAX_DRAWS_PER_CALL = 8192


def log_likelihood(X, decoded, *, likelihood, variances=None):
    """``log p(x | z)`` in nats for rows ``X`` of shape ``(n, d)``.

    ``decoded`` is ``(n, k, d)``: the Gaussian's means, or the Bernoulli's
    logits. ``variances`` (Gaussian only) has shape ``(d,)``. Returns
    ``(n, k)``.
    """
    X = X[:, None, :]
    if likelihood == "bernoulli":
        # log p(x) = x * l - softplus(l), exact for any logit.
        return np.sum(X * decoded - np.logaddexp(0.0, decoded), axis=-1)
    squared = np.square(X - decoded) / variances
    return -0.5 * (np.sum(squared, axis=-1) + np.sum(np.log(variances)) + X.shape[-1] * _LOG_2PI)


def kl_to_prior(means, log_variances):
    """``KL(N(means, exp(log_variances)) || N(0, I))`` per row, in nats."""
    return 0.5 * np.sum(np.square(means) + np.exp(log_variances) - 1.0 - log_variances, axis=-1)


def evidence_bound(X, means, log_variances, decode, *, likelihood, variances=None, n_importance=1, seeds):
    """Per-row lower bound on ``log p(x)`` in nats.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows, float64.
    means, log_variances : ndarray of shape (n_samples, latent_dim)
        The encoder's posterior for each row.
    decode : callable
        ``decode(codes) -> (n_codes, n_features)``: the Gaussian's means or
        the Bernoulli's logits for 2-D float32 ``codes``.
    likelihood : {"gaussian", "bernoulli"}
    variances : ndarray of shape (n_features,) or None
        The Gaussian's per-feature variances.
    n_importance : int, default=1
        Draws per row: 1 gives the ELBO, more the importance-weighted bound.
    seeds : sequence of int
        One seed per row for its draws.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    n_samples, latent_dim = means.shape
    bounds = np.empty(n_samples)
    rows_per_call = max(1, MAX_DRAWS_PER_CALL // n_importance)
    for start in range(0, n_samples, rows_per_call):
        rows = slice(start, min(start + rows_per_call, n_samples))
        noise = np.stack([
            np.random.default_rng(seed).standard_normal((n_importance, latent_dim)) for seed in seeds[rows]
        ])
        std = np.exp(0.5 * log_variances[rows])[:, None, :]
        codes = means[rows][:, None, :] + std * noise
        decoded = decode(codes.reshape(-1, latent_dim).astype(np.float32)).astype(np.float64)
        decoded = decoded.reshape(codes.shape[0], n_importance, -1)
        log_px = log_likelihood(X[rows], decoded, likelihood=likelihood, variances=variances)
        if n_importance == 1:
            bounds[rows] = log_px[:, 0] - kl_to_prior(means[rows], log_variances[rows])
            continue
        # log p(z) - log q(z | x): the normalising constants cancel.
        log_prior = -0.5 * np.sum(np.square(codes), axis=-1)
        log_posterior = -0.5 * np.sum(np.square(noise) + log_variances[rows][:, None, :], axis=-1)
        bounds[rows] = logsumexp(log_px + log_prior - log_posterior, axis=1) - math.log(n_importance)
    return bounds

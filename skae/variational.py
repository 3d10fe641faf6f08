"""VariationalAutoencoder: a generative autoencoder with ``sample`` and a likelihood bound."""

from numbers import Integral, Real

import keras
import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from . import _defaults, _random
from ._base import BaseAutoencoder
from ._docstrings import SHARED_ATTRIBUTES, variational_parameters
from ._signature import extends_signature
from ._variational_bounds import evidence_bound
from ._variational_model import LIKELIHOODS, check_variance_scale, compose_variational


class VariationalAutoencoder(BaseAutoencoder):
    __doc__ = f"""Keras variational autoencoder as a scikit-learn transformer.

    A generative model of ``X``: codes ``z`` drawn from a standard normal
    prior, and samples drawn from ``p(x | z)``, a Gaussian or a Bernoulli
    distribution whose parameters the decoder computes. ``fit`` maximises the
    evidence lower bound (ELBO) with the reparameterisation trick; ``beta``
    weights its KL term.

    * ``transform`` returns the posterior means of the codes: deterministic,
      so it works as any transformer does in a
      :class:`~sklearn.pipeline.Pipeline`.
    * ``inverse_transform`` returns the decoder's means.
    * :meth:`sample` draws new data from the model.
    * ``score_samples`` is a lower bound on each sample's log-likelihood, in
      nats: the ELBO, or with ``n_importance`` above 1 the tighter
      importance-weighted bound. ``score`` is their mean, so
      :class:`~sklearn.model_selection.GridSearchCV` can tune ``latent_dim``
      by likelihood, and the bounds compare with
      :meth:`sklearn.decomposition.PCA.score_samples`, the linear-Gaussian
      special case (probabilistic PCA).

    The likelihood is the loss, so the estimator has no ``loss`` parameter.
    Everything else behaves as in :class:`AutoencoderTransformer`.

    Parameters
    ----------
{variational_parameters()}
    Attributes
    ----------
{SHARED_ATTRIBUTES}    noise_variance_ : ndarray of shape (`n_features_in_`,)
        The Gaussian likelihood's variance of each feature (only with
        ``likelihood="gaussian"``), as :class:`~sklearn.decomposition.FactorAnalysis`
        names its own.

    See Also
    --------
    AutoencoderTransformer : The deterministic autoencoder.
    sklearn.decomposition.PCA : Probabilistic PCA, the linear-Gaussian special case.

    Notes
    -----
    A callable ``architecture`` is called as for the other estimators; its
    encoder may output the posterior's means and log-variances itself (two
    outputs), or features on which the estimator adds the two linear heads.
    The registered builders' ``codes`` layer is replaced by those heads.

    ``encoder_`` outputs the posterior's means and log-variances;
    ``decoder_`` outputs the means (probabilities for ``"bernoulli"``, then
    also their logits). ``model_`` samples codes while training and uses the
    means otherwise.

    Log-variances are bounded smoothly to (-12, 12), so an exploding one
    cannot overflow into NaN, and each Gaussian feature's variance is at
    least ``var_smoothing`` times the largest feature variance of the
    training data, so constant features (an image's border pixels) cannot
    make the likelihood unbounded.

    ``score_samples`` draws each sample's codes from a generator seeded by
    the sample's own values: its score does not depend on the other samples,
    their order or the call, and repeats exactly.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import VariationalAutoencoder
    >>> X = load_digits().data / 16.0
    >>> vae = VariationalAutoencoder(latent_dim=2, epochs=2, random_state=0).fit(X)
    >>> vae.transform(X[:5]).shape
    (5, 2)
    >>> vae.sample(3, random_state=0).shape
    (3, 64)
    >>> vae.score_samples(X[:5]).shape
    (5,)
    """

    _parameter_constraints = {
        **{
            name: rule for name, rule in BaseAutoencoder._parameter_constraints.items()
            if name not in ("loss", "code_activation")
        },
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "likelihood": [StrOptions(set(LIKELIHOODS))],
        "beta": [Interval(Real, 0, None, closed="left")],
        "var_smoothing": [Interval(Real, 0, None, closed="neither")],
        "n_importance": [Interval(Integral, 1, None, closed="left")],
    }

    _training_params = BaseAutoencoder._training_params | {"n_importance"}

    @extends_signature(BaseAutoencoder, without=("loss", "code_activation"))
    def __init__(
        self, latent_dim=2, *, hidden_layer_sizes=(256,), activation="relu", output_activation=None,
        likelihood="gaussian", beta=1.0, var_smoothing=1e-3, n_importance=1, **base_params,
    ):
        super().__init__(
            latent_dim, hidden_layer_sizes=hidden_layer_sizes, activation=activation,
            output_activation=output_activation, **base_params,
        )
        # The likelihood is the loss, and the codes are the Gaussian heads' linear means.
        del self.loss, self.code_activation
        self.likelihood = likelihood
        self.beta = beta
        self.var_smoothing = var_smoothing
        self.n_importance = n_importance

    # Hooks of BaseAutoencoder.
    def _check_params(self):
        super()._check_params()
        if self.likelihood == "bernoulli" and not (self.output_activation is None or _defaults.is_auto(self.output_activation)):
            raise ValueError(
                "likelihood='bernoulli' computes probabilities from the decoder's logits, so "
                f"the decoder's output must be linear: set output_activation=None, not "
                f"{self.output_activation!r}."
            )

    def _training_loss(self):
        return None  # the sampler and the likelihood add the whole loss

    def _resolve_output_activation(self, targets):
        if self.likelihood == "bernoulli":
            return None  # logits
        return super()._resolve_output_activation(targets)

    def _start_fit(self, X, y):
        self._check_bernoulli_range(X)
        # In float64: a float32 X near 1e20 has a variance float32 cannot hold.
        largest_variance = float(np.max(np.var(X, axis=0, dtype=np.float64))) if X.size else 0.0
        self._variance_scale = largest_variance if largest_variance > 0 else 1.0
        check_variance_scale(self._variance_scale, self.var_smoothing)

    def _check_bernoulli_range(self, X):
        if self.likelihood == "bernoulli" and X.size and (X.min() < 0 or X.max() > 1):
            raise ValueError(
                "likelihood='bernoulli' models values in [0, 1], but X has values in "
                f"[{X.min():.4g}, {X.max():.4g}]. Scale X to [0, 1] (e.g. with MinMaxScaler) "
                "or use likelihood='gaussian'."
            )

    def _compose_model(self, encoder, decoder, input_shape, seed=None):
        return compose_variational(
            encoder, decoder, input_shape, self.latent_dim, likelihood=self.likelihood, beta=self.beta,
            var_smoothing=self.var_smoothing, variance_scale=self._variance_scale, seed=seed,
        )

    def _set_model(self, model):
        self.model_ = model
        self.encoder_, self.decoder_ = model.get_layer("encoder"), model.get_layer("decoder")
        if self.likelihood == "gaussian":
            variances = model.get_layer("likelihood").variances()
            self.noise_variance_ = keras.ops.convert_to_numpy(variances).astype(np.float64)

    def fit(self, X, y=None):
        """Train the model by maximising the evidence lower bound of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Training samples: 2-D, or images ``(n_samples, height, width)``
            or ``(n_samples, height, width, channels)``. In [0, 1] for
            ``likelihood="bernoulli"``.
        y : None or array-like of shape (n_samples,)
            Ignored, but must have as many samples as ``X`` when given.

        Returns
        -------
        self : VariationalAutoencoder
            The fitted estimator.
        """
        self._check_y_length(X, y)
        return self._fit(X, incremental=False)

    def partial_fit(self, X, y=None):
        """Train one pass over ``X``, continuing from the current weights.

        The first call builds the model as ``fit`` does (the Gaussian's
        variance unit comes from this first chunk); each later call runs one
        epoch over the chunk and keeps the optimizer's and the sampler's
        state. ``epochs``, ``validation_split`` and ``early_stopping`` apply
        to ``fit`` only.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            One chunk of training samples, shaped like the first chunk.
        y : None or array-like of shape (n_samples,)
            Ignored, but must have as many samples as ``X`` when given.

        Returns
        -------
        self : VariationalAutoencoder
            The estimator, trained one more pass.
        """
        self._check_y_length(X, y)
        return self._fit(X, incremental=True)

    def score_samples(self, X):
        """Lower bound on the log-likelihood of each sample, in nats.

        With ``n_importance=1`` the evidence lower bound (ELBO): the expected
        log-likelihood under one draw of the codes, minus the KL divergence
        of the posterior from the prior (in closed form). With more, the
        importance-weighted bound ``log mean_k p(x, z_k) / q(z_k | x)`` over
        ``n_importance`` draws, which is tighter. It is the bound for
        ``beta=1`` whatever ``beta`` trained the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Samples shaped as in ``fit``; in [0, 1] for ``"bernoulli"``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The bound per sample: higher is more likely.
        """
        return super().score_samples(X)

    def _score_samples(self, X):
        self._check_bernoulli_range(X)
        means, log_variances = (np.asarray(part, dtype=np.float64) for part in self._predict("encoder", X))
        return evidence_bound(
            np.asarray(X, dtype=np.float64), means, log_variances, lambda codes: self._predict("decoder", codes)[-1],
            likelihood=self.likelihood, variances=getattr(self, "noise_variance_", None),
            n_importance=self.n_importance, seeds=_random.row_seeds(X),
        )

    @validate_params(
        {"n_samples": [Interval(Integral, 1, None, closed="left")], "random_state": ["random_state"]},
        prefer_skip_nested_validation=True,
    )
    def sample(self, n_samples=1, random_state=None):
        """Draw new samples from the model.

        Codes are drawn from the standard normal prior and decoded, then each
        feature is drawn from the likelihood around the decoder's means (for
        images without the pixel noise, decode prior draws with
        ``inverse_transform``).

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to draw.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws.

        Returns
        -------
        X : ndarray of shape (n_samples, *input_shape_)
            New samples, shaped like those given to ``fit``.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skae import VariationalAutoencoder
        >>> X = (load_digits().data > 8).astype(float)
        >>> vae = VariationalAutoencoder(likelihood="bernoulli", epochs=2, random_state=0).fit(X)
        >>> samples = vae.sample(4, random_state=0)
        >>> samples.shape, sorted(set(samples.ravel().tolist()))
        ((4, 64), [0.0, 1.0])
        """
        check_is_fitted(self)
        rng = check_random_state(random_state)
        codes = rng.standard_normal((n_samples, self._n_features_out))
        means = self._predict("decoder", codes)[0]
        if self.likelihood == "bernoulli":
            samples = (rng.uniform(size=means.shape) < means).astype(np.float64)
        else:
            samples = means + np.sqrt(self.noise_variance_) * rng.standard_normal(means.shape)
        return samples.reshape(n_samples, *self.input_shape_)

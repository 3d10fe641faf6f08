"""The Keras side of the variational autoencoder: its layers and how they join.

Pure functions and Keras layers, no estimator. :func:`compose_variational`
turns a builder's ``(encoder, decoder)`` pair into one trainable model::

    inputs -> encoder -> (means, log-variances) -> sampler -> codes
           -> decoder -> likelihood(inputs, decoder outputs) -> means

* The **encoder** ends in two linear heads of ``latent_dim`` units, the
  posterior's means and log-variances; they replace the builder's ``codes``
  layer (a callable architecture may return two outputs itself).
* The **sampler** draws codes by the reparameterisation trick while training
  (the posterior means otherwise) and adds ``beta`` times the KL divergence
  from the standard normal prior to the loss.
* The **likelihood** adds the negative log-likelihood of the inputs to the
  loss and outputs the decoder's means. The Gaussian one owns a learned
  log-variance per feature; the Bernoulli one reads the decoder's logits.

Both terms are sums over features and codes, averaged over the batch, so the
training loss is the negative ELBO in nats per sample (for ``beta=1``). Every
log-variance passes through :class:`BoundedLogVariance`, a smooth clip to
``(-LOG_VARIANCE_LIMIT, LOG_VARIANCE_LIMIT)``: an exploding log-variance
cannot overflow ``exp`` into NaN. Layers have fixed names, as everywhere in
skae, and are registered so a ``.keras`` file of the model loads.
"""

import math

import keras
from keras import layers, ops

from .architectures import _kernel_initializers

#: Log-variances are smoothly bounded to (-limit, limit): variances within
#: about (6e-6, 1.6e5) times their unit.
LOG_VARIANCE_LIMIT = 12.0

LIKELIHOODS = ("gaussian", "bernoulli")


@keras.saving.register_keras_serializable(package="skae")
class BoundedLogVariance(layers.Layer):
    """``limit * tanh(x / limit)``: the identity near zero, bounded by ``limit``."""

    def __init__(self, limit=LOG_VARIANCE_LIMIT, **kwargs):
        super().__init__(**kwargs)
        self.limit = float(limit)

    def call(self, inputs):
        return self.limit * ops.tanh(inputs / self.limit)

    def get_config(self):
        return {**super().get_config(), "limit": self.limit}


@keras.saving.register_keras_serializable(package="skae")
class GaussianSampler(layers.Layer):
    """Codes from the posterior ``(means, log-variances)``; adds ``beta`` times the KL term.

    While training the codes are ``means + exp(log_variances / 2) * noise``,
    the noise drawn from the layer's own seed generator (model state, so it
    is saved, copied and rolled back with the weights); otherwise the means.
    """

    def __init__(self, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.beta = float(beta)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        means, log_variances = inputs
        kl = 0.5 * ops.sum(ops.square(means) + ops.exp(log_variances) - 1.0 - log_variances, axis=-1)
        self.add_loss(self.beta * ops.mean(kl))
        if not training:
            return means
        noise = keras.random.normal(ops.shape(means), seed=self.seed_generator)
        return means + ops.exp(0.5 * log_variances) * noise

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


def _flat(tensor):
    return ops.reshape(tensor, (ops.shape(tensor)[0], -1))


#: Variances the float32 likelihood computes with safely: the floor
#: ``var_smoothing * variance_scale`` must be at least the first, the largest
#: variance ``variance_scale * exp(12)`` at most the second (float32 holds
#: 1.2e-38 to 3.4e38, and squared errors need room on either side).
SAFE_VARIANCE_RANGE = (1e-30, 1e30)


def check_variance_scale(variance_scale, var_smoothing):
    """Refuse data whose variances a float32 :class:`GaussianLikelihood` cannot compute with."""
    low, high = SAFE_VARIANCE_RANGE
    floor, ceiling = var_smoothing * variance_scale, variance_scale * math.exp(LOG_VARIANCE_LIMIT)
    if floor < low or ceiling > high:
        raise ValueError(
            "VariationalAutoencoder computes its Gaussian likelihood in float32, and X's largest "
            f"feature variance, {variance_scale:.3g}, is outside the range it can model with "
            f"var_smoothing={var_smoothing:g} (variances {low:g} to {high:g}). Scale X first, "
            "e.g. with sklearn.preprocessing.StandardScaler."
        )


@keras.saving.register_keras_serializable(package="skae")
class GaussianLikelihood(layers.Layer):
    """A diagonal Gaussian around the decoder's means, with a learned variance per feature.

    Each feature's variance is ``variance_scale * (var_smoothing +
    exp(log_variance))``: ``variance_scale`` is the training data's largest
    feature variance (a non-trainable weight), so the floor ``var_smoothing``
    is a share of it, as in :class:`~sklearn.naive_bayes.GaussianNB`, and a
    constant feature cannot shrink its variance to zero.
    """

    def __init__(self, var_smoothing=1e-3, variance_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.var_smoothing = float(var_smoothing)
        self.variance_scale = float(variance_scale)
        self.bound = BoundedLogVariance(name="bound")

    def build(self, input_shape):
        n_features = math.prod(input_shape[0][1:])
        self.log_variance = self.add_weight(shape=(n_features,), initializer="zeros", name="log_variance")
        self.scale = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.variance_scale), trainable=False,
            name="variance_scale",
        )

    def variances(self):
        """The per-feature variances, a tensor of shape ``(n_features,)``."""
        return self.scale * (self.var_smoothing + ops.exp(self.bound(self.log_variance)))

    def call(self, inputs):
        samples, means = inputs
        variances = self.variances()
        squared = ops.square(_flat(samples) - _flat(means)) / variances
        nll = 0.5 * ops.sum(squared + ops.log(2.0 * math.pi * variances), axis=-1)
        self.add_loss(ops.mean(nll))
        return means

    def get_config(self):
        return {**super().get_config(), "var_smoothing": self.var_smoothing, "variance_scale": self.variance_scale}


@keras.saving.register_keras_serializable(package="skae")
class BernoulliLikelihood(layers.Layer):
    """Independent Bernoulli features with the decoder's logits; outputs their probabilities."""

    def call(self, inputs):
        samples, logits = inputs
        flat_logits = _flat(logits)
        # -log p(x) = softplus(l) - x * l, exact for any logit.
        nll = ops.sum(ops.softplus(flat_logits) - _flat(samples) * flat_logits, axis=-1)
        self.add_loss(ops.mean(nll))
        return ops.sigmoid(logits)


def _is_functional(model):
    """Whether ``model``'s layers can be rewired (a functional Keras model)."""
    return isinstance(model, keras.Model) and hasattr(model, "_nodes_by_depth") and bool(model.inputs)


def _single(tensors):
    """The one tensor of a list of one, so the model is called with a plain array."""
    return tensors[0] if len(tensors) == 1 else tensors


def gaussian_encoder(encoder, input_shape, latent_dim, seed=None):
    """The encoder with two linear heads: the posterior's means and bounded log-variances.

    The heads take the input of the builder's ``codes`` layer, replacing it.
    An encoder without one gets the heads on its output; an encoder with two
    outputs already gives means and log-variances, which are only bounded.
    """
    kernel = _kernel_initializers(seed)

    def head(name):
        return layers.Dense(latent_dim, kernel_initializer=kernel(), name=name)

    if _is_functional(encoder):
        inputs, outputs = _single(encoder.inputs), encoder.outputs
        if len(outputs) == 1 and "codes" in {layer.name for layer in encoder.layers}:
            outputs = [encoder.get_layer("codes").input]
    else:
        inputs = keras.Input(shape=tuple(input_shape), name="encoder_input")
        outputs = encoder(inputs)
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if len(outputs) > 2:
        raise ValueError(
            "A variational encoder gives one output (features, on which the posterior's heads "
            f"are added) or two (the posterior's means and log-variances); this one gives {len(outputs)}."
        )
    if len(outputs) == 2:
        means, log_variances = outputs
    else:
        features = outputs[0]
        means, log_variances = head("posterior_mean")(features), head("posterior_log_variance")(features)
    log_variances = BoundedLogVariance(name="posterior_log_variance_bound")(log_variances)
    return keras.Model(inputs, [means, log_variances], name="encoder")


def named_decoder(decoder, latent_dim, likelihood):
    """The decoder as a model named ``"decoder"``, outputting the means first.

    For ``"bernoulli"`` its output is read as logits, and the model outputs
    ``[probabilities, logits]``.
    """
    if _is_functional(decoder):
        code_inputs, outputs = _single(decoder.inputs), decoder.outputs[0]
    else:
        code_inputs = keras.Input(shape=(latent_dim,), name="decoder_input")
        outputs = decoder(code_inputs)
    if likelihood == "bernoulli":
        outputs = [layers.Activation("sigmoid", name="probabilities")(outputs), outputs]
    return keras.Model(code_inputs, outputs, name="decoder")


def compose_variational(
    encoder, decoder, input_shape, latent_dim, *, likelihood="gaussian", beta=1.0, var_smoothing=1e-3,
    variance_scale=1.0, seed=None,
):
    """Join a builder's ``(encoder, decoder)`` into a trainable variational autoencoder.

    Parameters
    ----------
    encoder, decoder : keras.Model
        A builder's pair; for ``"bernoulli"`` the decoder outputs logits.
    input_shape : tuple of int
        Shape of one sample as the encoder takes it.
    latent_dim : int
        Number of codes.
    likelihood : {"gaussian", "bernoulli"}, default="gaussian"
        The decoder's distribution.
    beta : float, default=1.0
        Weight of the KL term in the loss.
    var_smoothing, variance_scale : float
        The Gaussian likelihood's variance floor and unit (see
        :class:`GaussianLikelihood`).
    seed : int or None, default=None
        Seeds the heads' initial weights and the sampler.

    Returns
    -------
    keras.Model
        Maps samples to the decoder's means, adding the negative ELBO to its
        losses. Its layers ``"encoder"`` (two outputs) and ``"decoder"`` (the
        means first) are the nested parts.

    Examples
    --------
    >>> from skae.architectures import dense_autoencoder
    >>> from skae._variational_model import compose_variational
    >>> model = compose_variational(*dense_autoencoder((10,), 2, output_activation=None), (10,), 2)
    >>> [output.shape for output in model.get_layer("encoder").outputs]
    [(None, 2), (None, 2)]
    """
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}; got {likelihood!r}.")
    # The heads' seeds differ from the builder's, which drew from ``seed``.
    encoder = gaussian_encoder(encoder, input_shape, latent_dim, None if seed is None else seed + 1)
    decoder = named_decoder(decoder, latent_dim, likelihood)
    inputs = keras.Input(shape=tuple(input_shape), name="autoencoder_input")
    codes = GaussianSampler(beta, seed, name="sampler")(encoder(inputs))
    decoded = decoder(codes)
    # Checked before the likelihood meets the input: JAX's shape inference raises TypeError there.
    means = decoded[0] if likelihood == "bernoulli" else decoded
    if tuple(means.shape[1:]) != tuple(input_shape):
        raise ValueError(
            "The decoder must give back samples of the input's shape "
            f"{tuple(input_shape)}; it outputs {tuple(means.shape[1:])}."
        )
    if likelihood == "bernoulli":
        outputs = BernoulliLikelihood(name="likelihood")([inputs, decoded[1]])
    else:
        outputs = GaussianLikelihood(var_smoothing, variance_scale, name="likelihood")([inputs, decoded])
    return keras.Model(inputs, outputs, name="variational_autoencoder")

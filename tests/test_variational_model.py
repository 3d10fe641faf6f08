"""The variational autoencoder's Keras layers and how they join."""

import keras
import numpy as np
import pytest
from scipy import stats

from skae._variational_model import (
    LOG_VARIANCE_LIMIT, BernoulliLikelihood, BoundedLogVariance, GaussianLikelihood, GaussianSampler,
    compose_variational, gaussian_encoder,
)
from skae.architectures import conv_autoencoder, dense_autoencoder

RNG = np.random.default_rng(0)
# Keras's conversion, not np.asarray: PyTorch refuses that on tensors that track gradients.
to_numpy = keras.ops.convert_to_numpy


def test_bounded_log_variance_is_smooth_and_bounded():
    values = np.array([-1e6, -100.0, -1e-3, 0.0, 1e-3, 100.0, 1e6], dtype=np.float32)
    bounded = to_numpy(BoundedLogVariance()(values))
    assert np.all(np.abs(bounded) <= LOG_VARIANCE_LIMIT) and np.all(np.diff(bounded) >= 0)
    np.testing.assert_allclose(bounded[2:5], values[2:5], atol=1e-7)  # the identity near zero
    assert np.isfinite(np.exp(bounded)).all()


def test_sampler_adds_the_kl_term_and_samples_only_while_training():
    means = RNG.standard_normal((5, 3)).astype(np.float32)
    log_vars = RNG.standard_normal((5, 3)).astype(np.float32)
    sampler = GaussianSampler(beta=2.0, seed=0)
    np.testing.assert_array_equal(to_numpy(sampler([means, log_vars])), means)
    kl = 0.5 * np.sum(means**2 + np.exp(log_vars) - 1 - log_vars, axis=1).mean()
    assert float(sampler.losses[-1]) == pytest.approx(2.0 * kl, rel=1e-5)
    drawn = to_numpy(sampler([means, log_vars], training=True))
    assert not np.allclose(drawn, means) and np.isfinite(drawn).all()


def test_gaussian_likelihood_adds_the_negative_log_density():
    samples, means = RNG.random((4, 6)).astype(np.float32), RNG.random((4, 6)).astype(np.float32)
    layer = GaussianLikelihood(var_smoothing=0.01, variance_scale=0.5)
    np.testing.assert_array_equal(to_numpy(layer([samples, means])), means)
    variances = 0.5 * (0.01 + 1.0)  # log_variance starts at zero
    np.testing.assert_allclose(to_numpy(layer.variances()), np.full(6, variances), rtol=1e-6)
    expected = -stats.norm(means, np.sqrt(variances)).logpdf(samples).sum(1).mean()
    assert float(layer.losses[-1]) == pytest.approx(expected, rel=1e-5)


def test_gaussian_variances_cannot_fall_below_the_floor():
    layer = GaussianLikelihood(var_smoothing=1e-3, variance_scale=4.0)
    layer.build([(None, 3), (None, 3)])
    layer.log_variance.assign(np.full(3, -1e4, dtype=np.float32))
    assert np.all(to_numpy(layer.variances()) >= 4.0 * 1e-3)


def test_bernoulli_likelihood_adds_the_negative_log_probability():
    samples = (RNG.random((4, 6)) > 0.5).astype(np.float32)
    logits = RNG.standard_normal((4, 6)).astype(np.float32) * 3
    layer = BernoulliLikelihood()
    probabilities = to_numpy(layer([samples, logits]))
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-logits)), rtol=1e-6)
    expected = -stats.bernoulli(probabilities).logpmf(samples).sum(1).mean()
    assert float(layer.losses[-1]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_composed_model_has_two_headed_encoder_and_the_decoders_means(likelihood):
    model = compose_variational(*dense_autoencoder((10,), 3, output_activation=None), (10,), 3,
                                likelihood=likelihood, seed=0)
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert [tuple(output.shape) for output in encoder.outputs] == [(None, 3), (None, 3)]
    assert "codes" not in {layer.name for layer in encoder.layers}  # replaced by the heads
    X = RNG.random((4, 10)).astype(np.float32)
    means = to_numpy(_first(decoder(encoder(X)[0])))
    np.testing.assert_allclose(to_numpy(model(X)), means, rtol=1e-6)  # not training: the posterior means
    assert len(model.losses) == 2  # the KL term and the likelihood


def _first(outputs):
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def test_conv_parts_compose_and_the_same_seed_builds_the_same_model():
    def build():
        return compose_variational(*conv_autoencoder((8, 8, 1), 2, output_activation=None, seed=1), (8, 8, 1), 2,
                                   likelihood="bernoulli", seed=1)

    first, second = build(), build()
    assert first.output_shape == (None, 8, 8, 1)
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


def test_an_encoder_with_two_outputs_is_used_as_it_is():
    inputs = keras.Input((5,))
    hidden = keras.layers.Dense(4)(inputs)
    two_headed = keras.Model(inputs, [keras.layers.Dense(2)(hidden), keras.layers.Dense(2)(hidden)])
    encoder = gaussian_encoder(two_headed, (5,), 2)
    assert len([layer for layer in encoder.layers if layer.weights]) == 3  # no heads added


def test_an_encoder_with_three_outputs_is_refused():
    inputs = keras.Input((5,))
    three = keras.Model(inputs, [keras.layers.Dense(2)(inputs) for _ in range(3)])
    with pytest.raises(ValueError, match="gives 3"):
        gaussian_encoder(three, (5,), 2)


def test_composition_refuses_a_decoder_of_the_wrong_shape_and_an_unknown_likelihood():
    encoder, _ = dense_autoencoder((10,), 2)
    _, wrong_decoder = dense_autoencoder((9,), 2)
    with pytest.raises(ValueError, match="input's shape"):
        compose_variational(encoder, wrong_decoder, (10,), 2)
    with pytest.raises(ValueError, match="likelihood must be one of"):
        compose_variational(*dense_autoencoder((10,), 2), (10,), 2, likelihood="poisson")


def test_composed_model_loads_from_a_keras_file_in_safe_mode(tmp_path):
    model = compose_variational(*dense_autoencoder((6,), 2, output_activation=None), (6,), 2, seed=0,
                                variance_scale=0.25)
    model.save(tmp_path / "vae.keras")
    loaded = keras.saving.load_model(tmp_path / "vae.keras", safe_mode=True)
    X = RNG.random((3, 6)).astype(np.float32)
    np.testing.assert_array_equal(to_numpy(loaded(X)), to_numpy(model(X)))
    np.testing.assert_array_equal(to_numpy(loaded.get_layer("likelihood").variances()),
                                  to_numpy(model.get_layer("likelihood").variances()))

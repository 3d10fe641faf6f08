"""Safe loading: skops files of every estimator, what they ask you to trust, and tampered files."""

import io
import json
import zipfile

import keras
import numpy as np
import pytest
import skops.io as sio

from skae import (
    AutoencoderImputer, AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae._serialization import model_to_bytes

SMALL = dict(latent_dim=2, epochs=1, batch_size=64, random_state=0)


def with_gaps(X):
    """``X`` with a fifth of its entries NaN."""
    return np.where(np.random.default_rng(0).random(X.shape) < 0.2, np.nan, X)


@pytest.fixture(scope="module")
def fitted(digits, digit_images):
    """One fitted estimator of each kind, with the outputs to compare after loading."""
    models = {
        "autoencoder": AutoencoderTransformer(**SMALL).fit(digits),
        "denoiser": DenoisingAutoencoder(architecture="conv", conv_filters=(4,), **SMALL).fit(digit_images),
        "variational": VariationalAutoencoder(hidden_layer_sizes=(8,), likelihood="bernoulli", **SMALL).fit(digits),
        "detector": AutoencoderOutlierDetector(n_estimators=2, random_state=0).fit(digits),
        "imputer": AutoencoderImputer(hidden_layer_sizes=(8,), max_iter=1, add_indicator=True, random_state=0).fit(
            with_gaps(digits)
        ),
    }
    return models


def outputs(name, model, digits, digit_images):
    if name == "detector":
        return [model.score_samples(digits), model.feature_scores(digits[:5]), model.predict(digits)]
    if name == "imputer":
        return [model.transform(with_gaps(digits)), model.multiple_imputations(with_gaps(digits), 2, random_state=0)]
    X = digit_images if name == "denoiser" else digits
    results = [model.transform(X), model.inverse_transform(model.transform(X[:5])), model.score_samples(X)]
    if name == "variational":
        results.append(model.sample(5, random_state=0))
    return results


SKAE_TYPES = {
    "autoencoder": ["skae.autoencoder.AutoencoderTransformer"],
    "denoiser": ["skae.denoising.DenoisingAutoencoder"],
    "variational": ["skae.variational.VariationalAutoencoder"],
    "detector": ["skae.autoencoder.AutoencoderTransformer", "skae.outliers.AutoencoderOutlierDetector"],
    "imputer": ["skae._imputation_model.GapFillingAutoencoder", "skae.impute.AutoencoderImputer"],
}


@pytest.mark.parametrize("name", sorted(SKAE_TYPES))
def test_skops_round_trips_with_identical_outputs_and_only_skae_types_to_trust(fitted, digits, digit_images, name):
    data = sio.dumps(fitted[name])
    assert sorted(sio.get_untrusted_types(data=data)) == SKAE_TYPES[name]
    loaded = sio.loads(data, trusted=SKAE_TYPES[name])
    for before, after in zip(outputs(name, fitted[name], digits, digit_images), outputs(name, loaded, digits, digit_images)):
        np.testing.assert_array_equal(after, before)


def tiny_architecture(input_shape, latent_dim):
    """A callable architecture: skops stores it by name, and asks you to trust that name."""
    from skae.architectures import dense_autoencoder

    return dense_autoencoder(input_shape, latent_dim, seed=0)


def test_object_parameters_bring_their_own_types(digits):
    model = AutoencoderTransformer(architecture=tiny_architecture, **SMALL).fit(digits[:100])
    data = sio.dumps(model)
    untrusted = sorted(sio.get_untrusted_types(data=data))
    assert untrusted == sorted([*SKAE_TYPES["autoencoder"], f"{__name__}.tiny_architecture"])
    np.testing.assert_array_equal(sio.loads(data, trusted=untrusted).transform(digits), model.transform(digits))


def test_skops_cannot_round_trip_a_keras_optimizer_instance(digits):
    # skops 0.16 has no way to store a Keras optimizer object: pass the
    # optimizer by name (with learning_rate), or pickle such an estimator.
    # Where it breaks depends on the backend: on TensorFlow (TypeError) and
    # PyTorch (RuntimeError) dumps refuses the optimizer's variables; on JAX
    # it writes them and loads fails on a lambda inside (AttributeError).
    model = AutoencoderTransformer(optimizer=keras.optimizers.SGD(0.01), **SMALL).fit(digits[:100])
    with pytest.raises((TypeError, RuntimeError, AttributeError)):
        data = sio.dumps(model)
        sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def _rewritten(data, rewrite):
    """The skops file ``data`` with ``rewrite(name, bytes) -> bytes`` applied to each member."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            target.writestr(name, rewrite(name, source.read(name)))
    return output.getvalue()


def test_a_file_with_an_injected_foreign_type_is_refused(fitted):
    def inject(name, content):
        if name != "schema.json":
            return content
        schema = json.loads(content)
        empty_state = {
            "__class__": "dict", "__module__": "builtins", "__loader__": "DictNode", "content": {},
            "key_types": {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode", "content": []},
        }
        schema["content"]["content"]["verbose"] = {
            "__class__": "Popen", "__module__": "subprocess", "__loader__": "ObjectNode", "content": empty_state,
        }
        return json.dumps(schema).encode()

    data = _rewritten(sio.dumps(fitted["autoencoder"]), inject)
    assert "subprocess.Popen" in sio.get_untrusted_types(data=data)
    with pytest.raises(Exception, match="Untrusted types found"):
        sio.loads(data, trusted=SKAE_TYPES["autoencoder"])


def test_keras_bytes_holding_a_lambda_layer_are_refused(fitted):
    inputs = keras.Input((64,))
    lambda_model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    payload = model_to_bytes(lambda_model)
    data = sio.dumps(fitted["autoencoder"])
    schema = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("schema.json"))
    model_file = schema["content"]["content"]["_model_bytes"]["file"]
    tampered = _rewritten(data, lambda name, content: payload if name == model_file else content)
    assert sio.get_untrusted_types(data=tampered) == SKAE_TYPES["autoencoder"]  # skops cannot see inside
    with pytest.raises(ValueError, match="Lambda"):
        sio.loads(tampered, trusted=SKAE_TYPES["autoencoder"])

"""A brief real-data run on Debian's Fashion-MNIST files, as the tutorial does it.

Skipped, with the reason shown, only when the files are absent (``.ci/run``
installs them with ``apt-get install dataset-fashion-mnist``).
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer
from skae.datasets import FASHION_MNIST_DEBIAN_DIR, load_fashion_mnist

pytestmark = pytest.mark.skipif(
    not (FASHION_MNIST_DEBIAN_DIR / "train-images-idx3-ubyte.gz").is_file(),
    reason="Debian's dataset-fashion-mnist is not installed",
)


@pytest.fixture(scope="module")
def fashion():
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    return X_train[:10000], y_train[:10000], X_test[:2000], y_test[:2000]


def test_tutorial_autoencoder_learns_fashion_mnist(fashion):
    X_train, y_train, X_test, y_test = fashion
    # The tutorial's model and settings, on 10,000 images for 2 epochs.
    ae = AutoencoderTransformer(epochs=2, random_state=0).fit(X_train)
    assert ae.input_shape_ == (28, 28)
    reconstructions = ae.inverse_transform(ae.transform(X_test))
    assert reconstructions.shape == (2000, 28, 28) and reconstructions.dtype == np.float32

    test_mse = -ae.score(X_test)
    mean_image_mse = np.mean((X_test - X_train.mean(axis=0)) ** 2)
    # Measured here: 0.0224 after 2 epochs; predicting the mean image gives
    # 0.0860, and 10 epochs on all 60,000 images give 0.0088.
    assert test_mse < 0.03
    assert test_mse < mean_image_mse / 3

    # The codes are usable features (measured: 0.841 accuracy).
    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    classifier.fit(ae.transform(X_train), y_train)
    assert classifier.score(ae.transform(X_test), y_test) > 0.78

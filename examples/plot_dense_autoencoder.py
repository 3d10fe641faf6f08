"""
===========================================
The tutorial's dense autoencoder, with skae
===========================================

The classic Keras tutorial compresses Fashion-MNIST images into 64 codes with
``Flatten -> Dense(64, relu)`` and decodes them with ``Dense(784, sigmoid)``.
:class:`skae.AutoencoderTransformer` builds that model with its defaults and
wraps it as a scikit-learn transformer.

This example trains on a subset for a few epochs so it runs in seconds; the
full tutorial setting (10 epochs on 60,000 images) reaches a test MSE of about
0.0088.
"""

# %%
# Load the data
# -------------
# Fashion-MNIST comes from local files (``apt-get install dataset-fashion-mnist``
# on Debian); without them we fall back to scikit-learn's 8x8 digits.
import matplotlib.pyplot as plt

from skae import AutoencoderTransformer
from skae.datasets import load_fashion_mnist

try:
    (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True, download=False)
    X_train, X_test = X_train[:5000], X_test[:10]
except FileNotFoundError:
    from sklearn.datasets import load_digits

    images = load_digits().images / 16.0
    X_train, X_test = images[:-10], images[-10:]
print(X_train.shape, X_test.shape)

# %%
# Fit the autoencoder
# -------------------
# Images go in as they are, ``(n, height, width)``; ``transform`` gives 2-D codes
# and ``inverse_transform`` gives images back.
autoencoder = AutoencoderTransformer(latent_dim=64, epochs=3, random_state=0)
autoencoder.fit(X_train)
codes = autoencoder.transform(X_test)
reconstructions = autoencoder.inverse_transform(codes)
print("codes:", codes.shape, "reconstructions:", reconstructions.shape)
print(f"test reconstruction MSE: {-autoencoder.score(X_test):.4f}")

# %%
# Originals over reconstructions
# ------------------------------
# The same picture as the tutorial's.
fig, axes = plt.subplots(2, 10, figsize=(20, 4))
for i in range(10):
    for row, (title, image) in enumerate((("original", X_test[i]), ("reconstruction", reconstructions[i]))):
        axes[row, i].imshow(image, cmap="gray")
        axes[row, i].set_title(title)
        axes[row, i].axis("off")
plt.show()

"""
=============================================================
A variational autoencoder of Fashion-MNIST in two dimensions
=============================================================

:class:`skae.VariationalAutoencoder` learns a generative model of the
images: codes drawn from a standard normal prior, and each pixel drawn from
a Gaussian around what the decoder makes of the codes. With two codes, the
whole latent space fits on a page, and this example draws the three
pictures of the variational autoencoder papers:

* the posterior means of test images, coloured by class, with
  :class:`~skae.plotting.LatentSpaceDisplay`;
* the images decoded over a grid of the latent space, with
  :class:`~skae.plotting.LatentManifoldDisplay`;
* new images generated from the prior, with
  :class:`~skae.plotting.SampleGridDisplay`.

``score_samples`` gives a lower bound on each image's log-likelihood, which
the example sets next to the exact log-likelihood of probabilistic PCA with
as many components, :meth:`sklearn.decomposition.PCA.score_samples`.

To run in about half a minute, the example trains on 5,000 training images
for 20 epochs and scores 2,000 test images; where Fashion-MNIST is not on the
machine, it falls back to scikit-learn's 8x8 digits, half of them to train
on for 100 epochs, as they are few and small.
"""

# %%
# Load the data
# -------------
# Pixels are scaled to [0, 1]. The estimator takes the images as they are,
# ``(n_images, height, width)``, so its displays know their shape;
# scikit-learn's PCA takes them flattened.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

from skae import VariationalAutoencoder
from skae.datasets import FASHION_MNIST_CLASS_NAMES, load_fashion_mnist
from skae.plotting import LatentManifoldDisplay, LatentSpaceDisplay, SampleGridDisplay

rng = np.random.RandomState(0)
try:
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    data_name, epochs, class_names = "Fashion-MNIST", 20, FASHION_MNIST_CLASS_NAMES
except FileNotFoundError:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.images / 16.0, digits.target, test_size=0.5, random_state=0
    )
    data_name, epochs, class_names = "the 8x8 digits", 100, [str(digit) for digit in range(10)]

train_rows = rng.permutation(len(X_train))[:5000]
test_rows = rng.permutation(len(X_test))[:2000]
X_train, X_test, y_test = X_train[train_rows], X_test[test_rows], y_test[test_rows]
print(f"{data_name}: training on {len(X_train)} images, scoring {len(X_test)} test images "
      f"of {X_train.shape[1]}x{X_train.shape[2]} pixels")

# %%
# Fit the variational autoencoder
# -------------------------------
# Two codes, one dense hidden layer of 256 units on each side (the
# default), and a Gaussian likelihood with one variance per pixel, learnt
# with the rest. A sigmoid keeps the decoder's means in [0, 1], the range of
# the pixels. ``fit`` maximises the evidence lower bound (ELBO).
vae = VariationalAutoencoder(latent_dim=2, output_activation="sigmoid", epochs=epochs, random_state=0)
vae.fit(X_train)
print(f"trained {vae.n_iter_} epochs; final training loss {vae.history_['loss'][-1]:.1f}")

# %%
# The latent space, coloured by class
# -----------------------------------
# ``transform`` returns the posterior means of the codes. The ELBO's KL term
# pulls each posterior towards the standard normal prior, so the means
# gather around the origin. Nothing in training sees the labels, which only
# colour the points; ``class_names`` puts the classes' names in the legend.
display = LatentSpaceDisplay.from_estimator(vae, X_test, y_test, class_names=class_names)
display.ax_.set_title(f"Posterior means of {len(X_test)} test images")
plt.show()

# %%
# The latent manifold
# -------------------
# Each tile decodes one point of a 15 x 15 grid of the latent space with
# ``inverse_transform``: the decoder's means, without pixel noise. The grid
# sits at the prior's quantiles from 5% to 95% along each code, so every
# tile stands for the same share of the prior's mass; the ticks give the
# codes.
display = LatentManifoldDisplay.from_estimator(vae)
display.ax_.set_title("Images decoded over the latent space")
plt.show()

# %%
# New images from the prior
# -------------------------
# ``kind="mean"`` decodes codes drawn from the prior, as the papers show
# samples; ``kind="sample"`` draws from the whole model with
# :meth:`~skae.VariationalAutoencoder.sample`, each pixel drawn
# independently around its mean with its own variance (``noise_variance_``):
# these are the images whose likelihood the next section bounds.
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 6))
SampleGridDisplay.from_estimator(vae, kind="mean", random_state=0, ax=left)
SampleGridDisplay.from_estimator(vae, kind="sample", random_state=0, ax=right)
left.set_title('Decoded prior draws (kind="mean")')
right.set_title('Draws from the model (kind="sample")')
plt.show()

# %%
# The likelihood, next to probabilistic PCA
# -----------------------------------------
# ``score_samples`` is a lower bound on each image's log-likelihood under
# the model, in nats: with ``n_importance=1`` the ELBO, with more draws of
# the codes the importance-weighted bound, which is tighter in expectation.
# :class:`~sklearn.decomposition.PCA` with two components is the
# linear-Gaussian special case; its ``score_samples`` is the exact
# log-likelihood of probabilistic PCA, whose pixels share one noise
# variance. Both are densities of the same test pixels, in the same units: a
# bound above PCA's value shows that the variational autoencoder gives the
# test images a higher likelihood; one below shows nothing either way, as
# the bound may be loose. The model here trained for seconds, not to
# convergence: its pixel variances are still shrinking, and more epochs
# raise the bound.
elbo = vae.score_samples(X_test).mean()
iw_bound = vae.set_params(n_importance=100).score_samples(X_test).mean()
pca = PCA(n_components=2).fit(X_train.reshape(len(X_train), -1))
pca_log_likelihood = pca.score_samples(X_test.reshape(len(X_test), -1)).mean()
print(f"mean log-likelihood of the test images, nats per image ({X_test[0].size} pixels):")
print(f"  VariationalAutoencoder, ELBO:                    {elbo:9.1f}")
print(f"  VariationalAutoencoder, IW bound (100 draws):    {iw_bound:9.1f}")
print(f"  PCA(n_components=2), exact:                      {pca_log_likelihood:9.1f}")
verdict = "above" if iw_bound > pca_log_likelihood else "not above"
print(f"the importance-weighted bound is {verdict} PCA's log-likelihood "
      f"(by {iw_bound - pca_log_likelihood:+.1f} nats per image)")

"""
=========================================
An autoencoder beats PCA on a real table
=========================================

Most data handed to a scikit-learn transformer is a table: a few hundred
rows, columns in different units, standardised first. This example fits
:class:`skae.AutoencoderTransformer` the way one tries any transformer, at
its defaults behind a :class:`~sklearn.preprocessing.StandardScaler`, on
scikit-learn's breast-cancer table (569 tumours, 30 measurements each), and
compares it with :class:`~sklearn.decomposition.PCA` at the same number of
codes, on the same split, by the test reconstruction error in the
standardised space.

Nothing is tuned here. The defaults read the table (:doc:`/tables` says how):
a linear output because standardised values are negative half of the time,
one hidden layer of 128 ELU units, and training until the loss on a random
tenth of the training rows stops improving. The example prints the numbers
and the verdict it computes from them; the figure shows the error at each
code size and how the training stopped.
"""

# %%
# The same split, PCA and the autoencoder at their defaults
# ---------------------------------------------------------
# The test error is measured after the scaler, so every column counts the
# same whatever its unit.
import math
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer

X = load_breast_cancer().data
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
sizes = [2, math.ceil(math.sqrt(X.shape[1])), 10]


def test_mse(model):
    """Fit ``model`` on the training rows; return its test MSE, fit time and the fitted model."""
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    reconstruction = model.inverse_transform(model.transform(X_test))
    return float(np.mean((reconstruction - X_test) ** 2)), seconds, model


results = {
    k: {
        "PCA": test_mse(PCA(k, random_state=0)),
        "autoencoder": test_mse(AutoencoderTransformer(latent_dim=k, random_state=0)),
    }
    for k in sizes
}

# %%
# Numbers and verdict
# -------------------
print(f"{len(X_train)} training rows, {len(X_test)} test rows, {X.shape[1]} features")
print("codes  PCA test MSE  autoencoder test MSE  ratio  autoencoder fit (s)  epochs")
for k, result in results.items():
    (pca_mse, _, _), (ae_mse, ae_seconds, ae) = result["PCA"], result["autoencoder"]
    print(f"{k:5d}  {pca_mse:12.4f}  {ae_mse:20.4f}  {ae_mse / pca_mse:5.2f}  {ae_seconds:19.1f}"
          f"  {ae.n_iter_:6d}")

wins = [k for k, result in results.items() if result["autoencoder"][0] < result["PCA"][0]]
print(f"\nthe autoencoder's test MSE is below PCA's at {len(wins)} of {len(sizes)} code sizes: {wins}")
k = sizes[1]
ratio = results[k]["autoencoder"][0] / results[k]["PCA"][0]
print(f"verdict at k = ceil(sqrt(30)) = {k}: autoencoder/PCA = {ratio:.2f}, "
      f"{'the autoencoder wins' if ratio < 1 else 'PCA wins'}")

# %%
# The picture
# -----------
# Left, the test error at each code size. Right, the autoencoder with
# ``k = 6`` codes: its training and validation loss per epoch, and the epoch
# whose weights it kept (early stopping restores the best validation loss).
autoencoder = results[k]["autoencoder"][2]
history = autoencoder.history_
best_epoch = int(np.argmin(history["val_loss"])) + 1

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(sizes, [results[s]["PCA"][0] for s in sizes], marker="o", label="PCA")
left.plot(sizes, [results[s]["autoencoder"][0] for s in sizes], marker="s", label="autoencoder (defaults)")
left.set(xlabel="codes", ylabel="test MSE (standardised)", yscale="log", xticks=sizes,
         title="Breast cancer: test reconstruction error")
left.legend()
epochs = np.arange(1, len(history["loss"]) + 1)
right.plot(epochs, history["loss"], label="training loss")
right.plot(epochs, history["val_loss"], label="validation loss")
right.axvline(best_epoch, color="grey", linestyle="--", label=f"kept: epoch {best_epoch}")
right.set(xlabel="epoch", ylabel="MSE", yscale="log", title=f"Autoencoder, {k} codes: early stopping")
right.legend()
fig.tight_layout()
plt.show()

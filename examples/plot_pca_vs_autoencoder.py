"""
==================================
PCA against an autoencoder, fairly
==================================

A reconstruction scorer grades any fitted model with ``transform`` and
``inverse_transform`` in the space of the data it is given. Put PCA and
:class:`skae.AutoencoderTransformer` in the same Pipeline slot behind a
scaler, and one :class:`~sklearn.model_selection.GridSearchCV` compares them
on the same split, by the same metric, in the digits' own units (pixel
values 0-16).

**The claim:** neither one always wins; each has its regime. On
scikit-learn's 8x8 digits (1,347 training and 450 test images) the
autoencoder, two ELU hidden layers trained for 200 epochs of batches of 128,
reconstructs the test digits better when the codes are few (test MSE 5.2
against PCA's 10.0 with 4 codes, 1.5 against 3.1 with 16): a nonlinear map
packs more into each code. PCA wins when the codes are many (48 codes: 0.05
against 0.55, as 48 components keep almost all of 64 pixels), when only 100
training images are there to learn from (at every code size; the
autoencoder then also gets only 200 gradient steps), and always on fit
time: a fraction of a second against seconds, with no training settings to
choose.
"""

# %%
# One search, PCA and the autoencoder in the same slot
# ----------------------------------------------------
# A single train/test split keeps the example quick; ``cv=5`` works the
# same way.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, ShuffleSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from skae import AutoencoderTransformer, make_reconstruction_scorer

X = load_digits().data
train, test = next(ShuffleSplit(n_splits=1, test_size=0.25, random_state=0).split(X))
sizes = [4, 16, 48]


def autoencoder(latent_dim):
    """A net for small data: two ELU layers, 200 epochs of batches of 128."""
    return AutoencoderTransformer(
        latent_dim=latent_dim, hidden_layer_sizes=(128, 64), activation="elu", code_activation="elu",
        epochs=200, batch_size=128, learning_rate=3e-3, random_state=0,
    )


def compare(n_train):
    """Test MSE and fit time of PCA and the autoencoder at each size, trained on n_train rows."""
    search = GridSearchCV(
        Pipeline([("scale", MinMaxScaler()), ("reduce", PCA())]),
        {"reduce": [PCA(k, random_state=0) for k in sizes] + [autoencoder(k) for k in sizes]},
        scoring=make_reconstruction_scorer("mse"),
        cv=[(train[:n_train], test)],
        refit=False,
    ).fit(X)
    mse = -search.cv_results_["mean_test_score"].reshape(2, len(sizes))
    seconds = search.cv_results_["mean_fit_time"].reshape(2, len(sizes))
    return mse, seconds


results = {n_train: compare(n_train) for n_train in (len(train), 100)}

# %%
# Who wins where
# --------------
for n_train, (mse, seconds) in results.items():
    print(f"\ntrained on {n_train} digits, tested on {len(test)}")
    print("codes  PCA MSE  autoencoder MSE  winner       PCA fit (s)  autoencoder fit (s)")
    for i, k in enumerate(sizes):
        winner = "autoencoder" if mse[1, i] < mse[0, i] else "PCA"
        print(f"{k:5d}  {mse[0, i]:7.3f}  {mse[1, i]:15.3f}  {winner:11s}  {seconds[0, i]:11.3f}  {seconds[1, i]:19.1f}")

mse, seconds = results[len(train)]
print()
print(f"autoencoder wins with few codes ({sizes[0]} and {sizes[1]}): {bool(np.all(mse[1, :2] < mse[0, :2]))}")
print(f"PCA wins with many codes ({sizes[2]}): {bool(mse[0, 2] < mse[1, 2])}")
print(f"PCA wins at every size with 100 training digits: {bool(np.all(results[100][0][0] < results[100][0][1]))}")
print(f"PCA fits faster at every size: {all(bool(np.all(s[0] < s[1])) for _, s in results.values())}")

# %%
# The same picture
# ----------------
# Test MSE in the digits' units (pixel values 0-16), on log scales.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (n_train, (mse, _)) in zip(axes, results.items()):
    ax.plot(sizes, mse[0], marker="o", label="PCA")
    ax.plot(sizes, mse[1], marker="s", label="autoencoder (128-64 ELU)")
    ax.set(xscale="log", yscale="log", xlabel="codes", title=f"{n_train} training digits")
    ax.minorticks_off()
    ax.set_xticks(sizes, [str(k) for k in sizes])
axes[0].set_ylabel("test MSE")
axes[0].legend()
fig.tight_layout()
plt.show()

"""
===================================
PCA against an autoencoder, fairly
===================================

A reconstruction scorer grades any fitted model with ``transform`` and
``inverse_transform`` in the space of the data it is given. Put PCA and
:class:`skae.AutoencoderTransformer` in the same Pipeline slot behind a
scaler, and one :class:`~sklearn.model_selection.GridSearchCV` compares them
on the digits' own scale.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from skae import AutoencoderTransformer, make_reconstruction_scorer

X = load_digits().data
sizes = [2, 8]
candidates = [PCA(n_components=k) for k in sizes] + [
    AutoencoderTransformer(latent_dim=k, hidden_layer_sizes=(64,), output_activation=None,
                           epochs=20, random_state=0)
    for k in sizes
]
search = GridSearchCV(
    Pipeline([("scale", MinMaxScaler()), ("reduce", PCA())]),
    {"reduce": candidates},
    scoring=make_reconstruction_scorer("mse"),
    cv=3,
).fit(X)
mse = -search.cv_results_["mean_test_score"]
print("best:", search.best_params_["reduce"])

# %%
# Reconstruction error in the digits' units (pixel values 0-16). On 1,797
# small images and a few seconds of training, PCA is hard to beat; on
# Fashion-MNIST's 60,000 images the tutorial's autoencoder reconstructs
# better than PCA with the same 64 codes (``skae demo`` prints both).
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(sizes, mse[: len(sizes)], marker="o", label="PCA")
ax.plot(sizes, mse[len(sizes):], marker="s", label="autoencoder (one hidden layer)")
ax.set(xscale="log", xlabel="codes", ylabel="cross-validated MSE")
ax.minorticks_off()
ax.set_xticks(sizes, [str(k) for k in sizes])
ax.legend()
print(np.round(mse, 3))
plt.show()

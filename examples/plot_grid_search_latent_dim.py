"""
==================================
Tuning the latent size with a grid
==================================

:class:`skae.AutoencoderTransformer` has a ``score`` method (the negative
reconstruction error), so :class:`~sklearn.model_selection.GridSearchCV` can
tune ``latent_dim`` with no ``scoring`` argument. A reconstruction scorer
grades it by another metric, here PSNR.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skae import AutoencoderTransformer, make_reconstruction_scorer

X = load_digits().data / 16.0
grid = {"latent_dim": [2, 8, 32]}
search = GridSearchCV(AutoencoderTransformer(epochs=10, random_state=0), grid, cv=2)
search.fit(X)
print("best by the default score:", search.best_params_)

psnr_search = GridSearchCV(
    AutoencoderTransformer(epochs=10, random_state=0), grid, cv=2,
    scoring=make_reconstruction_scorer("psnr", data_range=1.0),
).fit(X)
print("best by PSNR:", psnr_search.best_params_)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(grid["latent_dim"], -search.cv_results_["mean_test_score"], marker="o")
left.set(ylabel="cross-validated MSE", title="default score")
right.plot(grid["latent_dim"], psnr_search.cv_results_["mean_test_score"], marker="o")
right.set(ylabel="cross-validated PSNR (dB)", title="PSNR scorer")
for ax in (left, right):
    ax.set(xscale="log", xlabel="latent_dim")
    ax.minorticks_off()
    ax.set_xticks(grid["latent_dim"], [str(k) for k in grid["latent_dim"]])
fig.tight_layout()
plt.show()

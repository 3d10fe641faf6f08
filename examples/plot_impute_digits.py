"""
======================================
Filling the gaps in handwritten digits
======================================

:class:`skae.AutoencoderImputer` fills missing values with a denoising
autoencoder trained on the incomplete rows themselves. This example hides
30% of the pixels of scikit-learn's digits (1,797 images of 8x8 pixels,
scaled to [0, 1]) completely at random, fills them with the imputer at its
defaults, and compares the result with
:class:`~sklearn.impute.IterativeImputer`, which regresses each pixel on the
others in rounds, and with :class:`~sklearn.impute.SimpleImputer`, which
puts each pixel's mean in every gap and is the floor any imputer should
beat. The score is the root mean squared error (RMSE) over the hidden
pixels, whose true values the imputers never see.

The second part draws ten completions with
:meth:`~skae.AutoencoderImputer.multiple_imputations` and asks whether
their spread says where the single completion is wrong. The example prints
the numbers and the verdicts it computes from them; :doc:`/missing_values`
describes how the imputer learns and gives the benchmark behind its
defaults.
"""

# %%
# Hide 30% of the pixels
# ----------------------
import time

import matplotlib.pyplot as plt
import numpy as np
import sklearn.experimental.enable_iterative_imputer  # noqa: F401 (makes IterativeImputer importable)
from scipy.stats import spearmanr
from sklearn.datasets import load_digits
from sklearn.impute import IterativeImputer, SimpleImputer

from skae import AutoencoderImputer

digits = load_digits()
X = digits.data / 16
hidden = np.random.default_rng(0).random(X.shape) < 0.3
X_missing = np.where(hidden, np.nan, X)
print(f"{X.shape[0]} images of {X.shape[1]} pixels, {hidden.sum()} pixels hidden ({hidden.mean():.1%})")

# %%
# Three imputers
# --------------
# Each imputer is fitted on the incomplete images and fills them; only the
# fit is timed. ``IterativeImputer`` warns that ten rounds did not meet its
# stopping criterion; the benchmark in :doc:`/missing_values` gives it ten
# rounds too.
imputers = {
    "SimpleImputer": SimpleImputer(),
    "IterativeImputer": IterativeImputer(max_iter=10, random_state=0),
    "AutoencoderImputer": AutoencoderImputer(random_state=0),
}
completed, rmse, seconds = {}, {}, {}
for name, imputer in imputers.items():
    start = time.perf_counter()
    imputer.fit(X_missing)
    seconds[name] = time.perf_counter() - start
    completed[name] = imputer.transform(X_missing)
    rmse[name] = float(np.sqrt(np.mean((completed[name][hidden] - X[hidden]) ** 2)))

# %%
# Numbers and verdict
# -------------------
print("method               RMSE (hidden pixels)  fit (s)")
for name in imputers:
    print(f"{name:19s}  {rmse[name]:20.4f}  {seconds[name]:7.1f}")
autoencoder = imputers["AutoencoderImputer"]
print(f"AutoencoderImputer trained for {autoencoder.n_iter_} rounds of 100 steps")


def compared(name, other):
    """A sentence saying by how much ``name``'s RMSE is below or above ``other``'s."""
    change = rmse[name] / rmse[other] - 1
    return f"{name}'s RMSE is {abs(change):.1%} {'below' if change < 0 else 'above'} {other}'s"


winner = min(["AutoencoderImputer", "IterativeImputer"], key=rmse.get)
print(f"\nverdict: {compared('AutoencoderImputer', 'IterativeImputer')}: {winner} wins")
print(f"against the floor: {compared('AutoencoderImputer', 'SimpleImputer')}; "
      f"{compared('IterativeImputer', 'SimpleImputer')}")

# %%
# The completed images
# --------------------
# Red marks the hidden pixels. The completions show the observed pixels
# unchanged and the imputers' guesses in the gaps.
shown = np.arange(6)
gray_with_gaps = plt.get_cmap("gray_r").copy()
gray_with_gaps.set_bad("tab:red")
rows = {
    "original": X,
    "with gaps": np.ma.masked_invalid(X_missing),
    "IterativeImputer": completed["IterativeImputer"],
    "AutoencoderImputer": completed["AutoencoderImputer"],
}
fig, axes = plt.subplots(len(rows), len(shown), figsize=(1.6 * len(shown), 1.7 * len(rows)))
for row_axes, (label, images) in zip(axes, rows.items()):
    for ax, i in zip(row_axes, shown):
        ax.imshow(images[i].reshape(8, 8), cmap=gray_with_gaps, vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    row_axes[0].set_ylabel(label, fontsize=9)
for ax, i in zip(axes[0], shown):
    ax.set_title(f"digit {digits.target[i]}", fontsize=9)
fig.suptitle("Digits with 30% of the pixels hidden, and two completions")
fig.tight_layout()
plt.show()

# %%
# Does the spread of the draws say where the error is?
# ----------------------------------------------------
# Each draw hides a fresh quarter of every image's observed pixels and fills
# the gaps from the rest, so the draws disagree where a gap depends most on
# which pixels are seen. The spread of a hidden pixel is the standard
# deviation of its ten draws; its error is that of the single completion
# ``transform`` made above.
draws = autoencoder.multiple_imputations(X_missing, n_imputations=10, random_state=0)
spread = draws.std(axis=0)[hidden]
error = np.abs(completed["AutoencoderImputer"][hidden] - X[hidden])

# Quartiles by rank, so that ties in the spread cannot make the bins unequal.
quartile = np.empty(spread.size, dtype=int)
quartile[np.argsort(spread, kind="stable")] = np.arange(spread.size) * 4 // spread.size
rmse_by_quartile = np.array([np.sqrt(np.mean(error[quartile == q] ** 2)) for q in range(4)])
spread_by_quartile = np.array([np.median(spread[quartile == q]) for q in range(4)])
correlation = spearmanr(spread, error).statistic

blank = X[hidden] == 0
print("spread quartile  median spread  RMSE    blank in the original")
for q in range(4):
    print(f"{q + 1:15d}  {spread_by_quartile[q]:13.4f}  {rmse_by_quartile[q]:.4f}  {blank[quartile == q].mean():21.1%}")
print(f"Spearman correlation between spread and absolute error: {correlation:.2f}")
steps = np.diff(rmse_by_quartile)
if np.all(steps > 0):
    trend = "rises at every step"
elif np.all(steps < 0):
    trend = "falls at every step"
else:
    trend = f"does not move one way: it rises at {int(np.sum(steps > 0))} of 3 steps"
print(f"the RMSE {trend} from the lowest spread quartile to the highest, "
      f"from {rmse_by_quartile[0]:.4f} to {rmse_by_quartile[-1]:.4f} "
      f"({rmse_by_quartile[-1] / rmse_by_quartile[0]:.1f} times)")

# %%
# Blank pixels and inked pixels
# -----------------------------
# About half of the hidden pixels are 0 in the original, most of them in the
# margins around the digits. A spread that only told those from the inked
# pixels would still correlate with the error, so the correlation is
# computed again within each kind.
inked_correlation = spearmanr(spread[~blank], error[~blank]).statistic
blank_correlation = spearmanr(spread[blank], error[blank]).statistic
print(f"{blank.mean():.1%} of the hidden pixels are blank in the original")
print(f"Spearman correlation among the inked pixels: {inked_correlation:.2f}, "
      f"among the blank ones: {blank_correlation:.2f}")

# %%
# The error per quartile of the spread
# ------------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
ax.bar([f"Q{q + 1}" for q in range(4)], rmse_by_quartile, color="tab:blue")
ax.axhline(rmse["AutoencoderImputer"], color="grey", linestyle="--", label="RMSE over all hidden pixels")
ax.set(xlabel="quartile of the spread of 10 draws (Q1: the narrowest)", ylabel="RMSE of the single completion",
       title=f"AutoencoderImputer on digits: Spearman {correlation:.2f}")
ax.legend()
fig.tight_layout()
plt.show()

"""
===============================================
One-class Fashion-MNIST: what is not a sneaker?
===============================================

A detector that has only ever seen sneakers should find everything else
unusual. :class:`skae.AutoencoderOutlierDetector` trains an ensemble of small
autoencoders on sneakers alone, then scores test images of all ten classes:
the worse the autoencoders reconstruct an image, and the farther its codes
lie from those of the sneakers, the higher its outlier score.
:class:`~skae.plotting.OutlierDisplay` then shows, pixel by pixel, where the
flagged images were reconstructed unusually badly.

To run in seconds, the example trains on 2,000 sneakers and scores 2,000
test images drawn at random from the 10,000 (about a tenth of them
sneakers); where Fashion-MNIST is not on the machine, it falls back to the
8x8 digits, with the zeros as the one class.
"""

# %%
# Load the data
# -------------
# The images are flattened to rows of pixels in [0, 1]: the detector takes
# a 2-D array, like scikit-learn's detectors.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score

from skae import AutoencoderOutlierDetector
from skae.datasets import load_fashion_mnist
from skae.plotting import OutlierDisplay

rng = np.random.RandomState(0)
try:
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    normal_class, class_name = 7, "sneaker"
except FileNotFoundError:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.images / 16.0, digits.target, test_size=0.5, random_state=0
    )
    normal_class, class_name = 0, "zero"

X_normal = X_train[y_train == normal_class]
X_normal = X_normal[rng.permutation(len(X_normal))[:2000]]
X_normal = X_normal.reshape(len(X_normal), -1)
test_rows = rng.permutation(len(X_test))[:2000]
X_test, y_test = X_test[test_rows].reshape(len(test_rows), -1), y_test[test_rows]
image_shape = X_train.shape[1:]
print(f"training on {len(X_normal)} images of class {normal_class} ({class_name}s), "
      f"scoring {len(X_test)} test images of which {np.sum(y_test == normal_class)} are {class_name}s")

# %%
# Train on one class, score them all
# ----------------------------------
# With the defaults, each of the 10 autoencoders trains on 256 of the
# training images. ``score_samples`` is higher for more normal images, as in
# scikit-learn, so ``-score_samples`` is the outlier score; the ROC-AUC
# measures how well it ranks every other class above the one it learnt.
# ``predict`` flags the images whose score passes the threshold ``offset_``,
# which ``fit`` sets from the scores of the training images.
detector = AutoencoderOutlierDetector(random_state=0).fit(X_normal)
outlier_scores = -detector.score_samples(X_test)
is_other = y_test != normal_class
print(f"ROC-AUC of the outlier score for 'not a {class_name}': {roc_auc_score(is_other, outlier_scores):.3f}")

flagged = detector.predict(X_test) == -1
print(f"flagged as outliers: {flagged[is_other].mean():.1%} of the other classes, "
      f"{flagged[~is_other].mean():.1%} of the test {class_name}s, "
      f"{np.mean(detector.predict(X_normal) == -1):.1%} of the training {class_name}s")

# %%
# The most and least typical test images
# --------------------------------------
# The top row holds the test images with the lowest outlier scores, the
# bottom row those with the highest.
order = np.argsort(outlier_scores)
fig, axes = plt.subplots(2, 8, figsize=(12, 3.6))
for axes_row, (title, rows) in zip(axes, (("most typical", order[:8]), ("least typical", order[-8:][::-1]))):
    for ax, row in zip(axes_row, rows):
        ax.imshow(X_test[row].reshape(image_shape), cmap="gray")
        ax.set_title(f"{outlier_scores[row]:.1f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes_row[0].set_ylabel(title)
fig.suptitle(f"Outlier scores of a detector trained on {class_name}s")
plt.show()

# %%
# Where the flagged images differ
# -------------------------------
# :meth:`~skae.AutoencoderOutlierDetector.feature_scores` gives each pixel's
# absolute reconstruction error in robust standard deviations of that
# pixel's errors on the training images: about 0 where the error is typical,
# large where it is unusual. Here are the maps of a few flagged images: up to
# two test sneakers the detector flags, then images of other classes. Pixels
# that are nearly always blank on sneakers have tiny typical errors, so any
# ink there scores very high; the colour scale is logarithmic above 3.
# Each title gives the image's row among the 2,000 test images scored.
flagged_normal = np.flatnonzero(flagged & ~is_other)[:2]
flagged_other = np.flatnonzero(flagged & is_other)[: 6 - len(flagged_normal)]
shown = np.concatenate([flagged_normal, flagged_other])
display = OutlierDisplay.from_estimator(
    detector, X_test, rows=shown if len(shown) else None, n_images=6, image_shape=image_shape
)
plt.show()

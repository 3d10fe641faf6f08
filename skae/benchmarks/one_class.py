"""One-class Fashion-MNIST: skae's outlier detector against IsolationForest, OneClassSVM and PCA.

The image protocol of the deep anomaly-detection literature: for each of the
ten classes, each method is fitted on the training images of that class only
(6,000 images, flattened to 784 floats in [0, 1]) and scores all 10,000 test
images; the report gives the test ROC-AUC of "not this class" (outlier label:
test label != class) and each method's fit time, per class and their mean.
All methods run at their defaults, with ``random_state=0`` where they take one:

* ``AutoencoderOutlierDetector`` (skae as shipped, nothing tuned);
* ``IsolationForest`` on the raw pixels;
* ``OneClassSVM`` on the raw pixels (RBF kernel, ``gamma="scale"``, ``nu=0.5``);
* ``PCA(n_components=32)``, the score being each row's squared reconstruction
  error (PCA at its defaults keeps every component and reconstructs
  everything perfectly, so a number of components has to be chosen: 32).

The outlier score is ``-score_samples`` for the three detectors. The last
line printed says whether skae's mean AUC beats each baseline's.

    python -m skae.benchmarks.one_class [--quick] [--output DIR]

``--quick`` runs classes 0, 1 and 2 only, fits on 2,000 training images of
the class (drawn with seed 0) and scores the first 2,000 test images.
"""

import sys
from functools import partial

import numpy as np

from ._common import PCAReconstructionError, parse_args, report, timed

NAME = "one_class"

SEED = 0
CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
CLASSES = {"full": tuple(range(10)), "quick": (0, 1, 2)}
#: Training images per class, and test images (the first ones); None is all.
TRAINING_IMAGES = {"full": None, "quick": 2_000}
TEST_IMAGES = {"full": None, "quick": 2_000}
PCA_COMPONENTS = 32


def methods(seed=SEED):
    """The contenders, unfitted, by the short name their columns carry."""
    from sklearn.ensemble import IsolationForest
    from sklearn.svm import OneClassSVM

    from skae import AutoencoderOutlierDetector

    return {
        "skae": AutoencoderOutlierDetector(random_state=seed),
        "iforest": IsolationForest(random_state=seed),
        "ocsvm": OneClassSVM(),
        "pca": PCAReconstructionError(PCA_COMPONENTS, random_state=seed),
    }


def load(mode, seed=SEED):
    """Each class's training images, then the test images and labels, all flattened."""
    from skae.datasets import load_fashion_mnist

    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    rng = np.random.default_rng(seed)
    n_train = TRAINING_IMAGES[mode]
    training = {}
    for label in CLASSES[mode]:
        rows = np.flatnonzero(y_train == label)
        if n_train is not None and n_train < len(rows):
            rows = np.sort(rng.choice(rows, n_train, replace=False))
        training[label] = X_train[rows].reshape(len(rows), -1)
    X_test, y_test = X_test[: TEST_IMAGES[mode]], y_test[: TEST_IMAGES[mode]]
    return training, X_test.reshape(len(X_test), -1), y_test


def run(quick=False, seed=SEED):
    """Return one row per class (its AUCs, then fit seconds, per method), then their mean."""
    from sklearn.metrics import roc_auc_score

    mode = "quick" if quick else "full"
    training, X_test, y_test = load(mode, seed)
    sizes = sorted({len(X) for X in training.values()})
    print(
        f"one-class Fashion-MNIST ({mode}): classes {list(training)}, "
        f"{'/'.join(map(str, sizes))} training images per class, {len(X_test)} test images, seed {seed}",
        flush=True,
    )
    rows = []
    for label, X in training.items():
        aucs, fit_seconds = {}, {}
        for name, method in methods(seed).items():
            _, fit_seconds[name] = timed(partial(method.fit, X))
            aucs[name] = float(roc_auc_score(y_test != label, -method.score_samples(X_test)))
        rows.append({
            "class": label, "name": CLASS_NAMES[label],
            **{f"{name}_auc": auc for name, auc in aucs.items()},
            **{f"{name}_fit_s": seconds for name, seconds in fit_seconds.items()},
        })
    numeric = list(rows[0])[2:]
    rows.append({
        "class": "mean", "name": f"{len(rows)} classes",
        **{column: float(np.mean([row[column] for row in rows])) for column in numeric},
    })
    return rows


def comparison(mean_row):
    """One line: does skae's mean AUC beat each baseline's?"""
    skae = mean_row["skae_auc"]
    baselines = [column[: -len("_auc")] for column in mean_row if column.endswith("_auc")][1:]
    verdicts = [
        f"{name} ({mean_row[f'{name}_auc']:.4f}): {'yes' if skae > mean_row[f'{name}_auc'] else 'no'}"
        for name in baselines
    ]
    return f"skae's mean AUC {skae:.4f} beats " + ", ".join(verdicts)


def main(argv=None):
    args = parse_args(__doc__, argv)
    mode = "quick" if args.quick else "full"
    rows, seconds = timed(lambda: run(args.quick))
    report(NAME, rows, args.output, settings={
        "quick": args.quick, "seed": SEED, "classes": CLASSES[mode],
        "training_images_per_class": TRAINING_IMAGES[mode] or "all of the class (6,000)",
        "test_images": TEST_IMAGES[mode] or "all (10,000)",
        "methods": {name: repr(method) for name, method in methods(SEED).items()},
        "outlier_score": "-score_samples on raw pixels; PCA: squared reconstruction error",
        "total_seconds": seconds,
    })
    print(comparison(rows[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

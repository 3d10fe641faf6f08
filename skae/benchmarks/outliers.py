"""Outlier detection on the ODDS benchmark, with pyod's protocol.

pyod's benchmark (``notebooks/benchmark.py`` in its repository) splits each
ODDS data set 60/40 with ``train_test_split(..., test_size=0.4,
random_state=np.random.RandomState(seed))``, standardises the features with
a z-score fitted on the training part, fits each detector at its defaults
with ``contamination`` set to the data set's outlier share, and grades the
test part by ROC-AUC and precision at rank n (n = the number of test
outliers). pyod publishes seed 0; this runs seeds 0-4.

In the same run, on the same splits: :class:`skae.AutoencoderOutlierDetector`
as shipped (only ``random_state`` and ``contamination`` set), and
scikit-learn's ``IsolationForest``, ``LocalOutlierFactor(novelty=True)``,
``OneClassSVM`` at their defaults and PCA's reconstruction error with as many
components as skae's autoencoders have codes (PCA's own default keeps every
component and reconstructs every row exactly). pyod's published seed-0
figures (``pyod_published_roc_auc.csv`` next to the data) are printed in the
same table.

The ``.mat`` files come from the ODDS library (http://odds.cs.stonybrook.edu)
or pyod's repository (``notebooks/benchmark/`` there); without ``--data`` the
benchmark says so and skips.

    python -m skae.benchmarks.outliers --data DIR [--quick] [--output DIR]
"""

import csv
import statistics
import sys
from math import ceil, sqrt
from pathlib import Path

import numpy as np

from ._common import PCAReconstructionError, parse_args, report, timed

NAME = "outliers"

DATA_SETS = (
    "arrhythmia", "glass", "ionosphere", "lympho", "musk",
    "optdigits", "pima", "satimage-2", "shuttle", "vertebral",
)
SEEDS = {"full": (0, 1, 2, 3, 4), "quick": (0,)}
#: Data sets of ``--quick``: the smallest five.
QUICK_DATA_SETS = ("glass", "lympho", "vertebral", "ionosphere", "arrhythmia")
METHODS = ("skae", "IsolationForest", "LOF", "OneClassSVM", "PCA")
#: pyod's published columns printed next to the in-run figures.
PUBLISHED = {"AutoEncoder": "pyod AE", "IForest": "pyod IF", "DIF": "pyod DIF"}
#: Settings of the in-run methods beyond their defaults; the harness adds nothing else.
DETECTOR_SETTINGS = {}


def split(X, y, seed):
    """pyod's split and z-score: ``(X_train, X_test, y_train, y_test)``."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, random_state=np.random.RandomState(seed)
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def make_detector(method, n_features, contamination, seed):
    """The detector ``method`` at its defaults, as this benchmark fits it."""
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.svm import OneClassSVM

    from skae import AutoencoderOutlierDetector

    settings = DETECTOR_SETTINGS.get(method, {})
    if method == "skae":
        return AutoencoderOutlierDetector(contamination=contamination, random_state=seed, **settings)
    if method == "IsolationForest":
        return IsolationForest(contamination=contamination, random_state=seed, **settings)
    if method == "LOF":
        return LocalOutlierFactor(novelty=True, contamination=contamination, **settings)
    if method == "OneClassSVM":
        return OneClassSVM(**settings)
    return PCAReconstructionError(min(n_features, max(1, ceil(sqrt(n_features)))), seed)


def precision_at_n(y_true, scores):
    """Share of outliers among the n highest scores, n = the number of outliers."""
    n = int(np.sum(y_true))
    if n == 0:
        return float("nan")
    return float(np.mean(y_true[np.argsort(-scores, kind="stable")[:n]]))


def evaluate(method, X, y, seed):
    """Fit ``method`` on seed ``seed``'s split; return its test figures and fit time."""
    from sklearn.metrics import roc_auc_score

    X_train, X_test, y_train, y_test = split(X, y, seed)
    contamination = min(0.5, max(float(np.mean(y_train)), 1e-3))
    detector = make_detector(method, X.shape[1], contamination, seed)
    _, seconds = timed(lambda: detector.fit(X_train))
    scores = -detector.score_samples(X_test)  # higher = more outlying
    return {
        "roc_auc": float(roc_auc_score(y_test, scores)),
        "precision_at_n": precision_at_n(y_test, scores),
        "fit_seconds": seconds,
    }


def read_published(folder):
    """pyod's published seed-0 ROC-AUC per data set and detector, or ``{}``."""
    path = Path(folder) / "pyod_published_roc_auc.csv"
    if not path.is_file():
        return {}
    with path.open(newline="") as file:
        return {row["Data"]: row for row in csv.DictReader(file)}


def run_data_set(path, seeds):
    """Every method on every seed of one data set: ``{method: [figures per seed]}``."""
    from skae.datasets import load_odds

    X, y = load_odds(path)
    results = {method: [evaluate(method, X, y, seed) for seed in seeds] for method in METHODS}
    return X.shape, results


def _mean(results, method, key):
    return statistics.fmean(figures[key] for figures in results[method])


def table_row(name, shape, results, published):
    """One printed row: mean ROC-AUC per method, spread, seed 0, P@n, times, pyod's figures."""
    runs = results["skae"]
    row = {"data set": name, "n_train": shape[0] - ceil(0.4 * shape[0]), "features": shape[1]}
    row.update({f"{method} AUC": _mean(results, method, "roc_auc") for method in METHODS})
    row["skae AUC sd"] = statistics.pstdev(figures["roc_auc"] for figures in runs)
    row["skae seed 0"] = runs[0]["roc_auc"]
    for column, label in PUBLISHED.items():
        value = published.get(name, {}).get(column)
        row[label] = float(value) if value else None
    row["skae P@n"] = _mean(results, "skae", "precision_at_n")
    row["IF P@n"] = _mean(results, "IsolationForest", "precision_at_n")
    row["skae fit s"] = statistics.median(figures["fit_seconds"] for figures in runs)
    row["IF fit s"] = statistics.median(figures["fit_seconds"] for figures in results["IsolationForest"])
    return row


def mean_row(rows):
    """The mean of every numeric column over the data sets."""
    mean = {"data set": "mean"}
    for column in rows[0]:
        values = [row[column] for row in rows if isinstance(row[column], float)]
        if column != "data set" and len(values) == len(rows):
            mean[column] = statistics.fmean(values)
    return {column: mean.get(column) for column in rows[0]}


def verdicts(rows, mean):
    """The issue's targets, each checked against this run's figures."""
    worst = min(rows, key=lambda row: row["skae AUC"] - row["IsolationForest AUC"])
    shuttle = [row for row in rows if row["data set"] == "shuttle"]
    lines = [
        f"mean ROC-AUC: skae {mean['skae AUC']:.4f}, IsolationForest in this run "
        f"{mean['IsolationForest AUC']:.4f} ({'above' if mean['skae AUC'] > mean['IsolationForest AUC'] else 'NOT above'})",
        f"against pyod's published DIF mean 0.819: {'above' if mean['skae AUC'] > 0.819 else 'NOT above'}",
        f"largest shortfall against IsolationForest: {worst['data set']} "
        f"{worst['skae AUC'] - worst['IsolationForest AUC']:+.3f} (target: none below -0.10)",
    ]
    if shuttle:
        lines.append(f"shuttle fit (median): {shuttle[0]['skae fit s']:.1f} s (target: under 60 s)")
    return lines


def main(argv=None):
    args = parse_args(__doc__, argv, data=True)
    if args.data is None:
        print(
            "skipped: pass --data DIR, a folder with the ODDS .mat files "
            "(http://odds.cs.stonybrook.edu, or pyod's notebooks/benchmark folder)."
        )
        return 0
    folder = Path(args.data)
    names = QUICK_DATA_SETS if args.quick else DATA_SETS
    missing = [name for name in names if not (folder / f"{name}.mat").is_file()]
    if missing:
        print(f"error: {folder} lacks {', '.join(name + '.mat' for name in missing)}", file=sys.stderr)
        return 2
    seeds = SEEDS["quick" if args.quick else "full"]
    published = read_published(folder)
    rows = []
    for name in names:
        shape, results = run_data_set(folder / f"{name}.mat", seeds)
        rows.append(table_row(name, shape, results, published))
        print(f"{name}: skae {rows[-1]['skae AUC']:.3f}, IsolationForest {rows[-1]['IsolationForest AUC']:.3f}", flush=True)
    mean = mean_row(rows)
    report(NAME, [*rows, mean], args.output, settings={"seeds": list(seeds), "data_sets": list(names)})
    for line in verdicts(rows, mean):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

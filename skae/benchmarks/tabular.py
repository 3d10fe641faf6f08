"""Autoencoders against PCA on real tables, with every default as shipped.

The protocol, for each table and each seed in 0-2:

* a 75/25 split (``train_test_split(random_state=seed)``);
* a ``StandardScaler`` fitted on the training part, applied to both;
* ``k = ceil(sqrt(n_features))`` codes, and also ``k = ceil(n_features / 4)``;
* the test reconstruction MSE, in the standardised space.

skae's three autoencoders (:class:`~skae.AutoencoderTransformer`,
:class:`~skae.DenoisingAutoencoder`, :class:`~skae.VariationalAutoencoder`)
get ``latent_dim=k`` and ``random_state=seed`` and nothing else. The
baselines run in the same process on the same splits: ``PCA(k)``,
``KernelPCA(k, kernel="rbf", fit_inverse_transform=True)`` (on at most
2,000 training rows: its inverse needs a kernel ridge regression over all of
them) and scikit-learn's own autoencoder recipe, ``MLPRegressor`` trained on
X -> X with one ``k``-unit hidden layer, at its defaults. On the labelled
tables (breast_cancer, wine, digits, and 10,000 Fashion-MNIST images when
the files are on the machine) a ``LogisticRegression`` is trained on the
autoencoder's codes and on PCA's, both standardised.

The tables: scikit-learn's bundled breast_cancer, wine, diabetes and digits,
and with ``--data DIR`` the ten ODDS sets (the ``.mat`` files of the
outliers benchmark; their outlier labels are not used). ``--quick`` runs the
bundled tables, seed 0 and ``k = ceil(sqrt(d))`` only.

    python -m skae.benchmarks.tabular [--data DIR] [--quick] [--output DIR]
"""

import statistics
import sys
import time
import warnings
from math import ceil, sqrt
from pathlib import Path

import numpy as np

from ._common import accuracy, code_classifier, parse_args, report
from .outliers import DATA_SETS as ODDS_DATA_SETS

NAME = "tabular"

BUNDLED_DATA_SETS = ("breast_cancer", "wine", "diabetes", "digits")
#: Tables whose labels grade the codes by logistic regression.
LABELLED = ("breast_cancer", "wine", "digits", "fashion_mnist_10k")
SEEDS = {"full": (0, 1, 2), "quick": (0,)}
#: The code sizes, as functions of the number of features.
K_RULES = {"sqrt": lambda d: ceil(sqrt(d)), "d/4": lambda d: ceil(d / 4)}
AUTOENCODERS = ("AutoencoderTransformer", "DenoisingAutoencoder", "VariationalAutoencoder")
SHORT = {"AutoencoderTransformer": "AE", "DenoisingAutoencoder": "DAE", "VariationalAutoencoder": "VAE"}
BASELINES = ("PCA", "KernelPCA", "MLPRegressor")
#: Most training rows KernelPCA is fitted on.
KERNEL_PCA_ROWS = 2_000
FASHION_ROWS = 10_000
#: Settings given to every autoencoder besides ``latent_dim`` and ``random_state``:
#: none, so the benchmark measures the defaults as shipped.
AUTOENCODER_SETTINGS = {}


def load_table(name, data=None):
    """``(X, y)`` of a table by name; ``y`` is ``None`` where it is not a class label."""
    from sklearn import datasets

    if name in BUNDLED_DATA_SETS:
        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        return X.astype(np.float64), (None if name == "diabetes" else y)
    if name == "fashion_mnist_10k":
        from skae.datasets import load_fashion_mnist

        (X, y), _ = load_fashion_mnist()
        rows = np.random.default_rng(0).choice(X.shape[0], FASHION_ROWS, replace=False)
        return X[rows].reshape(FASHION_ROWS, -1).astype(np.float64), y[rows]
    from skae.datasets import load_odds

    X, _ = load_odds(Path(data) / f"{name}.mat")
    return X, None


def fashion_available():
    """Whether the Fashion-MNIST files are on this machine (nothing is downloaded)."""
    from skae.datasets import load_fashion_mnist

    try:
        load_fashion_mnist(download=False)
    except (FileNotFoundError, OSError):
        return False
    return True


def split(X, y, seed):
    """The 75/25 split and the training part's z-score: ``X_train, X_test, y_train, y_test``."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    if y is None:
        X_train, X_test = train_test_split(X, random_state=seed)
        y_train = y_test = None
    else:
        X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def make_model(method, k, seed):
    """The model ``method`` with ``k`` codes, as this benchmark fits it."""
    import skae
    from sklearn.decomposition import PCA, KernelPCA
    from sklearn.neural_network import MLPRegressor

    if method in AUTOENCODERS:
        return getattr(skae, method)(latent_dim=k, random_state=seed, **AUTOENCODER_SETTINGS)
    if method == "PCA":
        return PCA(k, random_state=seed)
    if method == "KernelPCA":
        return KernelPCA(k, kernel="rbf", fit_inverse_transform=True, random_state=seed)
    return MLPRegressor(hidden_layer_sizes=(k,), random_state=seed)


def fit_and_reconstruct(method, model, X_train, X_test, seed):
    """Fit ``model``; return ``(test reconstructions, fit seconds)``."""
    from sklearn.exceptions import ConvergenceWarning

    rows = np.arange(X_train.shape[0])
    if method == "KernelPCA" and rows.size > KERNEL_PCA_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(rows, KERNEL_PCA_ROWS, replace=False))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if method == "MLPRegressor":
            model.fit(X_train, X_train)
        else:
            model.fit(X_train[rows])
    seconds = time.perf_counter() - start
    if method == "MLPRegressor":
        return model.predict(X_test), seconds
    return np.asarray(model.inverse_transform(model.transform(X_test))).reshape(X_test.shape), seconds


def run_split(name, X, y, seed, k):
    """Every method on one split at ``k`` codes: ``{column: value}``."""
    X_train, X_test, y_train, y_test = split(X, y, seed)
    figures = {}
    fitted = {}
    for method in (*BASELINES, *AUTOENCODERS):
        model = make_model(method, k, seed)
        reconstruction, seconds = fit_and_reconstruct(method, model, X_train, X_test, seed)
        figures[f"{method} mse"] = float(np.mean((reconstruction - X_test) ** 2))
        figures[f"{method} fit s"] = seconds
        fitted[method] = model
    if y is not None:
        for method in ("PCA", "AutoencoderTransformer"):
            figures[f"{method} accuracy"] = accuracy(
                code_classifier(fitted[method]), X_train, y_train, X_test, y_test
            )
        figures["AutoencoderTransformer epochs"] = fitted["AutoencoderTransformer"].n_iter_
    return figures


def table_row(name, shape, k_rule, k, runs):
    """One printed row: means over seeds (fit times: medians), and the ratios to PCA."""
    def mean(column):
        return statistics.fmean(run[column] for run in runs)

    row = {"data set": name, "rows": shape[0], "features": shape[1], "k": f"{k} ({k_rule})"}
    pca = mean("PCA mse")
    row["PCA"] = pca
    for method in ("KernelPCA", "MLPRegressor", *AUTOENCODERS):
        row[SHORT.get(method, method)] = mean(f"{method} mse")
    for method in AUTOENCODERS:
        row[f"{SHORT[method]}/PCA"] = row[SHORT[method]] / pca
    row["MLP/PCA"] = row["MLPRegressor"] / pca
    for method in AUTOENCODERS:
        row[f"{SHORT[method]} fit s"] = statistics.median(run[f"{method} fit s"] for run in runs)
    row["MLP fit s"] = statistics.median(run["MLPRegressor fit s"] for run in runs)
    labelled = "PCA accuracy" in runs[0]
    row["AE codes acc"] = mean("AutoencoderTransformer accuracy") if labelled else None
    row["PCA codes acc"] = mean("PCA accuracy") if labelled else None
    return row


def summary_row(rows, label):
    """Wins and medians over the tables of one ``k`` rule."""
    summary = {column: None for column in rows[0]}
    summary["data set"] = label
    summary["rows"] = len(rows)
    for method in AUTOENCODERS:
        column = f"{SHORT[method]}/PCA"
        summary[column] = statistics.median(row[column] for row in rows)
        summary[SHORT[method]] = f"{sum(row[column] < 1 for row in rows)} wins"
        summary[f"{SHORT[method]} fit s"] = statistics.median(row[f"{SHORT[method]} fit s"] for row in rows)
    summary["MLP/PCA"] = statistics.median(row["MLP/PCA"] for row in rows)
    summary["MLP fit s"] = statistics.median(row["MLP fit s"] for row in rows)
    return summary


def verdicts(rows):
    """The targets, at ``k = ceil(sqrt(d))`` on the tables (Fashion-MNIST only for codes)."""
    tables = [row for row in rows if row["data set"] != "fashion_mnist_10k"]
    ratios = [row["AE/PCA"] for row in tables]
    wins = sum(ratio < 1 for ratio in ratios)
    need = len(tables) - 2 if len(tables) > 4 else len(tables)
    against_mlp = statistics.median(row["AE"] / row["MLPRegressor"] for row in tables)
    labelled = [row for row in rows if row["AE codes acc"] is not None]
    codes = sum(row["AE codes acc"] >= row["PCA codes acc"] for row in labelled)
    median_ratio = statistics.median(ratios)
    median_fit = statistics.median(row["AE fit s"] for row in tables)

    def mark(ok):
        return "met" if ok else "NOT met"

    return [
        f"AutoencoderTransformer below PCA on {wins} of {len(tables)} tables "
        f"(target: at least {need}): {mark(wins >= need)}",
        f"median MSE ratio to PCA {median_ratio:.3f} (target: at most 0.80): {mark(median_ratio <= 0.80)}",
        f"median MSE ratio to the MLPRegressor recipe {against_mlp:.3f} (target: below 1): "
        f"{mark(against_mlp < 1)}",
        f"codes at least as good as PCA's for logistic regression on {codes} of {len(labelled)} "
        f"labelled tables (target: at least {min(3, len(labelled))}): {mark(codes >= min(3, len(labelled)))}",
        f"median fit {median_fit:.1f} s a table (target: under 20 s): {mark(median_fit < 20)}",
    ]


def table_names(data, quick):
    """The bundled tables, then with ``data`` (and not ``quick``) the ODDS sets.

    ``None``, after an error on stderr, if the folder ``data`` lacks some of
    their ``.mat`` files.
    """
    if data is None or quick:
        return list(BUNDLED_DATA_SETS)
    folder = Path(data)
    missing = [name for name in ODDS_DATA_SETS if not (folder / f"{name}.mat").is_file()]
    if missing:
        print(f"error: {folder} lacks {', '.join(name + '.mat' for name in missing)}", file=sys.stderr)
        return None
    return [*BUNDLED_DATA_SETS, *ODDS_DATA_SETS]


def main(argv=None):
    args = parse_args(__doc__, argv, data=True)
    names = table_names(args.data, args.quick)
    if names is None:
        return 2
    if not args.quick and fashion_available():
        names.append("fashion_mnist_10k")
    seeds = SEEDS["quick" if args.quick else "full"]
    k_rules = ("sqrt",) if args.quick else tuple(K_RULES)
    rows = {rule: [] for rule in k_rules}
    for name in names:
        X, y = load_table(name, args.data)
        for rule in k_rules:
            k = min(X.shape[1], K_RULES[rule](X.shape[1]))
            runs = [run_split(name, X, y, seed, k) for seed in seeds]
            rows[rule].append(table_row(name, X.shape, rule, k, runs))
            row = rows[rule][-1]
            print(
                f"{name} k={k}: PCA {row['PCA']:.4f}, AE {row['AE']:.4f} ({row['AE/PCA']:.3f}), "
                f"DAE {row['DAE/PCA']:.3f}, VAE {row['VAE/PCA']:.3f}, MLP {row['MLP/PCA']:.3f}, "
                f"AE fit {row['AE fit s']:.1f} s",
                flush=True,
            )
    printed = []
    for rule in k_rules:
        tables = [row for row in rows[rule] if row["data set"] != "fashion_mnist_10k"]
        printed += [*rows[rule], summary_row(tables, f"summary, k={rule}")]
    report(NAME, printed, args.output, settings={
        "seeds": list(seeds), "data_sets": names, "k_rules": list(k_rules),
        "autoencoder_settings": AUTOENCODER_SETTINGS,
    })
    for line in verdicts(rows["sqrt"]):
        print(line)
    if args.quick:
        print("(a quick run: one seed of the bundled tables; the targets are for the full run with --data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

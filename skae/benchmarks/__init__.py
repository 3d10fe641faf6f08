"""skae's benchmark suite: speed, memory and quality against Keras and PCA.

Each module measures one thing, prints a table and writes a JSON file; each
runs alone (``python -m skae.benchmarks.prediction --quick``) or with the
others through ``skae bench``. Speed figures are ratios against a baseline
measured in the same run (hand-written Keras, Keras ``predict``, PCA), with
medians of repeated runs. The scripts in the repository's ``benchmarks/``
folder run the same modules.

``skae bench --help`` lists them, one line each, from :data:`SUMMARIES` and
:data:`SECONDS`.
"""

import subprocess
import sys
import time

from .._terminal import write_without_noise
from ._common import DEFAULT_OUTPUT

#: Benchmarks in the order ``skae bench`` runs them.
BENCHMARKS = (
    "fit_overhead", "prediction", "memory", "many_fits", "out_of_core", "scale_out", "quality", "image_defaults",
    "vae",
    "seed_denoiser", "one_class", "outliers", "tabular", "impute", "mixed",
    "mixed_outliers",
)
#: What each benchmark measures, and against what.
SUMMARIES = {
    "fit_overhead": "fit time against the same model fit by hand in Keras",
    "prediction": "transform/inverse_transform latency and throughput, against Keras's predict",
    "memory": "peak memory transforming rows streamed from a memmap",
    "many_fits": "memory over 200 fits in one process, against plain Keras",
    "out_of_core": "memory of fit on a memmap; partial_fit's test error against fit's",
    "scale_out": "parallel and Dask search, transform on a cluster, a multi-device fit, against serial",
    "quality": "test error and accuracy on the codes on Fashion-MNIST, against PCA",
    "image_defaults": "skae's defaults against the dense tutorial's model: test error and fit time",
    "vae": "the VAE's test likelihood bounds against probabilistic PCA and FactorAnalysis",
    "seed_denoiser": "the denoising tutorial through skae against the same script in raw Keras",
    "one_class": "one-class Fashion-MNIST outliers against IsolationForest, OneClassSVM and PCA",
    "outliers": "ODDS outliers (pyod's protocol), against scikit-learn and pyod's figures; with --data",
    "tabular": "table reconstruction at the defaults, against PCA, KernelPCA and an MLP",
    "impute": "imputation RMSE and downstream accuracy, against scikit-learn's imputers and missForest",
    "mixed": "reconstruction of tables of numbers and categories, against PCA on the one-hot table",
    "mixed_outliers": "outliers planted in tables of numbers and categories, against IsolationForest",
}
#: Seconds each took on the project's 2-core machine: ``(full run, --quick)``.
#: The quick runs are one ``skae bench --quick --data odds/`` while other work
#: shared the machine (1,036 s in all; impute's quick run, 545 s, came
#: later). ``None``: not timed alone; the eight full runs so marked besides
#: impute's took about 51 minutes together.
SECONDS = {
    "fit_overhead": (None, 103), "prediction": (None, 217), "memory": (None, 31), "many_fits": (None, 124),
    "out_of_core": (None, 88), "scale_out": (None, 50), "quality": (None, 177), "image_defaults": (240, 40),
    "vae": (1080, 27), "seed_denoiser": (None, 24), "one_class": (300, 54), "outliers": (360, 33),
    "tabular": (3660, 68), "impute": (None, 545), "mixed": (740, 43),
    "mixed_outliers": (205, 26),
}
#: What is known of the time of impute's full run (four patterns, three seeds, with --data).
IMPUTE_PARTIAL_RUN = "its 30% MCAR run at seed 0 with --data took 64 to 74 minutes (machine shared)."
#: Benchmarks that read data skae cannot ship, from ``--data DIR``.
NEEDS_DATA = frozenset({"outliers"})
#: Benchmarks given ``--data DIR`` when there is one: those that need it, and more.
READS_DATA = NEEDS_DATA | {"tabular", "impute"}
#: Benchmarks given ``--backend NAMES`` when there is one: they run on each Keras backend named.
TAKES_BACKEND = frozenset({"fit_overhead", "prediction"})


def default_names(data=None):
    """What ``skae bench`` runs when no name is given: all, those needing data only with it."""
    return tuple(name for name in BENCHMARKS if data is not None or name not in NEEDS_DATA)


def _minutes(seconds):
    if seconds is None:
        return "*"
    return "under 1 min" if seconds < 60 else f"{round(seconds / 60)} min"


def describe_benchmarks():
    """One line per benchmark: its name, about how long it takes, and what it measures against what."""
    width = max(map(len, BENCHMARKS))
    lines = [f"  {'benchmark'.ljust(width)}  {'full run':>11} / {'--quick':<11}  measures (on 2 CPU cores)"]
    for name in BENCHMARKS:
        full, quick = (_minutes(seconds) for seconds in SECONDS[name])
        lines.append(f"  {name.ljust(width)}  {full:>11} / {quick:<11}  {SUMMARIES[name]}")
    lines.append("* not timed alone: the eight full runs so marked besides impute took about 51 minutes together.")
    lines.append(f"  impute's full run has not been timed: {IMPUTE_PARTIAL_RUN}")
    lines.append("Full and quick times of outliers and tabular are with --data (the ten ODDS tables).")
    return "\n".join(lines)


def run_suite(names=None, *, quick=False, output=DEFAULT_OUTPUT, data=None, backend=None, quiet=False):
    """Run benchmarks one after the other, each in a fresh Python process.

    A fresh process per benchmark keeps one benchmark's TensorFlow state and
    memory out of the next one's numbers. Output goes straight to the
    terminal; with ``quiet``, TensorFlow's start-up lines
    (:data:`skae._terminal.STARTUP_NOISE`) are left out of standard error.
    ``names=None`` runs :func:`default_names`; ``data`` is passed as
    ``--data`` to the benchmarks that read it, ``backend`` (Keras backend
    names, comma-separated, or ``"all"``) as ``--backend`` to those of
    :data:`TAKES_BACKEND`. Returns the names of the benchmarks that failed.
    """
    names = default_names(data) if names is None else names
    failed = []
    for name in names:
        command = [sys.executable, "-m", f"{__name__}.{name}", "--output", str(output)]
        if quick:
            command.append("--quick")
        if data is not None and name in READS_DATA:
            command += ["--data", str(data)]
        if backend is not None and name in TAKES_BACKEND:
            command += ["--backend", backend]
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        returncode = _run_in_fresh_process(command, quiet=quiet)
        print(f"({name}: {time.perf_counter() - start:.0f} s)", flush=True)
        if returncode:
            failed.append(name)
    return failed


def _run_in_fresh_process(command, *, quiet):
    """Run ``command`` and return its exit code; ``quiet`` filters its standard error."""
    if not quiet:
        return subprocess.run(command).returncode
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True, errors="replace") as process:
        write_without_noise(process.stderr, sys.stderr)
        return process.wait()

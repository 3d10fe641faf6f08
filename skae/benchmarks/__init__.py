"""skae's benchmark suite: speed, memory and quality against Keras and PCA.

Each module measures one thing, prints a table and writes a JSON file; each
runs alone (``python -m skae.benchmarks.prediction --quick``) or with the
others through ``skae bench``. Speed figures are ratios against a baseline
measured in the same run (hand-written Keras, Keras ``predict``, PCA), with
medians of repeated runs. The scripts in the repository's ``benchmarks/``
folder run the same modules.

==================  =========================================================
``fit_overhead``    fit time against the same Keras model fit by hand
``prediction``      ``transform``/``inverse_transform`` latency and throughput
``memory``          peak memory transforming rows streamed from a memmap
``many_fits``       memory over 200 fits in one process, against plain Keras
``out_of_core``     memory of ``fit`` on a memmap, quality of ``partial_fit``
``scale_out``       parallel and Dask-cluster search, transform on a Dask cluster,
                    a multi-device fit
``quality``         test error and code accuracy on Fashion-MNIST against PCA
``image_defaults``  Fashion-MNIST at skae's defaults against the dense
                    tutorial's exact model: test error and fit time
``vae``             the variational autoencoder's test likelihood bounds (ELBO,
                    IWAE) on Fashion-MNIST, against probabilistic PCA and
                    FactorAnalysis
``seed_denoiser``   the denoising tutorial replicated, against raw Keras
``one_class``       one-class Fashion-MNIST outliers, against IsolationForest,
                    OneClassSVM and PCA
``outliers``        the ODDS outlier benchmark with pyod's protocol, against
                    scikit-learn's detectors and pyod's published figures;
                    only with ``--data DIR`` (the ``.mat`` files)
``tabular``         reconstruction of real tables at the defaults, against PCA,
                    KernelPCA and scikit-learn's MLP; the ten ODDS tables join
                    scikit-learn's bundled ones with ``--data DIR``
==================  =========================================================
"""

import os
import subprocess
import sys
import time

from ._common import DEFAULT_OUTPUT

#: Benchmarks in the order ``skae bench`` runs them.
BENCHMARKS = (
    "fit_overhead", "prediction", "memory", "many_fits", "out_of_core", "scale_out", "quality", "image_defaults",
    "vae",
    "seed_denoiser", "one_class", "outliers", "tabular",
)
#: Benchmarks that read data skae cannot ship, from ``--data DIR``.
NEEDS_DATA = frozenset({"outliers"})
#: Benchmarks given ``--data DIR`` when there is one: those that need it, and more.
READS_DATA = NEEDS_DATA | {"tabular"}


def default_names(data=None):
    """What ``skae bench`` runs when no name is given: all, those needing data only with it."""
    return tuple(name for name in BENCHMARKS if data is not None or name not in NEEDS_DATA)


def run_suite(names=None, *, quick=False, output=DEFAULT_OUTPUT, data=None):
    """Run benchmarks one after the other, each in a fresh Python process.

    A fresh process per benchmark keeps one benchmark's TensorFlow state and
    memory out of the next one's numbers. Output goes straight to the
    terminal. ``names=None`` runs :func:`default_names`; ``data`` is passed
    as ``--data`` to the benchmarks that read it. Returns the names of the
    benchmarks that failed.
    """
    names = default_names(data) if names is None else names
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    failed = []
    for name in names:
        command = [sys.executable, "-m", f"{__name__}.{name}", "--output", str(output)]
        if quick:
            command.append("--quick")
        if data is not None and name in READS_DATA:
            command += ["--data", str(data)]
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        completed = subprocess.run(command, env=environment)
        print(f"({name}: {time.perf_counter() - start:.0f} s)", flush=True)
        if completed.returncode:
            failed.append(name)
    return failed

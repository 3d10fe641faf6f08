"""Scale-out: a parallel and a Dask-cluster search, and a multi-device fit.

Search: ``GridSearchCV`` over ``latent_dim`` in (16, 32, 64, 128) with 3
folds of 12,000 Fashion-MNIST training images (the dense tutorial model, 2
epochs) runs one fit at a time (``n_jobs=1``), in joblib's default worker
processes (``n_jobs=2``, loky), and on a ``dask.distributed.LocalCluster``
of 2 single-threaded worker processes through ``joblib.parallel_backend
("dask")``. Each way runs the search once (in parallel, the
workers start and import TensorFlow during it), then 3 more times (on the
same workers); the speed-up is the median of those 3 against the serial
median. The table also says whether every run's scores equal the serial ones.

Multi-device: in a fresh process with the CPU split into 2 logical devices,
the dense tutorial model is fitted for 2 epochs (60,000 images, batches of
256; median of 3 fits) without a strategy and under ``tf.distribute.MirroredStrategy`` over
both devices. On one CPU the two replicas share the same cores, so this
measures the strategy's overhead, not the gain of real GPUs.

    python -m skae.benchmarks.scale_out [--quick] [--output DIR]
"""

import json
import os
import statistics
import sys
import tempfile

from ._common import parse_args, report, run_child, timed

NAME = "scale_out"

#: Search settings: (training images, code sizes, folds, epochs).
SEARCH = {"full": (12_000, (16, 32, 64, 128), 3, 2), "quick": (3_000, (16, 32), 2, 1)}
#: Multi-device settings: (training images, epochs, batch size).
MULTI_DEVICE = {"full": (60_000, 2, 256), "quick": (10_000, 1, 256)}
#: Timed runs of each search after its first one (whose workers start up).
REPEATS = {"full": 3, "quick": 1}
SCORES = "mean_test_score"


def _search(X, sizes, folds, epochs, **kwargs):
    from sklearn.model_selection import GridSearchCV

    from skae import AutoencoderTransformer

    search = GridSearchCV(
        AutoencoderTransformer(epochs=epochs, random_state=0),
        {"latent_dim": list(sizes)},
        cv=folds,
        refit=False,
        **kwargs,
    )
    return search.fit(X).cv_results_


def _timed_runs(search, repeats):
    """Time one run of ``search``, then ``repeats`` more; return both times and all results."""
    first, first_seconds = timed(search)
    runs = [timed(search) for _ in range(repeats)]
    return first_seconds, statistics.median(seconds for _, seconds in runs), [first] + [r for r, _ in runs]


def run_search(quick=False):
    """Return rows per way of running the search: its first run, then the median of more."""
    import joblib
    import numpy as np
    from dask.distributed import Client, LocalCluster

    from skae.datasets import load_fashion_mnist

    n_images, sizes, folds, epochs = SEARCH["quick" if quick else "full"]
    repeats = REPEATS["quick" if quick else "full"]
    (X_train, _), _ = load_fashion_mnist(as_float=True)
    X = X_train[:n_images].reshape(n_images, -1)

    def search(**kwargs):
        return lambda: _search(X, sizes, folds, epochs, **kwargs)

    timings = {"n_jobs=1": _timed_runs(search(n_jobs=1), repeats)}
    timings["n_jobs=2 (loky)"] = _timed_runs(search(n_jobs=2), repeats)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not 8787, maybe taken
        ) as cluster,
        Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        timings["dask LocalCluster, 2 workers"] = _timed_runs(search(), repeats)

    serial_scores = timings["n_jobs=1"][2][0][SCORES]
    serial_seconds = timings["n_jobs=1"][1]
    rows = []
    for name, (first_seconds, median_seconds, results) in timings.items():
        rows.append({
            "search": name,
            "fits": len(sizes) * folds,
            "first_run_s": first_seconds,
            f"median_of_{repeats}_more_s": median_seconds,
            "speed_up": serial_seconds / median_seconds,
            "scores_equal_serial": all(
                np.array_equal(result[SCORES], serial_scores) for result in results
            ),
            "best_latent_dim": int(results[0]["param_latent_dim"][np.argmax(results[0][SCORES])]),
        })
    return rows


def measure_multi_device(data_path, epochs, batch_size, repeats):
    """In this fresh process: fit without and with a MirroredStrategy over 2 logical CPUs."""
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    from skae import AutoencoderTransformer

    with np.load(data_path) as data:
        X, X_test = data["X"], data["X_test"]
    strategies = {
        "no strategy": None,
        "MirroredStrategy, 2 logical CPUs": tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]),
    }
    rows = []
    for name, strategy in strategies.items():
        def fit():
            return AutoencoderTransformer(
                epochs=epochs, batch_size=batch_size, random_state=0, distribute=strategy
            ).fit(X)

        runs = [timed(fit) for _ in range(repeats)]
        rows.append({
            "fit": name,
            f"median_of_{repeats}_s": statistics.median(seconds for _, seconds in runs),
            "test_mse": -runs[0][0].score(X_test),
        })
    for row in rows:
        row["ratio"] = row[f"median_of_{repeats}_s"] / rows[0][f"median_of_{repeats}_s"]
    return rows


def run_multi_device(quick=False):
    """Return the multi-device rows, measured in a fresh process."""
    import numpy as np

    from skae.datasets import load_fashion_mnist

    n_images, epochs, batch_size = MULTI_DEVICE["quick" if quick else "full"]
    (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True)
    with tempfile.TemporaryDirectory() as folder:
        data_path = os.path.join(folder, "images.npz")
        np.savez(
            data_path,
            X=X_train[:n_images].reshape(n_images, -1),
            X_test=X_test.reshape(len(X_test), -1),
        )
        return run_child(
            f"skae.benchmarks.{NAME}", data_path, epochs, batch_size, REPEATS["quick" if quick else "full"]
        )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        data_path, epochs, batch_size, repeats = argv[1:5]
        print(json.dumps(measure_multi_device(data_path, int(epochs), int(batch_size), int(repeats))))
        return
    args = parse_args(__doc__, argv)
    settings = {"quick": args.quick, "search": SEARCH, "multi_device": MULTI_DEVICE}
    report(f"{NAME}_search", run_search(args.quick), args.output, settings=settings)
    report(f"{NAME}_multi_device", run_multi_device(args.quick), args.output, settings=settings)


if __name__ == "__main__":
    main()

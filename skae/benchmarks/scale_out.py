"""Scale-out: a parallel and a Dask-cluster search, a multi-device fit, a transform on a cluster.

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
measures the strategy's overhead, not the gain of real GPUs. This child
runs Keras on TensorFlow whatever the benchmark's backend: tf.distribute
trains there only.

Transform on a cluster: a ``LocalCluster`` of 2 single-threaded worker
processes, each with a 2 GiB memory limit, computes the codes of 2,000,000
rows of 784 float32 values (6.3 GB, generated on the workers with
``dask.array.random``, 100 chunks of 20,000 rows) with the dense tutorial
model (fitted first for one epoch on 2,000 images), chunk by chunk with
``map_blocks`` (:func:`transform_chunks`, the recipe of docs/scaling.rst),
and sums them there: neither the data nor the codes are ever held whole.
Each worker's resident memory is sampled every 10 ms by a thread in it
(started with ``client.run``). The baseline, in the same run: ``transform``
of the first chunk in this process's memory (median of 5). A second cluster
run only generates and sums the data: what making it costs.

    python -m skae.benchmarks.scale_out [--quick] [--output DIR]
"""

import json
import os
import statistics
import sys
import tempfile

from ._common import TUTORIAL, parse_args, report, run_child, timed

NAME = "scale_out"

#: Search settings: (training images, code sizes, folds, epochs).
SEARCH = {"full": (12_000, (16, 32, 64, 128), 3, 2), "quick": (3_000, (16, 32), 2, 1)}
#: Multi-device settings: (training images, epochs, batch size).
MULTI_DEVICE = {"full": (60_000, 2, 256), "quick": (10_000, 1, 256)}
#: Timed runs of each search after its first one (whose workers start up).
REPEATS = {"full": 3, "quick": 1}
SCORES = "mean_test_score"
#: Transform on a cluster: (rows, rows per chunk, memory limit of each worker in bytes).
CLUSTER_TRANSFORM = {"full": (2_000_000, 20_000, 2 * 2**30), "quick": (200_000, 20_000, 2 * 2**30)}
#: Images the transformer is fitted on first (their content does not change its speed).
TRANSFORM_FIT_IMAGES = 2_000
#: Timed calls of the in-memory baseline (their median is reported).
TRANSFORM_REPEATS = 5


def _search(X, sizes, folds, epochs, **kwargs):
    from sklearn.model_selection import GridSearchCV

    from skae import AutoencoderTransformer

    search = GridSearchCV(
        AutoencoderTransformer(epochs=epochs, random_state=0, **TUTORIAL),
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
    (X_train, _), _ = load_fashion_mnist()
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
                epochs=epochs, random_state=0, distribute=strategy, **{**TUTORIAL, "batch_size": batch_size}
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
    (X_train, _), (X_test, _) = load_fashion_mnist()
    with tempfile.TemporaryDirectory() as folder:
        data_path = os.path.join(folder, "images.npz")
        np.savez(
            data_path,
            X=X_train[:n_images].reshape(n_images, -1),
            X_test=X_test.reshape(len(X_test), -1),
        )
        return run_child(
            f"skae.benchmarks.{NAME}", data_path, epochs, batch_size, REPEATS["quick" if quick else "full"],
            environment={"KERAS_BACKEND": "tensorflow"},  # tf.distribute trains on TensorFlow only
        )


def transform_chunks(estimator, X):
    """Codes of the 2-D dask array ``X``: a lazy dask array, one chunk of codes per chunk of rows.

    The recipe of docs/scaling.rst. The estimator goes into the graph once,
    as ``dask.delayed``, so a computation unpickles it once and sends it to
    the workers that need it, not once per chunk. One row's codes, computed
    here, give the codes' width and dtype.
    """
    import dask
    import numpy as np

    X = X.rechunk({1: -1})  # chunks of whole rows
    codes = estimator.transform(np.zeros((1, X.shape[1]), X.dtype))
    return X.map_blocks(
        _transform_chunk, dask.delayed(estimator), chunks=(X.chunks[0], codes.shape[1:]), meta=codes[:0]
    )


def _transform_chunk(rows, estimator):
    return estimator.transform(rows)


#: This worker's memory sampler, in a worker process (see :func:`_start_sampling`).
_SAMPLER = None


def _start_sampling():
    """On a worker (through ``client.run``): sample its resident memory every 10 ms."""
    global _SAMPLER
    from ._common import MemorySampler

    _SAMPLER = MemorySampler(interval=0.01).__enter__()


def _stop_sampling():
    """On a worker: stop sampling; return its memory in MB (``None`` if it never started)."""
    global _SAMPLER
    if _SAMPLER is None:  # a worker started since _start_sampling
        return None
    sampler, _SAMPLER = _SAMPLER, None
    sampler.__exit__(None, None, None)
    return {
        "start_rss_mb": sampler.start_total / 2**20,
        "peak_rss_mb": sampler.peak_total / 2**20,
        "peak_private_mb": sampler.peak_anonymous / 2**20,
    }


def _warm_up(estimator):
    """On a worker: load TensorFlow and run one small ``transform``, so no timed run pays for either."""
    import numpy as np

    estimator.transform(np.zeros((1, estimator.n_features_in_), np.float32))


def _fitted_dense_model():
    """The dense tutorial model, fitted for one epoch on a few Fashion-MNIST images."""
    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    (X_train, _), _ = load_fashion_mnist()
    X = X_train[:TRANSFORM_FIT_IMAGES].reshape(-1, 784)
    return AutoencoderTransformer(epochs=1, random_state=0, **TUTORIAL).fit(X)


#: Columns of the cluster-transform table.
TRANSFORM_COLUMNS = (
    "case", "chunks", "rows", "data_mb", "seconds", "rows_per_s", "ratio", "busy_s", "start_rss_mb",
    "peak_rss_mb", "peak_private_mb", "memory_limit_mb", "codes_equal",
)
#: Memory columns, of a worker or of this process.
_PEAKS = ("start_rss_mb", "peak_rss_mb", "peak_private_mb")


def _row(**values):
    """A row of the cluster-transform table; columns not given are ``None``."""
    row = dict.fromkeys(TRANSFORM_COLUMNS) | values
    if row["rows"] is not None:
        row["data_mb"] = row["rows"] * 784 * 4 / 2**20
    if row["seconds"] is not None:
        row["rows_per_s"] = row["rows"] / row["seconds"]
    return row


def _in_memory_row(estimator, rows, repeats):
    """The baseline: ``transform`` of one chunk held in this process's memory."""
    from ._common import MemorySampler, median_seconds

    seconds = median_seconds(lambda: estimator.transform(rows), repeats)
    with MemorySampler(interval=0.01) as memory:
        estimator.transform(rows)
    return _row(
        case="transform, one chunk in memory (this process)", chunks=1, rows=len(rows), seconds=seconds,
        start_rss_mb=memory.start_total / 2**20, peak_rss_mb=memory.peak_total / 2**20,
        peak_private_mb=memory.peak_anonymous / 2**20,
    )


def _timed_on_workers(client, computation):
    """Compute ``computation`` on the cluster, sampling each worker's memory.

    Returns the seconds it took, ``{worker: memory}`` (see
    :func:`_stop_sampling`) and ``{worker: seconds}`` its tasks computed.
    """
    from dask.distributed import get_task_stream

    client.run(_start_sampling)
    with get_task_stream(client) as tasks:
        _, seconds = timed(computation.compute)
    memory = client.run(_stop_sampling)
    busy = dict.fromkeys(memory, 0.0)
    for task in tasks.data:
        for step in task["startstops"]:
            if step["action"] == "compute":
                busy[task["worker"]] = busy.get(task["worker"], 0.0) + step["stop"] - step["start"]
    return seconds, memory, busy


def _cluster_rows(case, X, seconds, memory, busy, memory_limit):
    """A row for a run over ``X`` on the cluster (its workers' largest memory), then one per worker."""
    measured = [values for values in memory.values() if values is not None]
    limit_mb = memory_limit / 2**20
    rows = [_row(
        case=case, chunks=X.numblocks[0], rows=X.shape[0], seconds=seconds, busy_s=sum(busy.values()),
        memory_limit_mb=limit_mb,
        **{key: max((values[key] for values in measured), default=None) for key in _PEAKS},
    )]
    for number, worker in enumerate(sorted(memory)):
        # No memory figures: the worker restarted during the run (Dask's nanny restarts one over its limit).
        rows.append(_row(
            case=f"  worker {number}", busy_s=busy.get(worker), memory_limit_mb=limit_mb, **(memory[worker] or {}),
        ))
    return rows


def _local_cluster(memory_limit):
    """2 single-threaded worker processes, each allowed ``memory_limit`` bytes."""
    from dask.distributed import LocalCluster

    return LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, memory_limit=memory_limit,
        dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not 8787, maybe taken
    )


def run_cluster_transform(quick=False):
    """Return rows: ``transform`` of one chunk in memory, then of the whole array on a cluster.

    The array is generated on the workers chunk by chunk and its codes are
    summed there, so neither the array nor its codes are ever held whole.
    A second cluster run generates and sums the array without transforming
    it: the part of the first run's time that making the data takes.
    """
    import dask.array as da
    import numpy as np
    from dask.distributed import Client

    n_rows, chunk_rows, memory_limit = CLUSTER_TRANSFORM["quick" if quick else "full"]
    estimator = _fitted_dense_model()
    X = da.random.default_rng(0).random((n_rows, 784), dtype=np.float32, chunks=(chunk_rows, 784))
    codes = transform_chunks(estimator, X)
    with _local_cluster(memory_limit) as cluster, Client(cluster) as client:
        client.run(_warm_up, estimator)
        first_chunk = X.blocks[0].compute()
        in_memory = _in_memory_row(estimator, first_chunk, TRANSFORM_REPEATS)
        codes_equal = np.array_equal(codes.blocks[0].compute(), estimator.transform(first_chunk))
        transform_run = _timed_on_workers(client, codes.sum(axis=0))
        generate_run = _timed_on_workers(client, X.sum(axis=0))
    rows = [in_memory, *_cluster_rows("transform on the cluster", X, *transform_run, memory_limit)]
    rows += _cluster_rows("generate and sum only", X, *generate_run, memory_limit)[:1]
    for row in rows:
        if row["rows_per_s"] is not None:
            row["ratio"] = row["rows_per_s"] / in_memory["rows_per_s"]
    # The cluster's codes of the first chunk are those computed here, bit for bit.
    rows[1]["codes_equal"] = bool(codes_equal)
    return rows


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        data_path, epochs, batch_size, repeats = argv[1:5]
        print(json.dumps(measure_multi_device(data_path, int(epochs), int(batch_size), int(repeats))))
        return
    args = parse_args(__doc__, argv)
    settings = {
        "quick": args.quick, "search": SEARCH, "multi_device": MULTI_DEVICE, "cluster_transform": CLUSTER_TRANSFORM,
    }
    report(f"{NAME}_search", run_search(args.quick), args.output, settings=settings)
    report(f"{NAME}_multi_device", run_multi_device(args.quick), args.output, settings=settings)
    report(f"{NAME}_transform", run_cluster_transform(args.quick), args.output, settings=settings)


if __name__ == "__main__":
    main()

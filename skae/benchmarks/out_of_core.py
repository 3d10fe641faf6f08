"""Out-of-core training: memory of ``fit`` on a memmap, quality of ``partial_fit``.

Memory: writes 700,000 rows of 784 float32 pixels (Fashion-MNIST's training
images, tiled: 2.2 GB) to a ``.npy`` file and, each in a fresh process that
has first run a small warm-up fit (so TensorFlow's own start-up is not
counted), measures the peak memory of one epoch of the dense tutorial model
(batches of 256) trained by

* ``fit`` on a ``numpy.memmap`` of the file;
* ``partial_fit`` on chunks of 100,000 rows sliced from the memmap;
* ``fit`` on the same rows loaded into memory first (loaded before the
  measurement starts);
* Keras's own ``model.fit(X, X)`` on the memmap (the same model by hand).

Memory is reported above the level before the call, as private memory (the
process's own allocations) and all resident memory, which adds the memmap's
file pages the kernel keeps cached (see :mod:`skae.benchmarks.memory`).

Quality: on Fashion-MNIST (60,000 training images, 10,000 test images) the
dense tutorial model is trained for 5 epochs by ``fit``, and by ``partial_fit``
over chunks of 10,000 images, 5 passes over the chunks; the benchmark reports
both test MSEs and their ratio for 3 seeds, and the medians.

Rollback cost: what makes a failed ``partial_fit`` leave the estimator as it
was is that the model trains on an engine (a compiled copy) and its state is
copied in before and back after. The benchmark times those two copies for
the dense tutorial model (weights and Adam's state: 3 x 101,200 floats), and
a whole ``partial_fit`` call on a chunk of 10,000 images; medians of 30.

    python -m skae.benchmarks.out_of_core [--quick] [--output DIR]
"""

import json
import statistics
import sys
import tempfile
from pathlib import Path

from ._common import TUTORIAL, parse_args, report, run_child, timed, timed_peak_memory
from .memory import write_rows

NAME = "out_of_core"

N_ROWS = {"full": 700_000, "quick": 200_000}
MEMORY_BATCH_SIZE = 256
MEMORY_CHUNK_ROWS = 100_000
WARM_UP_ROWS = 512
CASES = (
    "fit, memmap",
    "partial_fit, memmap chunks",
    "fit, in-memory array",
    "Keras fit, memmap",
)
#: Quality settings: (training images, epochs, seeds).
QUALITY = {"full": (60_000, 5, (0, 1, 2)), "quick": (20_000, 2, (0,))}
QUALITY_CHUNK_ROWS = 10_000
ROLLBACK_REPEATS = 30
_MB = 2**20


def _keras_tutorial_model(n_features):
    """The dense tutorial autoencoder written in plain Keras."""
    import keras

    inputs = keras.Input(shape=(n_features,))
    codes = keras.layers.Dense(64, activation="relu")(inputs)
    outputs = keras.layers.Dense(n_features, activation="sigmoid")(codes)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model


def _trainer(case, X):
    """Return a warm-up call and the measured call for ``case``."""
    from skae import AutoencoderTransformer

    def estimator():
        return AutoencoderTransformer(epochs=1, random_state=0, **{**TUTORIAL, "batch_size": MEMORY_BATCH_SIZE})

    if case.startswith("Keras"):
        def train(rows):
            model = _keras_tutorial_model(rows.shape[1])
            return model.fit(rows, rows, batch_size=MEMORY_BATCH_SIZE, epochs=1, verbose=0).history["loss"][-1]
    elif case.startswith("partial_fit"):
        def train(rows):
            model = estimator()
            for start in range(0, rows.shape[0], MEMORY_CHUNK_ROWS):
                model.partial_fit(rows[start : start + MEMORY_CHUNK_ROWS])
            return model.history_["loss"][-1]
    else:
        def train(rows):
            return estimator().fit(rows).history_["loss"][-1]
    return (lambda: train(X[:WARM_UP_ROWS])), (lambda: train(X))


def measure_memory(case, data_path):
    """Run one memory case in this process; return its measurements."""
    import numpy as np

    X = np.load(data_path, mmap_mode=None if "in-memory" in case else "r")
    warm_up, call = _trainer(case, X)
    warm_up()
    loss, measured = timed_peak_memory(call)
    return {"case": case, "rows": X.shape[0], "data_mb": X.nbytes / _MB, **measured, "last_loss": float(loss)}


def run_memory(quick=False, workdir=None):
    """Return one row per memory case, each measured in a fresh process."""
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        data_path = Path(folder, "rows.npy")
        write_rows(data_path, N_ROWS["quick" if quick else "full"])
        return [run_child(f"skae.benchmarks.{NAME}", case, data_path) for case in CASES]


def run_quality(quick=False):
    """Return test MSE of ``fit`` and of chunked ``partial_fit`` per seed, then medians."""
    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    n_train, epochs, seeds = QUALITY["quick" if quick else "full"]
    (X_train, _), (X_test, _) = load_fashion_mnist()
    X_train = X_train[:n_train].reshape(-1, 784)
    X_test = X_test.reshape(len(X_test), -1)
    chunks = [X_train[start : start + QUALITY_CHUNK_ROWS] for start in range(0, n_train, QUALITY_CHUNK_ROWS)]

    def test_mse(model):
        return -model.score(X_test)

    rows = []
    for seed in seeds:
        fitted, fit_seconds = timed(
            lambda: AutoencoderTransformer(epochs=epochs, random_state=seed, **TUTORIAL).fit(X_train)
        )

        def stream():
            model = AutoencoderTransformer(random_state=seed, **TUTORIAL)
            for _ in range(epochs):
                for chunk in chunks:
                    model.partial_fit(chunk)
            return model

        streamed, stream_seconds = timed(stream)
        fit_mse, stream_mse = test_mse(fitted), test_mse(streamed)
        rows.append({
            "seed": str(seed),
            "fit_test_mse": fit_mse,
            "partial_fit_test_mse": stream_mse,
            "mse_ratio": stream_mse / fit_mse,
            "fit_s": fit_seconds,
            "partial_fit_s": stream_seconds,
        })
    medians = {
        column: statistics.median(row[column] for row in rows) for column in rows[0] if column != "seed"
    }
    rows.append({"seed": f"median of {len(seeds)}", **medians})
    return rows


def run_rollback_cost(quick=False):
    """Time the state copies behind partial_fit's rollback, and a whole call."""
    import statistics

    from skae import AutoencoderTransformer, _engines, _training
    from skae.datasets import load_fashion_mnist

    (X_train, _), _ = load_fashion_mnist()
    chunk = X_train[:QUALITY_CHUNK_ROWS].reshape(QUALITY_CHUNK_ROWS, -1)
    estimator = AutoencoderTransformer(random_state=0, **TUTORIAL).partial_fit(chunk)
    steps = _training.steps_per_execution(32, endless=False)
    engine = _engines.new_engine(estimator.model_, steps_per_execution=steps)
    repeats = 10 if quick else ROLLBACK_REPEATS

    def copy_in_and_back():
        engine.load(estimator.model_)
        engine.store(estimator.model_)

    copies = statistics.median(timed(copy_in_and_back)[1] for _ in range(repeats))
    calls = statistics.median(timed(lambda: estimator.partial_fit(chunk))[1] for _ in range(repeats))
    return [{
        "model": "dense tutorial (784-64-784), Adam",
        "chunk_rows": QUALITY_CHUNK_ROWS,
        "state_copies_ms": copies * 1000,
        "partial_fit_call_ms": calls * 1000,
        "share_of_call": copies / calls,
    }]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        print(json.dumps(measure_memory(*argv[1:3])))
        return
    args = parse_args(__doc__, argv)
    settings = {
        "quick": args.quick,
        "n_rows": N_ROWS,
        "memory_batch_size": MEMORY_BATCH_SIZE,
        "memory_chunk_rows": MEMORY_CHUNK_ROWS,
        "quality": QUALITY,
        "quality_chunk_rows": QUALITY_CHUNK_ROWS,
        "rollback_repeats": ROLLBACK_REPEATS,
    }
    report(f"{NAME}_memory", run_memory(args.quick), args.output, settings=settings)
    report(f"{NAME}_quality", run_quality(args.quick), args.output, settings=settings)
    report(f"{NAME}_rollback", run_rollback_cost(args.quick), args.output, settings=settings)


if __name__ == "__main__":
    main()

"""Peak memory of ``transform`` on rows streamed from a ``numpy.memmap``.

Writes 1,000,000 rows of 784 float32 pixels (Fashion-MNIST's training
images, tiled: 3.1 GB) to a ``.npy`` file, fits the dense tutorial model for
one epoch, and then, each in a fresh process that has loaded the model and
run one small ``transform``, measures the peak resident memory while

* ``transform`` reads the rows from a ``numpy.memmap`` of the file;
* ``transform`` reads the same rows from an array loaded into memory;
* the encoder's Keras ``predict`` (batches of 256) reads the ``memmap``.

Memory is sampled every 2 ms from ``/proc/self/status`` (Linux) and reported
above the level before the call, split into private memory (the process's
own allocations) and all resident memory, which adds the memmap's file pages
the kernel keeps cached (and drops again when memory is short). The codes
themselves take ``rows x 64 x 4`` bytes (256 MB for a million rows).

    python -m skae.benchmarks.memory [--quick] [--output DIR]
"""

import json
import sys
import tempfile
from pathlib import Path

from ._common import TUTORIAL, parse_args, report, run_child, timed_peak_memory

NAME = "memory"

N_ROWS = {"full": 1_000_000, "quick": 200_000}
FIT_IMAGES = 10_000
CASES = ("transform, memmap", "transform, in-memory array", "Keras predict, memmap")
_MB = 2**20


def write_rows(path, n_rows):
    """Write ``n_rows`` tiled Fashion-MNIST rows (float32, 784 columns) to ``path``."""
    import numpy as np

    from skae.datasets import load_fashion_mnist

    (X_train, _), _ = load_fashion_mnist()
    X_train = X_train.reshape(len(X_train), -1)
    rows = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n_rows, 784))
    for start in range(0, n_rows, len(X_train)):
        stop = min(start + len(X_train), n_rows)
        rows[start:stop] = X_train[: stop - start]
    rows.flush()
    del rows


def measure(case, data_path, model_path):
    """Run one case in this process; return its measurements."""
    import joblib
    import numpy as np

    estimator = joblib.load(model_path)
    in_memory = case == "transform, in-memory array"
    X = np.load(data_path, mmap_mode=None if in_memory else "r")
    estimator.transform(X[:10])  # build the prediction function first
    if case.startswith("Keras"):
        estimator.encoder_.predict(X[:10], verbose=0)
        call = lambda: estimator.encoder_.predict(X, batch_size=256, verbose=0)  # noqa: E731
    else:
        call = lambda: estimator.transform(X)  # noqa: E731
    codes, measured = timed_peak_memory(call)
    return {
        "case": case,
        "rows": X.shape[0],
        "data_mb": X.nbytes / _MB,
        "codes_mb": codes.nbytes / _MB,
        **measured,
    }


def run(quick=False, workdir=None):
    """Return one row per case, each measured in a fresh process."""
    import joblib

    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    n_rows = N_ROWS["quick" if quick else "full"]
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        data_path, model_path = Path(folder, "rows.npy"), Path(folder, "model.joblib")
        write_rows(data_path, n_rows)
        (X_train, _), _ = load_fashion_mnist()
        X_train = X_train[:FIT_IMAGES]
        estimator = AutoencoderTransformer(epochs=1, random_state=0, **TUTORIAL)
        joblib.dump(estimator.fit(X_train.reshape(len(X_train), -1)), model_path)
        return [run_child(f"skae.benchmarks.{NAME}", case, data_path, model_path) for case in CASES]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(*argv[1:4])))
        return
    args = parse_args(__doc__, argv)
    report(NAME, run(args.quick), args.output, settings={"quick": args.quick, "n_rows": N_ROWS})


if __name__ == "__main__":
    main()

"""Memory over many fits in one process: skae against plain Keras.

What a grid search with ``n_jobs=1`` does to a process: 200 fits, one after
the other, of ``AutoencoderTransformer(latent_dim=8, epochs=1)`` on the same
400 x 64 random data, each followed by ``transform``. Next to it, in the same
run, the same network written in plain Keras (a ``Sequential`` 64-8-64,
compiled, fitted for one epoch and ``predict``-ed the same way), without and
with ``keras.backend.clear_session()`` before each build.

Each case runs in a fresh process. The resident memory (RSS) is read after
fit 10 and after the last fit; the report gives its growth between the two,
per fit, the time per fit, and how many "triggered tf.function retracing"
warnings TensorFlow logged.

    python -m skae.benchmarks.many_fits [--quick] [--output DIR]
"""

import json
import logging
import sys
import time

from ._common import TUTORIAL, parse_args, report, run_child

NAME = "many_fits"

N_FITS = {"full": 200, "quick": 60}
FIRST_READING = 10
CASES = ("skae AutoencoderTransformer", "plain Keras", "plain Keras + clear_session")
_MB = 2**20


def _resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class _RetracingCounter(logging.Handler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += "retracing" in record.getMessage()


def _fit_function(case, X):
    """Return ``fit_once()`` for ``case``: one fit and one prediction of all rows."""
    import keras

    if case.startswith("skae"):
        from skae import AutoencoderTransformer

        return lambda: AutoencoderTransformer(latent_dim=8, epochs=1, **TUTORIAL).fit(X).transform(X)

    def plain_keras():
        if case.endswith("clear_session"):
            keras.backend.clear_session(free_memory=True)
        model = keras.Sequential([
            keras.Input((X.shape[1],)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(X.shape[1], activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, X, epochs=1, batch_size=32, verbose=0)
        return model.predict(X, verbose=0)

    return plain_keras


def measure(case, n_fits):
    """Run one case in this process; return its measurements."""
    import numpy as np

    counter = _RetracingCounter()
    logging.getLogger("tensorflow").addHandler(counter)
    X = np.random.default_rng(0).random((400, 64))
    fit_once = _fit_function(case, X)
    readings, start = {}, None
    for fit in range(1, n_fits + 1):
        fit_once()
        if fit == FIRST_READING:
            readings["first"], start = _resident_bytes(), time.perf_counter()
    readings["last"] = _resident_bytes()
    growth = (readings["last"] - readings["first"]) / _MB
    return {
        "case": case,
        "fits": n_fits,
        f"rss_after_fit_{FIRST_READING}_mb": readings["first"] / _MB,
        "rss_after_last_fit_mb": readings["last"] / _MB,
        "growth_mb": growth,
        "growth_per_fit_mb": growth / (n_fits - FIRST_READING),
        "seconds_per_fit": (time.perf_counter() - start) / (n_fits - FIRST_READING),
        "retracing_warnings": counter.count,
    }


def run(quick=False):
    """Return one row per case, each measured in a fresh process, then skae's ratio to plain Keras."""
    n_fits = N_FITS["quick" if quick else "full"]
    rows = [run_child(f"skae.benchmarks.{NAME}", case, n_fits) for case in CASES]
    skae_row, keras_row = rows[0], rows[1]
    rows.append({
        "case": "skae / plain Keras",
        "fits": n_fits,
        "growth_mb": skae_row["growth_mb"] / keras_row["growth_mb"] if keras_row["growth_mb"] > 0 else None,
        "seconds_per_fit": skae_row["seconds_per_fit"] / keras_row["seconds_per_fit"],
    })
    return rows


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(argv[1], int(argv[2]))))
        return
    args = parse_args(__doc__, argv)
    report(NAME, run(args.quick), args.output, settings={
        "quick": args.quick, "n_fits": N_FITS, "first_reading_after_fit": FIRST_READING,
        "data": "400 x 64 uniform random, float64",
        "skae": "AutoencoderTransformer(latent_dim=8, epochs=1), then transform",
        "plain_keras": "Sequential 64-8-64, adam, mse, fit 1 epoch of batches of 32, then predict",
    })


if __name__ == "__main__":
    main()

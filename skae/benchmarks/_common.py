"""What every benchmark shares: arguments, timing, memory sampling, reports."""

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DEFAULT_OUTPUT = "benchmark-results"

#: The Keras backends a benchmark with ``--backend`` can run on, and the
#: package each needs.
BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}

#: The seed tutorials' model settings, which skae's defaults (chosen for
#: tables) no longer are: the benchmarks that compare skae with the
#: tutorials' hand-written Keras models build this model.
TUTORIAL = dict(
    hidden_layer_sizes=(), activation="relu", code_activation="relu", output_activation="sigmoid",
    batch_size=32,
)


def parse_args(description, argv=None, *, data=False, backends=False, options=()):
    """Parse the options every benchmark takes: ``--quick`` and ``--output``.

    With ``data``, also ``--data DIR``: the folder of data the benchmark
    reads but skae cannot ship (``None`` when not given). With ``backends``,
    also ``--backend`` (see :func:`on_backends`). ``options`` are a
    benchmark's own, as ``(flag, keyword arguments of add_argument)`` pairs.
    """
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="folder for the JSON file")
    parser.add_argument(
        "--quick", action="store_true", help="less data and fewer repeats, for a run of minutes"
    )
    if data:
        parser.add_argument("--data", default=None, help="folder of the data files")
    if backends:
        parser.add_argument(
            "--backend", default=None, type=_backend_names, metavar="NAMES",
            help=f"Keras backends, comma-separated, or 'all' ({', '.join(BACKENDS)}); "
            "default: the one Keras uses (KERAS_BACKEND)",
        )
        parser.add_argument("--rows-json", action="store_true", help=argparse.SUPPRESS)
    for flag, settings in options:
        parser.add_argument(flag, **settings)
    return parser.parse_args(argv)


def _backend_names(text):
    names = list(BACKENDS) if text == "all" else [name.strip() for name in text.split(",")]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown Keras backend {', '.join(unknown)}; choose from {', '.join(BACKENDS)} or all"
        )
    return names


def active_backend():
    """The Keras backend this process uses (or will, once Keras is imported)."""
    import keras

    return keras.backend.backend()


def on_backends(module, args, run):
    """The rows of ``run()`` on each backend of ``args.backend``, each row led by its backend.

    The backend Keras uses here runs in this process; every other one in a
    fresh ``python -m module --rows-json`` with ``KERAS_BACKEND`` set, since
    Keras picks its backend once, at import. A backend whose package is not
    installed gets one row saying so. In such a child (``--rows-json``) the
    rows are printed as one JSON line and the process exits.
    """
    if args.rows_json:
        print(json.dumps(run()))
        raise SystemExit(0)
    here = active_backend()
    rows = []
    for backend in args.backend or [here]:
        if backend == here:
            part = run()
        elif importlib.util.find_spec(BACKENDS[backend]) is None:
            part = [{"method": f"not installed: pip install skae[{backend}]"}]
        else:
            command = [sys.executable, "-m", module, "--rows-json", *(["--quick"] if args.quick else [])]
            part = _child_json(command, {"KERAS_BACKEND": backend})
        rows += [{"backend": backend, **row} for row in part]
    return rows


def timed(function):
    """Return ``(result, seconds)`` of one call of ``function``."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def median_seconds(function, repeats, warm_up=None):
    """Median wall time of ``repeats`` calls of ``function``.

    One untimed call of ``warm_up`` (default: ``function`` itself) comes first,
    so one-time costs such as tracing a ``tf.function`` are left out.
    """
    (warm_up or function)()
    return statistics.median(timed(function)[1] for _ in range(repeats))


def run_child(module, *args, environment=()):
    """Run ``python -m module --child ARGS`` in a fresh process; return the JSON it prints last.

    Benchmarks measure memory, or configure TensorFlow's devices, in a
    process of their own; the child prints its result as one JSON line.
    ``environment`` adds variables to the child's (``KERAS_BACKEND``).
    """
    return _child_json([sys.executable, "-m", module, "--child", *(str(arg) for arg in args)], environment)


def _child_json(command, environment=()):
    """Run ``command`` with ``environment`` added; return the JSON it prints last."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **dict(environment)}
    completed = subprocess.run(command, capture_output=True, text=True, env=environment)
    if completed.returncode:
        raise RuntimeError(f"{' '.join(command[2:])} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


class PCAReconstructionError:
    """PCA as an outlier baseline: ``score_samples`` is minus the squared reconstruction error.

    PCA's own ``score_samples`` is a Gaussian log-likelihood; the outlier
    benchmarks compare reconstruction errors, as the autoencoders use.
    """

    def __init__(self, n_components, random_state=None):
        from sklearn.decomposition import PCA

        self.pca = PCA(n_components=n_components, random_state=random_state)

    def fit(self, X):
        self.pca.fit(X)
        return self

    def score_samples(self, X):
        import numpy as np

        reconstruction = self.pca.inverse_transform(self.pca.transform(X))
        return -np.sum((X - reconstruction) ** 2, axis=1)

    def __repr__(self):
        return f"PCAReconstructionError({self.pca!r})"


def code_classifier(transformer=None, *, scale=True, max_iter=1000):
    """Logistic regression on the standardised codes of a fitted ``transformer``.

    The transformer is frozen (:class:`~sklearn.frozen.FrozenEstimator`), so
    fitting the classifier leaves it as it is. Without a transformer it
    classifies the raw features (optionally unscaled, as the usual pixel
    baseline does).
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [] if transformer is None else [FrozenEstimator(transformer)]
    if scale:
        steps.append(StandardScaler())
    return make_pipeline(*steps, LogisticRegression(max_iter=max_iter))


def accuracy(classifier, X_train, y_train, X_test, y_test):
    """Test accuracy of ``classifier`` fitted on the training part.

    A ConvergenceWarning is silenced: the accuracy itself says how good the
    fit is, and the tables would drown in warnings.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(X_train, y_train)
    return float(classifier.score(X_test, y_test))


def _memory_fields():
    """Resident memory of this process in bytes: ``(anonymous, file-backed)``."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                fields[key] = int(value.split()[0]) * 1024
    return fields["RssAnon"], fields["RssFile"]


class MemorySampler:
    """Sample this process's resident memory in a thread; keep the peaks.

    Linux only (reads ``/proc/self/status``). Resident memory is split into
    anonymous pages (the process's own allocations: arrays, tensors) and
    file-backed pages (mapped files, including a ``numpy.memmap``'s pages
    while they are cached; the kernel drops those when memory is short).

    Use as a context manager; afterwards ``peak_anonymous`` and ``peak_total``
    hold the peaks in bytes and ``start_anonymous``/``start_total`` the
    values when the block began.
    """

    def __init__(self, interval=0.002):
        self.interval = interval

    def __enter__(self):
        anonymous, file_backed = _memory_fields()
        self.start_anonymous = self.peak_anonymous = anonymous
        self.start_total = self.peak_total = anonymous + file_backed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while True:
            anonymous, file_backed = _memory_fields()
            self.peak_anonymous = max(self.peak_anonymous, anonymous)
            self.peak_total = max(self.peak_total, anonymous + file_backed)
            if self._stop.wait(self.interval):
                return

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        anonymous, file_backed = _memory_fields()
        self.peak_anonymous = max(self.peak_anonymous, anonymous)
        self.peak_total = max(self.peak_total, anonymous + file_backed)


def timed_peak_memory(function):
    """Call ``function``; return its result and a dict of its time and peak memory.

    The dict holds ``peak_private_mb`` and ``peak_resident_mb`` (see
    :class:`MemorySampler`), in MB above the level when the call began, and
    ``seconds``.
    """
    with MemorySampler() as memory:
        result, seconds = timed(function)
    return result, {
        "peak_private_mb": (memory.peak_anonymous - memory.start_anonymous) / 2**20,
        "peak_resident_mb": (memory.peak_total - memory.start_total) / 2**20,
        "seconds": seconds,
    }


def _package_version(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine():
    """What the numbers were measured on."""
    try:
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gib = None
    return {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_gib": None if memory_gib is None else round(memory_gib, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        **{
            package: _package_version(package)
            for package in ("skae", "tensorflow", "jax", "torch", "keras", "scikit-learn", "numpy")
        },
    }


def report(name, rows, output, *, settings=None):
    """Print ``rows`` (dicts with the same keys) as a table; write ``output/name.json``.

    Returns the path of the JSON file, which also records the machine and the
    ``settings`` the benchmark ran with.
    """
    print(format_table(rows))
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    document = {"benchmark": name, "machine": machine(), "settings": settings or {}, "rows": rows}
    path.write_text(json.dumps(document, indent=2))
    print(f"wrote {path}")
    return path


def format_table(rows, title=None):
    """Rows of dicts as aligned plain-text columns, under ``title`` if given."""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    cells = [[_format(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = [] if title is None else [title]
    lines.append("  ".join(column.ljust(width) for column, width in zip(columns, widths)))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in cells]
    return "\n".join(lines)


def _format(value):
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)

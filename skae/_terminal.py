"""What the ``skae`` command prints: TensorFlow's start-up noise left out, and each stage timed.

Only the command line uses this module: importing skae as a library changes
no environment variable and filters nothing (``docs/getting_started.rst``
says how to quiet TensorFlow in your own scripts).
"""

import contextlib
import importlib.util
import os
import re
import sys
import tempfile
import time

#: Lines TensorFlow's C++ runtime writes to standard error as it loads and
#: first runs, on a machine without a GPU. Those from before absl's log is set
#: up ("All log messages before absl::InitializeLog()", the CUDA stub's
#: "Could not find cuda drivers") ignore ``TF_CPP_MIN_LOG_LEVEL``, so the
#: command line drops them from what it shows; the rest the level hides.
STARTUP_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|cudart_stub\.cc|Could not find cuda drivers"
    r"|failed call to cuInit|cpu_feature_guard|oneDNN custom operations|Unable to register cu\w+ factory"
    r"|computation_placer\.cc|TF-TRT Warning|Memory patch applied"
)


def quiet_tensorflow_logs(environ):
    """Show only TensorFlow's fatal C++ log lines, unless ``environ`` already sets the level."""
    environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def write_without_noise(lines, stream):
    """Write the ``lines`` that are not :data:`STARTUP_NOISE` to ``stream``."""
    for line in lines:
        if not STARTUP_NOISE.search(line):
            stream.write(line)
            stream.flush()


def import_keras_quietly():
    """Import Keras (and so TensorFlow) with the start-up noise on standard error left out.

    Standard error is sent to a file while the import runs, then written
    back without the :data:`STARTUP_NOISE` lines: any other line, such as an
    error, still shows. On Keras's other backends TensorFlow is imported
    here too when it is installed (it is a dependency of skae): Keras
    imports it anyway as a model is first saved, which would print the
    noise in the middle of the output.
    """
    if "keras" in sys.modules:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras

            if keras.backend.backend() != "tensorflow" and importlib.util.find_spec("tensorflow"):
                import tensorflow  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            write_without_noise(captured.read().decode(errors="replace").splitlines(keepends=True), sys.stderr)


def format_seconds(seconds):
    """``"4.2 s"`` below a minute, ``"3 min 05 s"`` above."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s"


@contextlib.contextmanager
def stage(message, *, prints=False):
    """Say what starts, run the block, then say how long it took.

    The time follows on the same line, unless the block ``prints`` lines of
    its own (a Keras progress bar), when it gets a line of its own.
    """
    print(f"{message} ...", end="\n" if prints else " ", flush=True)
    start = time.perf_counter()
    yield
    elapsed = format_seconds(time.perf_counter() - start)
    print(f"  ... done in {elapsed}" if prints else elapsed, flush=True)

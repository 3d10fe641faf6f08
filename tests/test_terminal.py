"""skae._terminal: TensorFlow's start-up noise left out, stages timed, no environment touched by the library."""

import io
import os
import subprocess
import sys

from skae._terminal import format_seconds, quiet_tensorflow_logs, stage, write_without_noise


def test_only_tensorflows_startup_noise_is_left_out():
    lines = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1796251651.092663   10054 cudart_stub.cc:31] Could not find cuda drivers on your machine.\n",
        "E0000 00:00:1796251654.467866   10054 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error\n",
        "UserWarning: something a user must see\n",
        "Traceback (most recent call last):\n",
    ]
    stream = io.StringIO()
    write_without_noise(lines, stream)
    assert stream.getvalue() == lines[3] + lines[4]


def test_the_log_level_is_set_only_when_the_user_has_not():
    environ = {}
    quiet_tensorflow_logs(environ)
    assert environ == {"TF_CPP_MIN_LOG_LEVEL": "3"}
    environ = {"TF_CPP_MIN_LOG_LEVEL": "0"}
    quiet_tensorflow_logs(environ)
    assert environ == {"TF_CPP_MIN_LOG_LEVEL": "0"}


def test_a_stage_says_what_starts_and_how_long_it_took(capsys, monkeypatch):
    clock = iter([10.0, 12.34, 20.0, 145.0])
    monkeypatch.setattr("skae._terminal.time.perf_counter", lambda: next(clock))
    with stage("Loading"):
        pass
    with stage("Training", prints=True):
        print("  epoch 1/2")
    assert capsys.readouterr().out == "Loading ... 2.3 s\nTraining ...\n  epoch 1/2\n  ... done in 2 min 05 s\n"
    assert format_seconds(4.24) == "4.2 s" and format_seconds(3600) == "60 min 00 s"


IMPORT_AND_FIT = """
import os
import numpy as np
import tensorflow  # TensorFlow sets variables of its own as it loads
before = dict(os.environ)
import skae
from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae.plotting import LatentSpaceDisplay
AutoencoderTransformer(latent_dim=2, epochs=1).fit(np.random.rand(50, 3))
print(sorted(set(before.items()) ^ set(os.environ.items())))
"""


def test_importing_and_using_skae_changes_no_environment_variable():
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_FIT], capture_output=True, text=True, timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "[]"

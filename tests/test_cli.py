"""The skae command line."""

import os
import re
import subprocess
import sys

import pytest

from skae import __version__
from skae.benchmarks import BENCHMARKS, SUMMARIES
from skae.cli import main


def run_skae(*args):
    return subprocess.run(
        [sys.executable, "-m", "skae", *args], capture_output=True, text=True, timeout=120
    )


def test_version():
    result = run_skae("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"skae {__version__}"


def test_help_lists_the_demo():
    result = run_skae("--help")
    assert result.returncode == 0
    assert "demo" in result.stdout


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: skae" in capsys.readouterr().out


def test_unknown_command_fails():
    result = run_skae("train")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def demo_rows(out):
    """The rows of the demo's two tables, ``(reconstruction, denoising)``, each by model name."""
    reconstruction, denoising = out.split("Reconstruction of the", 1)[1].split("Denoising the test images", 1)
    return [
        {line.split("  ")[0].strip(): line.split() for line in table.splitlines()
         if line.startswith(("AutoencoderTransformer", "PCA", "DenoisingAutoencoder"))}
        for table in (reconstruction, denoising)
    ]


def test_demo_on_digits_prints_the_tables_and_writes_the_figures(monkeypatch, capsys, tmp_path):
    import matplotlib.pyplot as plt

    figures = {}
    monkeypatch.setattr(plt, "close", lambda figure: figures.setdefault(len(figures), figure))
    assert main(["demo", "--dataset", "digits", "--epochs", "2", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "digits: 1347 training and 450 test images of 8x8, up to 2 epochs per model." in out
    assert "early stopping on 10% of the training images" in out
    reconstruction, denoising = demo_rows(out)
    assert set(reconstruction) == {"AutoencoderTransformer", "PCA"}
    assert set(denoising) == {"DenoisingAutoencoder (dense)", "PCA"}
    ae = reconstruction["AutoencoderTransformer"]
    assert ae[1] == "16" and 0 < float(ae[2]) < 0.2 and 0 < float(ae[4]) <= 1
    denoiser = denoising["DenoisingAutoencoder (dense)"]
    assert denoiser[2] == "32" and float(denoiser[4]) > 0  # PSNR of the noisy images
    latent = figures[3].axes[0]  # the digit classes get a legend, not a colour bar
    assert [text.get_text() for text in latent.get_legend().get_texts()] == [str(digit) for digit in range(10)]
    for name in ("reconstructions", "denoising", "loss_curves", "latent_space"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    plt.close("all")


def test_the_fashion_mnist_demo_runs_the_tutorials_models_and_names_the_classes(monkeypatch, capsys, tmp_path):
    # On 448 random "images" instead of Fashion-MNIST (PCA needs 392 for the denoiser's codes), one epoch each.
    import matplotlib.pyplot as plt
    import numpy as np

    import skae.datasets

    def small_fashion_mnist(path=None, *, as_float=True, download=False):
        images = np.random.default_rng(0).random((512, 28, 28), dtype=np.float32)
        labels = np.arange(512) % 10
        return (images[:448], labels[:448]), (images[448:], labels[448:])

    figures = {}
    monkeypatch.setattr(skae.datasets, "load_fashion_mnist", small_fashion_mnist)
    monkeypatch.setattr(plt, "close", lambda figure: figures.setdefault(len(figures), figure))
    assert main(["demo", "--epochs", "1", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Fashion-MNIST: 448 training and 64 test images of 28x28, up to 1 epoch per model." in out
    assert "as in the first tutorial: dense, 64 codes, loss mse, up to 1 epoch" in out
    assert "as in the second tutorial: conv filters (16, 8), loss mae, up to 1 epoch" in out
    reconstruction, denoising = demo_rows(out)
    assert reconstruction["AutoencoderTransformer"][1] == "64" and "DenoisingAutoencoder (conv)" in denoising
    latent = figures[3].axes[0]
    assert [text.get_text() for text in latent.get_legend().get_texts()] == list(skae.datasets.FASHION_MNIST_CLASS_NAMES)
    assert latent.get_xlabel() == "PCA 1 of the 64 codes"
    autoencoder_title, denoiser_title = (ax.get_title() for ax in figures[2].axes)
    assert re.fullmatch(r"The autoencoder: loss [\d.e-]+ after 1 epoch", autoencoder_title)
    assert re.fullmatch(r"The denoiser: loss [\d.e-]+ after 1 epoch", denoiser_title)
    for name in ("reconstructions", "denoising", "loss_curves", "latent_space"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    plt.close("all")


#: What TensorFlow prints as it loads and first runs on a CPU-only machine,
#: and Keras's download message: none of it may reach a newcomer's terminal.
NOISE = (
    "absl::InitializeLog", "oneDNN custom operations", "Could not find cuda drivers", "cuInit",
    "cpu_feature_guard", "Memory patch applied", "Downloading data from",
)


def test_the_quick_digits_demo_is_quiet_timed_and_shows_autoencoders_winning(tmp_path):
    # As a newcomer runs it: a fresh process, no TensorFlow log level set.
    environment = {name: value for name, value in os.environ.items() if name != "TF_CPP_MIN_LOG_LEVEL"}
    completed = subprocess.run(
        [sys.executable, "-m", "skae", "demo", "--dataset", "digits", "--quick", "--output", str(tmp_path)],
        capture_output=True, text=True, env=environment, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = completed.stdout + completed.stderr
    assert [line for line in output.splitlines() if any(noise in line for noise in NOISE)] == []
    assert completed.stderr == ""
    # Every stage says what it does and how long it took.
    # A stage of a minute or more reads "2 min 16 s" (a loaded machine, or PyTorch).
    took = r"(\d+\.\d s|\d+ min \d\d s)"
    assert re.search(rf"^Loading TensorFlow \.\.\. {took}$", completed.stdout, re.MULTILINE)
    assert len(re.findall(rf"^  \.\.\. done in {took}$", completed.stdout, re.MULTILINE)) == 3
    assert re.search(r"^  epoch \d+/106: loss [\d.e-]+, val_loss [\d.e-]+$", completed.stdout, re.MULTILINE)
    assert re.search(rf"^The demo took {took}\.$", completed.stdout, re.MULTILINE)
    # Its own tables show what the demo claims: the autoencoder reconstructs
    # better than PCA with as many codes, and the denoiser raises PSNR by at
    # least 3 dB (measured 0.0065 vs 0.0115, +3.4 dB).
    reconstruction, denoising = demo_rows(completed.stdout)
    assert float(reconstruction["AutoencoderTransformer"][2]) < float(reconstruction["PCA"][2])  # test MSE
    denoiser = denoising["DenoisingAutoencoder (dense)"]
    assert float(denoiser[4]) - float(denoiser[3]) >= 3.0
    # Where PCA's codes classify better, one sentence says so and why.
    ae_accuracy, pca_accuracy = reconstruction["AutoencoderTransformer"][4], reconstruction["PCA"][4]
    sentence = f"- PCA gives codes that a logistic regression classifies better ({pca_accuracy} against {ae_accuracy})"
    assert (sentence in completed.stdout) == (float(ae_accuracy) < float(pca_accuracy))


def test_the_digits_fallback_says_so_first_and_downloads_nothing(monkeypatch, capsys, tmp_path):
    import skae.datasets

    def must_not_download():
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(skae.datasets, "_download_with_keras", must_not_download)
    monkeypatch.setattr(skae.datasets, "_candidate_dirs", lambda path: iter([(tmp_path, "a test folder")]))
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    assert main(["demo", "--epochs", "1", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    before_training = out.split("Training ...", 1)[0]
    assert "Loading Fashion-MNIST ... not found." in before_training
    assert f"Looked in:\n  {tmp_path} (a test folder)" in before_training
    assert "Running on scikit-learn's digits instead (or pass --download)." in before_training
    assert "digits: 1347 training" in before_training
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"  # the command line quiets TensorFlow


def test_verbose_leaves_tensorflows_log_level_alone(monkeypatch, tmp_path):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    assert main(["demo", "--dataset", "digits", "--epochs", "1", "--verbose", "--output", str(tmp_path)]) == 0
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ


def test_bench_help_gives_one_line_per_benchmark():
    result = run_skae("bench", "--help")
    assert result.returncode == 0
    lines = result.stdout.split("measures (on 2 CPU cores)\n", 1)[1].splitlines()
    for name, line in zip(BENCHMARKS, lines):
        assert line.split()[0] == name and line.endswith(SUMMARIES[name])
        assert re.search(r"  (\d+ min|under 1 min|\*) / (\d+ min|under 1 min) ", line), line
    assert lines[len(BENCHMARKS)].startswith("* not timed alone")


@pytest.mark.parametrize(
    "args", [["demo", "--dataset", "cifar"], ["demo", "--epochs", "x"], ["demo", "--epochs", "0"]]
)
def test_demo_rejects_bad_options(args):
    with pytest.raises(SystemExit) as error:
        main(args)
    assert error.value.code == 2

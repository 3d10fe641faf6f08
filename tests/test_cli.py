"""The skae command line."""

import subprocess
import sys

import pytest

from skae import __version__
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


def test_demo_on_digits_prints_the_tables_and_writes_the_figures(capsys, tmp_path):
    assert main(["demo", "--dataset", "digits", "--epochs", "2", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "digits: 1347 training and 450 test images of 8x8, 2 epochs per model." in out
    assert "Epoch 2/2" in out  # Keras's progress is shown
    rows = {line.split("  ")[0].strip(): line.split() for line in out.splitlines()
            if line.startswith(("AutoencoderTransformer", "PCA", "DenoisingAutoencoder"))}
    assert set(rows) == {"AutoencoderTransformer", "PCA", "DenoisingAutoencoder (conv)"}
    ae = rows["AutoencoderTransformer"]
    assert ae[1] == "16" and 0 < float(ae[2]) < 0.2 and 0 < float(ae[4]) <= 1
    denoiser = rows["DenoisingAutoencoder (conv)"]
    assert denoiser[2] == "32" and float(denoiser[4]) > 0  # PSNR of the noisy images
    for name in ("reconstructions", "denoising", "loss_curves", "latent_space"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_demo_falls_back_to_digits_without_fashion_mnist(monkeypatch, capsys, tmp_path):
    import skae.datasets

    def missing(*args, **kwargs):
        raise FileNotFoundError("Fashion-MNIST was not found.")

    monkeypatch.setattr(skae.datasets, "load_fashion_mnist", missing)
    assert main(["demo", "--epochs", "1", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Running on scikit-learn's digits instead." in out
    assert "digits:" in out


@pytest.mark.parametrize(
    "args", [["demo", "--dataset", "cifar"], ["demo", "--epochs", "x"], ["demo", "--epochs", "0"]]
)
def test_demo_rejects_bad_options(args):
    with pytest.raises(SystemExit) as error:
        main(args)
    assert error.value.code == 2

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


def demo_rows(out):
    """The rows of the demo's two tables, ``(reconstruction, denoising)``, each by model name."""
    reconstruction, denoising = out.split("Reconstruction of the", 1)[1].split("Denoising the test images", 1)
    return [
        {line.split("  ")[0].strip(): line.split() for line in table.splitlines()
         if line.startswith(("AutoencoderTransformer", "PCA", "DenoisingAutoencoder"))}
        for table in (reconstruction, denoising)
    ]


def test_demo_on_digits_prints_the_tables_and_writes_the_figures(capsys, tmp_path):
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
    for name in ("reconstructions", "denoising", "loss_curves", "latent_space"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_the_quick_digits_demo_shows_autoencoders_winning(capsys, tmp_path):
    # Its own tables must show what the demo claims: the autoencoder
    # reconstructs better than PCA with as many codes, and the denoiser
    # raises PSNR by at least 3 dB (measured 0.0064 vs 0.0115, +3.4 dB).
    assert main(["demo", "--dataset", "digits", "--quick", "--output", str(tmp_path)]) == 0
    reconstruction, denoising = demo_rows(capsys.readouterr().out)
    assert float(reconstruction["AutoencoderTransformer"][2]) < float(reconstruction["PCA"][2])  # test MSE
    denoiser = denoising["DenoisingAutoencoder (dense)"]
    assert float(denoiser[4]) - float(denoiser[3]) >= 3.0


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

"""The ``skae`` command line.

``skae demo`` runs the two classic tutorials' models on Fashion-MNIST through
:class:`skae.AutoencoderTransformer` and :class:`skae.DenoisingAutoencoder`,
compares them with PCA of the same size, and writes figures. TensorFlow is
imported only by the subcommands that need it, so ``skae --help`` and ``skae
--version`` answer at once.
"""

import argparse
import math
import os
import sys

from ._version import __version__


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _benchmark_name(text):
    from .benchmarks import BENCHMARKS

    if text not in BENCHMARKS:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {text!r}; choose from {', '.join(BENCHMARKS)}"
        )
    return text


def _add_demo_parser(commands):
    demo = commands.add_parser(
        "demo",
        help="run both tutorials' autoencoders through skae and compare them with PCA",
        description=(
            "Train the classic tutorials' dense autoencoder (64 codes) and "
            "convolutional denoiser (Gaussian noise 0.2) on Fashion-MNIST "
            "through skae, 10 epochs each, print their test errors next to PCA "
            "with the same number of components, and write the figures as PNG "
            "files. Falls back to scikit-learn's digits when Fashion-MNIST is "
            "not available; on such small data the tutorials' models lose to PCA, "
            "so the demo trains deeper nets there, until early stopping."
        ),
    )
    demo.add_argument(
        "--dataset", choices=["fashion-mnist", "digits"], default="fashion-mnist",
        help="data to run on (default: fashion-mnist, falling back to digits)",
    )
    demo.add_argument(
        "--epochs", type=_positive_int, default=None,
        help=(
            "training epochs of each model (default: 10, 5 with --quick; on the digits, enough "
            "for 8,000 steps, 4,000 with --quick, ended by early stopping)"
        ),
    )
    demo.add_argument(
        "--quick", action="store_true",
        help="5 epochs on 30,000 training images: under 2 minutes on 2 CPU cores (digits: under a minute)",
    )
    demo.add_argument(
        "--output", default="skae-demo", help="folder for the PNG figures (default: ./skae-demo)"
    )
    demo.set_defaults(handler=_run_demo)


def _add_bench_parser(commands):
    from .benchmarks import BENCHMARKS, DEFAULT_OUTPUT

    bench = commands.add_parser(
        "bench",
        help="run the benchmark suite: speed, memory and quality against Keras and PCA",
        description=(
            "Run skae's benchmarks one after the other, each in a fresh process: "
            "fit overhead and prediction speed against hand-written Keras, peak "
            "memory on a memmap, memory over many fits, out-of-core training, "
            "parallel and cluster search, transform on a cluster, multi-device "
            "fits, quality against PCA on Fashion-MNIST, the defaults against the "
            "tutorial's model there (image_defaults), and the variational "
            "autoencoder's likelihood bounds against probabilistic PCA; "
            "outlier detection on one-class Fashion-MNIST and, "
            "with --data, the ODDS benchmark; reconstruction of real tables against "
            "PCA (tabular; the ODDS tables join with --data). "
            "Each prints a table and writes a JSON "
            "file. On 2 CPU cores the full run took about 51 minutes before one_class "
            "(5 minutes), vae (18 minutes), outliers (6 minutes), image_defaults "
            "(4 minutes) and tabular (61 minutes with --data) joined it; --quick "
            "about 8 minutes, plus about 1 for one_class, half a minute for vae and 2 for "
            "image_defaults and tabular together."
        ),
    )
    bench.add_argument(
        "names", nargs="*", type=_benchmark_name, metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)}; outliers only with --data)",
    )
    bench.add_argument("--quick", action="store_true", help="less data, fewer repeats")
    bench.add_argument(
        "--data", default=None, metavar="DIR",
        help="folder of the ODDS .mat files for the outliers benchmark, which runs only with it",
    )
    bench.add_argument(
        "--output", default=DEFAULT_OUTPUT, help=f"folder for the JSON files (default: ./{DEFAULT_OUTPUT})"
    )
    bench.set_defaults(handler=_run_bench)


def _build_parser():
    parser = argparse.ArgumentParser(prog="skae", description="Keras autoencoders as scikit-learn estimators.")
    parser.add_argument("--version", action="version", version=f"skae {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_demo_parser(commands)
    _add_bench_parser(commands)
    return parser


def _load_demo_data(dataset, quick):
    """Return ``(name, (X_train, y_train), (X_test, y_test))``, images in [0, 1]."""
    if dataset == "fashion-mnist":
        from .datasets import load_fashion_mnist

        try:
            (X_train, y_train), (X_test, y_test) = load_fashion_mnist(as_float=True)
        except FileNotFoundError as error:
            print(f"{error}\nRunning on scikit-learn's digits instead.\n")
        else:
            if quick:
                X_train, y_train = X_train[:30000], y_train[:30000]
            return "Fashion-MNIST", (X_train, y_train), (X_test, y_test)
    from .datasets import load_digit_images

    return "digits", *load_digit_images()


def _reconstruction_rows(autoencoder, seconds, train, test, latent_dim):
    """The dense autoencoder and PCA of its size: test errors, code accuracy, fit time."""
    from sklearn.decomposition import PCA

    from .benchmarks._common import accuracy, code_classifier, timed
    from .metrics import reconstruction_error

    (X_train, y_train), (X_test, y_test) = train, test
    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    pca, pca_seconds = timed(lambda: PCA(n_components=latent_dim, random_state=0).fit(flat_train))
    rows = []
    for label, model, (fit_X, test_X), fit_seconds in (
        ("AutoencoderTransformer", autoencoder, (X_train, X_test), seconds),
        ("PCA", pca, (flat_train, flat_test), pca_seconds),
    ):
        reconstructed = model.inverse_transform(model.transform(test_X))
        rows.append({
            "model": label, "codes": latent_dim,
            "test MSE": f"{reconstruction_error(X_test, reconstructed, 'mse'):.5f}",
            "test MAE": f"{reconstruction_error(X_test, reconstructed, 'mae'):.4f}",
            "logistic regression accuracy on codes": (
                f"{accuracy(code_classifier(model, max_iter=300), fit_X, y_train, test_X, y_test):.4f}"
            ),
            "fit (s)": f"{fit_seconds:.1f}",
        })
    return rows


def _denoising_rows(denoiser, seconds, X_train, X_test, X_test_noisy):
    """The conv denoiser and PCA of its size: PSNR before and after, test MAE, fit time."""
    from sklearn.decomposition import PCA

    from .benchmarks._common import timed
    from .metrics import reconstruction_error

    n_codes = denoiser.transform(X_test[:1]).shape[1]
    flat_train = X_train.reshape(len(X_train), -1)
    n_components = min(n_codes, flat_train.shape[1])
    pca, pca_seconds = timed(lambda: PCA(n_components=n_components, random_state=0).fit(flat_train))
    noisy_psnr = reconstruction_error(X_test, X_test_noisy, "psnr", data_range=1.0)
    pca_cleaned = pca.inverse_transform(pca.transform(X_test_noisy.reshape(len(X_test), -1)))
    rows = []
    for label, cleaned, codes, fit_seconds in (
        (f"DenoisingAutoencoder ({denoiser.architecture})", denoiser.denoise(X_test_noisy), n_codes, seconds),
        ("PCA", pca_cleaned, pca.n_components_, pca_seconds),
    ):
        rows.append({
            "model": label, "codes": codes, "PSNR noisy (dB)": f"{noisy_psnr:.2f}",
            "PSNR denoised (dB)": f"{reconstruction_error(X_test, cleaned, 'psnr', data_range=1.0):.2f}",
            "test MAE": f"{reconstruction_error(X_test, cleaned, 'mae'):.4f}",
            "fit (s)": f"{fit_seconds:.1f}",
        })
    return rows


def _write_figures(output, autoencoder, denoiser, X_test, X_test_noisy, y_test, class_names=None):
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .plotting import DenoisingDisplay, LatentSpaceDisplay, LossCurveDisplay, ReconstructionDisplay

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    figures = {
        "reconstructions.png": lambda: ReconstructionDisplay.from_estimator(autoencoder, X_test),
        "denoising.png": lambda: DenoisingDisplay.from_estimator(denoiser, X_test, X_test_noisy),
        "loss_curves.png": lambda: LossCurveDisplay({
            f"{autoencoder.architecture} autoencoder loss ({autoencoder.loss.upper()})": autoencoder.history_["loss"],
            f"{denoiser.architecture} denoiser loss ({denoiser.loss.upper()})": denoiser.history_["loss"],
        }).plot(),
        "latent_space.png": lambda: LatentSpaceDisplay.from_estimator(
            autoencoder, X_test, y_test, class_names=class_names
        ),
    }
    print()
    for file_name, draw in figures.items():
        display = draw()
        display.figure_.tight_layout()
        display.figure_.savefig(output / file_name, dpi=100)
        plt.close(display.figure_)
        print(f"wrote {output / file_name}")


#: The digits fallback trains each model for at most this many gradient steps
#: (half with ``--quick``); early stopping on a validation split usually ends
#: it sooner. Ten epochs of 1,347 images are only 430 steps.
SMALL_DATA_STEPS = 8000


def _demo_estimators(small_data, n_train, epochs, quick):
    """The demo's ``(autoencoder, denoiser)``: the tutorials' models, or for small data nets that suit it.

    Measured on the digits (1,347 training images, see docs/performance.rst):
    the tutorials' one-layer models and 5-10 epochs lose to PCA there, and
    the conv denoiser makes the noisy images worse; two ELU layers, MSE and
    training to early stopping beat PCA and raise PSNR by over 3 dB.
    """
    from .autoencoder import AutoencoderTransformer
    from .denoising import DenoisingAutoencoder

    noise = dict(noise="gaussian", noise_factor=0.2)
    if not small_data:
        epochs = epochs or (5 if quick else 10)
        # The tutorials' models exactly, not the defaults (chosen for tables).
        return (
            AutoencoderTransformer(
                latent_dim=64, hidden_layer_sizes=(), activation="relu", code_activation="relu",
                output_activation="sigmoid", epochs=epochs, batch_size=32, verbose=1, random_state=0,
            ),
            DenoisingAutoencoder(
                architecture="conv", activation="relu", loss="mae", output_activation="sigmoid", epochs=epochs,
                batch_size=32, verbose=1, random_state=0, **noise,
            ),
        )
    validation_split = 0.1
    steps_per_epoch = math.ceil(n_train * (1 - validation_split) / 32)
    epochs = epochs or math.ceil(SMALL_DATA_STEPS / (2 if quick else 1) / steps_per_epoch)
    training = dict(
        activation="elu", code_activation="elu", epochs=epochs, validation_split=validation_split,
        early_stopping=True, patience=20, random_state=0,
    )
    return (
        AutoencoderTransformer(latent_dim=16, hidden_layer_sizes=(128, 64), **training),
        DenoisingAutoencoder(latent_dim=32, hidden_layer_sizes=(256,), loss="mse", **noise, **training),
    )


def _describe(estimator):
    """How an estimator of the demo is built and trained, in a few words."""
    if estimator.architecture == "conv":
        layers = f"conv filters {tuple(estimator.conv_filters)}"
    else:
        hidden = tuple(estimator.hidden_layer_sizes)
        layers = (f"dense {estimator.activation} layers {hidden}, " if hidden else "dense, ") + f"{estimator.latent_dim} codes"
    text = f"{layers}, loss {estimator.loss}, up to {estimator.epochs} epochs"
    if estimator.early_stopping:
        text += f", early stopping on {estimator.validation_split:.0%} of the training images"
    return text


def _run_demo(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import matplotlib

    matplotlib.use("Agg")
    from .benchmarks._common import format_table, timed
    from .noise import gaussian

    name, (X_train, y_train), (X_test, y_test) = _load_demo_data(args.dataset, args.quick)
    small_data = name != "Fashion-MNIST"
    autoencoder, denoiser = _demo_estimators(small_data, len(X_train), args.epochs, args.quick)
    side = X_train.shape[1]
    print(f"{name}: {len(X_train)} training and {len(X_test)} test images of {side}x{side}, "
          f"up to {autoencoder.epochs} epochs per model.")
    if small_data:
        print("Small data: deeper nets than the tutorials', trained until the validation loss stops improving.")

    print(f"\n1. The dense autoencoder ({autoencoder.latent_dim} codes)"
          + ("" if small_data else ", as in the first tutorial") + f": {_describe(autoencoder)}")
    _, ae_seconds = timed(lambda: autoencoder.fit(X_train))
    reconstruction = _reconstruction_rows(
        autoencoder, ae_seconds, (X_train, y_train), (X_test, y_test), autoencoder.latent_dim
    )

    print("\n2. The denoiser (Gaussian noise 0.2)" + ("" if small_data else ", as in the second tutorial")
          + f": {_describe(denoiser)}")
    _, dae_seconds = timed(lambda: denoiser.fit(X_train))
    X_test_noisy = gaussian(X_test, 0.2, value_range=(0, 1), random_state=0)
    denoising = _denoising_rows(denoiser, dae_seconds, X_train, X_test, X_test_noisy)

    print("\n" + format_table(reconstruction, f"Reconstruction of the {len(X_test)} test images"))
    print("\n" + format_table(denoising, "Denoising the test images (Gaussian noise 0.2, clipped to [0, 1])"))
    from .datasets import FASHION_MNIST_CLASS_NAMES

    class_names = None if small_data else FASHION_MNIST_CLASS_NAMES
    _write_figures(args.output, autoencoder, denoiser, X_test, X_test_noisy, y_test, class_names)
    return 0


def _run_bench(args):
    from .benchmarks import run_suite

    failed = run_suite(args.names or None, quick=args.quick, output=args.output, data=args.data)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nJSON files in {args.output}")
    return 0


def main(argv=None):
    """Run the ``skae`` command; return its exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

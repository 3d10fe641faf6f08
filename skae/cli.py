"""The ``skae`` command line.

``skae demo`` runs the two classic tutorials' models on Fashion-MNIST through
:class:`skae.AutoencoderTransformer` and :class:`skae.DenoisingAutoencoder`,
compares them with PCA of the same size, and writes figures. TensorFlow is
imported only by the subcommands that need it, so ``skae --help`` and ``skae
--version`` answer at once.
"""

import argparse
import os
import sys
import time

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


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skae",
        description="Keras autoencoders as scikit-learn estimators.",
    )
    parser.add_argument("--version", action="version", version=f"skae {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run both tutorials' autoencoders through skae and compare them with PCA",
        description=(
            "Train the classic tutorials' dense autoencoder (64 codes) and "
            "convolutional denoiser (Gaussian noise 0.2) on Fashion-MNIST "
            "through skae, 10 epochs each, print their test errors next to PCA "
            "with the same number of components, and write the figures as PNG "
            "files. Falls back to scikit-learn's digits when Fashion-MNIST is "
            "not available."
        ),
    )
    demo.add_argument(
        "--dataset",
        choices=["fashion-mnist", "digits"],
        default="fashion-mnist",
        help="data to run on (default: fashion-mnist, falling back to digits)",
    )
    demo.add_argument(
        "--epochs", type=_positive_int, default=None,
        help="training epochs of each model (default: 10; 5 with --quick)",
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="5 epochs on 30,000 training images: under 2 minutes on 2 CPU cores",
    )
    demo.add_argument(
        "--output", default="skae-demo", help="folder for the PNG figures (default: ./skae-demo)"
    )
    demo.set_defaults(handler=_run_demo)

    from .benchmarks import BENCHMARKS, DEFAULT_OUTPUT

    bench = commands.add_parser(
        "bench",
        help="run the benchmark suite: speed, memory and quality against Keras and PCA",
        description=(
            "Run skae's benchmarks one after the other, each in a fresh process: "
            "fit overhead and prediction speed against hand-written Keras, peak "
            "memory on a memmap, out-of-core training, parallel and cluster "
            "search, multi-device fits, and quality against PCA on Fashion-MNIST. "
            "Each prints a table and writes a JSON file. On 2 CPU cores the full "
            "run took about 45 minutes (37 before out_of_core and scale_out, "
            "which took about 4 each); --quick about 6."
        ),
    )
    bench.add_argument(
        "names", nargs="*", type=_benchmark_name, metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    bench.add_argument("--quick", action="store_true", help="less data, fewer repeats")
    bench.add_argument(
        "--output", default=DEFAULT_OUTPUT,
        help=f"folder for the JSON files (default: ./{DEFAULT_OUTPUT})",
    )
    bench.set_defaults(handler=_run_bench)
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


def _timed_fit(estimator, X):
    start = time.perf_counter()
    estimator.fit(X)
    return time.perf_counter() - start


def _code_accuracy(transformer, X_train, y_train, X_test, y_test):
    """Test accuracy of logistic regression on standardised codes."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    with warnings.catch_warnings():
        # 300 solver steps are plenty for a comparison; the table says how good.
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(transformer.transform(X_train), y_train)
    return classifier.score(transformer.transform(X_test), y_test)


def _print_table(title, columns, rows):
    print(f"\n{title}")
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(columns)]
    print("  ".join(column.ljust(width) for column, width in zip(columns, widths)))
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))


def _run_demo(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.decomposition import PCA

    from .autoencoder import AutoencoderTransformer
    from .denoising import DenoisingAutoencoder
    from .metrics import reconstruction_error
    from .noise import gaussian
    from .plotting import DenoisingDisplay, LatentSpaceDisplay, LossCurveDisplay, ReconstructionDisplay

    name, (X_train, y_train), (X_test, y_test) = _load_demo_data(args.dataset, args.quick)
    epochs = args.epochs or (5 if args.quick else 10)
    side = X_train.shape[1]
    latent_dim = 64 if side == 28 else 16
    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    print(
        f"{name}: {len(X_train)} training and {len(X_test)} test images of {side}x{side}, "
        f"{epochs} epochs per model."
    )

    print(f"\n1. The dense autoencoder ({latent_dim} codes), as in the first tutorial")
    autoencoder = AutoencoderTransformer(latent_dim=latent_dim, epochs=epochs, verbose=1, random_state=0)
    ae_seconds = _timed_fit(autoencoder, X_train)
    start = time.perf_counter()
    pca = PCA(n_components=latent_dim, random_state=0).fit(flat_train)
    pca_seconds = time.perf_counter() - start
    reconstruction_rows = []
    for label, model, data, seconds in (
        ("AutoencoderTransformer", autoencoder, (X_train, X_test), ae_seconds),
        ("PCA", pca, (flat_train, flat_test), pca_seconds),
    ):
        reconstructed = model.inverse_transform(model.transform(data[1]))
        reconstruction_rows.append([
            label, str(latent_dim),
            f"{reconstruction_error(X_test, reconstructed, 'mse'):.5f}",
            f"{reconstruction_error(X_test, reconstructed, 'mae'):.4f}",
            f"{_code_accuracy(model, data[0], y_train, data[1], y_test):.4f}",
            f"{seconds:.1f}",
        ])

    print("\n2. The convolutional denoiser (Gaussian noise 0.2, MAE), as in the second tutorial")
    denoiser = DenoisingAutoencoder(
        architecture="conv", noise="gaussian", noise_factor=0.2, loss="mae",
        epochs=epochs, verbose=1, random_state=0,
    )
    dae_seconds = _timed_fit(denoiser, X_train)
    n_codes = denoiser.transform(X_test[:1]).shape[1]
    start = time.perf_counter()
    pca_denoiser = PCA(n_components=min(n_codes, flat_train.shape[1]), random_state=0).fit(flat_train)
    pca_denoiser_seconds = time.perf_counter() - start
    X_test_noisy = gaussian(X_test, 0.2, clip_range=(0, 1), random_state=0)
    flat_noisy = X_test_noisy.reshape(len(X_test), -1)
    noisy_psnr = reconstruction_error(X_test, X_test_noisy, "psnr", data_range=1.0)
    denoising_rows = []
    for label, cleaned, codes, seconds in (
        ("DenoisingAutoencoder (conv)", denoiser.denoise(X_test_noisy), n_codes, dae_seconds),
        ("PCA", pca_denoiser.inverse_transform(pca_denoiser.transform(flat_noisy)),
         pca_denoiser.n_components_, pca_denoiser_seconds),
    ):
        denoising_rows.append([
            label, str(codes), f"{noisy_psnr:.2f}",
            f"{reconstruction_error(X_test, cleaned, 'psnr', data_range=1.0):.2f}",
            f"{reconstruction_error(X_test, cleaned, 'mae'):.4f}",
            f"{seconds:.1f}",
        ])

    _print_table(
        f"Reconstruction of the {len(X_test)} test images",
        ["model", "codes", "test MSE", "test MAE", "logistic regression accuracy on codes", "fit (s)"],
        reconstruction_rows,
    )
    _print_table(
        "Denoising the test images (Gaussian noise 0.2, clipped to [0, 1])",
        ["model", "codes", "PSNR noisy (dB)", "PSNR denoised (dB)", "test MAE", "fit (s)"],
        denoising_rows,
    )

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    figures = {
        "reconstructions.png": lambda ax: ReconstructionDisplay.from_estimator(autoencoder, X_test, ax=ax),
        "denoising.png": lambda ax: DenoisingDisplay.from_estimator(denoiser, X_test, X_test_noisy, ax=ax),
        "loss_curves.png": lambda ax: LossCurveDisplay({
            "dense autoencoder loss (MSE)": autoencoder.history_["loss"],
            "conv denoiser loss (MAE)": denoiser.history_["loss"],
        }).plot(ax=ax),
        "latent_space.png": lambda ax: LatentSpaceDisplay.from_estimator(
            autoencoder, X_test, y_test, ax=ax
        ),
    }
    print()
    for file_name, draw in figures.items():
        display = draw(None)
        display.figure_.tight_layout()
        display.figure_.savefig(output / file_name, dpi=100)
        plt.close(display.figure_)
        print(f"wrote {output / file_name}")
    return 0


def _run_bench(args):
    from .benchmarks import BENCHMARKS, run_suite

    failed = run_suite(args.names or BENCHMARKS, quick=args.quick, output=args.output)
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

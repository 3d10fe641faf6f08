"""The ``skae`` command line.

``skae demo`` runs the classic tutorial's dense autoencoder on Fashion-MNIST
through :class:`skae.AutoencoderTransformer` and compares it with PCA of the
same size. TensorFlow is imported only by the subcommands that need it, so
``skae --help`` and ``skae --version`` answer at once.
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


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skae",
        description="Keras autoencoders as scikit-learn estimators.",
    )
    parser.add_argument("--version", action="version", version=f"skae {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="train the tutorial's dense autoencoder and compare it with PCA",
        description=(
            "Train the classic tutorial's dense autoencoder (64 codes, 10 epochs) "
            "on Fashion-MNIST through skae, and print its test reconstruction "
            "error next to PCA's with the same number of components. Falls back "
            "to scikit-learn's digits when Fashion-MNIST is not available."
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
        help="training epochs (default: 10; 2 with --quick)",
    )
    demo.add_argument(
        "--quick",
        action="store_true",
        help="2 epochs on 10,000 training images: about a minute on 2 CPU cores",
    )
    demo.set_defaults(handler=_run_demo)
    return parser


def _load_demo_data(dataset, quick):
    """Return ``(name, X_train, X_test, image_side)`` scaled to [0, 1]."""
    if dataset == "fashion-mnist":
        from .datasets import load_fashion_mnist

        try:
            (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True)
        except FileNotFoundError as error:
            print(f"{error}\nRunning on scikit-learn's digits instead.\n")
        else:
            if quick:
                X_train = X_train[:10000]
            return "Fashion-MNIST", X_train, X_test, 28
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X = (load_digits().data / 16.0).reshape(-1, 8, 8)
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
    return "digits", X_train, X_test, 8


def _run_demo(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    from sklearn.decomposition import PCA

    from .autoencoder import AutoencoderTransformer

    name, X_train, X_test, side = _load_demo_data(args.dataset, args.quick)
    epochs = args.epochs or (2 if args.quick else 10)
    latent_dim = 64 if side == 28 else 16
    print(
        f"{name}: {len(X_train)} training and {len(X_test)} test images of "
        f"{side}x{side}; dense autoencoder with {latent_dim} codes, {epochs} epochs."
    )

    autoencoder = AutoencoderTransformer(
        latent_dim=latent_dim, epochs=epochs, verbose=1, random_state=0
    )
    start = time.perf_counter()
    autoencoder.fit(X_train)
    ae_seconds = time.perf_counter() - start
    ae_mse = -autoencoder.score(X_test)

    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    start = time.perf_counter()
    pca = PCA(n_components=latent_dim, random_state=0).fit(flat_train)
    pca_seconds = time.perf_counter() - start
    pca_mse = float(np.mean((pca.inverse_transform(pca.transform(flat_test)) - flat_test) ** 2))

    print()
    print(f"{'model':<28}{'codes':>6}{'test MSE':>11}{'fit (s)':>9}")
    print(f"{'AutoencoderTransformer':<28}{latent_dim:>6}{ae_mse:>11.5f}{ae_seconds:>9.1f}")
    print(f"{'PCA':<28}{latent_dim:>6}{pca_mse:>11.5f}{pca_seconds:>9.1f}")
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

"""The ``skae`` command line.

``skae demo`` runs the two classic tutorials' models on Fashion-MNIST through
:class:`skae.AutoencoderTransformer` and :class:`skae.DenoisingAutoencoder`,
compares them with PCA of the same size, and writes figures; ``skae bench``
runs the benchmark suite. TensorFlow is imported only by the subcommands that
need it, so ``skae --help`` and ``skae --version`` answer at once, and its
start-up lines are hidden unless ``--verbose`` is given (``skae/_terminal.py``).
"""

import argparse
import os
import sys

from ._terminal import quiet_tensorflow_logs
from ._version import __version__

# The demo's wall times on 2 CPU cores without a GPU, idle and shared with
# other work (README, "Quick start", says where each was measured).
DEMO_TIME = "about 3 minutes idle, 7 to 9 shared"
QUICK_TIME = "80 s idle, 111 s shared"
DIGITS_TIME = "23 s idle, 44 s shared"
QUICK_DIGITS_TIME = "17 s idle"


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


def _add_verbose(parser):
    parser.add_argument(
        "--verbose", action="store_true",
        help="show TensorFlow's start-up and log lines (hidden by default, unless TF_CPP_MIN_LOG_LEVEL is set)",
    )


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
            "not on this machine; on such small data the tutorials' models lose to PCA, "
            "so the demo trains deeper nets there, until early stopping. "
            f"On 2 CPU cores it takes {DEMO_TIME} (digits: {DIGITS_TIME})."
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
        help=f"5 epochs on 30,000 training images: {QUICK_TIME} on 2 CPU cores (digits: {QUICK_DIGITS_TIME})",
    )
    demo.add_argument(
        "--download", action="store_true",
        help="download Fashion-MNIST through Keras if it is not on this machine (needs the network)",
    )
    demo.add_argument(
        "--output", default="skae-demo", help="folder for the PNG figures (default: ./skae-demo)"
    )
    _add_verbose(demo)
    demo.set_defaults(handler=_run_demo)


def _add_bench_parser(commands):
    from .benchmarks import BENCHMARKS, DEFAULT_OUTPUT, describe_benchmarks

    bench = commands.add_parser(
        "bench",
        help="run the benchmark suite: speed, memory and quality against Keras and PCA",
        description=(
            "Run skae's benchmarks one after the other, each in a fresh process; each prints a table "
            "and writes a JSON file."
        ),
        epilog=describe_benchmarks(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument(
        "names", nargs="*", type=_benchmark_name, metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)}; outliers only with --data)",
    )
    bench.add_argument("--quick", action="store_true", help="less data, fewer repeats")
    bench.add_argument(
        "--data", default=None, metavar="DIR",
        help="folder of the ten ODDS .mat files: outliers runs only with it, and tabular adds them to its tables",
    )
    bench.add_argument(
        "--backend", default=None, metavar="NAMES",
        help="Keras backends for fit_overhead and prediction, comma-separated, or 'all' "
        "(tensorflow, jax, torch; default: the one Keras uses)",
    )
    bench.add_argument(
        "--output", default=DEFAULT_OUTPUT, help=f"folder for the JSON files (default: ./{DEFAULT_OUTPUT})"
    )
    _add_verbose(bench)
    bench.set_defaults(handler=_run_bench)


def _build_parser():
    parser = argparse.ArgumentParser(prog="skae", description="Keras autoencoders as scikit-learn estimators.")
    parser.add_argument("--version", action="version", version=f"skae {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_demo_parser(commands)
    _add_bench_parser(commands)
    return parser


def _run_demo(args):
    from ._demo import run_demo

    return run_demo(
        args.dataset, epochs=args.epochs, quick=args.quick, output=args.output, download=args.download,
        quiet=not args.verbose,
    )


def _run_bench(args):
    from .benchmarks import run_suite

    failed = run_suite(
        args.names or None, quick=args.quick, output=args.output, data=args.data, backend=args.backend,
        quiet=not args.verbose,
    )
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
    if not args.verbose:
        quiet_tensorflow_logs(os.environ)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())

"""The denoising tutorial's convolutional autoencoder: skae against raw Keras.

Both train Conv2D(16)/Conv2D(8) stride 2 -> Conv2DTranspose(8)/(16) ->
Conv2D(1, sigmoid) with MAE and Adam, batches of 32, on Fashion-MNIST's
60,000 training images with Gaussian noise of factor 0.2 clipped to [0, 1].
The raw Keras script corrupts the data once, as the tutorial does; skae's
DenoisingAutoencoder draws fresh noise for every batch (its default). Both
are graded on the same noisy test images: MAE and MSE of the denoised images
against the clean ones, and PSNR of noisy and denoised images.

Results depend on the initial weights (after 2 epochs the test MAE ranges
from about 0.049 to 0.058 over seeds, for raw Keras and skae alike), so each
model is fitted with ``--seeds`` seeds and the medians are reported too.
With several seeds of each, the last lines compare the test MAE of the two
as unpaired samples (seed k of one has nothing to do with seed k of the
other): each one's mean and standard deviation, the difference of the means
(skae minus Keras) with Welch's 95% confidence interval, and the ratio of
the means. Parity at 2 epochs means an interval that contains zero or lies
below it; at 10 epochs, a ratio of at most 1.02.
``--quick`` fits 1 epoch on 10,000 images with one seed.

    python -m skae.benchmarks.seed_denoiser [--epochs N] [--seeds K] [--skip-keras]
                                            [--quick] [--output DIR]
"""

import argparse
import statistics
import time

from ._common import DEFAULT_OUTPUT, report

NAME = "seed_denoiser"
QUICK_IMAGES = 10_000


def psnr(clean, other, data_range=1.0):
    import numpy as np

    return float(10 * np.log10(data_range**2 / np.mean((clean - other) ** 2)))


def mae_summary(skae_maes, keras_maes, confidence=0.95):
    """Compare two unpaired samples of test MAE: means, sds, Welch's interval of the difference.

    Returns a dict; the interval and ``parity`` (the interval reaches zero or
    lies below it) are ``None`` with fewer than two values on either side.
    """
    from scipy import stats

    summary = {
        "skae_mean": statistics.fmean(skae_maes), "keras_mean": statistics.fmean(keras_maes),
        "skae_sd": None, "keras_sd": None, "difference": None, "ci_low": None, "ci_high": None,
        "ratio": statistics.fmean(skae_maes) / statistics.fmean(keras_maes), "parity": None,
    }
    summary["difference"] = summary["skae_mean"] - summary["keras_mean"]
    if min(len(skae_maes), len(keras_maes)) < 2:
        return summary
    test = stats.ttest_ind(skae_maes, keras_maes, equal_var=False)
    interval = test.confidence_interval(confidence)
    summary.update(
        skae_sd=statistics.stdev(skae_maes), keras_sd=statistics.stdev(keras_maes),
        ci_low=float(interval.low), ci_high=float(interval.high), parity=bool(interval.low <= 0),
    )
    return summary


def summary_lines(summary, n_skae, n_keras):
    """The printed comparison of :func:`mae_summary`."""
    lines = [
        f"test MAE, skae: mean {summary['skae_mean']:.5f}" + (
            "" if summary["skae_sd"] is None else f" (sd {summary['skae_sd']:.5f})") + f", {n_skae} seeds",
        f"test MAE, raw Keras: mean {summary['keras_mean']:.5f}" + (
            "" if summary["keras_sd"] is None else f" (sd {summary['keras_sd']:.5f})") + f", {n_keras} seeds",
        f"ratio of the means (skae / Keras): {summary['ratio']:.4f}",
    ]
    if summary["parity"] is None:
        lines.append("difference of the means: needs at least 2 seeds of each for an interval")
    else:
        lines.append(
            f"difference of the means (skae - Keras): {summary['difference']:+.5f}, 95% CI "
            f"[{summary['ci_low']:+.5f}, {summary['ci_high']:+.5f}] (Welch, unpaired): parity "
            + ("met (the interval reaches zero or lies below it)" if summary["parity"] else "NOT met")
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=None, help="default: 2 (1 with --quick)")
    parser.add_argument(
        "--seeds", type=int, default=None, help="fits per model, seeds 0..K-1 (default: 3, 1 with --quick)"
    )
    parser.add_argument("--skip-keras", action="store_true", help="run skae only")
    parser.add_argument("--quick", action="store_true", help="1 epoch, 1 seed, 10,000 images")
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    args.epochs = args.epochs or (1 if args.quick else 2)
    args.seeds = args.seeds or (1 if args.quick else 3)

    import keras
    import numpy as np

    from skae import DenoisingAutoencoder
    from skae.datasets import load_fashion_mnist
    from skae.noise import gaussian

    (X_train, _), (X_test, _) = load_fashion_mnist()
    if args.quick:
        X_train = X_train[:QUICK_IMAGES]
    X_train, X_test = X_train[..., np.newaxis], X_test[..., np.newaxis]
    rng = np.random.default_rng(0)
    X_test_noisy = gaussian(X_test, 0.2, value_range=(0, 1), random_state=rng)
    rows = []

    def grade(name, seed, denoised, seconds):
        rows.append({
            "model": name, "seed": seed, "epochs": args.epochs,
            "test_mae": float(np.mean(np.abs(denoised - X_test))),
            "test_mse": float(np.mean((denoised - X_test) ** 2)),
            "psnr_noisy_db": psnr(X_test, X_test_noisy),
            "psnr_denoised_db": psnr(X_test, denoised),
            "fit_s": seconds,
        })

    def keras_script(seed):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(16, 3, activation="relu", padding="same", strides=2),
            keras.layers.Conv2D(8, 3, activation="relu", padding="same", strides=2),
            keras.layers.Conv2DTranspose(8, 3, strides=2, activation="relu", padding="same"),
            keras.layers.Conv2DTranspose(16, 3, strides=2, activation="relu", padding="same"),
            keras.layers.Conv2D(1, 3, activation="sigmoid", padding="same"),
        ])
        model.compile(optimizer="adam", loss="mae")
        start = time.perf_counter()
        model.fit(X_train_noisy, X_train, epochs=args.epochs, batch_size=32, shuffle=True, verbose=0)
        grade("raw Keras script (fixed noise)", seed, model.predict(X_test_noisy, verbose=0),
              time.perf_counter() - start)

    def skae_estimator(seed):
        denoiser = DenoisingAutoencoder(
            architecture="conv", image_shape=(28, 28, 1), noise="gaussian", noise_factor=0.2,
            activation="relu", loss="mae", output_activation="sigmoid", epochs=args.epochs, random_state=seed,
        )
        start = time.perf_counter()
        denoiser.fit(X_train)
        grade("skae DenoisingAutoencoder (fresh noise)", seed, denoiser.denoise(X_test_noisy),
              time.perf_counter() - start)

    if not args.skip_keras:
        X_train_noisy = gaussian(X_train, 0.2, value_range=(0, 1), random_state=rng)
    for seed in range(args.seeds):
        if not args.skip_keras:
            keras_script(seed)
        skae_estimator(seed)
    for name in dict.fromkeys(row["model"] for row in rows):
        runs = [row for row in rows if row["model"] == name]
        rows.append({key: (statistics.median(r[key] for r in runs) if isinstance(value, float) else value)
                     for key, value in runs[0].items()} | {"seed": f"median of {len(runs)}"})
    per_seed = [row for row in rows if isinstance(row["seed"], int)]
    skae_maes = [row["test_mae"] for row in per_seed if row["model"].startswith("skae")]
    keras_maes = [row["test_mae"] for row in per_seed if row["model"].startswith("raw Keras")]
    summary = mae_summary(skae_maes, keras_maes) if keras_maes else None
    report(NAME, rows, args.output, settings={
        "quick": args.quick, "epochs": args.epochs, "seeds": args.seeds,
        "training_images": len(X_train), "mae_comparison": summary,
    })
    if summary is not None:
        print("\n".join(summary_lines(summary, len(skae_maes), len(keras_maes))))


if __name__ == "__main__":
    main()

"""``skae demo``: both tutorials' models through skae, against PCA, with figures.

Each stage says what it does and how long it took; where a table shows the
autoencoder losing on a column, one sentence says so and why. The command
line (``skae/cli.py``) parses the options and quiets TensorFlow first.
"""

import math
import re

from ._defaults import early_stopping as resolve_early_stopping
from ._terminal import format_seconds, import_keras_quietly, stage

#: The digits fallback trains each model for at most this many gradient steps
#: (half with ``--quick``); early stopping on a validation split usually ends
#: it sooner. Ten epochs of 1,347 images are only 430 steps.
SMALL_DATA_STEPS = 8000

WHY_RECONSTRUCTION = (
    "PCA's reconstruction is the best a linear map of this size makes, and the autoencoder must train past it; "
    "more epochs usually close the gap"
)
#: Where the autoencoder can lose to PCA in the demo's tables: by column,
#: what PCA does better, and why.
LOSING_REASONS = {
    "test MSE": ("reconstructs the test images with a lower MSE", WHY_RECONSTRUCTION),
    "test MAE": ("reconstructs the test images with a lower MAE", WHY_RECONSTRUCTION),
    "logistic regression accuracy on codes": (
        "gives codes that a logistic regression classifies better",
        "the autoencoder is trained to reconstruct the images, not to separate their classes, and its "
        "nonlinear codes need not be easier for a linear classifier than PCA's",
    ),
    "PSNR denoised (dB)": ("denoises to a higher PSNR", WHY_RECONSTRUCTION),
    "fit (s)": (
        "fits faster",
        "PCA is one singular value decomposition, where the autoencoder takes thousands of gradient steps",
    ),
}
HIGHER_IS_BETTER = {"logistic regression accuracy on codes", "PSNR denoised (dB)"}


def load_data(dataset, quick, download):
    """Return ``(name, (X_train, y_train), (X_test, y_test))``, images in [0, 1]."""
    from .datasets import load_digit_images, load_fashion_mnist

    if dataset == "fashion-mnist":
        try:
            with stage("Loading Fashion-MNIST"):
                (X_train, y_train), (X_test, y_test) = load_fashion_mnist(download=download)
        except FileNotFoundError as error:
            print(f"not found.\n{error}\nRunning on scikit-learn's digits instead (or pass --download).\n")
        else:
            if quick:
                X_train, y_train = X_train[:30000], y_train[:30000]
            return "Fashion-MNIST", (X_train, y_train), (X_test, y_test)
    with stage("Loading scikit-learn's digits"):
        train, test = load_digit_images()
    return "digits", train, test


def demo_estimators(small_data, n_train, epochs, quick):
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
        early_stopping=True, patience=20, random_state=0, callbacks=[epoch_lines(epochs)],
    )
    return (
        AutoencoderTransformer(latent_dim=16, hidden_layer_sizes=(128, 64), **training),
        DenoisingAutoencoder(latent_dim=32, hidden_layer_sizes=(256,), loss="mse", **noise, **training),
    )


def epoch_lines(epochs):
    """A Keras callback printing the losses about ten times in ``epochs``, and where training stopped."""
    import keras

    class EpochLines(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.every, self.last = max(1, math.ceil(epochs / 10)), (0, {})

        def on_epoch_end(self, epoch, logs=None):
            self.last = (epoch + 1, dict(logs or {}))
            if (epoch + 1) % self.every == 0:
                print(f"  epoch {epoch + 1}/{epochs}: {_losses(logs)}", flush=True)

        def on_train_end(self, logs=None):
            epoch, logs = self.last
            if epoch % self.every:
                print(f"  epoch {epoch}/{epochs}: {_losses(logs)}", flush=True)
            if epoch < epochs:
                print(f"  early stopping ended training at epoch {epoch} of {epochs}", flush=True)

    return EpochLines()


def _losses(logs):
    return ", ".join(f"{name} {value:.4g}" for name, value in logs.items() if name.endswith("loss"))


def _epochs(count):
    return "1 epoch" if count == 1 else f"{count} epochs"


def describe(estimator):
    """How an estimator of the demo is built and trained, in a few words."""
    if estimator.architecture == "conv":
        layers = f"conv filters {tuple(estimator.conv_filters)}"
    else:
        hidden = tuple(estimator.hidden_layer_sizes)
        layers = f"dense {estimator.activation} layers {hidden}, " if hidden else "dense, "
        layers += f"{estimator.latent_dim} codes"
    text = f"{layers}, loss {estimator.loss}, up to {_epochs(estimator.epochs)}"
    if resolve_early_stopping(estimator.early_stopping, estimator.epochs):
        text += ", early stopping"
        if not isinstance(estimator.validation_split, str):
            text += f" on {estimator.validation_split:.0%} of the training images"
    return text


def reconstruction_rows(autoencoder, seconds, train, test):
    """The dense autoencoder and PCA of its size: test errors, code accuracy, fit time."""
    from sklearn.decomposition import PCA

    from .benchmarks._common import accuracy, code_classifier, timed
    from .metrics import reconstruction_error

    (X_train, y_train), (X_test, y_test) = train, test
    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    latent_dim = autoencoder.latent_dim
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


def denoising_rows(denoiser, seconds, X_train, X_test, X_test_noisy):
    """The denoiser and PCA of its size: PSNR before and after, test MAE, fit time."""
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


def losing_sentences(rows):
    """One sentence per column of ``rows`` (autoencoder first, PCA second) where the autoencoder loses."""
    autoencoder, pca = rows
    sentences = []
    for column in autoencoder:
        if column not in LOSING_REASONS:
            continue
        ours, theirs = float(autoencoder[column]), float(pca[column])
        if (ours < theirs) if column in HIGHER_IS_BETTER else (ours > theirs):
            what, why = LOSING_REASONS[column]
            unit = re.search(r" \((\w+)\)$", column)
            unit = f" {unit[1]}" if unit else ""
            sentences.append(f"PCA {what} ({pca[column]}{unit} against {autoencoder[column]}{unit}): {why}.")
    return sentences


def write_figures(output, autoencoder, denoiser, X_test, X_test_noisy, y_test, class_names=None):
    """Write the demo's four PNG files into ``output``; print each one's path."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .plotting import DenoisingDisplay, LatentSpaceDisplay, LossCurveDisplay, ReconstructionDisplay

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)

    def loss_curves():
        figure, axes = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
        for ax, (name, estimator) in zip(axes, (("autoencoder", autoencoder), ("denoiser", denoiser))):
            display = LossCurveDisplay.from_estimator(estimator, ax=ax)
            ax.set_title(f"The {name}: {ax.get_title()}", fontsize="medium")
        return display

    figures = {
        "reconstructions.png": lambda: ReconstructionDisplay.from_estimator(autoencoder, X_test),
        "denoising.png": lambda: DenoisingDisplay.from_estimator(denoiser, X_test, X_test_noisy),
        "loss_curves.png": loss_curves,
        "latent_space.png": lambda: LatentSpaceDisplay.from_estimator(
            autoencoder, X_test, y_test, class_names=class_names
        ),
    }
    for file_name, draw in figures.items():
        display = draw()
        display.figure_.savefig(output / file_name, dpi=100, bbox_inches="tight")
        plt.close(display.figure_)
        print(f"  wrote {output / file_name}")


def run_demo(dataset="fashion-mnist", *, epochs=None, quick=False, output="skae-demo", download=False, quiet=True):
    """Run the demo, printing each stage and its time; return the exit status.

    With ``quiet``, TensorFlow's start-up noise is left out as it loads.
    """
    import time

    import matplotlib

    matplotlib.use("Agg")
    start = time.perf_counter()
    with stage("Loading TensorFlow"):
        if quiet:
            import_keras_quietly()
        else:
            import keras  # noqa: F401
    from .benchmarks._common import format_table, timed
    from .datasets import FASHION_MNIST_CLASS_NAMES
    from .noise import gaussian

    name, (X_train, y_train), (X_test, y_test) = load_data(dataset, quick, download)
    small_data = name != "Fashion-MNIST"
    autoencoder, denoiser = demo_estimators(small_data, len(X_train), epochs, quick)
    side = X_train.shape[1]
    print(f"{name}: {len(X_train)} training and {len(X_test)} test images of {side}x{side}, "
          f"up to {_epochs(autoencoder.epochs)} per model.")
    if small_data:
        print("Small data: deeper nets than the tutorials', trained until the validation loss stops improving.")

    print(f"\n1. The dense autoencoder ({autoencoder.latent_dim} codes)"
          + ("" if small_data else ", as in the first tutorial") + f": {describe(autoencoder)}")
    with stage("Training", prints=True):
        _, ae_seconds = timed(lambda: autoencoder.fit(X_train))
    with stage("Fitting PCA and a logistic regression on each model's codes"):
        reconstruction = reconstruction_rows(autoencoder, ae_seconds, (X_train, y_train), (X_test, y_test))

    print("\n2. The denoiser (Gaussian noise 0.2)" + ("" if small_data else ", as in the second tutorial")
          + f": {describe(denoiser)}")
    with stage("Training", prints=True):
        _, dae_seconds = timed(lambda: denoiser.fit(X_train))
    with stage("Fitting PCA and denoising the test images with both"):
        X_test_noisy = gaussian(X_test, 0.2, value_range=(0, 1), random_state=0)
        denoising = denoising_rows(denoiser, dae_seconds, X_train, X_test, X_test_noisy)

    for rows, title in (
        (reconstruction, f"Reconstruction of the {len(X_test)} test images"),
        (denoising, "Denoising the test images (Gaussian noise 0.2, clipped to [0, 1])"),
    ):
        print("\n" + format_table(rows, title))
        for sentence in losing_sentences(rows):
            print(f"- {sentence}")
    print()
    class_names = FASHION_MNIST_CLASS_NAMES if not small_data else None
    with stage("Writing the figures", prints=True):
        write_figures(output, autoencoder, denoiser, X_test, X_test_noisy, y_test, class_names)
    print(f"\nThe demo took {format_seconds(time.perf_counter() - start)}.")
    return 0

"""Fit time of skae against the same Keras model compiled and fit by hand.

For the dense tutorial model (Flatten -> Dense(64, relu) -> Dense(784,
sigmoid), MSE, Adam) and the convolutional one (Conv2D 16/8 stride 2 and
Conv2DTranspose back, MAE, Adam), both in batches of 32 as the tutorials
train them, each repeat fits the hand-written Keras script
(``model.fit(X, X, batch_size=32, shuffle=True)``) and
``AutoencoderTransformer`` on the same Fashion-MNIST images for the same
epochs, one right after the other (alternating which goes first), after
one untimed fit of each on 256 images that pays TensorFlow's one-time set-up
costs. The ratio
is skae's time over Keras's in each pair; the test loss (MSE for dense, MAE
for conv, on the 10,000 test images) shows both learned the same. The table
ends with the medians. With ``--backend`` (names, or ``all``) it runs on
each Keras backend asked for, every other one in a process of its own, each
against the Keras script on the same backend.

    python -m skae.benchmarks.fit_overhead [--quick] [--output DIR] [--backend all]
"""

import math
import statistics

from ._common import TUTORIAL, on_backends, parse_args, report, timed

NAME = "fit_overhead"

#: Per model: (training images, epochs, paired repeats), full and ``--quick``.
SETTINGS = {
    "dense": {"full": (60_000, 10, 3), "quick": (20_000, 2, 3)},
    "conv": {"full": (60_000, 2, 3), "quick": (10_000, 1, 3)},
}


#: Each model's training loss, also its test score.
LOSSES = {"dense": "mse", "conv": "mae"}


def _test_loss(fitted, X_test, loss):
    """Mean ``loss`` ("mse" or "mae") of the fitted model's test reconstructions."""
    import numpy as np

    if hasattr(fitted, "inverse_transform"):
        reconstructions = fitted.inverse_transform(fitted.transform(X_test))
    else:
        reconstructions = fitted.predict(X_test, batch_size=256, verbose=0)
    errors = reconstructions.reshape(X_test.shape) - X_test
    return float(np.mean(np.square(errors) if loss == "mse" else np.abs(errors)))


def keras_script(architecture, X, epochs, seed):
    """Fit the tutorial's model as its hand-written Keras script does."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    if architecture == "dense":
        model = keras.Sequential([
            keras.Input(X.shape[1:]),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(math.prod(X.shape[1:]), activation="sigmoid"),
            layers.Reshape(X.shape[1:]),
        ])
    else:
        model = keras.Sequential([
            keras.Input(X.shape[1:]),
            layers.Conv2D(16, 3, activation="relu", padding="same", strides=2),
            layers.Conv2D(8, 3, activation="relu", padding="same", strides=2),
            layers.Conv2DTranspose(8, 3, strides=2, activation="relu", padding="same"),
            layers.Conv2DTranspose(16, 3, strides=2, activation="relu", padding="same"),
            layers.Conv2D(1, 3, activation="sigmoid", padding="same"),
        ])
    model.compile(optimizer="adam", loss=LOSSES[architecture])
    model.fit(X, X, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    return model


def skae_estimator(architecture, X, epochs, seed):
    """Fit the same model as an ``AutoencoderTransformer``."""
    from skae import AutoencoderTransformer

    estimator = AutoencoderTransformer(
        architecture=architecture, loss=LOSSES[architecture], epochs=epochs, random_state=seed, **TUTORIAL
    )
    return estimator.fit(X)


def run(quick=False):
    """Return the table rows: one per paired run, then the medians per model."""
    import numpy as np

    from skae.datasets import load_fashion_mnist

    (X_train, _), (X_test, _) = load_fashion_mnist()
    rows = []
    for architecture, settings in SETTINGS.items():
        n_images, epochs, repeats = settings["quick" if quick else "full"]
        X, test = X_train[:n_images], X_test
        if architecture == "conv":
            X, test = X[..., np.newaxis], test[..., np.newaxis]
        for fit in (keras_script, skae_estimator):  # TensorFlow's one-time set-up
            fit(architecture, X[:256], 1, 0)
        pairs = []
        for repeat in range(repeats):
            contenders = [("keras", keras_script), ("skae", skae_estimator)]
            if repeat % 2:
                contenders.reverse()
            seconds, test_loss = {}, {}
            for name, fit in contenders:
                fitted, seconds[name] = timed(lambda f=fit: f(architecture, X, epochs, repeat))
                test_loss[name] = _test_loss(fitted, test, LOSSES[architecture])
            pairs.append({**seconds, "loss": test_loss})
            rows.append({
                "model": architecture, "run": str(repeat + 1), "images": n_images,
                "epochs": epochs, "keras_s": seconds["keras"], "skae_s": seconds["skae"],
                "ratio": seconds["skae"] / seconds["keras"],
                "keras_test_loss": test_loss["keras"], "skae_test_loss": test_loss["skae"],
            })
        rows.append({
            "model": architecture, "run": f"median of {repeats}", "images": n_images,
            "epochs": epochs,
            "keras_s": statistics.median(p["keras"] for p in pairs),
            "skae_s": statistics.median(p["skae"] for p in pairs),
            "ratio": statistics.median(p["skae"] / p["keras"] for p in pairs),
            "keras_test_loss": statistics.median(p["loss"]["keras"] for p in pairs),
            "skae_test_loss": statistics.median(p["loss"]["skae"] for p in pairs),
        })
    return rows


def main(argv=None):
    args = parse_args(__doc__, argv, backends=True)
    rows = on_backends(f"skae.benchmarks.{NAME}", args, lambda: run(args.quick))
    report(NAME, rows, args.output, settings={"quick": args.quick, "settings": SETTINGS, "backends": args.backend})


if __name__ == "__main__":
    main()

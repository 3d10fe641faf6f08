"""Quality per second on Fashion-MNIST: autoencoders against PCA.

For code sizes 16, 32, 64 and 128, fits on the 60,000 training images

* ``PCA``;
* the dense tutorial autoencoder (one Dense code layer, 10 epochs, batches of 32);
* a deeper dense autoencoder (hidden layers 512 and 256, 20 epochs, batches of 128);
* a convolutional autoencoder (Conv2D 16 and 32, stride 2, a Dense code layer,
  ELU activations, 12 epochs, batches of 128);

and reports each one's fit time, its test reconstruction MSE (and the ratio
to PCA's at the same size), and the test accuracy of a ``Pipeline`` of the
fitted transformer (frozen), ``StandardScaler`` and ``LogisticRegression``
on its codes, next to the same classifier on the raw pixels, and to
``LogisticRegression`` on the unscaled pixels (the better of the two there).

    python -m skae.benchmarks.quality [--quick] [--output DIR]

``--quick`` fits on 10,000 images, 64 codes only, with a third of the epochs.
"""

from ._common import TUTORIAL, accuracy, code_classifier, parse_args, report, timed

NAME = "quality"

CODE_SIZES = {"full": (16, 32, 64, 128), "quick": (64,)}
TRAINING_IMAGES = {"full": 60_000, "quick": 10_000}


def transformers(n_codes, quick=False):
    """The contenders with ``n_codes`` codes, by name."""
    from sklearn.decomposition import PCA

    from skae import AutoencoderTransformer

    def epochs(full):
        return max(1, full // 3) if quick else full

    return {
        "PCA": PCA(n_codes, random_state=0),
        "dense AE (tutorial)": AutoencoderTransformer(
            latent_dim=n_codes, epochs=epochs(10), random_state=0, **TUTORIAL
        ),
        "dense AE 512-256": AutoencoderTransformer(
            latent_dim=n_codes, hidden_layer_sizes=(512, 256), activation="relu", code_activation="relu",
            output_activation="sigmoid", batch_size=128,
            learning_rate=1e-3, epochs=epochs(20), random_state=0,
        ),
        "conv AE 16-32 elu": AutoencoderTransformer(
            architecture="conv", latent_dim=n_codes, conv_filters=(16, 32), activation="elu",
            code_activation="elu", output_activation="sigmoid", batch_size=128, learning_rate=2e-3, epochs=epochs(12), random_state=0,
        ),
    }


def run(quick=False):
    """Return one row per transformer and code size, then raw pixels."""
    from skae.datasets import load_fashion_mnist
    from skae.metrics import reconstruction_error

    mode = "quick" if quick else "full"
    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    X_train, y_train = X_train[: TRAINING_IMAGES[mode]], y_train[: TRAINING_IMAGES[mode]]
    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    rows = []
    for n_codes in CODE_SIZES[mode]:
        for name, transformer in transformers(n_codes, quick).items():
            # PCA takes rows of pixels; the autoencoders take the images.
            train, test = (flat_train, flat_test) if name == "PCA" else (X_train, X_test)
            _, fit_seconds = timed(lambda: transformer.fit(train))
            reconstruction = transformer.inverse_transform(transformer.transform(test))
            mse = float(reconstruction_error(test, reconstruction))
            if name == "PCA":  # the first contender: the others are compared with it
                pca_mse = mse
            rows.append({
                "model": name, "codes": n_codes, "fit_s": fit_seconds, "test_mse": mse,
                "mse_vs_pca": mse / pca_mse,
                "accuracy": accuracy(code_classifier(transformer), train, y_train, test, y_test),
            })
    for name, scale in (("raw pixels, scaled", True), ("raw pixels, unscaled", False)):
        classifier = code_classifier(scale=scale)
        rows.append({
            "model": name, "codes": flat_train.shape[1], "fit_s": None, "test_mse": 0.0,
            "mse_vs_pca": None,
            "accuracy": accuracy(classifier, flat_train, y_train, flat_test, y_test),
        })
    return rows


def main(argv=None):
    args = parse_args(__doc__, argv)
    mode = "quick" if args.quick else "full"
    report(NAME, run(args.quick), args.output, settings={
        "quick": args.quick, "code_sizes": CODE_SIZES[mode],
        "training_images": TRAINING_IMAGES[mode],
        "classifier": "[StandardScaler +] LogisticRegression(max_iter=1000)",
    })


if __name__ == "__main__":
    main()

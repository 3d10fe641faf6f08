"""Seed tutorial's dense autoencoder: skae against the same raw Keras script.

Both fit Flatten -> Dense(64, relu) -> Dense(784, sigmoid) with MSE and Adam
for 10 epochs of batches of 32 on Fashion-MNIST's 60,000 training images and
report the test reconstruction MSE and the fit time, in one process.

    python benchmarks/bench_seed_dense.py [--quick] [--output DIR]
"""

import time

from _common import parse_args, report


def main():
    args = parse_args(__doc__)
    import keras
    import numpy as np

    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True)
    epochs = 2 if args.quick else 10
    rows = []

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(784, activation="sigmoid"),
            keras.layers.Reshape((28, 28)),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    start = time.perf_counter()
    model.fit(X_train, X_train, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    keras_seconds = time.perf_counter() - start
    keras_mse = float(np.mean((model.predict(X_test, verbose=0) - X_test) ** 2))
    rows.append({"model": "raw Keras script", "epochs": epochs, "test_mse": keras_mse,
                 "fit_s": keras_seconds, "fit_ratio": 1.0})

    estimator = AutoencoderTransformer(epochs=epochs, random_state=0)
    start = time.perf_counter()
    estimator.fit(X_train)
    skae_seconds = time.perf_counter() - start
    skae_mse = -estimator.score(X_test)
    rows.append({"model": "skae AutoencoderTransformer()", "epochs": epochs,
                 "test_mse": skae_mse, "fit_s": skae_seconds,
                 "fit_ratio": skae_seconds / keras_seconds})
    report("seed_dense", rows, args.output)


if __name__ == "__main__":
    main()

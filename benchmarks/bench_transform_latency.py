"""Latency of ``transform`` against the raw encoder's Keras ``predict`` and a direct call.

Fits the tutorial's dense autoencoder for one epoch on 10,000 Fashion-MNIST
images (random [0, 1] data of the same width when the files are absent), then
times, in one process,
``transform`` on 1 and 10,000 rows against ``encoder_.predict`` and
``encoder_(x, training=False)`` on the same rows. Medians of repeated runs.

    python benchmarks/bench_transform_latency.py [--quick] [--output DIR]
"""

from _common import median_seconds, parse_args, report


def main():
    args = parse_args(__doc__)
    import numpy as np

    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    try:
        (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True, download=False)
        X_train, X_test = X_train.reshape(-1, 784)[:10000], X_test.reshape(-1, 784)
        data = "Fashion-MNIST"
    except FileNotFoundError:
        rng = np.random.default_rng(0)
        X_train, X_test = rng.random((10000, 784), np.float32), rng.random((10000, 784), np.float32)
        data = "random"
    estimator = AutoencoderTransformer(epochs=1, random_state=0).fit(X_train)
    encoder = estimator.encoder_
    repeats = 20 if args.quick else 100
    rows = []
    for n_rows, reps in ((1, repeats), (10000, max(3, repeats // 10))):
        X = X_test[:n_rows]
        predict = median_seconds(lambda: encoder.predict(X, verbose=0), reps)
        for name, function in (
            ("skae transform", lambda: estimator.transform(X)),
            ("Keras encoder.predict", lambda: encoder.predict(X, verbose=0)),
            ("direct encoder(x)", lambda: encoder(X, training=False)),
        ):
            seconds = predict if name.startswith("Keras") else median_seconds(function, reps)
            rows.append({"data": data, "rows": n_rows, "method": name,
                         "median_ms": seconds * 1e3, "vs_predict": seconds / predict})
    report("transform_latency", rows, args.output)


if __name__ == "__main__":
    main()

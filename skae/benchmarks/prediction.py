"""Latency and throughput of ``transform`` and ``inverse_transform``.

Fits the dense and the convolutional tutorial models for one epoch on
Fashion-MNIST (the weights do not change the speed), then times, in one
process, ``transform`` on 1, 10, 100, 10,000 and 100,000 rows (the test
images, tiled) against the fitted encoder's Keras ``predict`` (its default
batches of 32) and a direct call ``encoder_(x, training=False)`` on the same
rows; then ``inverse_transform`` of their codes against the decoder's. Each
figure is the median of repeated calls after a warm-up call on 10 rows;
``ratio`` is the method's time over ``predict``'s (below 1 is faster).
A direct call holds every activation at once, so it is skipped where that
would take gigabytes (the conv model on 100,000 rows).

    python -m skae.benchmarks.prediction [--quick] [--output DIR]
"""

from ._common import median_seconds, parse_args, report

NAME = "prediction"

ROW_COUNTS = (1, 10, 100, 10_000, 100_000)
#: A direct call is skipped when its widest float32 activation exceeds this.
MAX_DIRECT_CALL_BYTES = 2**31
FIT_IMAGES = 10_000


def _repeats(n_rows, quick):
    if n_rows <= 100:
        return 20 if quick else 50
    return 3 if quick else 5


def _time_methods(architecture, direction, X, model, skae_method, quick, largest_layer):
    """Rows timing ``skae_method`` against ``model.predict`` and ``model(X)``."""
    rows = []
    n_rows = X.shape[0]
    small = X[:10]
    skae_name = f"skae {skae_method.__name__}"
    methods = {
        skae_name: (lambda: skae_method(X), lambda: skae_method(small)),
        "Keras predict": (
            lambda: model.predict(X, verbose=0), lambda: model.predict(small, verbose=0)
        ),
    }
    if n_rows * largest_layer * 4 <= MAX_DIRECT_CALL_BYTES:
        methods["direct call"] = (
            lambda: model(X, training=False), lambda: model(small, training=False)
        )
    seconds = {
        name: median_seconds(function, _repeats(n_rows, quick), warm_up)
        for name, (function, warm_up) in methods.items()
    }
    predict = seconds["Keras predict"]
    for name in (skae_name, "Keras predict", "direct call"):
        value = seconds.get(name)  # None: the direct call was skipped
        rows.append({
            "model": architecture, "direction": direction, "rows": n_rows, "method": name,
            "median_ms": value and value * 1e3, "rows_per_s": value and n_rows / value,
            "ratio": value and value / predict,
        })
    return rows


def run(quick=False):
    """Return the table rows, one per model, direction, row count and method."""
    import math

    import numpy as np

    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    (X_train, _), (X_test, _) = load_fashion_mnist(as_float=True)
    rows = []
    for architecture in ("dense", "conv"):
        estimator = AutoencoderTransformer(architecture=architecture, epochs=1, random_state=0)
        estimator.fit(X_train[:FIT_IMAGES])
        # The widest activation per row decides what a direct call holds.
        largest_layer = max(
            math.prod(layer.output.shape[1:])
            for model in (estimator.encoder_, estimator.decoder_)
            for layer in model.layers
        )
        for n_rows in ROW_COUNTS:
            if quick and architecture == "conv" and n_rows > 10_000:
                continue
            X = np.resize(X_test, (n_rows, *X_test.shape[1:]))  # tiled test images
            model_input = X.reshape(n_rows, *estimator.encoder_.input_shape[1:])
            codes = estimator.transform(X)
            rows += _time_methods(
                architecture, "encode", model_input, estimator.encoder_,
                estimator.transform, quick, largest_layer,
            )
            rows += _time_methods(
                architecture, "decode", codes, estimator.decoder_,
                estimator.inverse_transform, quick, largest_layer,
            )
    return rows


def main(argv=None):
    args = parse_args(__doc__, argv)
    report(NAME, run(args.quick), args.output, settings={"quick": args.quick})


if __name__ == "__main__":
    main()

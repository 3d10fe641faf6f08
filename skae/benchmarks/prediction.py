"""Latency and throughput of ``transform``, ``inverse_transform`` and ``score_samples``.

Fits the dense and the convolutional tutorial models for one epoch on
Fashion-MNIST (the weights do not change the speed), then times, in one
process, each skae method on 1, 10, 100, 10,000 and 100,000 rows (the test
images, tiled, and their codes) against the Keras model it runs, called two
ways on the same rows: its ``predict`` (default batches of 32) and a direct
call ``model(x, training=False)`` (its output converted to a NumPy array,
as skae returns). ``transform`` runs the encoder,
``inverse_transform`` the decoder and ``score_samples`` the whole model,
whose Keras calls are followed by the same error in NumPy
(``-mean((x - reconstruction) ** 2)`` per row, in float64, as skae computes
it). Each figure is the median of repeated calls (100 on one row) after
one untimed call on the same rows, the ways taking turns; ``ratio`` is the
method's time over ``predict``'s (below 1 is faster). A direct call holds
every activation at once, so it is skipped where that would take gigabytes
(the conv model on 100,000 rows), and so is onnxruntime, which does the same.

With the ``onnx`` extra, the encoder and the whole model also run as ONNX
graphs converted by :mod:`skae.onnx` in onnxruntime (``transform`` as it is;
``score_samples`` as the reconstruction, then the same NumPy error), and a
last table times a whole Pipeline (MinMaxScaler, the dense autoencoder,
LogisticRegression) answering ``predict_proba`` in Python and in
onnxruntime, where the ratio is over the Python Pipeline's time. Without the
extra those rows say "not installed".

With ``--backend`` (names, or ``all``) the whole benchmark runs on each
Keras backend asked for, every other one in a process of its own, and the
rows say which: each ratio is against Keras's ``predict`` on the same
backend. The ONNX graphs are the same on every backend (:mod:`skae.onnx`
exports them through TensorFlow), so their rows differ only by noise.

More ways to run a model are more entries of :func:`methods`.

    python -m skae.benchmarks.prediction [--quick] [--output DIR] [--backend all]
"""

import statistics

from ._common import TUTORIAL, on_backends, parse_args, report, timed

NAME = "prediction"

ROW_COUNTS = (1, 10, 100, 10_000, 100_000)
#: A direct call is skipped when its widest float32 activation exceeds this.
MAX_DIRECT_CALL_BYTES = 2**31
FIT_IMAGES = 10_000
#: The baseline of every ``ratio`` (the Pipeline table's: :data:`PIPELINE_BASELINE`).
BASELINE = "Keras predict"
PIPELINE_BASELINE = "Python predict_proba"
ONNX = "onnxruntime"
PIPELINE_ROW_COUNTS = (1, 100_000)


def _repeats(n_rows, quick):
    if n_rows == 1:  # a millisecond each: at 20 the medians of a run moved by a third between runs
        return 100
    if n_rows <= 100:
        return 20 if quick else 50
    return 3 if quick else 5


def negative_squared_errors(X, reconstruction):
    """``score_samples``'s formula on a Keras reconstruction of ``X``: minus each row's mean squared error."""
    import numpy as np

    rows = X.reshape(X.shape[0], -1)
    difference = np.subtract(rows, np.asarray(reconstruction).reshape(rows.shape), dtype=np.float64)
    return -np.mean(np.square(difference, out=difference), axis=1)


def directions(estimator, X, codes):
    """Per direction: the skae method, its input, the Keras model it runs, that model's input and a post-step.

    The post-step maps the first ``n`` rows' Keras outputs to what the skae
    method returns (``None``: they are used as they are).
    """
    model_input = X.reshape(X.shape[0], *estimator.encoder_.input_shape[1:])

    def score(n_rows, reconstruction):
        return negative_squared_errors(X[:n_rows], reconstruction)

    return {
        "encode": (estimator.transform, X, estimator.encoder_, model_input, None),
        "decode": (estimator.inverse_transform, codes, estimator.decoder_, codes, None),
        "score": (estimator.score_samples, X, estimator.model_, model_input, score),
    }


def methods(skae_method, skae_input, model, model_input, post=None, direct=True, onnx=None):
    """Name -> ``f(n)`` running that way on the first ``n`` rows; ``None`` for a skipped way.

    ``onnx`` is ``f(n)`` running the converted graph, or the name of the row
    to show without it.
    """
    import keras

    then = post or (lambda n_rows, outputs: outputs)

    def call(n_rows):
        return then(n_rows, keras.ops.convert_to_numpy(model(model_input[:n_rows], training=False)))

    ways = {
        f"skae {skae_method.__name__}": lambda n_rows: skae_method(skae_input[:n_rows]),
        BASELINE: lambda n_rows: then(n_rows, model.predict(model_input[:n_rows], verbose=0)),
        "direct call": call if direct else None,
    }
    if onnx is not None:
        ways.update({ONNX: onnx} if callable(onnx) else {onnx: None})
    return ways


def onnx_session(model, X, **options):
    """An onnxruntime session of ``model`` converted by :mod:`skae.onnx` from rows like ``X``.

    ``None`` without the extra.
    """
    try:
        import onnxruntime

        from skae.onnx import to_onnx
    except ImportError:
        return None
    return onnxruntime.InferenceSession(to_onnx(model, X[:1], **options).SerializeToString())


def onnx_way(session, X, post=None):
    """``f(n)`` running ``session`` on the first ``n`` rows of ``X``, or the row's name without a session."""
    if session is None:
        return f"{ONNX} (not installed)"
    input_name = session.get_inputs()[0].name
    then = post or (lambda n_rows, outputs: outputs)
    return lambda n_rows: then(n_rows, session.run(None, {input_name: X[:n_rows]}))


def time_methods(labels, ways, n_rows, quick, baseline=BASELINE):
    """Table rows timing each of ``ways`` (see :func:`methods`) on ``n_rows`` rows.

    After one untimed call of each, the ways take turns, one call each per
    round, so a load that comes and goes on the machine slows them alike.
    """
    active = {name: way for name, way in ways.items() if way is not None}
    for way in active.values():
        way(n_rows)
    times = {name: [] for name in active}
    for _ in range(_repeats(n_rows, quick)):
        for name, way in active.items():
            times[name].append(timed(lambda: way(n_rows))[1])
    seconds = {name: statistics.median(times[name]) if name in times else None for name in ways}
    baseline = seconds[baseline]
    return [
        {
            **labels, "rows": n_rows, "method": name, "median_ms": value and value * 1e3,
            "rows_per_s": value and n_rows / value, "ratio": value and value / baseline,
        }
        for name, value in seconds.items()
    ]


def run(quick=False):
    """Return the table rows, one per model, direction, row count and method."""
    import math

    import numpy as np

    from skae import AutoencoderTransformer
    from skae.datasets import load_fashion_mnist

    (X_train, y_train), (X_test, _) = load_fashion_mnist()
    rows = []
    for architecture in ("dense", "conv"):
        estimator = AutoencoderTransformer(architecture=architecture, epochs=1, random_state=0, **TUTORIAL)
        estimator.fit(X_train[:FIT_IMAGES])
        # The widest activation per row decides what a direct call holds.
        largest_layer = max(
            math.prod(layer.output.shape[1:])
            for model in (estimator.encoder_, estimator.decoder_)
            for layer in model.layers
        )
        # Converted once per model; a graph takes any number of rows.
        sessions = {
            "encode": onnx_session(estimator, X_test),
            "score": onnx_session(estimator, X_test, reconstruction=True),
        }
        for n_rows in ROW_COUNTS:
            if quick and architecture == "conv" and n_rows > 10_000:
                continue
            X = np.resize(X_test, (n_rows, *X_test.shape[1:]))  # tiled test images
            direct = n_rows * largest_layer * 4 <= MAX_DIRECT_CALL_BYTES
            # onnxruntime also holds every activation at once: skipped where a direct call is.
            onnx = {
                "encode": onnx_way(sessions["encode"], X),
                "score": onnx_way(sessions["score"], X, post=lambda n, out: negative_squared_errors(X[:n], out[0])),
            } if direct else {"encode": ONNX, "score": ONNX}
            for direction, setting in directions(estimator, X, estimator.transform(X)).items():
                labels = {"model": architecture, "direction": direction}
                ways = methods(*setting, direct=direct, onnx=onnx.get(direction))
                rows += time_methods(labels, ways, n_rows, quick)
    return rows + pipeline_rows(X_train[:FIT_IMAGES], y_train[:FIT_IMAGES], X_test, quick)


def pipeline_rows(X_train, y_train, X_test, quick):
    """The whole Pipeline's ``predict_proba`` in Python against onnxruntime, on 1 and 100,000 rows."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    from skae import AutoencoderTransformer

    flat_train = X_train.reshape(len(X_train), -1)
    pipeline = make_pipeline(
        MinMaxScaler(), AutoencoderTransformer(epochs=1, random_state=0, **TUTORIAL), LogisticRegression(max_iter=200)
    ).fit(flat_train, y_train)
    X = np.resize(X_test.reshape(len(X_test), -1), (max(PIPELINE_ROW_COUNTS), flat_train.shape[1]))
    onnx = onnx_way(onnx_session(pipeline, X, options={LogisticRegression: {"zipmap": False}}), X)
    rows = []
    for n_rows in PIPELINE_ROW_COUNTS:
        ways = {PIPELINE_BASELINE: lambda n: pipeline.predict_proba(X[:n])}
        ways.update({ONNX: onnx} if callable(onnx) else {onnx: None})
        labels = {"model": "pipeline: MinMaxScaler, dense AE, LogisticRegression", "direction": "predict_proba"}
        rows += time_methods(labels, ways, n_rows, quick, baseline=PIPELINE_BASELINE)
    return rows


def main(argv=None):
    args = parse_args(__doc__, argv, backends=True)
    rows = on_backends(f"skae.benchmarks.{NAME}", args, lambda: run(args.quick))
    report(NAME, rows, args.output, settings={"quick": args.quick, "backends": args.backend})


if __name__ == "__main__":
    main()

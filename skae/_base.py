"""The one estimator base shared by every skae autoencoder.

:class:`BaseAutoencoder` owns everything the estimators have in common:
parameter and input validation, building and compiling the Keras model, the
fit loop, random state, prediction in bounded batches, scikit-learn tags and
pickling. Subclasses add what makes them different (their ``fit`` signature,
what a training pair is, how they are scored) through a few small hooks.

Why skae does not build on scikeras's ``BaseWrapper``
-----------------------------------------------------
scikeras is the closest prior art and its ideas are kept here: parameters
routed to Keras, a Keras-model-aware pickle, ``history_``. Its code is not
reused, because on the scikit-learn this package supports it breaks the
contract skae promises (facts in the project's field notes, from scikeras
0.13.0, its last release, now unmaintained):

* it defines only the legacy ``_more_tags``, so ``check_estimator_tags_renamed``
  fails on scikit-learn >= 1.7 and it crashes on 1.6; its mixins sit after
  ``BaseEstimator`` (``check_mixin_order``);
* unknown ``__init__`` keyword arguments become parameters, which fails
  ``check_no_attributes_set_in_init``;
* its random-state helper switches TensorFlow's op determinism on for the
  whole process, and importing it patches ``keras.Model.__reduce__`` and
  ``__deepcopy__`` globally;
* its autoencoder recipe keeps three Keras models whose shared weights come
  apart after a pickle round trip.

So skae subclasses scikit-learn's own ``BaseEstimator`` and mixins, and never
imports scikeras: skae's behaviour is the same whether or not the user's
program imports scikeras (the two are shown working side by side in the
tests). Choices that follow from the contract:

* One Keras model per fit. The encoder and decoder are the nested models
  inside it (:func:`skae.architectures.compose_autoencoder`), so they share its
  weights, and the pickle stores only that model, as ``.keras`` bytes.
* Randomness comes from ``random_state`` alone, without global side effects:
  the built-in architectures get seeded initializers, drawn from a private
  generator (so other threads drawing from Python's ``random``, such as a Dask
  worker's event loop, cannot change them); a callable ``architecture``'s
  layers, which Keras seeds from Python's ``random``, are built inside a
  save/seed/restore of that module's state. Shuffling (and, in subclasses,
  noise) uses a NumPy generator of ours feeding Keras batch by batch.
  TensorFlow's global seed and its determinism flag are never touched.
* Keras runs up to 32 training batches per call of its compiled function
  (``steps_per_execution``, a divisor of the epoch's batch count so a call
  never reaches into the next epoch of skae's generator): the same updates,
  without the per-batch dispatch cost, which for the tutorials' small
  models is a large share of the time (a dense epoch took 0.6 as long).
* Predictions always run through batches of one fixed size (the last one
  zero-padded), because a float32 Dense kernel gives results that depend on
  the batch size: this keeps a row's output independent of what it is
  batched with, and avoids Keras ``predict``'s per-call set-up cost.
* ``fit`` and ``partial_fit`` share one training path: ``fit`` builds a new
  model and trains ``epochs`` passes over skae's endless seeded batches;
  ``partial_fit`` builds one on its first call, then trains one pass per call
  with the model and optimizer state it keeps. Training under a
  ``tf.distribute.Strategy`` (``distribute``) goes through
  :mod:`skae._distribute`.
* ``fit`` either completes or leaves the estimator as it was: a failure
  restores the previous state, a non-finite loss stops training at once
  (Keras's ``TerminateOnNaN``) and raises, and Ctrl-C keeps the weights
  reached so far with a warning (or re-raises, with ``on_interrupt``).
"""

import contextlib
import functools
import itertools
import math
import random
import warnings
from numbers import Integral, Real

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from . import _distribute
from ._serialization import model_from_bytes, model_to_bytes
from ._version import __version__
from .architectures import (
    ARCHITECTURES,
    DENSE_LATENT_DIM,
    compose_autoencoder,
    split_autoencoder,
)
from .exceptions import FitInterruptedWarning, InconsistentVersionWarning

#: Rows per prediction call. Every call has exactly this many rows (see the
#: module docstring); 256 keeps a 1-row call near 1 ms and large inputs fast.
PREDICT_BATCH_SIZE = 256

#: Most training batches Keras runs per call of its compiled train function.
#: Grouping steps removes Python and ``tf.function`` dispatch cost between
#: batches (measured: a seed-model epoch takes about 0.6 of the time it takes
#: one batch per call); the updates and losses are bit-identical.
MAX_STEPS_PER_EXECUTION = 32

_MAX_SEED = np.iinfo(np.int32).max


@contextlib.contextmanager
def _python_random_seeded(seed):
    """Seed Python's ``random`` for the block, then put its state back.

    Keras layers and initializers created without a seed draw theirs from
    Python's ``random``; seeding it here makes model building reproducible
    without leaving the caller's random state changed.
    """
    saved_state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(saved_state)


def _steps_per_execution(steps_per_epoch, most=None):
    """Largest divisor of ``steps_per_epoch`` up to ``most``.

    ``most`` defaults to ``MAX_STEPS_PER_EXECUTION``. Keras pulls exactly this many batches from skae's endless generator per
    call, so it must divide the epoch: otherwise the last call of an epoch
    would train on batches of the next one.
    """
    most = MAX_STEPS_PER_EXECUTION if most is None else most
    return max(
        size
        for size in range(1, min(most, steps_per_epoch) + 1)
        if steps_per_epoch % size == 0
    )


def _set_steps_per_execution(model, steps):
    """Make ``model`` run ``steps`` batches per call of its train function.

    Keras reads the number when it traces that function, so a change needs a
    new trace; the optimizer and its state are untouched.
    """
    if model.steps_per_execution != steps:
        model.steps_per_execution = steps
        model.train_function = None


def _ndim(X):
    """Number of dimensions of an array-like, without NumPy's dispatch protocol."""
    shape = getattr(X, "shape", None)
    return len(shape) if shape is not None else np.asarray(X).ndim


def _flatten_samples(X):
    """Return ``X`` with each sample flattened, and the samples' shape.

    Image arrays ``(n, h, w)`` and ``(n, h, w, c)`` become ``(n, h*w[*c])``
    views; anything else is returned untouched (with shape ``None``) for
    scikit-learn's validation to accept or reject.
    """
    if sp.issparse(X) or hasattr(X, "iloc") or hasattr(X, "__dataframe__"):
        return X, None
    ndim = _ndim(X)
    if ndim <= 2:
        return X, None
    if ndim > 4:
        raise ValueError(
            "Expected a 2-D array (n_samples, n_features) or images "
            f"(n_samples, height, width[, channels]); got an array with {ndim} "
            "dimensions."
        )
    X = np.asarray(X)
    return X.reshape(X.shape[0], -1), X.shape[1:]


def _as_model_input(rows, model_shape):
    """Return 2-D ``rows`` as a float32 batch of samples of ``model_shape``."""
    return np.asarray(rows, dtype=np.float32).reshape(-1, *model_shape)


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_float32_range(X, name="X"):
    """Reject finite values the float32 Keras model would turn into infinity."""
    # max and min rather than abs: no temporary copy of X on every call.
    if X.dtype != np.float32 and X.size and max(X.max(), -X.min()) > _FLOAT32_MAX:
        raise ValueError(
            f"{name} has values beyond float32's range (+-{_FLOAT32_MAX:.3g}), in "
            "which the Keras model computes; scale it first."
        )
    return X


def _check_positive_ints(value, name, *, allow_empty=True):
    """Return ``value`` as a tuple of positive ints or raise a clear error."""
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of positive ints, got {value!r}."
        ) from None
    if not allow_empty and not items:
        raise ValueError(f"{name} must not be empty.")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, Integral):
            raise TypeError(
                f"{name} must be a sequence of positive ints, got {value!r}."
            )
        if item < 1:
            raise ValueError(
                f"{name} must be a sequence of positive ints, got {value!r}."
            )
    return tuple(int(item) for item in items)


def _resolve_keras_object(getter, value, name):
    """Turn a Keras identifier into its object, with a clear error if unknown."""
    try:
        return getter(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name}={value!r} is not a known Keras {name}: {error}") from None


class BaseAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Base class for Keras autoencoders as scikit-learn transformers.

    Not meant to be used directly: use :class:`skae.AutoencoderTransformer` or
    :class:`skae.DenoisingAutoencoder`, whose docstrings describe every
    parameter. Subclasses customise training through the hooks
    :meth:`_start_fit`, :meth:`_corrupt` and ``_fresh_corruption``.
    """

    _parameter_constraints = {
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "architecture": [StrOptions(set(ARCHITECTURES)), callable],
        "hidden_layer_sizes": ["array-like"],
        "activation": [str, callable],
        "output_activation": [str, callable, None],
        "image_shape": ["array-like", None],
        "conv_filters": ["array-like"],
        "loss": [str, callable],
        "optimizer": [str, keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "callbacks": [list, None],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
        "random_state": ["random_state"],
        "on_interrupt": [StrOptions({"warn", "raise"})],
        "distribute": [HasMethods(["scope"]), None],
    }

    def __init__(
        self,
        latent_dim=None,
        *,
        architecture="dense",
        hidden_layer_sizes=(),
        activation="relu",
        output_activation="sigmoid",
        image_shape=None,
        conv_filters=(16, 8),
        loss="mse",
        optimizer="adam",
        learning_rate=None,
        epochs=10,
        batch_size=32,
        shuffle=True,
        validation_split=0.0,
        early_stopping=False,
        patience=5,
        callbacks=None,
        verbose=0,
        random_state=None,
        on_interrupt="warn",
        distribute=None,
    ):
        self.latent_dim = latent_dim
        self.architecture = architecture
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.image_shape = image_shape
        self.conv_filters = conv_filters
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.on_interrupt = on_interrupt
        self.distribute = distribute

    # ------------------------------------------------------------------ #
    # Validation
    # ------------------------------------------------------------------ #
    def _check_params(self):
        """Check what ``_parameter_constraints`` cannot express."""
        _check_positive_ints(self.hidden_layer_sizes, "hidden_layer_sizes")
        _check_positive_ints(self.conv_filters, "conv_filters", allow_empty=False)
        if self.image_shape is not None:
            image_shape = _check_positive_ints(self.image_shape, "image_shape")
            if len(image_shape) not in (2, 3):
                raise ValueError(
                    "image_shape must be (height, width) or (height, width, "
                    f"channels), got {self.image_shape!r}."
                )
        _resolve_keras_object(keras.activations.get, self.activation, "activation")
        _resolve_keras_object(
            keras.activations.get, self.output_activation, "output_activation"
        )
        _resolve_keras_object(keras.losses.get, self.loss, "loss")
        if self.distribute is not None:
            _distribute.check_strategy(self.distribute)
            replicas = _distribute.n_replicas(self.distribute)
            if self.batch_size % replicas:
                raise ValueError(
                    f"batch_size={self.batch_size} does not split evenly over the "
                    f"{replicas} replicas of distribute; use a multiple of {replicas}."
                )

    def _make_optimizer(self):
        """Return a fresh optimizer, leaving the ``optimizer`` parameter as is."""
        if isinstance(self.optimizer, keras.optimizers.Optimizer):
            config = self.optimizer.get_config()
            optimizer_class = type(self.optimizer)
        else:
            optimizer = _resolve_keras_object(
                keras.optimizers.get, self.optimizer, "optimizer"
            )
            config, optimizer_class = optimizer.get_config(), type(optimizer)
        if self.learning_rate is not None:
            config["learning_rate"] = self.learning_rate
        return optimizer_class.from_config(config)

    def _validate_samples(self, X, *, reset):
        """Validate ``X`` and return it as a 2-D float array.

        On ``reset`` records ``n_features_in_``, ``feature_names_in_`` and
        ``input_shape_``; otherwise checks ``X`` against them.
        """
        X, sample_shape = _flatten_samples(X)
        if not reset and sample_shape is not None:
            accepted = {self.input_shape_, self._model_input_shape}
            if sample_shape not in accepted:
                raise ValueError(
                    f"X has samples of shape {sample_shape}, but "
                    f"{type(self).__name__} was fitted on samples of shape "
                    f"{self.input_shape_}."
                )
        X = _check_float32_range(validate_data(self, X, reset=reset, dtype=[np.float64, np.float32]))
        if reset:
            self.input_shape_ = sample_shape or (X.shape[1],)
        return X

    def _resolve_model_input_shape(self):
        """Return the per-sample shape the Keras model will take."""
        if self.image_shape is not None:
            shape = tuple(int(size) for size in self.image_shape)
            if math.prod(shape) != self.n_features_in_:
                raise ValueError(
                    f"image_shape={self.image_shape!r} holds {math.prod(shape)} "
                    f"values, but X has {self.n_features_in_} features per sample."
                )
        else:
            shape = self.input_shape_
        if self.architecture == "conv":
            if len(shape) == 2:
                shape = (*shape, 1)
            elif len(shape) != 3:
                raise ValueError(
                    "architecture='conv' needs images: pass X of shape "
                    "(n_samples, height, width[, channels]) or set image_shape."
                )
        return shape

    # ------------------------------------------------------------------ #
    # Building the model
    # ------------------------------------------------------------------ #
    def _build_encoder_decoder(self, input_shape, seed):
        """Build ``(encoder, decoder)`` with initial weights seeded by ``seed``."""
        if callable(self.architecture):
            # A user's layers are seeded by Keras from Python's random.
            with _python_random_seeded(seed):
                return self.architecture(input_shape, self.latent_dim)
        if self.architecture == "conv":
            return ARCHITECTURES["conv"](
                input_shape,
                self.latent_dim,
                conv_filters=tuple(self.conv_filters),
                activation=self.activation,
                output_activation=self.output_activation,
                seed=seed,
            )
        return ARCHITECTURES["dense"](
            input_shape,
            DENSE_LATENT_DIM if self.latent_dim is None else self.latent_dim,
            hidden_layer_sizes=tuple(self.hidden_layer_sizes),
            activation=self.activation,
            output_activation=self.output_activation,
            seed=seed,
        )

    # ------------------------------------------------------------------ #
    # Training
    # ------------------------------------------------------------------ #
    #: Whether ``fit(X)`` corrupts each batch afresh (see :meth:`_corrupt`).
    _fresh_corruption = False

    def _start_fit(self, X, y):
        """Record what training needs to know about the validated data.

        A hook called before training with ``X`` and the targets ``y``
        (``None`` when they are ``X``); nothing to record here.
        """

    def _corrupt(self, X, rng):
        """Return the inputs the model learns to restore ``X`` from.

        A hook: the identity here, so an autoencoder reconstructs its input;
        :class:`~skae.DenoisingAutoencoder` returns a noisy copy. ``rng`` is a
        ``numpy.random.Generator`` owned by the fit.
        """
        return X

    def _training_batches(self, inputs, targets, model_shape, seed, *, corrupt_batches, passes):
        """Yield ``(inputs, targets)`` batches, reshuffled each pass over the data.

        Keras takes this generator with ``steps_per_epoch``; it runs in order,
        so the batches depend on ``seed`` alone. Rows are converted to float32
        one batch at a time, so the data are never copied whole. With
        ``corrupt_batches`` each batch of inputs is corrupted anew. ``passes``
        is the number of passes, ``None`` for endless.
        """
        rng = np.random.default_rng(seed)
        n_samples = inputs.shape[0]
        n_used = self._n_rows_per_pass(n_samples)
        for _ in itertools.repeat(None) if passes is None else range(passes):
            order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            for start in range(0, n_used, self.batch_size):
                rows = np.sort(order[start : min(start + self.batch_size, n_used)])
                X_batch = _as_model_input(inputs[rows], model_shape)
                y_batch = X_batch if targets is inputs else _as_model_input(targets[rows], model_shape)
                if corrupt_batches:
                    X_batch = self._corrupt(X_batch, rng)
                yield X_batch, y_batch

    def _n_rows_per_pass(self, n_samples):
        """Number of rows one pass over ``n_samples`` rows trains on.

        All of them, or under ``distribute`` the largest multiple of the
        replica count, so every batch splits evenly over the replicas (which
        rows are left out changes with each shuffle).
        """
        n_used = n_samples - n_samples % _distribute.n_replicas(self.distribute)
        if n_used == 0:
            raise ValueError(
                f"{n_samples} training sample(s) cannot be split over the "
                f"{_distribute.n_replicas(self.distribute)} replicas of distribute."
            )
        return n_used

    def _split_validation(self, X, y):
        """Hold out the last ``validation_split`` share of rows, as Keras does.

        Returns ``X_train, y_train, X_val, y_val``: the ``y`` parts are
        ``None`` when ``y`` is, and the validation parts without a split.
        """
        n_samples = X.shape[0]
        if not self.validation_split:
            return X, y, None, None
        n_train = math.ceil(n_samples * (1 - self.validation_split))
        if n_train == n_samples or n_train == 0:
            raise ValueError(
                f"validation_split={self.validation_split} leaves no "
                f"{'validation' if n_train == n_samples else 'training'} "
                f"samples with n_samples={n_samples}."
            )
        if y is None:
            return X[:n_train], None, X[n_train:], None
        return X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    def _training_data(self, X, y, model_shape, batch_seed, noise_seed, *, hold_out):
        """Return ``(make_batches, steps_per_epoch, validation_data)`` for Keras.

        ``make_batches()`` starts the seeded batches (see
        :meth:`_training_batches`) from the beginning.

        With ``hold_out`` (``fit``) the last ``validation_split`` share of rows
        is held out as validation data and the batches run on endlessly;
        without (``partial_fit``) there is no validation data and the batches
        make one pass.

        Without ``y`` the targets are ``X`` and the inputs its corruption: per
        batch with ``_fresh_corruption``, else once up front (``X`` itself for
        a plain autoencoder). With ``y`` the pairs are used as given.
        """
        if hold_out:
            X_train, y_train, X_val, y_val = self._split_validation(X, y)
        else:
            X_train, y_train, X_val, y_val = X, y, None, None
        noise_rng = np.random.default_rng(noise_seed)
        corrupt_batches = y is None and self._fresh_corruption
        if y is None:
            inputs, targets = X_train, X_train
            if not corrupt_batches:
                inputs = self._corrupt(X_train, noise_rng)
            if X_val is not None:
                X_val, y_val = self._corrupt(X_val, noise_rng), X_val
        else:
            inputs, targets = X_train, y_train

        validation_data = None
        if X_val is not None:
            val_inputs = _as_model_input(X_val, model_shape)
            val_targets = val_inputs if y_val is X_val else _as_model_input(y_val, model_shape)
            validation_data = (val_inputs, val_targets)
        make_batches = functools.partial(
            self._training_batches, inputs, targets, model_shape, batch_seed,
            corrupt_batches=corrupt_batches, passes=None if hold_out else 1,
        )
        steps_per_epoch = math.ceil(self._n_rows_per_pass(X_train.shape[0]) / self.batch_size)
        return make_batches, steps_per_epoch, validation_data

    def _guarded(self, train, X, y):
        """Run ``train(X, y)``; on any failure put the estimator back as it was.

        So a fit either completes, or leaves the estimator exactly as it was
        before the call (an interrupted fit with ``on_interrupt="warn"``
        completes with the weights reached so far).
        """
        previous_state = dict(self.__dict__)
        try:
            return train(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    def _fit(self, X, y=None):
        """Fit from scratch to restore ``X`` from its corruption, or ``y`` from ``X``."""
        return self._guarded(self._fit_unguarded, X, y)

    def _partial_fit(self, X, y=None):
        """Train one pass over ``X``, continuing from the current weights."""
        return self._guarded(self._partial_fit_unguarded, X, y)

    def _validate_training_input(self, X, y, *, reset):
        """Validate parameters and training data; return ``X, y, model_shape``."""
        self._validate_params()
        self._check_params()
        self._make_optimizer()  # fails early on a bad optimizer
        X = self._validate_samples(X, reset=reset)
        if y is not None:
            y = self._validate_target(X, y)
        model_shape = self._resolve_model_input_shape() if reset else self._model_input_shape
        return X, y, model_shape

    def _draw_seeds(self):
        """Return the seeds of a new fit: model building, batches, noise.

        Also keeps a generator seeding the passes of later ``partial_fit``
        calls, so a sequence of calls depends on ``random_state`` alone.
        """
        rng = check_random_state(self.random_state)
        build_seed, batch_seed, noise_seed, later_seed = (
            int(seed) for seed in rng.randint(_MAX_SEED, size=4)
        )
        self._pass_seeds = np.random.default_rng(later_seed)
        return build_seed, batch_seed, noise_seed

    def _max_steps_per_execution(self):
        """Most training batches per call of Keras's train function."""
        return _distribute.max_steps_per_execution(self.distribute, MAX_STEPS_PER_EXECUTION)

    def _build_model(self, model_shape, build_seed, steps_per_execution):
        """Build and compile a new model (in ``distribute``'s scope); set ``model_``."""
        with _distribute.scope(self.distribute):
            encoder, decoder = self._build_encoder_decoder(model_shape, build_seed)
            model = compose_autoencoder(encoder, decoder, model_shape)
            model.compile(
                optimizer=self._make_optimizer(),
                loss=self.loss,
                steps_per_execution=steps_per_execution,
            )
        self._set_model(model)
        self.history_, self.n_iter_ = {}, 0

    def _set_model(self, model):
        """Keep ``model`` as ``model_``, with its encoder and decoder."""
        self.model_ = model
        self.encoder_, self.decoder_ = split_autoencoder(model)

    def _fit_unguarded(self, X, y):
        X, y, model_shape = self._validate_training_input(X, y, reset=True)
        build_seed, batch_seed, noise_seed = self._draw_seeds()
        self._start_fit(X, y)
        make_batches, steps_per_epoch, validation_data = self._training_data(
            X, y, model_shape, batch_seed, noise_seed, hold_out=True
        )
        self._build_model(
            model_shape,
            build_seed,
            _steps_per_execution(steps_per_epoch, self._max_steps_per_execution()),
        )
        self._run_epochs(
            make_batches, steps_per_epoch, self.epochs, validation_data, self.early_stopping
        )
        return self

    def _partial_fit_unguarded(self, X, y):
        first_call = not hasattr(self, "model_")
        X, y, model_shape = self._validate_training_input(X, y, reset=first_call)
        if first_call:
            build_seed, batch_seed, noise_seed = self._draw_seeds()
            self._start_fit(X, y)
        else:
            batch_seed, noise_seed = (int(s) for s in self._pass_seeds.integers(_MAX_SEED, size=2))
        make_batches, steps_per_epoch, _ = self._training_data(
            X, y, model_shape, batch_seed, noise_seed, hold_out=False
        )
        # The one pass ends with the data, so the last group of batches may be
        # short: no divisor of the pass is needed, unlike fit's endless batches.
        steps_per_execution = min(self._max_steps_per_execution(), steps_per_epoch)
        if first_call:
            self._build_model(model_shape, build_seed, steps_per_execution)
        self._run_epochs(
            make_batches, steps_per_epoch, 1, None, early_stopping=False,
            steps_per_execution=steps_per_execution,
        )
        return self

    def _run_epochs(
        self, make_batches, steps_per_epoch, epochs, validation_data, early_stopping,
        steps_per_execution=None,
    ):
        """Train ``model_`` for ``epochs`` more epochs; extend ``history_`` and ``n_iter_``.

        Keeps the weights reached on Ctrl-C (with ``on_interrupt="warn"``);
        raises if the loss stops being finite. ``steps_per_execution``, if
        given, replaces the model's own.
        """
        if self.distribute is None:
            model, batches = self.model_, make_batches()
        else:
            model = _distribute.in_scope(self.model_, self.distribute)
            batches = _distribute.as_dataset(make_batches, self._model_input_shape)
        if steps_per_execution is not None:
            _set_steps_per_execution(model, steps_per_execution)
        history = keras.callbacks.History()
        callbacks = [*(self.callbacks or []), keras.callbacks.TerminateOnNaN(), history]
        if early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if validation_data is not None else "loss",
                    patience=self.patience,
                    restore_best_weights=True,
                )
            )
        try:
            model.fit(
                batches,
                steps_per_epoch=steps_per_epoch,
                initial_epoch=self.n_iter_,
                epochs=self.n_iter_ + epochs,
                shuffle=False,  # the generator shuffles, with our own seed
                validation_data=validation_data,
                callbacks=callbacks,
                verbose=self.verbose,
            )
        except KeyboardInterrupt:
            if self.on_interrupt == "raise":
                raise
            warnings.warn(
                f"{type(self).__name__} training was interrupted after "
                f"{len(history.epoch)} complete epoch(s) of {epochs}; the "
                "estimator keeps the weights reached so far.",
                FitInterruptedWarning,
                stacklevel=6,  # the user's fit or partial_fit call
            )
        losses = history.history.get("loss", [])
        if losses and not np.isfinite(losses[-1]):
            raise ValueError(
                f"Training diverged: the loss became {losses[-1]} in epoch "
                f"{self.n_iter_ + len(losses)}, so training stopped and the estimator "
                "was left as it was. Scale X (e.g. to [0, 1]) or lower the learning_rate."
            )
        if self.distribute is not None:
            self._set_model(_distribute.out_of_scope(model))
        for name, values in history.history.items():
            self.history_.setdefault(name, []).extend(float(value) for value in values)
        self.n_iter_ += len(history.epoch)

    def _check_y_length(self, X, y):
        """Reject a ``y`` with another number of samples than ``X``."""
        if y is not None:
            check_consistent_length(X, y)

    def _validate_target(self, X, y):
        """Validate explicit training targets ``y`` against ``X``."""
        y, _ = _flatten_samples(y)
        y = _check_float32_range(check_array(y, dtype=[np.float64, np.float32], input_name="y"), "y")
        if y.shape != X.shape:
            raise ValueError(
                f"y must have the shape of X, {X.shape} flattened; got {y.shape}."
            )
        return y

    # ------------------------------------------------------------------ #
    # Prediction
    # ------------------------------------------------------------------ #
    @property
    def _model_input_shape(self):
        """Shape of one sample as the fitted Keras model takes it."""
        return tuple(self.model_.input_shape[1:])

    @property
    def _n_features_out(self):
        """Number of codes, used by ``get_feature_names_out``."""
        return self.encoder_.output_shape[-1]

    @staticmethod
    def _predict_chunks(model, X, input_shape):
        """Yield ``(start, stop, outputs)`` for ``X`` in fixed-size batches.

        ``outputs`` are the model's float32 results for rows ``start:stop``,
        flattened to 2-D. Every call sees exactly ``PREDICT_BATCH_SIZE`` rows,
        so a row's result does not depend on the rows around it, and memory is
        bounded by one batch.
        """
        batch = np.zeros((PREDICT_BATCH_SIZE, math.prod(input_shape)), dtype=np.float32)
        batch_view = batch.reshape(PREDICT_BATCH_SIZE, *input_shape)
        # Full float32 chunks of a C-ordered X go to Keras as views, uncopied.
        pass_views = X.dtype == np.float32 and X.flags.c_contiguous
        for start in range(0, X.shape[0], PREDICT_BATCH_SIZE):
            rows = X[start : start + PREDICT_BATCH_SIZE]
            n_rows = rows.shape[0]
            if pass_views and n_rows == PREDICT_BATCH_SIZE:
                model_input = rows.reshape(PREDICT_BATCH_SIZE, *input_shape)
            else:
                batch[:n_rows] = rows
                batch[n_rows:] = 0.0
                model_input = batch_view
            outputs = np.asarray(model.predict_on_batch(model_input))
            yield start, start + n_rows, outputs.reshape(PREDICT_BATCH_SIZE, -1)[:n_rows]

    def _predict(self, model, X, input_shape):
        """Run ``model`` on 2-D ``X``; return 2-D results in ``X``'s dtype."""
        result = None
        for start, stop, outputs in self._predict_chunks(model, X, input_shape):
            if result is None:
                result = np.empty((X.shape[0], outputs.shape[1]), dtype=X.dtype)
            result[start:stop] = outputs
        return result

    def _check_codes(self, X):
        """Validate codes given to ``inverse_transform``."""
        X = _check_float32_range(check_array(X, dtype=[np.float64, np.float32]))
        if X.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self._n_features_out} codes as input."
            )
        return X

    def transform(self, X):
        """Encode ``X`` into codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Samples shaped as in ``fit`` (or flattened to 2-D).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_codes)
            The codes, in ``X``'s float dtype (float32 stays float32).
        """
        check_is_fitted(self)
        X = self._validate_samples(X, reset=False)
        return self._predict(self.encoder_, X, self._model_input_shape)

    def inverse_transform(self, X):
        """Decode codes back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_codes)
            Codes, as returned by :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, *input_shape_)
            Reconstructions shaped like the samples given to ``fit``: 2-D
            ``(n_samples, n_features)`` for 2-D input, images for images.
        """
        check_is_fitted(self)
        X = self._check_codes(X)
        decoded = self._predict(self.decoder_, X, (self._n_features_out,))
        return decoded.reshape(X.shape[0], *self.input_shape_)

    def _reconstruction_errors(self, X_input, X_target):
        """Per-row mean squared error of reconstructing ``X_target`` from ``X_input``."""
        errors = np.empty(X_input.shape[0], dtype=np.float64)
        for start, stop, outputs in self._predict_chunks(
            self.model_, X_input, self._model_input_shape
        ):
            difference = X_target[start:stop] - outputs.astype(np.float64)
            errors[start:stop] = np.mean(np.square(difference), axis=1)
        return errors

    def score_samples(self, X):
        """Negative mean squared reconstruction error of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Samples shaped as in ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-mean((x - reconstruction(x)) ** 2)`` per sample: higher is better.
        """
        check_is_fitted(self)
        X = self._validate_samples(X, reset=False)
        return -self._reconstruction_errors(X, X)

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`: the negative reconstruction error.

        Higher is better, so ``GridSearchCV`` and ``cross_val_score`` can rank
        autoencoders without a ``scoring`` argument.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Samples shaped as in ``fit``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples`.
        """
        return float(np.mean(self.score_samples(X)))

    # ------------------------------------------------------------------ #
    # scikit-learn tags and persistence
    # ------------------------------------------------------------------ #
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def __getstate__(self):
        state = dict(super().__getstate__())
        model = state.pop("model_", None)
        if model is not None:
            state.pop("encoder_", None)
            state.pop("decoder_", None)
            state["_model_bytes"] = model_to_bytes(model)
        # A strategy holds this process's devices and cannot be pickled: the
        # copy trains without one until ``distribute`` is set again.
        if state.get("distribute") is not None:
            state["distribute"] = None
        state["_skae_version"] = __version__
        return state

    def __setstate__(self, state):
        state = dict(state)
        model_bytes = state.pop("_model_bytes", None)
        pickled_version = state.pop("_skae_version", None)
        if pickled_version != __version__:
            warnings.warn(
                f"This {type(self).__name__} was pickled with skae "
                f"{pickled_version} and is loaded with skae {__version__}; "
                "its behaviour may differ. Refit it to be safe.",
                InconsistentVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
        if model_bytes is not None:
            self._set_model(model_from_bytes(model_bytes))

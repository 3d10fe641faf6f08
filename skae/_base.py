"""The estimator base every skae autoencoder shares.

:class:`BaseAutoencoder` owns what makes an estimator: its parameters, the
one training entry ``_fit(X, y, *, incremental)`` behind ``fit`` and
``partial_fit``, ``transform`` / ``inverse_transform`` / ``score``, the
scikit-learn tags and pickling. The work it orders lives in modules of its
own, each a set of functions that never see an estimator (``docs/contributing.rst``
lists them, and why skae does not build on scikeras's ``BaseWrapper``).

Training is a transaction. ``_fit`` builds a new model (``fit``, or the
first ``partial_fit``) or takes ``model_``; the model's state is copied into
an engine that trains in its place, and copied back, together with
``history_`` and ``n_iter_``, only when training succeeded or was stopped by
Ctrl-C with ``on_interrupt="warn"``. Any other failure (bad input,
divergence, an exception from a callback, Ctrl-C with ``"raise"``) leaves
the estimator exactly as it was: its weights, optimizer state and fitted
attributes (restored from a shallow copy: nothing it holds is changed in
place before the commit). Later ``partial_fit`` passes' seeds derive from
``random_state`` and ``n_iter_``, so they roll back with ``n_iter_``.

Subclasses change what they need through small hooks, each marked "a hook"
in its docstring; ``docs/contributing.rst`` ("How skae is built") says what
each is for, and how an estimator uses them.
"""

import uuid
from numbers import Integral, Real

import keras
import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_consistent_length, check_is_fitted, validate_data

from . import _batching, _defaults, _distribute, _engines, _missing, _predictors, _random, _serialization, _training
from . import _validation as checks
from ._version import __version__
from .architectures import ARCHITECTURES, builder_settings, compose_autoencoder, split_autoencoder
from .architectures import _sample_input_shape


def _first(value):
    """The first of a model's outputs (or output shapes), or the one there is."""
    return value[0] if isinstance(value, list) else value


class BaseAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Base class for Keras autoencoders as scikit-learn transformers.

    Not meant to be used directly: use :class:`skae.AutoencoderTransformer` or
    :class:`skae.DenoisingAutoencoder`, whose docstrings describe every
    parameter. The module docstring lists the hooks a subclass may override.
    """

    _parameter_constraints = {
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        # The registry's live keys: an architecture registered later is valid.
        "architecture": [StrOptions(ARCHITECTURES.keys()), callable],
        "hidden_layer_sizes": [StrOptions({"auto"}), "array-like"],
        "activation": [str, callable],
        "code_activation": [str, callable, None],
        "output_activation": [StrOptions({"auto"}), str, callable, None],
        "image_shape": ["array-like", None],
        "conv_filters": ["array-like"],
        "loss": [str, callable],
        "optimizer": [str, keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "epochs": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "validation_split": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "patience": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
        "callbacks": [list, None],
        "verbose": [Interval(Integral, 0, 2, closed="both")],
        "random_state": ["random_state"],
        "on_interrupt": [StrOptions({"warn", "raise"})],
        "distribute": [HasMethods(["scope"]), None],
    }

    #: Parameters that steer training but neither build nor compile the
    #: model: fits differing only in these share compiled engines.
    _training_params = frozenset({
        "epochs", "batch_size", "shuffle", "validation_split", "early_stopping", "patience",
        "callbacks", "verbose", "random_state", "on_interrupt", "distribute",
    })

    def __init__(
        self,
        latent_dim=None,
        *,
        architecture="dense",
        hidden_layer_sizes="auto",
        activation="elu",
        code_activation=None,
        output_activation="auto",
        image_shape=None,
        conv_filters=(16, 8),
        loss="mse",
        optimizer="adam",
        learning_rate=None,
        epochs="auto",
        batch_size=32,
        shuffle=True,
        validation_split="auto",
        early_stopping="auto",
        patience="auto",
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
        self.code_activation = code_activation
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
        if not _defaults.is_auto(self.hidden_layer_sizes):
            checks.check_positive_ints(self.hidden_layer_sizes, "hidden_layer_sizes")
        checks.check_positive_ints(self.conv_filters, "conv_filters", allow_empty=False)
        if self.image_shape is not None:
            checks.check_image_shape(self.image_shape, None)
        params = self.get_params(deep=False)
        for name in ("activation", "code_activation", "output_activation"):
            if name in params and not _defaults.is_auto(params[name]):
                checks.resolve_keras_object(keras.activations.get, params[name], name)
        loss = self._training_loss()
        if loss is not None:
            checks.resolve_keras_object(keras.losses.get, loss, "loss")
        _engines.make_optimizer(self.optimizer, self.learning_rate)  # fails early if unknown
        if self.distribute is not None:
            _distribute.check_strategy(self.distribute, self.batch_size)

    def _validate_samples(self, X, *, reset):
        """``X`` validated as a 2-D float array; on ``reset`` its shape and names recorded, else checked (a hook)."""
        checks.check_no_categories(X, type(self).__name__)
        X, sample_shape = checks.flatten_samples(X)
        if not reset:
            checks.check_sample_shape(
                sample_shape, {self.input_shape_, self._model_input_shape}, self.input_shape_,
                type(self).__name__,
            )
        ensure_all_finite = "allow-nan" if self._accepts_missing else True
        X = validate_data(self, X, reset=reset, dtype=[np.float64, np.float32], ensure_all_finite=ensure_all_finite)
        checks.check_float32_range(X)
        if reset:
            self.input_shape_ = sample_shape or (X.shape[1],)
        elif self._accepts_missing:
            _missing.check_no_gaps_unless_trained_on_them(X, self.trained_on_missing_, type(self).__name__)
        return X

    def _check_y_length(self, X, y):
        """Reject a ``y`` with another number of samples than ``X``."""
        if y is not None:
            check_consistent_length(X, y)

    # ------------------------------------------------------------------ #
    # Building the model
    # ------------------------------------------------------------------ #
    def _build_encoder_decoder(self, sample_shape, seed, complete=False):
        """Build ``(encoder, decoder)`` from ``ARCHITECTURES`` or the callable; for gaps unless ``complete``."""
        if self.trained_on_missing_ and not complete:
            build = lambda shape: self._build_encoder_decoder(shape, seed, complete=True)  # noqa: E731
            return _missing.gap_model_parts(build, self.architecture, sample_shape)
        if callable(self.architecture):
            # A user's layers are seeded by Keras from Python's random.
            with _random.python_random_seeded(seed):
                return self.architecture(sample_shape, self.latent_dim)
        builder = ARCHITECTURES[self.architecture]
        settings = builder_settings(builder, self._model_params())
        return builder(sample_shape, self.latent_dim, seed=seed, **settings)

    def _compose_model(self, encoder, decoder, input_shape, seed=None):
        """Join the encoder and decoder into the one trained model (a hook).

        ``seed`` is the builder's: layers added here seed themselves from it.
        """
        return compose_autoencoder(encoder, decoder, input_shape)

    def _training_loss(self):
        """The Keras loss the model is compiled with, ``None`` for losses added by layers (a hook)."""
        return self.loss

    def _build_model(self, seed):
        """Build, compile and return a new model for samples like ``fit``'s."""
        model = self._build_uncompiled_model(seed)
        optimizer = _engines.make_optimizer(self.optimizer, self.learning_rate)
        loss = self._training_loss()
        return _engines.compile_model(model, optimizer, _missing.observed_loss(loss) if self.trained_on_missing_ else loss)

    def _build_uncompiled_model(self, seed):
        """The composed encoder and decoder, checked against the values of a sample (``input_shape_``)."""
        sample_shape, n_values = self.input_shape_, int(np.prod(self.input_shape_))
        if self.image_shape is not None:
            sample_shape = checks.check_image_shape(self.image_shape, n_values)
        encoder, decoder = self._build_encoder_decoder(sample_shape, seed)
        # The encoder's own input shape where it declares one (the conv
        # builder adds a channel); a subclassed Keras model declares none.
        model_input_shape = tuple(getattr(encoder, "input_shape", (None, *sample_shape))[1:])
        if np.prod(model_input_shape) != n_values:
            raise ValueError(
                f"The architecture's encoder takes samples of shape {model_input_shape}, "
                f"but X has {n_values} values per sample."
            )
        return self._compose_model(encoder, decoder, model_input_shape, seed=seed)

    def _model_params(self):
        """The parameters, with the ``"auto"`` ones that build the model resolved (a hook: the engine's key)."""
        resolved = {"hidden_layer_sizes": self.hidden_layer_sizes_, "output_activation": self.output_activation_}
        resolved["trained_on_missing"] = self.trained_on_missing_
        return {**self.get_params(deep=False), **resolved}

    def _current_engine_key(self, model_input_shape):
        """The engine key of the model the current parameters build."""
        model_params = {
            name: value for name, value in self._model_params().items()
            if name not in self._training_params
        }
        return _engines.make_key(type(self), model_params, model_input_shape)

    def _rebuild_model(self, model):
        """``model`` built again by this estimator, for Keras models it cannot clone."""
        if self._current_engine_key(model.input_shape[1:]) != self._engine_key:
            raise ValueError(
                "Keras cannot copy this architecture (a subclassed model without "
                "get_config), so skae builds it again to train, but the parameters "
                "that build it changed since fit. Call fit again, or give the "
                "architecture's models a get_config."
            )
        return self._build_uncompiled_model(seed=0)

    def _set_model(self, model):
        """Keep ``model`` as ``model_``, with its encoder and decoder (a hook)."""
        self.model_ = model
        self.encoder_, self.decoder_ = split_autoencoder(model)

    @property
    def _model_input_shape(self):
        """Shape of one sample as the fitted Keras model takes it."""
        return _sample_input_shape(self.model_)

    @property
    def _n_features_out(self):
        """Number of codes, used by ``get_feature_names_out``."""
        return _first(self.encoder_.output).shape[-1]

    # ------------------------------------------------------------------ #
    # Training
    # ------------------------------------------------------------------ #
    #: Whether ``fit(X)`` corrupts each batch anew (see :meth:`_corruption`).
    _fresh_corruption = False
    #: Whether ``X`` may hold NaN (skae._missing: the model then learns around gaps), and whether
    #: the model is built for gaps even without; ``trained_on_missing_``'s default, for old pickles.
    _accepts_missing, _models_gaps, trained_on_missing_ = False, False, False

    def _start_fit(self, X, y):
        """Record fitted attributes training needs from validated ``X`` and targets ``y`` or ``None`` (a hook)."""

    def _corruption(self):
        """``corrupt(X, rng)`` making training inputs from clean ``X``, or ``None`` (a hook)."""
        return None

    def _fit(self, X, y=None, *, incremental):
        """Train: ``fit`` (``incremental=False``) or one ``partial_fit`` pass.

        ``fit`` and the first ``partial_fit`` build a new model; later
        ``partial_fit`` calls continue ``model_``. Either the training
        completes and is committed, or the estimator is left as it was.
        """
        starts_over = not (incremental and hasattr(self, "model_"))
        saved_state = dict(self.__dict__)
        try:
            self._validate_params()
            self._check_params()
            X = self._validate_samples(X, reset=starts_over)
            y = None if y is None else checks.check_targets(X, y)
            if starts_over:
                build_seed, batch_seed, noise_seed, self._pass_seed, validation_seed = _random.draw_seeds(
                    self.random_state, 5
                )
                self.trained_on_missing_ = self._models_gaps or (self._accepts_missing and _missing.has_gaps(X))
                if self.trained_on_missing_:
                    _missing.check_some_observed(X)
                self.hidden_layer_sizes_ = _defaults.hidden_layer_sizes(self.hidden_layer_sizes, X.shape[1])
                self.output_activation_ = self._resolve_output_activation(X if y is None else y)
                self._start_fit(X, y)
                model = self._build_model(build_seed)
                self._engine_key = self._current_engine_key(model.input_shape[1:])
            else:
                model = self.model_
                batch_seed, noise_seed = _random.pass_seeds(self._pass_seed, self.n_iter_)
                validation_seed = None
            history, n_epochs = self._train(
                model, X, y, batch_seed, noise_seed, validation_seed, incremental=incremental,
                initial_epoch=0 if starts_over else self.n_iter_,
            )
            previous = {} if starts_over else self.history_
            names = [*previous, *(name for name in history if name not in previous)]
            self.history_ = {name: [*previous.get(name, []), *history.get(name, [])] for name in names}
            self.n_iter_ = n_epochs if starts_over else self.n_iter_ + n_epochs
            self._set_model(model)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise
        return self

    def _resolve_output_activation(self, targets):
        """``output_activation``, or what ``"auto"`` gives for these targets (a hook)."""
        return _defaults.output_activation(self.output_activation, targets)

    def _training_data(self, X, y, batch_seed, noise_seed, validation_seed, model_input_shape, incremental):
        """The :class:`~skae._batching.TrainingData` Keras trains on (a hook)."""
        return _batching.training_data(
            X, y, batch_size=self.batch_size, shuffle=self.shuffle, batch_seed=batch_seed,
            noise_seed=noise_seed, model_input_shape=model_input_shape,
            corrupt=self._corruption(), fresh_corruption=self._fresh_corruption,
            validation_split=0.0 if incremental else self.validation_split_,
            validation_seed=validation_seed, passes=1 if incremental else None,
            n_replicas=_distribute.n_replicas(self.distribute),
        )

    def _train(self, model, X, y, batch_seed, noise_seed, validation_seed, *, incremental, initial_epoch):
        """Train ``model`` on an engine; return ``(history, n_epochs)``.

        ``fit`` (not ``partial_fit``, one plain pass) resolves the training
        settings into ``early_stopping_``, ``validation_split_``, ``epochs_``
        and ``patience_``. ``model`` changes only when this returns: its state
        is copied into an engine, trained there, and copied back.
        """
        if not incremental:
            self.early_stopping_ = _defaults.early_stopping(self.early_stopping, self.epochs)
            self.validation_split_ = _defaults.validation_split(self.validation_split, X.shape[0], self.early_stopping_)
        model_input_shape = tuple(model.input_shape[1:])
        data = self._training_data(X, y, batch_seed, noise_seed, validation_seed, model_input_shape, incremental)
        if not incremental:
            self.epochs_ = _defaults.epochs(self.epochs, data.steps_per_epoch)
            self.patience_ = _defaults.patience(self.patience, self.epochs_)
        steps = _training.steps_per_execution(
            data.steps_per_epoch,
            _distribute.max_steps_per_execution(self.distribute, _training.MAX_STEPS_PER_EXECUTION),
            endless=not incremental,
        )
        shareable = self.distribute is None and self._engine_key is not None
        key = (self._engine_key, steps) if shareable else None
        def build():
            return _engines.new_engine(model, steps, self.distribute, rebuild=lambda: self._rebuild_model(model))

        with _engines.checkout(key, build) as engine:
            engine.load(model)
            batches = _distribute.training_batches(self.distribute, data.make_batches, model_input_shape)
            with _distribute.training_scope(self.distribute):
                result = _training.run_epochs(
                    engine.model, batches, steps_per_epoch=data.steps_per_epoch,
                    epochs=1 if incremental else self.epochs_, initial_epoch=initial_epoch,
                    validation_data=data.validation_data, callbacks=self.callbacks,
                    early_stopping=not incremental and self.early_stopping_,
                    patience=None if incremental else self.patience_,
                    verbose=self.verbose, on_interrupt=self.on_interrupt,
                    estimator_name=type(self).__name__,
                )
            engine.store(model)
        return result

    # ------------------------------------------------------------------ #
    # Prediction
    # ------------------------------------------------------------------ #
    def _predict(self, part_name, X):
        """Run ``"model"``, ``"encoder"`` or ``"decoder"`` on 2-D ``X``; one array per output."""
        part = {"model": self.model_, "encoder": self.encoder_, "decoder": self.decoder_}[part_name]
        input_shape = (X.shape[1],) if part_name == "decoder" else self._model_input_shape
        function = _predictors.predict_function(self._engine_key, part_name, part)
        return _batching.predict(function, X, input_shape, function.batch_size)

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
        return self._predict("encoder", X)[0]

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
        X = checks.check_codes(X, self._n_features_out, type(self).__name__)
        decoded = self._predict("decoder", X)[0]
        return decoded.reshape(X.shape[0], *self.input_shape_)

    def _reconstruction_errors(self, X_input, X_target):
        """Per-row mean squared error of reconstructing ``X_target`` from ``X_input``, over its observed entries."""
        function = _predictors.predict_function(self._engine_key, "model", self.model_)
        return _missing.reconstruction_errors(function, X_input, X_target, self._model_input_shape)

    def _score_samples(self, X):
        """Per-sample scores of validated 2-D ``X``, higher is better (a hook)."""
        return -self._reconstruction_errors(X, X)

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
        return self._score_samples(self._validate_samples(X, reset=False))

    def score(self, X, y=None):
        """Mean of :meth:`score_samples`, which says what each estimator scores.

        Higher is better, so ``GridSearchCV`` and ``cross_val_score`` can rank
        autoencoders without a ``scoring`` argument: by reconstruction error,
        denoising error, or (the variational autoencoder) likelihood bound.

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
        tags.input_tags.allow_nan = self._accepts_missing
        return tags

    def __getstate__(self):
        return _serialization.pickle_state(super().__getstate__(), __version__)

    def __setstate__(self, state):
        state, model = _serialization.unpickle_state(state, type(self).__name__, __version__)
        super().__setstate__(state)
        if model is not None:
            self._set_model(model)
            # Its own engines: parameters may have changed since this model was built.
            self._engine_key = ("loaded", uuid.uuid4().hex)

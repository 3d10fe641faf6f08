"""AutoencoderTransformer: a Keras autoencoder as a scikit-learn transformer."""

from ._base import BaseAutoencoder


class AutoencoderTransformer(BaseAutoencoder):
    """Keras autoencoder as a scikit-learn transformer.

    ``fit`` trains an encoder and a decoder to reconstruct ``X``;
    ``transform`` returns the encoder's codes, so the encoder works as a
    feature extractor in a :class:`~sklearn.pipeline.Pipeline`, and
    ``inverse_transform`` decodes codes back to the input space. ``score`` is
    the negative mean squared reconstruction error, so
    :class:`~sklearn.model_selection.GridSearchCV` can tune ``latent_dim``
    without a scorer.

    With the defaults this is the classic tutorials' dense autoencoder
    (``Flatten``, ``Dense(64, relu)``, ``Dense(n_features, sigmoid)``, mean
    squared error, Adam, 10 epochs of batches of 32). Like that model it
    expects inputs scaled to [0, 1] (e.g. pixels divided by 255 or a
    :class:`~sklearn.preprocessing.MinMaxScaler` before it), because of the
    sigmoid output; set ``output_activation=None`` for unbounded data.

    Input can be 2-D ``(n_samples, n_features)`` or images ``(n_samples,
    height, width)`` / ``(n_samples, height, width, channels)`` as the Keras
    tutorials pass them; ``transform`` always returns 2-D codes and
    ``inverse_transform`` returns samples shaped like those given to ``fit``.

    Parameters
    ----------
    latent_dim : int or None, default=None
        Number of codes. ``None`` uses the architecture's own: 64 for
        ``"dense"`` (the tutorials' size), and for ``"conv"`` the flattened
        last feature map (392 codes for 28x28 images); an int with ``"conv"``
        adds a Dense bottleneck of that size. Passed on to a callable
        ``architecture`` as given.
    architecture : {"dense", "conv"} or callable, default="dense"
        ``"dense"``: fully connected, see ``hidden_layer_sizes``.
        ``"conv"``: stride-2 convolutions down, transposed convolutions up,
        for images (see ``image_shape`` and ``conv_filters``).
        A callable ``f(input_shape, latent_dim)`` returning Keras models
        ``(encoder, decoder)`` builds any other autoencoder; see
        :mod:`skae.architectures` for its contract.
    hidden_layer_sizes : sequence of int, default=()
        Dense layers between the input and the codes (``"dense"`` only); the
        decoder mirrors them.
    activation : str or callable, default="relu"
        Keras activation of the hidden layers and of the codes.
    output_activation : str or callable or None, default="sigmoid"
        Keras activation of the reconstruction; ``None`` is linear.
    image_shape : tuple of int or None, default=None
        ``(height, width[, channels])`` of one sample. Needed only when
        ``architecture="conv"`` gets flattened 2-D ``X``; image-shaped ``X``
        gives the shape itself.
    conv_filters : sequence of int, default=(16, 8)
        Filters of the stride-2 convolutions (``"conv"`` only), outermost
        first. Kernels are 3x3.
    loss : str or callable, default="mse"
        Keras loss, e.g. ``"mse"``, ``"mae"`` or ``"binary_crossentropy"``.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Keras optimizer name or instance. An instance is used as a template:
        each fit trains a fresh copy, so the instance itself is not changed.
    learning_rate : float or None, default=None
        Learning rate of the optimizer; ``None`` keeps the optimizer's own
        (0.001 for Adam).
    epochs : int, default=10
        Passes over the training data.
    batch_size : int, default=32
        Samples per gradient step.
    shuffle : bool, default=True
        Whether to reshuffle the training rows before each epoch.
    validation_split : float in [0, 1), default=0.0
        Share of rows, taken from the end of ``X`` as Keras does, held out to
        report ``val_loss`` in ``history_`` and to drive early stopping.
    early_stopping : bool, default=False
        Stop when the monitored loss (``val_loss`` with a validation split,
        else ``loss``) has not improved for ``patience`` epochs, and keep the
        best weights.
    patience : int, default=5
        Epochs without improvement before early stopping.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for ``fit``, used as given (Keras calls them).
    verbose : {0, 1, 2}, default=0
        Keras's verbosity: 1 shows its progress bar, 2 one line per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling. An int makes two fits
        bit-identical on CPU, without changing any global random state.
        ``None`` draws the seeds from NumPy's global random state, as
        scikit-learn estimators do.

    Attributes
    ----------
    model_ : keras.Model
        The trained autoencoder: ``encoder_`` followed by ``decoder_``.
    encoder_ : keras.Model
        Maps samples to codes; shares its weights with ``model_``.
    decoder_ : keras.Model
        Maps codes to reconstructions; shares its weights with ``model_``.
    history_ : dict of str to list of float
        Per-epoch Keras logs, e.g. ``history_["loss"]`` and, with a
        validation split, ``history_["val_loss"]``.
    n_iter_ : int
        Number of epochs run (fewer than ``epochs`` after early stopping).
    input_shape_ : tuple of int
        Shape of one sample as given to ``fit``.
    n_features_in_ : int
        Number of values per sample seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit``, when ``X`` has string
        column names.

    See Also
    --------
    DenoisingAutoencoder : The same, trained to undo corruption.
    sklearn.decomposition.PCA : The linear counterpart.

    Notes
    -----
    Predictions run through batches of a fixed 256 rows, so a sample's codes
    do not depend on the other samples passed with it, and memory stays
    bounded for large inputs.

    Pickling, :func:`copy.deepcopy` and :mod:`joblib` store the Keras model
    in Keras's ``.keras`` format; the encoder and decoder still share its
    weights after loading. Custom layers of a callable ``architecture`` must
    be registered with ``keras.saving.register_keras_serializable``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> X = load_digits().data / 16.0
    >>> ae = AutoencoderTransformer(latent_dim=8, epochs=2, random_state=0)
    >>> codes = ae.fit_transform(X)
    >>> codes.shape
    (1797, 8)
    >>> ae.inverse_transform(codes).shape
    (1797, 64)
    >>> ae.score(X) < 0
    True
    """

    def fit(self, X, y=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Training samples: 2-D, or images ``(n_samples, height, width)``
            or ``(n_samples, height, width, channels)``.
        y : None
            Ignored.

        Returns
        -------
        self : AutoencoderTransformer
            The fitted estimator.
        """
        return self._fit(X)

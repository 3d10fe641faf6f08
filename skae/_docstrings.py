"""Docstring sections shared by the estimators, kept in one place.

The estimators' class docstrings interpolate these blocks, so a parameter
shared through :class:`skae._base.BaseAutoencoder` is documented once.
"""

#: The ``Parameters`` entries of every BaseAutoencoder parameter.
SHARED_PARAMETERS = """\
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
    hidden_layer_sizes : sequence of int, default=(128,)
        Dense layers between the input and the codes (``"dense"`` only); the
        decoder mirrors them. ``()`` is the tutorials' single code layer,
        which once trained ties PCA at best: the wins over PCA on tables
        come from depth (see the Tables guide).
    activation : str or callable, default="elu"
        Keras activation of the hidden layers.
    code_activation : str or callable or None, default=None
        Keras activation of the codes (of the Dense bottleneck for
        ``"conv"``); ``None`` is linear, as in Hinton and Salakhutdinov's
        deep autoencoders. The tutorials' codes are ``"relu"``.
    output_activation : "auto", str, callable or None, default="auto"
        Keras activation of the reconstruction; ``None`` is linear.
        ``"auto"`` chooses from the training data (the targets, for explicit
        pairs): ``"sigmoid"`` when they lie in [0, 1], as pixels divided by
        255 do, else linear, since a sigmoid cannot reach the negative half
        of a standardised table. The choice is ``output_activation_``.
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
    epochs : int or "auto", default="auto"
        Passes over the training data, at most. ``"auto"`` trains up to
        20,000 gradient steps (at least 10 and at most 1,000 epochs), and
        turns early stopping on: a small table then gets hundreds of epochs
        and Fashion-MNIST's 60,000 images about ten. The value used is
        ``epochs_``.
    batch_size : int, default=32
        Samples per gradient step.
    shuffle : bool, default=True
        Whether to reshuffle the training rows before each epoch.
    validation_split : float in [0, 1) or "auto", default="auto"
        Share of rows held out to report ``val_loss`` in ``history_`` and to
        drive early stopping: a random share drawn by ``random_state``, as
        scikit-learn's MLP holds out (Keras takes the last rows, which on
        data sorted by class or time are one class or the latest period).
        ``"auto"`` holds out 10% when early stopping is on and ``X`` has at
        least 100 rows, else none (early stopping then monitors the training
        loss). The value used is ``validation_split_``.
    early_stopping : bool or "auto", default="auto"
        Stop when the monitored loss (``val_loss`` with a validation split,
        else ``loss``) has not improved for ``patience`` epochs, and keep the
        best weights. ``"auto"`` stops early when ``epochs="auto"``, not for
        a number of epochs given. The value used is ``early_stopping_``.
    patience : int or "auto", default="auto"
        Epochs without improvement before early stopping. ``"auto"`` waits a
        twentieth of the epochs, at least 5. The value used is ``patience_``.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for ``fit``, used as given. Keras calls their
        epoch hooks every epoch and their batch hooks once per group of up
        to 32 batches, which skae runs in one compiled call (Keras's
        ``steps_per_execution``) for speed. Their ``self.model`` is the
        compiled copy of the model that skae trains (and reuses for later
        fits of the same architecture); its weights are copied into
        ``model_`` when training ends.
    verbose : {0, 1, 2}, default=0
        Keras's verbosity: 1 shows its progress bar, 2 one line per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling. An int makes two fits
        bit-identical on CPU, without changing any global random state.
        ``None`` draws the seeds from NumPy's global random state, as
        scikit-learn estimators do.
    on_interrupt : {"warn", "raise"}, default="warn"
        What Ctrl-C (``KeyboardInterrupt``) during training does. ``"warn"``
        stops training and keeps the weights reached so far, with a
        :class:`~skae.exceptions.FitInterruptedWarning`; ``"raise"`` lets the
        interrupt through and leaves the estimator as it was before ``fit``.
    distribute : tf.distribute.Strategy, keras.distribution.DataParallel or None, default=None
        Train on several devices: the model is built and trained in the
        strategy's scope. On Keras's TensorFlow backend a ``tf.distribute``
        strategy, e.g. ``tf.distribute.MirroredStrategy()`` over the GPUs of
        one machine or ``tf.distribute.MultiWorkerMirroredStrategy()`` across
        machines (which Keras 3.15 itself cannot yet train with more than one
        worker: see the Scaling guide); on its JAX backend a
        ``keras.distribution.DataParallel()`` over the devices JAX sees.
        PyTorch refuses it. ``batch_size`` is the global batch and must be a
        multiple of the number of replicas; each pass leaves out the few rows
        beyond a multiple of it; with more than one ``tf.distribute`` replica
        Keras runs one batch per call. The fitted model is kept outside the
        strategy, so prediction and pickling work as without one; a pickled
        estimator loads with ``distribute=None`` (strategies hold the
        process's devices). ``None`` trains on the backend's default device.
"""

#: The ``Parameters`` entries of the estimators that take mixed tables (skae._tables.mixin).
TABLE_PARAMETERS = """\
    categorical_features : "from_dtype", array-like of str, int or bool, or None, default="from_dtype"
        Which columns of ``X`` are categorical. ``"from_dtype"``: a
        DataFrame's ``category`` columns, as in scikit-learn's
        ``HistGradientBoosting*``; also column names, indices, or a boolean
        mask. ``None``: none. A text column must be marked. With any, the
        network sees numbers standardised and categories one-hot, and
        ``loss`` must stay ``"mse"`` and ``output_activation`` ``"auto"``.
        Arrays and numeric DataFrames are unaffected.
    handle_unknown : {"error", "ignore"}, default="error"
        A category ``fit`` did not see: an error, or, as
        :class:`~sklearn.preprocessing.OneHotEncoder` does, an all-zero
        one-hot block, which the score leaves out.
"""

#: The ``Attributes`` entries of the estimators that take mixed tables.
TABLE_ATTRIBUTES = """\
    table_layout_ : TableLayout or None
        How ``X``'s columns were encoded for the network (its
        ``categorical_`` and ``categories_``), or ``None`` when ``fit`` saw
        no categorical column.
"""

#: The ``Attributes`` entries every fitted estimator has.
SHARED_ATTRIBUTES = """\
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
        Number of epochs run (fewer than ``epochs_`` after early stopping).
    trained_on_missing_ : bool
        Whether ``X`` had gaps (NaN) at ``fit``: the model then takes the
        values and the mask of the observed entries, is trained on the loss
        over those, and accepts rows with gaps afterwards.
    output_activation_ : str, callable or None
        The reconstruction's activation: ``output_activation``, or what
        ``"auto"`` chose from the training data.
    epochs_ : int
        The most epochs the last ``fit`` could run: ``epochs``, or what
        ``"auto"`` gave. (Each ``partial_fit`` call runs one.)
    early_stopping_ : bool
        Whether the last ``fit`` stopped early: ``early_stopping``, or what
        ``"auto"`` gave.
    patience_ : int
        The last ``fit``'s patience: ``patience``, or what ``"auto"`` gave.
    validation_split_ : float
        The share of rows the last ``fit`` held out: ``validation_split``,
        or what ``"auto"`` gave.
    input_shape_ : tuple of int
        Shape of one sample as given to ``fit``.
    n_features_in_ : int
        Number of values per sample seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` has string
        column names.
"""


def _entries(block):
    """The ``name : type`` entries of a Parameters block, by name, in order."""
    entries, name = {}, None
    for line in block.splitlines(keepends=True):
        if line.startswith("    ") and not line.startswith("     ") and " : " in line:
            name = line.split(" : ")[0].strip()
            entries[name] = ""
        entries[name] += line
    return entries


#: The variational autoencoder's own entries, and those whose meaning or
#: default differs from the shared ones.
_VARIATIONAL_ENTRIES = """\
    latent_dim : int, default=2
        Number of codes: the dimension of the Gaussian latent space. Two, as
        in Keras's and TensorFlow's VAE tutorials, can be drawn as a plane.
    hidden_layer_sizes : sequence of int, default=(256,)
        Dense layers between the input and the codes (``"dense"`` only); the
        decoder mirrors them.
    activation : str or callable, default="relu"
        Keras activation of the hidden layers; the codes' means and
        log-variances are linear.
    output_activation : "auto", str, callable or None, default=None
        Keras activation of the decoder's Gaussian means; ``None`` is linear,
        for data of any range, and ``"auto"`` a sigmoid for data in [0, 1].
        Must be ``None`` or ``"auto"`` for ``"bernoulli"``, whose decoder
        outputs logits.
    likelihood : {"gaussian", "bernoulli"}, default="gaussian"
        The distribution of a sample given its codes. ``"gaussian"``: each
        feature normal around the decoder's mean, with a variance learned
        per feature. ``"bernoulli"``: each feature a coin with the decoder's
        probability, for data in [0, 1] such as binarised images (other data
        is refused).
    beta : float, default=1.0
        Weight of the KL term in the training loss: 1 is the VAE; above 1 a
        beta-VAE, whose codes are pushed harder towards the prior.
    var_smoothing : float, default=1e-3
        Floor of the Gaussian variances, as a share of the training data's
        largest feature variance (scikit-learn's ``GaussianNB`` uses the same
        rule).
    n_importance : int, default=1
        Draws of the codes per sample in ``score_samples``: 1 gives the ELBO,
        more the importance-weighted bound (tighter, and slower in
        proportion).
"""


def variational_parameters():
    """The Parameters block of ``VariationalAutoencoder``: the shared one without ``loss`` and ``code_activation``."""
    shared = _entries(SHARED_PARAMETERS)
    own = _entries(_VARIATIONAL_ENTRIES)
    del shared["loss"], shared["code_activation"]
    entries = {name: own.pop(name, text) for name, text in shared.items()}
    return "".join([*entries.values(), *own.values()])

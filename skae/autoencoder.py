"""AutoencoderTransformer: a Keras autoencoder as a scikit-learn transformer."""

from ._base import BaseAutoencoder
from ._docstrings import SHARED_ATTRIBUTES, SHARED_PARAMETERS, TABLE_ATTRIBUTES, TABLE_PARAMETERS
from ._signature import extends_signature
from ._tables.mixin import PARAMETER_CONSTRAINTS, MixedTablesMixin


class AutoencoderTransformer(MixedTablesMixin, BaseAutoencoder):
    __doc__ = f"""Keras autoencoder as a scikit-learn transformer.

    ``fit`` trains an encoder and a decoder to reconstruct ``X``;
    ``transform`` returns the encoder's codes, so the encoder works as a
    feature extractor in a :class:`~sklearn.pipeline.Pipeline`, and
    ``inverse_transform`` decodes codes back to the input space. ``score`` is
    the negative mean squared reconstruction error, so
    :class:`~sklearn.model_selection.GridSearchCV` can tune ``latent_dim``
    without a scorer.

    The defaults are chosen from the data (see the Tables guide): a
    linear output for unbounded data such as a standardised table and a
    sigmoid for data in [0, 1], one ELU hidden layer of 128 units for up to
    256 features, linear codes, and training up to 20,000 gradient steps
    with early stopping on a random 10% of the rows. Standardise a table
    first (:class:`~sklearn.preprocessing.StandardScaler`) or scale it to
    [0, 1]; divide pixels by 255. The classic tutorials' dense autoencoder
    (``Flatten``, ``Dense(64, relu)``, ``Dense(n_features, sigmoid)``, mean
    squared error, Adam, 10 epochs of batches of 32) is
    ``AutoencoderTransformer(latent_dim=64, hidden_layer_sizes=(),
    activation="relu", code_activation="relu", output_activation="sigmoid",
    epochs=10, batch_size=32)``.

    Input can be 2-D ``(n_samples, n_features)`` or images ``(n_samples,
    height, width)`` / ``(n_samples, height, width, channels)`` as the Keras
    tutorials pass them; ``transform`` always returns 2-D codes and
    ``inverse_transform`` returns samples shaped like those given to ``fit``.

    Rows may have gaps (NaN) in 2-D ``X`` with the dense architecture and
    ``loss="mse"`` or ``"mae"``: the encoder then sees each row's values
    (gaps as 0) beside the mask of its observed entries, the loss counts
    the observed entries only, and ``transform`` and ``score`` take rows
    with gaps (the score over their observed entries). See the Missing
    values guide.

    A DataFrame may mix numbers and categories (``categorical_features``):
    the network then sees each number standardised and each category one-hot,
    reconstructs each categorical column through a softmax, and is trained on
    the mean over the columns of 16 times a number's squared error and a
    category's cross-entropy;
    ``inverse_transform`` returns a DataFrame like ``fit``'s, and ``score``
    is the negative mean of those costs. See the Tables guide.

    Parameters
    ----------
{SHARED_PARAMETERS}{TABLE_PARAMETERS}
    Attributes
    ----------
{SHARED_ATTRIBUTES}{TABLE_ATTRIBUTES}
    See Also
    --------
    DenoisingAutoencoder : The same, trained to undo corruption.
    sklearn.decomposition.PCA : The linear counterpart.

    Notes
    -----
    Predictions run in zero-padded batches of sizes checked to give each row
    the same result bit for bit (up to 2,048 rows; a few rows run in a batch
    of 8), so a sample's codes do not depend on the other samples passed
    with it, and memory stays bounded for large inputs.

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

    A table of numbers and categories comes back as a table:

    >>> import pandas as pd
    >>> table = pd.DataFrame({{"size": X[:, 20] * 10, "kind": pd.Categorical(load_digits().target % 2)}})
    >>> ae = AutoencoderTransformer(latent_dim=2, epochs=2, random_state=0).fit(table)
    >>> ae.inverse_transform(ae.transform(table)).dtypes.tolist()
    [dtype('float64'), CategoricalDtype(categories=[0, 1], ordered=False, categories_dtype=int64)]
    """

    _accepts_missing = True

    _parameter_constraints = {**BaseAutoencoder._parameter_constraints, **PARAMETER_CONSTRAINTS}

    @extends_signature(BaseAutoencoder)
    def __init__(self, latent_dim=None, *, categorical_features="from_dtype", handle_unknown="error", **base_params):
        super().__init__(latent_dim, **base_params)
        self.categorical_features = categorical_features
        self.handle_unknown = handle_unknown

    def fit(self, X, y=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Training samples: 2-D, or images ``(n_samples, height, width)``
            or ``(n_samples, height, width, channels)``.
        y : None or array-like of shape (n_samples,)
            Ignored (a Pipeline passes its labels here), but must have as many
            samples as ``X`` when given.

        Returns
        -------
        self : AutoencoderTransformer
            The fitted estimator.
        """
        self._check_y_length(X, y)
        return self._fit(X, incremental=False)

    def partial_fit(self, X, y=None):
        """Train one pass over ``X``, continuing from the current weights.

        The first call builds the model as ``fit`` does; each later call
        runs one epoch over the chunk ``X`` (shuffled, in batches of
        ``batch_size``) and keeps the optimizer's state, so training can
        stream data larger than memory chunk by chunk (e.g. slices of a
        :class:`numpy.memmap`). ``epochs``, ``validation_split`` and
        ``early_stopping`` apply to ``fit`` only. Calling ``fit`` starts over.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            One chunk of training samples, shaped like the first chunk.
        y : None or array-like of shape (n_samples,)
            Ignored, but must have as many samples as ``X`` when given.

        Returns
        -------
        self : AutoencoderTransformer
            The estimator, trained one more pass.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_digits
        >>> from skae import AutoencoderTransformer
        >>> X = load_digits().data / 16.0
        >>> ae = AutoencoderTransformer(latent_dim=8, random_state=0)
        >>> for epoch in range(2):
        ...     for chunk in np.array_split(X, 4):
        ...         ae = ae.partial_fit(chunk)
        >>> ae.n_iter_
        8
        """
        self._check_y_length(X, y)
        return self._fit(X, incremental=True)

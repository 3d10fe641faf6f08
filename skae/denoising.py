"""DenoisingAutoencoder: an autoencoder trained to undo corruption."""

import functools
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from . import _random
from . import _validation as checks
from ._base import BaseAutoencoder
from ._docstrings import SHARED_ATTRIBUTES, SHARED_PARAMETERS, TABLE_ATTRIBUTES, TABLE_PARAMETERS
from ._signature import extends_signature
from ._tables.mixin import PARAMETER_CONSTRAINTS, MixedTablesMixin
from .noise import NOISES


class DenoisingAutoencoder(MixedTablesMixin, BaseAutoencoder):
    __doc__ = f"""Keras denoising autoencoder as a scikit-learn transformer.

    ``fit(X)`` trains the autoencoder to restore clean ``X`` from corrupted
    copies of it, with fresh noise for every batch by default;
    ``fit(X_noisy, X_clean)`` trains on explicit pairs, as the classic
    denoising tutorial does. ``denoise`` cleans new input, ``transform``
    encodes input as given (no noise is added after ``fit``), and ``score``
    is the negative mean squared error of denoising a repeatable corruption
    of ``X``, so :class:`~sklearn.model_selection.GridSearchCV` can tune it.

    The tutorial's model is ``DenoisingAutoencoder(architecture="conv",
    image_shape=(28, 28, 1), noise="gaussian", noise_factor=0.2, activation="relu",
    loss="mae", output_activation="sigmoid", epochs=10, batch_size=32)`` (add
    ``fresh_noise=False`` for its one fixed corruption). Everything else
    behaves as in :class:`AutoencoderTransformer`, defaults included: on a
    table they choose a linear output and train until early stopping; rows
    with gaps (NaN) are learnt around as there, and so is a DataFrame of
    numbers and categories (``categorical_features``): the noise then
    corrupts the encoded table the network sees (standardised numbers,
    one-hot categories), ``denoise`` returns a DataFrame like ``fit``'s, and
    ``score`` is the negative mean of the columns' costs of restoring it.

    Parameters
    ----------
{SHARED_PARAMETERS}    noise : {{"gaussian", "salt_and_pepper", "masking"}} or callable, default="gaussian"
        Corruption used in ``fit(X)``, ``score`` and :meth:`corrupt`; see
        :mod:`skae.noise`. ``"gaussian"`` adds ``noise_factor * N(0, 1)``
        (the tutorial's), ``"salt_and_pepper"`` sets a ``noise_factor`` share
        of entries to the low or high end of ``value_range_``, ``"masking"``
        sets a share of entries to zero. A callable ``f(X, noise_factor, *,
        value_range, random_state) -> X_noisy`` is used the same way: it gets
        arrays of any shape (batches, or the whole training data with
        ``fresh_noise=False``), ``value_range_`` and a NumPy generator, and
        returns a new array shaped like ``X``.
    noise_factor : float, default=0.2
        Standard deviation of Gaussian noise, or the share of corrupted
        entries (in [0, 1]) for the other two.
    clip : "auto", (float, float) or None, default="auto"
        The data's value range, passed to the noise: Gaussian noise is
        clipped to it, salt-and-pepper noise uses its ends. ``"auto"`` takes
        the training data's minimum and maximum (the tutorial clips to [0, 1],
        its data's range); ``None`` declares the data unbounded: no clipping,
        and salt-and-pepper noise uses each corrupted array's own range.
    fresh_noise : bool, default=True
        Corrupt every batch anew, so the model never sees the same noisy
        sample twice. ``False`` corrupts the training data once before
        training, as the tutorial does.
{TABLE_PARAMETERS}
    Attributes
    ----------
{SHARED_ATTRIBUTES}{TABLE_ATTRIBUTES}    value_range_ : (float, float) or None
        The value range passed to the noise: ``clip`` itself, the training
        data's range for ``"auto"``, ``None`` for ``clip=None``.

    See Also
    --------
    AutoencoderTransformer : The plain autoencoder.
    skae.noise : The corruption functions.

    Notes
    -----
    ``fit(X, y)`` uses ``y`` as clean targets only when it is shaped like
    ``X``; one-dimensional ``y``, such as the class labels a
    :class:`~sklearn.pipeline.Pipeline` passes to every step, is ignored.
    Such pairs must be numeric: a table with categorical columns is corrupted
    by the estimator itself, ``fit(X)``.

    ``score`` and ``score_samples`` corrupt each sample with noise seeded by
    the sample's own values, so a sample's score does not depend on the other
    samples, their order, or the call.

    Adding a noise of your own by name is one entry in
    :data:`skae.noise.NOISES`; passing the function itself as ``noise`` needs
    no registration.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> X = load_digits().data / 16.0
    >>> dae = DenoisingAutoencoder(latent_dim=16, noise="masking", noise_factor=0.3,
    ...                            epochs=2, random_state=0).fit(X)
    >>> dae.denoise(X[:5]).shape
    (5, 64)
    >>> dae.transform(X[:5]).shape
    (5, 16)

    A table of numbers and categories is corrupted in its encoding and
    denoised back to a table:

    >>> import pandas as pd
    >>> table = pd.DataFrame({{"size": X[:, 20] * 10, "kind": pd.Categorical(load_digits().target % 2)}})
    >>> dae = DenoisingAutoencoder(latent_dim=2, epochs=2, random_state=0).fit(table)
    >>> dae.corrupt(table, random_state=0).shape  # the number, then one-hot kind
    (1797, 3)
    >>> dae.denoise(table).columns.tolist(), dae.denoise(table)["kind"].dtype.name
    (['size', 'kind'], 'category')
    """

    _accepts_missing = True

    _parameter_constraints = {
        **BaseAutoencoder._parameter_constraints,
        **PARAMETER_CONSTRAINTS,
        "noise": [StrOptions(NOISES.keys()), callable],
        "noise_factor": [Interval(Real, 0, None, closed="left")],
        "clip": [StrOptions({"auto"}), "array-like", None],
        "fresh_noise": ["boolean"],
    }

    _training_params = BaseAutoencoder._training_params | {
        "noise", "noise_factor", "clip", "fresh_noise",
    }

    @extends_signature(BaseAutoencoder)
    def __init__(
        self, latent_dim=None, *, noise="gaussian", noise_factor=0.2, clip="auto", fresh_noise=True,
        categorical_features="from_dtype", handle_unknown="error", **base_params,
    ):
        super().__init__(latent_dim, **base_params)
        self.noise = noise
        self.noise_factor = noise_factor
        self.clip = clip
        self.fresh_noise = fresh_noise
        self.categorical_features = categorical_features
        self.handle_unknown = handle_unknown

    def _check_params(self):
        super()._check_params()
        if self.clip is not None and not isinstance(self.clip, str):
            checks.check_value_range(self.clip, "clip")

    # Hooks of BaseAutoencoder's training.
    @property
    def _fresh_corruption(self):
        return self.fresh_noise

    def _start_fit(self, X, y):
        if self.clip is None:
            self.value_range_ = None
        elif isinstance(self.clip, str):
            clean = X if y is None else y
            self.value_range_ = (float(np.nanmin(clean)), float(np.nanmax(clean)))
        else:
            self.value_range_ = checks.check_value_range(self.clip, "clip")
        # A trial on one row: a bad noise_factor or callable fails here, before training.
        noisy = self._corruption()(X[:1], np.random.default_rng(0))
        if np.shape(noisy) != X[:1].shape:
            raise ValueError(
                f"noise must return an array shaped like its input: for a row of shape "
                f"{X[:1].shape} it returned shape {np.shape(noisy)}."
            )

    def _corruption(self):
        noise = NOISES[self.noise] if isinstance(self.noise, str) else self.noise
        return functools.partial(
            _corrupt, noise, noise_factor=self.noise_factor, value_range=self.value_range_
        )

    def corrupt(self, X, random_state=None):
        """Corrupt ``X`` with the estimator's noise, as ``fit`` does.

        Parameters
        ----------
        X : array-like of any shape
            Clean samples.
        random_state : int, Generator, RandomState or None, default=None
            Seeds the noise.

        Returns
        -------
        X_noisy : ndarray
            A corrupted copy of ``X``, of its shape and float dtype. For a
            table with categorical columns, the corrupted encoding the
            network trains on: ``(n_samples, input_shape_[0])`` floats,
            standardised numbers then one-hot categories, as
            ``table_layout_`` encodes them.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skae import DenoisingAutoencoder
        >>> X = load_digits().data / 16.0
        >>> dae = DenoisingAutoencoder(latent_dim=8, noise="masking", noise_factor=0.5,
        ...                            epochs=1, random_state=0).fit(X)
        >>> bool((dae.corrupt(X, random_state=0) == 0).mean() > (X == 0).mean())
        True
        """
        check_is_fitted(self)
        if self.table_layout_ is None:
            X = check_array(X, dtype=[np.float64, np.float32], allow_nd=True, ensure_2d=False)
        else:
            X = self._validate_samples(X, reset=False)
        if not isinstance(random_state, (np.random.Generator, np.random.RandomState)):
            random_state = np.random.default_rng(random_state)
        return self._corruption()(X, random_state)

    def fit(self, X, y=None):
        """Train the autoencoder to restore clean samples from corrupted ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Clean training samples, or with ``y`` the corrupted inputs.
        y : None, array-like shaped like ``X``, or 1-D labels
            ``None``: corrupt ``X`` with ``noise`` and learn to restore it.
            An array shaped like ``X``: the clean targets for ``X``, used as
            given (no noise is added). 1-D ``y`` (labels) is ignored.

        Returns
        -------
        self : DenoisingAutoencoder
            The fitted estimator.
        """
        return self._fit(X, self._clean_targets(X, y), incremental=False)

    def partial_fit(self, X, y=None):
        """Train one pass over ``X``, continuing from the current weights.

        The first call builds the model as ``fit`` does (and, with
        ``clip="auto"``, takes ``value_range_`` from this first chunk: pass
        ``clip=(low, high)`` when a chunk may not show the whole range); each
        later call runs one epoch over the chunk and keeps the optimizer's
        state, so training can stream data larger than memory. ``epochs``,
        ``validation_split`` and ``early_stopping`` apply to ``fit`` only.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            One chunk of clean samples, or with ``y`` of corrupted inputs.
        y : None, array-like shaped like ``X``, or 1-D labels
            As in :meth:`fit`: clean targets for ``X``, or ignored labels.

        Returns
        -------
        self : DenoisingAutoencoder
            The estimator, trained one more pass.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_digits
        >>> from skae import DenoisingAutoencoder
        >>> X = load_digits().data / 16.0
        >>> dae = DenoisingAutoencoder(latent_dim=8, clip=(0, 1), random_state=0)
        >>> for chunk in np.array_split(X, 3):
        ...     dae = dae.partial_fit(chunk)
        >>> dae.n_iter_, dae.value_range_
        (3, (0.0, 1.0))
        """
        return self._fit(X, self._clean_targets(X, y), incremental=True)

    def _clean_targets(self, X, y):
        """Return ``y`` if it holds clean targets for ``X``; ``None`` for labels."""
        self._check_y_length(X, y)
        if y is None or checks.ndim(y) < 2:
            return None
        if self._categorical_columns(X) is not None:
            raise ValueError(
                f"{type(self).__name__} takes clean targets y for numeric X only; X has categorical columns. "
                "Call fit(X) with the clean table: the estimator corrupts its encoding itself."
            )
        return y

    def denoise(self, X):
        """Return cleaned samples: the autoencoder's output for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Noisy samples, shaped as in ``fit`` (or flattened to 2-D).

        Returns
        -------
        X_clean : ndarray of shape (n_samples, *input_shape_), or DataFrame
            Denoised samples, shaped like those given to ``fit``, in ``X``'s
            float dtype. For a table with categorical columns, a table like
            ``fit``'s, each categorical cell its most probable category.
        """
        check_is_fitted(self)
        X = self._validate_samples(X, reset=False)
        cleaned = self._predict("model", X)[0]
        if self.table_layout_ is not None:
            return self.table_layout_.inverse_transform(cleaned)
        return cleaned.reshape(X.shape[0], *self.input_shape_)

    def _seeded_corruption(self, X):
        """Corrupt each row with noise seeded by the row's own values."""
        corrupt = self._corruption()
        noisy = np.empty_like(X)
        for index, (row, seed) in enumerate(zip(X, _random.row_seeds(X))):
            noisy[index] = corrupt(row, np.random.default_rng(seed))
        return noisy

    def score_samples(self, X):
        """Negative mean squared error of denoising a corruption of each sample.

        Each sample is corrupted with ``noise``, seeded by its own values, and
        the denoised result is compared with the clean sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Clean samples, shaped as in ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-mean((x - denoise(corrupt(x))) ** 2)`` per sample: higher is
            better. For a table with categorical columns, the negative mean
            of the columns' costs of restoring it (16 times a number's
            squared error in standard units, a category's cross-entropy).
        """
        return super().score_samples(X)

    def _score_samples(self, X):
        noisy = self._seeded_corruption(X)
        if self.table_layout_ is not None:
            return self._table_scores(noisy, X)
        return -self._reconstruction_errors(noisy, X)


def _corrupt(noise, X, rng, *, noise_factor, value_range):
    """Call ``noise`` with skae's arguments: the corruption of ``X`` by ``rng``."""
    return noise(X, noise_factor, value_range=value_range, random_state=rng)

"""AutoencoderOutlierDetector: outliers found by an ensemble of autoencoders."""

from math import ceil, sqrt
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils import _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _defaults
from . import _outlier_scores as scores
from . import _validation as checks
from ._missing import has_gaps, mean_over_observed
from .autoencoder import AutoencoderTransformer

#: Rows each default autoencoder trains on, as IsolationForest's trees do.
DEFAULT_MAX_SAMPLES = 256
#: Gradient steps each default autoencoder takes, whatever its data's size.
DEFAULT_TRAINING_STEPS = 400
#: Units of the default autoencoder's hidden layer per code.
HIDDEN_PER_CODE = 4
#: ``"auto"`` flags scores above ``Q3 + AUTO_FENCE * (Q3 - Q1)`` of the training scores.
AUTO_FENCE = 3.0


def default_autoencoder(n_features, n_samples):
    """The autoencoder each ensemble member is, when no ``estimator`` is given.

    ``ceil(sqrt(n_features))`` codes behind one ELU layer of four times that, a
    linear output, and epochs scaled so that training takes about
    :data:`DEFAULT_TRAINING_STEPS` steps of batches of 32 on ``n_samples``
    rows. It sees the features as they are: standardised tabular features
    and pixels in [0, 1] both suit it. (Standardising each pixel, measured
    on one-class Fashion-MNIST, blew up the nearly constant border pixels
    and cost ROC-AUC.)

    Parameters
    ----------
    n_features : int
        Features of the data.
    n_samples : int
        Rows the autoencoder trains on.

    Returns
    -------
    autoencoder : AutoencoderTransformer
        Unfitted, without a ``random_state`` (the detector sets one).

    Examples
    --------
    >>> from skae.outliers import default_autoencoder
    >>> autoencoder = default_autoencoder(n_features=64, n_samples=256)
    >>> autoencoder.latent_dim, autoencoder.hidden_layer_sizes, autoencoder.epochs
    (8, (32,), 50)
    """
    latent_dim = max(1, ceil(sqrt(n_features)))
    epochs = _defaults.epochs_for_budget(DEFAULT_TRAINING_STEPS, ceil(n_samples / 32), 1, DEFAULT_TRAINING_STEPS)
    return AutoencoderTransformer(
        latent_dim=latent_dim, hidden_layer_sizes=(HIDDEN_PER_CODE * latent_dim,), activation="elu",
        code_activation="elu", output_activation=None, epochs=epochs, batch_size=32,
    )


def _fit_table_layout(estimator, X):
    """The layout of ``X``'s columns, fitted on all its rows, when the members encode a mixed table; else ``None``.

    Only skae's autoencoders (the default member among them) encode a table
    with categorical columns, which they read from ``estimator``'s
    ``categorical_features``. The ensemble shares one layout so that every
    member knows every category, though its subsample may lack some.
    """
    probe = default_autoencoder(1, 1) if estimator is None else clone(estimator)
    if not hasattr(probe, "_fit_table_layout"):
        return None
    return probe._fit_table_layout(X)


def _seed_everything(estimator, seed):
    """Set every ``*random_state`` parameter of ``estimator`` (nested too) to ``seed``."""
    names = [name for name in estimator.get_params(deep=True) if name.endswith("random_state")]
    if names:
        estimator.set_params(**dict.fromkeys(names, seed))
    return estimator


class AutoencoderOutlierDetector(OutlierMixin, BaseEstimator):
    """Outlier detection with an ensemble of autoencoders.

    Each of ``n_estimators`` autoencoders learns to reconstruct a random
    subsample of the training rows, as each tree of an
    :class:`~sklearn.ensemble.IsolationForest` sees one. A row is unusual
    when the autoencoders reconstruct it badly, or when its codes lie far
    from the codes of the rows they were trained on. For each autoencoder
    the two are measured on the training rows' scale:

    * reconstruction: each feature's absolute error, in robust standard
      deviations (median and MAD) of that feature's errors on the training
      rows; the row's mean of these;
    * codes: the distance from the row's codes to the ``n_neighbors``-th
      nearest code of the autoencoder's training subsample.

    Each of the two is again put in robust standard deviations of its values
    over the training rows, the two are added, and the sum is averaged over
    the ensemble. :meth:`score_samples` is the negative of that mean: higher
    is more normal, as in scikit-learn's detectors.

    Read more in the :doc:`/outliers` user guide, which gives the benchmark
    behind each default.

    Parameters
    ----------
    estimator : estimator or None, default=None
        The reconstruction model: anything with ``fit``, ``transform`` and
        ``inverse_transform``, such as :class:`AutoencoderTransformer`,
        :class:`DenoisingAutoencoder`, :class:`~sklearn.decomposition.PCA` or
        a :class:`~sklearn.pipeline.Pipeline` ending in one. It is cloned for
        each member, and every ``random_state`` in it is set from this
        detector's. ``None`` builds, from the shape of the data, an
        :class:`AutoencoderTransformer` with ``ceil(sqrt(n_features))``
        codes behind one ELU layer of four times that, a linear output and about
        400 steps of training (see :func:`default_autoencoder`). It takes
        the features as they are, so put features measured in different
        units on one scale first, e.g. with a
        :class:`~sklearn.preprocessing.StandardScaler` in a
        :class:`~sklearn.pipeline.Pipeline`; pixels in [0, 1] need nothing.
        A DataFrame with categorical columns (dtype ``category``, read as
        the members' ``categorical_features`` says) needs nothing either:
        the ensemble standardises its numbers and one-hot encodes its
        categories in one layout fitted on all the rows (so every member
        knows every category), and each member trains on each column's own
        cost, as :class:`AutoencoderTransformer` does. Only skae's
        autoencoders take such a table.
    n_estimators : int, default=10
        Number of autoencoders in the ensemble.
    max_samples : "auto", int or float, default="auto"
        Rows each autoencoder trains on, drawn without replacement: an int
        is a number of rows, a float in (0, 1] a share of them, ``"auto"``
        is ``min(256, n_samples)``. Small subsamples keep the few outliers
        in the training data from being learnt, and keep fitting fast.
    n_neighbors : int, default=5
        Which nearest training code measures the distance in code space.
    contamination : "auto" or float, default="auto"
        Expected share of outliers in the training data, which sets
        ``offset_``. With a float in (0, 0.5], ``offset_`` is that
        percentile of :meth:`score_samples` on the training rows, so that
        share of them is flagged. ``"auto"`` flags the rows whose outlier
        score (``-score_samples``) lies beyond Tukey's outer fence of the
        training rows' scores, ``Q3 + 3 * (Q3 - Q1)``: reconstruction errors
        have no natural threshold; quartiles are not moved by the outliers
        they look for, and the outer fence, not a rule symmetric around the
        median, because typical rows' scores are skewed to the right (see
        the :doc:`/outliers` guide for what it flags on the benchmark).
    random_state : int, RandomState instance or None, default=None
        Draws the subsamples and seeds each member. An int makes ``fit``
        reproducible, bit for bit.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted reconstruction models, one per member.
    estimators_samples_ : list of ndarray of int
        The training rows each member was fitted on.
    max_samples_ : int
        The number of rows each member was fitted on.
    offset_ : float
        ``decision_function(X) = score_samples(X) - offset_``; rows with a
        negative decision are outliers.
    error_center_ : ndarray of shape (n_estimators, n_features)
        Median absolute reconstruction error of each feature on the training
        rows, per member.
    error_scale_ : ndarray of shape (n_estimators, n_features)
        ``1.4826 * MAD`` of those errors, at least a tenth of their mean
        over the features, per member.
    part_center_ : ndarray of shape (n_estimators, 2)
        Median over the training rows of each member's two scores,
        reconstruction then codes.
    part_scale_ : ndarray of shape (n_estimators, 2)
        ``1.4826 * MAD`` of those scores (floored above 0).
    table_layout_ : TableLayout or None
        The encoding of a table with categorical columns that every member
        shares; ``None`` for numbers.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen during ``fit``, when ``X`` had string
        column names.

    See Also
    --------
    sklearn.ensemble.IsolationForest : Outliers isolated by random trees.
    sklearn.neighbors.LocalOutlierFactor : Outliers by local density.
    AutoencoderTransformer : The reconstruction model used by default.

    Notes
    -----
    A row's scores depend only on the row and the fitted detector, never on
    the other rows scored with it. Rows may have gaps (NaN) when the
    members take them, as skae's autoencoders do: a row is then scored on
    its observed features, its :meth:`feature_scores` are NaN where it has
    none, and a row with no observed feature scores NaN. The ensemble holds ``n_estimators``
    Keras models; the detector pickles, clones and refits like any
    scikit-learn estimator, and a failed ``fit`` leaves it as it was.

    Examples
    --------
    >>> import numpy as np
    >>> from skae import AutoencoderOutlierDetector
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(200, 4)), rng.uniform(-6, 6, size=(10, 4))])
    >>> detector = AutoencoderOutlierDetector(n_estimators=3, random_state=0).fit(X)
    >>> labels = detector.predict(X)
    >>> bool((labels[-10:] == -1).mean() > (labels[:200] == -1).mean())
    True
    >>> detector.feature_scores(X[-2:]).shape
    (2, 4)
    """

    table_layout_ = None  # also what a detector pickled before mixed tables has

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "transform", "inverse_transform"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        max_samples="auto",
        n_neighbors=5,
        contamination="auto",
        random_state=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.n_neighbors = n_neighbors
        self.contamination = contamination
        self.random_state = random_state

    def _n_rows_per_member(self, n_samples):
        if self.max_samples == "auto":
            return min(DEFAULT_MAX_SAMPLES, n_samples)
        if isinstance(self.max_samples, Integral):
            if self.max_samples > n_samples:
                raise ValueError(
                    f"max_samples={self.max_samples} is more than the {n_samples} "
                    "training samples; pass at most that, a float share, or 'auto'."
                )
            return int(self.max_samples)
        return max(1, int(self.max_samples * n_samples))

    def fit(self, X, y=None):
        """Fit the ensemble on ``X`` and set the threshold ``offset_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Training rows, which may contain some outliers.
        y : None
            Ignored.

        Returns
        -------
        self : AutoencoderOutlierDetector
            The fitted detector.
        """
        saved_state = dict(self.__dict__)
        try:
            self._validate_params()
            self.table_layout_ = _fit_table_layout(self.estimator, X)
            if self.table_layout_ is None:
                checks.check_no_categories(X, type(self).__name__)
                X = validate_data(
                    self, checks.flatten_samples(X)[0], dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
                )
            else:
                validate_data(self, X, skip_check_array=True)
            self._fit_members(X)
            self._set_offset(self._fit_scales(X))
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise
        return self

    def _fit_members(self, X):
        layout = self.table_layout_
        n_samples, n_features = X.shape
        if layout is not None:
            n_features = len(layout.get_feature_names_out())  # the one-hot width sizes the default model
        self.max_samples_ = self._n_rows_per_member(n_samples)
        rng = check_random_state(self.random_state)
        gaps = layout is None and has_gaps(X)
        template = self.estimator
        if template is None:
            template = default_autoencoder(n_features, self.max_samples_)
        self.estimators_, self.estimators_samples_, self._member_codes = [], [], []
        for _ in range(self.n_estimators):
            rows = np.sort(rng.choice(n_samples, self.max_samples_, replace=False))
            member = _seed_everything(clone(template), int(rng.randint(np.iinfo(np.int32).max)))
            if gaps and getattr(member, "_accepts_missing", False):
                member._models_gaps = True  # every member takes gaps, though its subsample may have none
            if layout is not None:
                member._given_table_layout = layout
            subsample = _safe_indexing(X, rows)
            member.fit(subsample)
            codes = np.asarray(member.transform(subsample), dtype=np.float64).reshape(len(rows), -1)
            self.estimators_.append(member)
            self.estimators_samples_.append(rows)
            self._member_codes.append(codes)
        self._n_code_neighbors = self.n_neighbors
        self._code_neighbors = self._neighbor_searches()

    def _neighbor_searches(self):
        return [scores.code_neighbors(codes, self._n_code_neighbors) for codes in self._member_codes]

    def _fit_scales(self, X):
        """Fit the robust scales on the training rows; return their ``score_samples``."""
        centers, scales, parts = [], [], []
        for member, neighbors in zip(self.estimators_, self._code_neighbors):
            codes, errors = scores.codes_and_errors(member, X)
            center, scale = scores.robust_center_scale(errors)
            centers.append(center)
            scales.append(scale)
            parts.append(self._member_parts(neighbors, codes, errors, center, scale))
        self.error_center_, self.error_scale_ = np.array(centers), np.array(scales)
        # The two parts are in different units: no floor relative to each other.
        part_stats = [scores.robust_center_scale(member_parts, relative_floor=0.0) for member_parts in parts]
        self.part_center_ = np.array([center for center, _ in part_stats])
        self.part_scale_ = np.array([scale for _, scale in part_stats])
        return self._combine(parts)

    @staticmethod
    def _member_parts(neighbors, codes, errors, center, scale):
        """One member's two raw scores per row: ``(n_samples, 2)``."""
        reconstruction = mean_over_observed((errors - center) / scale)
        return np.column_stack([reconstruction, scores.kth_neighbor_distance(neighbors, codes)])

    def _combine(self, parts):
        """``score_samples`` from each member's raw scores: minus their scaled mean."""
        total = np.zeros(parts[0].shape[0])
        for member_parts, center, scale in zip(parts, self.part_center_, self.part_scale_):
            total += np.sum((member_parts - center) / scale, axis=1)
        return -total / len(parts)

    def _set_offset(self, training_scores):
        if self.contamination == "auto":
            first, third = np.nanpercentile(-training_scores, [25, 75])
            self.offset_ = float(-(third + AUTO_FENCE * (third - first)))
        else:
            self.offset_ = float(np.nanpercentile(training_scores, 100.0 * self.contamination))

    def _score_samples(self, X):
        parts = [
            self._member_parts(neighbors, *scores.codes_and_errors(member, X), center, scale)
            for member, neighbors, center, scale in zip(
                self.estimators_, self._code_neighbors, self.error_center_, self.error_scale_
            )
        ]
        return self._combine(parts)

    def _validate(self, X):
        check_is_fitted(self)
        if self.table_layout_ is not None:
            validate_data(self, X, skip_check_array=True, reset=False)
            return X  # each member encodes the table itself
        checks.check_no_categories(X, type(self).__name__)
        return validate_data(
            self, checks.flatten_samples(X)[0], reset=False, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
        )

    def score_samples(self, X):
        """Normality of each row: the negative outlier score (higher is more normal).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Rows to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Minus the ensemble's mean, over members, of the reconstruction
            and code-distance scores in robust standard deviations.
        """
        return self._score_samples(self._validate(X))

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Rows to score.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            Negative for outliers, positive for inliers, 0 at the threshold.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Label each row: +1 for an inlier, -1 for an outlier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Rows to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 where :meth:`decision_function` is at least 0, else -1.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    def feature_scores(self, X):
        """Each feature's part in the reconstruction score of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or image-shaped
            Rows to explain.

        Returns
        -------
        feature_scores : ndarray of shape (n_samples, n_features)
            The absolute reconstruction error of each feature, in robust
            standard deviations of that feature's errors on the training
            rows, averaged over the ensemble. About 0 for a typical error;
            large where a row is reconstructed unusually badly. Their row
            mean is what the reconstruction part of the outlier score grows
            with; the code-distance part has no per-feature share. For a
            table with categorical columns, one column per column of the
            table: a number's error is its absolute error in standard units,
            a category's the negative log-probability the members give it,
            so a category that never goes with the rest of its row gets the
            blame.
        """
        X = self._validate(X)
        total = np.zeros(X.shape, dtype=np.float64)
        for member, center, scale in zip(self.estimators_, self.error_center_, self.error_scale_):
            _, errors = scores.codes_and_errors(member, X)
            total += (errors - center) / scale
        return total / len(self.estimators_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN where the members take it: skae's autoencoders (the default) do.
        tags.input_tags.allow_nan = self.estimator is None or get_tags(self.estimator).input_tags.allow_nan
        return tags

    def __getstate__(self):
        # The neighbour searches are rebuilt from the codes on loading (the
        # same codes build the same tree), so a pickle or a skops file holds
        # arrays rather than scikit-learn's tree objects.
        state = dict(super().__getstate__())
        if "_member_codes" in state:  # a detector loaded from an older pickle has none
            state.pop("_code_neighbors", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_member_codes" in state:
            self._code_neighbors = self._neighbor_searches()

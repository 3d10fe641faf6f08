"""Pure functions behind the outlier detector's scores.

Nothing here sees an estimator: the detector hands in arrays and gets arrays
back. Every scale is robust (median and MAD), so the few outliers in the
training data barely move the statistics they are judged by.
"""

import warnings

import numpy as np
from sklearn.neighbors import NearestNeighbors

#: 1.4826 * MAD estimates the standard deviation of normally distributed data.
MAD_TO_STD = 1.4826


def robust_center_scale(values, *, relative_floor=0.1):
    """Median and ``1.4826 * MAD`` of each column of 2-D ``values``, the scales floored.

    Each scale is raised to at least ``relative_floor`` times the mean
    scale. Columns in one unit (the features' errors) need it: a column that
    hardly varies on the training rows (a border pixel that is always blank)
    would otherwise turn any later deviation into a score in the thousands
    that drowns every other column. Columns in different units pass 0. When
    scales are 0 (one sample), the floor is float64's resolution of the values.
    NaN (the errors of unobserved entries) are left out; a column of NaN
    alone gets a NaN center and scale.
    """
    values = np.asarray(values, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "All-NaN slice": a column never observed
        center = np.nanmedian(values, axis=0)
        scale = MAD_TO_STD * np.nanmedian(np.abs(values - center), axis=0)
        resolution = np.finfo(np.float64).eps * max(1.0, float(np.nanmax(np.abs(values), initial=0.0)))
        floor = max(relative_floor * float(np.nanmean(scale)), resolution)
    return center, np.maximum(scale, floor)


def codes_and_errors(model, X):
    """``model``'s codes of ``X`` and its absolute reconstruction errors, both 2-D float64.

    The errors are ``|X - model.inverse_transform(codes)|``, NaN where ``X``
    is; the encoder runs once for both. A skae autoencoder fitted on a table
    with categorical columns gives one error per column of the table
    instead: a number's absolute error in standard units, a category's
    negative log-probability.
    """
    if getattr(model, "table_layout_", None) is not None:
        return model._codes_and_column_costs(X)
    codes = model.transform(X)
    reconstruction = np.asarray(model.inverse_transform(codes), dtype=np.float64).reshape(X.shape)
    codes = np.asarray(codes, dtype=np.float64).reshape(X.shape[0], -1)
    return codes, np.abs(np.asarray(X, dtype=np.float64) - reconstruction)


def code_neighbors(reference_codes, n_neighbors):
    """A :class:`~sklearn.neighbors.NearestNeighbors` search over ``reference_codes``.

    Its ``k`` is ``n_neighbors``, or the number of codes if fewer. Built the
    same way from the same codes, it gives the same distances bit for bit.
    """
    return NearestNeighbors(n_neighbors=min(n_neighbors, len(reference_codes))).fit(reference_codes)


def kth_neighbor_distance(neighbors, codes):
    """Distance from each row of ``codes`` to its k-th nearest reference code.

    ``neighbors`` is a fitted :class:`~sklearn.neighbors.NearestNeighbors`;
    a row is never excluded from its own reference set, so a row's distance
    does not depend on which other rows are scored with it.
    """
    distances, _ = neighbors.kneighbors(np.asarray(codes, dtype=np.float64))
    return distances[:, -1]

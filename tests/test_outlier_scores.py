"""The pure functions behind the outlier detector's scores."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors

from skae._outlier_scores import code_neighbors, codes_and_errors, kth_neighbor_distance, robust_center_scale


def test_robust_center_scale_is_median_and_mad_per_column():
    values = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [100.0, 20.0]])
    center, scale = robust_center_scale(values)
    np.testing.assert_array_equal(center, [2.5, 20.0])
    np.testing.assert_allclose(scale, 1.4826 * np.array([1.0, 5.0]))


def test_robust_center_scale_floors_columns_that_hardly_vary():
    values = np.column_stack([np.arange(9.0), np.zeros(9)])
    _, scale = robust_center_scale(values)
    mad = 1.4826 * 2.0
    np.testing.assert_allclose(scale, [mad, 0.1 * mad / 2])  # a tenth of the mean scale
    _, unfloored = robust_center_scale(values, relative_floor=0.0)
    assert unfloored[0] == pytest.approx(mad) and 0 < unfloored[1] < 1e-14  # only above 0
    _, one_sample = robust_center_scale(np.array([[3.0, 5.0]]))
    assert np.all(one_sample > 0)


def test_codes_and_errors_run_the_model_once_and_agree_with_its_methods():
    X = np.random.default_rng(0).normal(size=(30, 4))
    pca = PCA(n_components=2).fit(X)
    codes, errors = codes_and_errors(pca, X.astype(np.float32))
    assert codes.dtype == errors.dtype == np.float64 and codes.shape == (30, 2) and errors.shape == X.shape
    np.testing.assert_allclose(errors, np.abs(X - pca.inverse_transform(pca.transform(X))), atol=1e-5)


def test_kth_neighbor_distance_counts_a_row_that_is_a_reference_itself():
    reference = np.array([[0.0], [1.0], [3.0]])
    neighbors = NearestNeighbors(n_neighbors=2).fit(reference)
    np.testing.assert_allclose(kth_neighbor_distance(neighbors, [[0.0], [2.9]]), [1.0, 1.9])


def test_code_neighbors_caps_k_and_rebuilds_to_the_same_distances():
    codes = np.random.default_rng(0).standard_normal((4, 3))
    queries = np.random.default_rng(1).standard_normal((6, 3))
    search = code_neighbors(codes, 5)
    assert search.n_neighbors == 4  # no more neighbours than codes
    np.testing.assert_array_equal(kth_neighbor_distance(code_neighbors(codes.copy(), 5), queries),
                                  kth_neighbor_distance(search, queries))

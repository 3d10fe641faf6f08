"""skae._validation: the pure input checks (through the estimators: test_bad_input.py)."""

import numpy as np
import pytest

from skae._validation import (
    check_codes,
    check_float32_range,
    check_image_shape,
    check_no_categories,
    check_positive_ints,
    check_targets,
    check_value_range,
    flatten_samples,
)


def test_images_are_flattened_to_views_and_rows_left_alone():
    images = np.zeros((5, 4, 3, 2))
    flat, shape = flatten_samples(images)
    assert flat.shape == (5, 24) and shape == (4, 3, 2) and np.shares_memory(flat, images)
    rows = np.zeros((5, 3))
    assert flatten_samples(rows) == (rows, None)
    with pytest.raises(ValueError, match="5 dimensions"):
        flatten_samples(np.zeros((1, 1, 1, 1, 1)))


def test_values_beyond_float32_are_refused_but_float32_itself_passes():
    with pytest.raises(ValueError, match="beyond float32's range"):
        check_float32_range(np.array([[1e39]]))
    with pytest.raises(ValueError, match="beyond float32's range"):  # beside a gap, too
        check_float32_range(np.array([[np.nan, -1e39]]))
    assert np.isnan(check_float32_range(np.array([[np.nan, 1.0]]))).any()
    assert check_float32_range(np.array([[3e38]], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    "value, error", [((2, 0), ValueError), ((2, "3"), TypeError), (3, TypeError), ((True,), TypeError)]
)
def test_positive_ints(value, error):
    with pytest.raises(error, match="sizes"):
        check_positive_ints(value, "sizes")
    assert check_positive_ints([np.int64(3), 2], "sizes") == (3, 2)


def test_image_shape_must_hold_the_features():
    assert check_image_shape([4, 4], 16) == (4, 4)
    with pytest.raises(ValueError, match="holds 9 values, but X has 16"):
        check_image_shape((3, 3), 16)
    with pytest.raises(ValueError, match="height, width"):
        check_image_shape((16,), None)


def test_value_range():
    assert check_value_range((0, 1), "clip") == (0.0, 1.0)
    for bad in [(1, 0), (0, 1, 2), "ab", None]:
        with pytest.raises(ValueError, match="clip"):
            check_value_range(bad, "clip")


def test_targets_and_codes():
    X = np.zeros((3, 4))
    assert check_targets(X, np.ones((3, 2, 2))).shape == (3, 4)
    with pytest.raises(ValueError, match="y must have the shape of X"):
        check_targets(X, np.ones((3, 5)))
    with pytest.raises(ValueError, match="expecting 2 codes"):
        check_codes(np.zeros((3, 3)), 2, "Model")


def test_category_columns_are_refused_by_name_and_numbers_let_through():
    pd = pytest.importorskip("pandas")
    table = pd.DataFrame({"size": [1.0, 2.0], "kind": pd.Categorical([1, 2]), "cut": pd.Categorical(["a", "b"])})
    with pytest.raises(TypeError, match=r"DenoisingAutoencoder takes numbers here, and columns \['kind', 'cut'\]"):
        check_no_categories(table, "DenoisingAutoencoder")
    check_no_categories(table[["size"]], "DenoisingAutoencoder")
    check_no_categories(np.zeros((2, 2)), "DenoisingAutoencoder")

"""skae._tables.layout: a mixed table's columns encoded for a network, and decoded back unchanged."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skae._tables.layout import TableLayout, categorical_mask


@pytest.fixture
def table():
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "carat": rng.gamma(2.0, 0.4, 40),
        "cut": pd.Categorical(rng.choice(["Fair", "Good", "Ideal"], 40),
                              categories=["Fair", "Good", "Ideal", "Premium"], ordered=True),
        "depth": rng.integers(55, 70, 40).astype(np.int16),
        "certified": rng.random(40) < 0.5,
        "colour": pd.Categorical(rng.choice(["D", "E"], 40)),
    })


def test_a_table_comes_back_with_its_columns_dtypes_and_category_sets(table):
    layout = TableLayout().fit(table)
    restored = layout.inverse_transform(layout.transform(table))
    pd.testing.assert_frame_equal(restored, table)
    # The unused category and the order survive, though the encoding has no column for them.
    assert list(restored["cut"].cat.categories) == ["Fair", "Good", "Ideal", "Premium"] and restored["cut"].cat.ordered


def test_numeric_columns_first_standardised_then_one_block_a_categorical_column(table):
    layout = TableLayout().fit(table)
    encoded = layout.transform(table)
    assert layout.numeric_ == slice(0, 3) and layout.blocks_ == [slice(3, 6), slice(6, 8)]
    np.testing.assert_allclose(encoded[:, :3].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(encoded[:, :3].std(axis=0), 1)
    np.testing.assert_array_equal(encoded[:, 3:].sum(axis=1), 2)
    assert list(layout.categories_) == ["cut", "colour"] and list(layout.categories_["colour"]) == ["D", "E"]
    assert list(layout.get_feature_names_out()) == [
        "carat", "depth", "certified", "cut_Fair", "cut_Good", "cut_Ideal", "colour_D", "colour_E",
    ]


def test_a_network_output_decodes_to_each_blocks_most_likely_category(table):
    layout = TableLayout().fit(table)
    logits = np.zeros((2, 8))
    logits[0, [3, 6]], logits[1, [5, 7]] = (2.0, 0.1), (-1.0, 3.0)  # row 1: Ideal still wins at -1 over 0
    logits[1, [3, 4]] = -2.0
    decoded = layout.inverse_transform(logits)
    assert list(decoded["cut"]) == ["Fair", "Ideal"] and list(decoded["colour"]) == ["D", "E"]
    # Numbers come back in the columns' units and dtypes: zeros are each column's mean.
    assert decoded["carat"].iloc[0] == pytest.approx(table["carat"].mean())
    assert decoded["depth"].dtype == np.int16 and decoded["depth"].iloc[0] == round(table["depth"].mean())


@pytest.mark.parametrize("selection", [
    ["cut", "colour"], [1, 4], [1, -1], [False, True, False, False, True], "from_dtype",
])
def test_categorical_columns_by_dtype_names_indices_or_mask(table, selection):
    np.testing.assert_array_equal(categorical_mask(table, selection), [False, True, False, False, True])


@pytest.mark.parametrize("selection, error, match", [
    (["cut", "size"], ValueError, r"does not have: \['size'\]"),
    ([1, 7], ValueError, "out of range for 5 columns"),
    ([True, False], ValueError, r"one entry per column \(5\); got 2"),
    ([1.5], TypeError, "names, indices or a boolean mask"),
])
def test_a_bad_selection_is_refused_naming_what_is_wrong(table, selection, error, match):
    with pytest.raises(error, match=match):
        TableLayout(categorical_features=selection).fit(table)


def test_text_left_numeric_is_refused_with_the_way_out(table):
    table = table.assign(city=["Seoul", "Busan"] * 20)
    with pytest.raises(TypeError, match=r"Columns \['city'\] hold text.*astype\('category'\)"):
        TableLayout().fit(table)
    # Named, it is a category like the others.
    layout = TableLayout(categorical_features=["cut", "colour", "city"]).fit(table)
    assert list(layout.categories_["city"]) == ["Busan", "Seoul"]


def test_an_unseen_category_is_an_error_or_an_empty_block_as_asked(table):
    unseen = table.head(2).astype({"colour": object})
    unseen.loc[0, "colour"] = "J"
    unseen["colour"] = pd.Categorical(unseen["colour"])
    with pytest.raises(ValueError, match="unknown categor"):
        TableLayout().fit(table).transform(unseen)
    encoded = TableLayout(handle_unknown="ignore").fit(table).transform(unseen)
    np.testing.assert_array_equal(encoded[0, 6:], 0)
    assert encoded[1, 6:].sum() == 1


def test_arrays_with_categorical_indices_round_trip_as_object_arrays():
    X = np.array([[1.5, "a"], [2.5, "b"], [0.5, "a"]], dtype=object)
    layout = TableLayout(categorical_features=[1]).fit(X)
    restored = layout.inverse_transform(layout.transform(X))
    assert restored.dtype == object and list(restored[:, 1]) == ["a", "b", "a"]
    np.testing.assert_allclose(restored[:, 0].astype(float), [1.5, 2.5, 0.5])
    assert not hasattr(layout, "feature_names_in_")


def test_a_numeric_table_is_standardised_only(table):
    numbers = table[["carat", "depth"]].astype(float).to_numpy()
    layout = TableLayout(categorical_features=None).fit(numbers)
    assert layout.blocks_ == [] and layout.categories_ == {}
    np.testing.assert_allclose(layout.inverse_transform(layout.transform(numbers)), numbers)


def test_fit_and_transform_leave_the_table_as_it_was(table):
    before = table.copy()
    layout = clone(TableLayout()).fit(table)
    layout.inverse_transform(layout.transform(table))
    pd.testing.assert_frame_equal(table, before)


def test_columns_must_match_those_seen_in_fit(table):
    layout = TableLayout().fit(table)
    with pytest.raises(ValueError, match="feature names"):
        layout.transform(table[["cut", "carat", "depth", "certified", "colour"]])


def test_a_category_column_left_out_of_a_selection_is_refused(table):
    with pytest.raises(TypeError, match=r"Columns \['colour'\] have dtype 'category' but are not in"):
        TableLayout(categorical_features=["cut"]).fit(table)


def test_per_column_values_go_back_to_the_tables_order(table):
    layout = TableLayout().fit(table)
    # The layout's order is carat, depth, certified, cut, colour; the table's carat, cut, depth, certified, colour.
    in_layout_order = np.array([[0, 2, 3, 1, 4]])
    np.testing.assert_array_equal(layout.in_table_order(in_layout_order), [[0, 1, 2, 3, 4]])

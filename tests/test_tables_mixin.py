"""Mixed tables in the autoencoders (skae._tables.mixin): categories in, categories out."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from conftest import make_mixed_table
from skae import (
    AutoencoderImputer, AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae._tables.losses import column_losses

TINY = dict(latent_dim=2, hidden_layer_sizes=(8,), epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def table():
    return make_mixed_table()


@pytest.fixture(scope="module")
def fitted(table):
    return AutoencoderTransformer(**TINY).fit(table)


def test_a_mixed_table_is_encoded_inside_and_decoded_back_to_a_table(fitted, table):
    assert fitted.n_features_in_ == 4 and list(fitted.feature_names_in_) == list(table.columns)
    assert fitted.input_shape_ == (7,) and fitted.output_activation_ == "linear"
    codes = fitted.transform(table)
    assert codes.shape == (240, 2)
    restored = fitted.inverse_transform(codes)
    assert list(restored.columns) == list(table.columns)
    assert (restored.dtypes == table.dtypes).all()
    assert list(restored["colour"].cat.categories) == ["blue", "green", "red"]
    assert set(restored["side"]) <= {"left", "right"}


def test_the_score_is_the_negative_mean_of_each_columns_cost(fitted, table):
    layout = fitted.table_layout_
    encoded = layout.transform(table)
    outputs = fitted.model_.predict(encoded, verbose=0)
    expected = -column_losses(encoded, outputs, layout.numeric_, layout.blocks_).mean(axis=1)
    np.testing.assert_allclose(fitted.score_samples(table), expected, rtol=1e-5, atol=1e-6)
    assert fitted.score(table) == pytest.approx(expected.mean(), rel=1e-5)


def test_codes_come_out_as_a_dataframe_with_set_output(fitted, table):
    codes = clone(fitted).set_output(transform="pandas").fit(table).transform(table)
    assert list(codes.columns) == ["autoencodertransformer0", "autoencodertransformer1"]


def test_a_refit_is_bit_identical_and_a_pickle_answers_the_same(fitted, table):
    again = clone(fitted).fit(table)
    np.testing.assert_array_equal(again.transform(table), fitted.transform(table))
    loaded = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(loaded.inverse_transform(loaded.transform(table)),
                                  fitted.inverse_transform(fitted.transform(table)))


def test_categories_it_learns_beat_the_majority(table):
    ae = AutoencoderTransformer(latent_dim=2, hidden_layer_sizes=(16,), epochs=40, random_state=0).fit(table)
    restored = ae.inverse_transform(ae.transform(table))
    # "side" is the sign of "size": a model that learnt anything gets most right.
    majority = table["side"].value_counts(normalize=True).max()
    assert (restored["side"] == table["side"]).mean() > majority + 0.2


def test_arrays_and_numeric_tables_go_the_usual_way(table):
    numbers = table[["size", "count"]].astype(float)
    ae = AutoencoderTransformer(**TINY).fit(numbers)
    assert ae.table_layout_ is None and ae.input_shape_ == (2,)
    assert isinstance(ae.inverse_transform(ae.transform(numbers)), np.ndarray)
    # A refit on numbers forgets an earlier table's layout.
    mixed = AutoencoderTransformer(**TINY).fit(table)
    assert mixed.fit(numbers.to_numpy()).table_layout_ is None


def test_columns_named_or_indexed_are_categories_too(table):
    as_text = table.astype({"side": str, "colour": str})
    by_name = AutoencoderTransformer(categorical_features=["side", "colour"], **TINY).fit(as_text)
    np.testing.assert_array_equal(by_name.table_layout_.categorical_, [False, True, False, True])
    # Text comes back as text, not as a category dtype it never had.
    restored = by_name.inverse_transform(by_name.transform(as_text))
    assert restored["colour"].dtype.name != "category" and set(restored["colour"]) <= {"red", "green", "blue"}
    by_index = AutoencoderTransformer(categorical_features=[1, 3], **TINY).fit(as_text.to_numpy(dtype=object))
    restored = by_index.inverse_transform(by_index.transform(as_text.to_numpy(dtype=object)))
    assert restored.dtype == object and set(restored[:, 3]) <= {"red", "green", "blue"}


@pytest.mark.parametrize("settings, match", [
    (dict(loss="mae"), "loss must be 'mse', not 'mae'"),
    (dict(output_activation="sigmoid"), "output_activation must be 'auto'"),
    (dict(image_shape=(2, 2)), "image_shape does not apply"),
])
def test_settings_a_mixed_table_cannot_train_with_are_refused_before_training(table, settings, match):
    ae = AutoencoderTransformer(**{**TINY, **settings})
    with pytest.raises(ValueError, match=match):
        ae.fit(table)
    assert not hasattr(ae, "model_")


def test_missing_entries_and_unmarked_text_are_refused_naming_the_columns(table, fitted):
    gappy = table.copy()
    gappy.loc[3, "colour"] = np.nan
    with pytest.raises(ValueError, match=r"columns \['colour'\] have some"):
        AutoencoderTransformer(**TINY).fit(gappy)
    with pytest.raises(ValueError, match=r"columns \['colour'\] have gaps"):
        fitted.transform(gappy)
    with pytest.raises(TypeError, match=r"Columns \['city'\] hold text"):
        AutoencoderTransformer(**TINY).fit(table.assign(city="Seoul"))


def test_an_unseen_category_is_an_error_or_left_out_of_the_score(table):
    unseen = table.head(3).astype({"colour": object})
    unseen.loc[0, "colour"] = "violet"
    unseen["colour"] = pd.Categorical(unseen["colour"])
    with pytest.raises(ValueError, match="unknown categor"):
        AutoencoderTransformer(**TINY).fit(table).transform(unseen)
    ignoring = AutoencoderTransformer(handle_unknown="ignore", **TINY).fit(table)
    assert np.isfinite(ignoring.score_samples(unseen)).all()


def test_streaming_and_cross_validation_take_tables(table):
    ae = AutoencoderTransformer(**TINY)
    for chunk in np.array_split(np.arange(len(table)), 3):
        ae.partial_fit(table.iloc[chunk])
    assert ae.n_iter_ == 3 and ae.table_layout_ is not None
    assert np.isfinite(cross_val_score(AutoencoderTransformer(**TINY), table, cv=2)).all()


def test_the_table_passed_in_is_left_as_it_was(table):
    before = table.copy()
    ae = AutoencoderTransformer(**TINY).fit(table)
    ae.score_samples(table)
    pd.testing.assert_frame_equal(table, before)


def test_skops_saves_a_mixed_table_model_trusting_only_skaes_classes(fitted, table, tmp_path):
    sio = pytest.importorskip("skops.io")
    sio.dump(fitted, tmp_path / "mixed.skops")
    untrusted = sio.get_untrusted_types(file=tmp_path / "mixed.skops")
    assert sorted(untrusted) == ["skae._tables.layout.TableLayout", "skae.autoencoder.AutoencoderTransformer"]
    loaded = sio.load(tmp_path / "mixed.skops", trusted=untrusted)
    pd.testing.assert_frame_equal(loaded.inverse_transform(loaded.transform(table)),
                                  fitted.inverse_transform(fitted.transform(table)))


def test_a_pickle_from_before_the_table_parameters_loads_with_their_defaults(fitted_dense, digits):
    state = fitted_dense.__getstate__()
    del state["categorical_features"], state["handle_unknown"]
    old = AutoencoderTransformer.__new__(AutoencoderTransformer)
    old.__setstate__(state)
    assert old.get_params()["categorical_features"] == "from_dtype" and old.table_layout_ is None
    np.testing.assert_array_equal(old.transform(digits[:5]), fitted_dense.transform(digits[:5]))


def test_column_costs_are_each_columns_error_in_the_tables_order(fitted, table):
    codes, costs = fitted._codes_and_column_costs(table)
    np.testing.assert_array_equal(codes, fitted.transform(table))
    layout = fitted.table_layout_
    encoded = layout.transform(table)
    outputs = fitted.model_.predict(encoded, verbose=0)
    in_layout_order = column_losses(encoded, outputs, layout.numeric_, layout.blocks_, numeric_weight=1.0)
    # The table's order is size, side, count, colour; the layout's numbers first: size, count, side, colour.
    np.testing.assert_allclose(costs[:, [0, 2]], np.sqrt(in_layout_order[:, :2]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(costs[:, [1, 3]], in_layout_order[:, 2:], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("estimator", [
    VariationalAutoencoder(), AutoencoderImputer(),
    AutoencoderOutlierDetector(estimator=AutoencoderTransformer(categorical_features=None)),
    AutoencoderTransformer(categorical_features=None), DenoisingAutoencoder(categorical_features=None),
], ids=lambda estimator: type(estimator).__name__)
def test_estimators_that_take_numbers_refuse_categories_by_name_rather_than_read_their_codes(table, estimator):
    with pytest.raises(TypeError, match=r"columns \['side', 'colour'\] are categorical"):
        clone(estimator).fit(table)

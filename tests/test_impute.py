"""AutoencoderImputer: gaps filled, observed entries kept, scikit-learn's imputer conventions."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline

from skae import AutoencoderImputer
from skae._imputation_model import GapFillingAutoencoder

#: A few hundred steps of a small network.
TINY = dict(hidden_layer_sizes=(16,), max_iter=5, random_state=0)


def correlated_table(n_rows=300, seed=0):
    """Six features driven by two factors, in different units, and a 30% MCAR mask."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n_rows, 2))
    X = factors @ rng.normal(size=(2, 6)) + 0.05 * rng.normal(size=(n_rows, 6))
    X = X * [1, 10, 100, 0.1, 1, 5] + [0, 50, -300, 1, 2, 0]
    hidden = rng.random(X.shape) < 0.3
    return X, hidden, np.where(hidden, np.nan, X)


@pytest.fixture(scope="module")
def table():
    return correlated_table()


@pytest.fixture(scope="module")
def fitted(table):
    X, hidden, X_missing = table
    return AutoencoderImputer(**TINY).fit(X_missing)


def test_gaps_are_filled_and_observed_entries_come_back_bit_for_bit(table, fitted):
    X, hidden, X_missing = table
    given = X_missing.copy()
    X_filled = fitted.transform(X_missing)
    np.testing.assert_array_equal(X_missing, given)  # not modified in place
    assert not np.isnan(X_filled).any()
    np.testing.assert_array_equal(X_filled[~hidden], X_missing[~hidden])


def test_it_fills_from_the_other_features_in_the_datas_own_units(table, fitted):
    X, hidden, X_missing = table
    scale = X.std(axis=0)

    def error(X_filled):
        return np.sqrt(np.mean(((X_filled - X) / scale)[hidden] ** 2))

    mean_error = error(SimpleImputer().fit_transform(X_missing))
    assert error(fitted.transform(X_missing)) < 0.6 * mean_error


def test_refits_are_bit_identical_and_the_network_is_a_skae_autoencoder(table, fitted):
    X_missing = table[2]
    again = AutoencoderImputer(**TINY).fit(X_missing)
    np.testing.assert_array_equal(again.transform(X_missing), fitted.transform(X_missing))
    assert isinstance(fitted.autoencoder_, GapFillingAutoencoder)
    assert fitted.n_iter_ == fitted.autoencoder_.n_iter_ >= 1
    # 300 rows: entries were held out, so early stopping watched their error.
    assert "val_loss" in fitted.autoencoder_.history_


def test_a_row_with_nothing_observed_gets_the_means(table, fitted):
    X_missing = table[2]
    empty_row = np.full((1, X_missing.shape[1]), np.nan)
    np.testing.assert_allclose(fitted.transform(empty_row)[0], np.nanmean(X_missing, axis=0))


def test_a_feature_never_observed_is_dropped_or_kept_as_zeros(table):
    X_missing = table[2].copy()
    X_missing[:, 2] = np.nan
    dropped = AutoencoderImputer(**TINY).fit(pd.DataFrame(X_missing, columns=list("abcdef")))
    assert dropped.transform(pd.DataFrame(X_missing, columns=list("abcdef"))).shape == (300, 5)
    assert list(dropped.get_feature_names_out()) == list("abdef")
    kept = AutoencoderImputer(keep_empty_features=True, **TINY).fit(X_missing)
    X_filled = kept.transform(X_missing)
    assert X_filled.shape == (300, 6)
    np.testing.assert_array_equal(X_filled[:, 2], 0.0)
    assert kept.get_feature_names_out().tolist() == [f"x{i}" for i in range(6)]


def test_nothing_observed_at_all_is_all_empty_features():
    X = np.full((20, 3), np.nan)
    imputer = AutoencoderImputer(keep_empty_features=True, **TINY).fit(X)
    assert imputer.autoencoder_ is None and imputer.n_iter_ == 0
    np.testing.assert_array_equal(imputer.transform(X), 0.0)


def test_another_placeholder_and_the_indicator(table):
    X, hidden, _ = table
    X_placeholder = np.where(hidden, -1.0, X)
    imputer = AutoencoderImputer(missing_values=-1.0, add_indicator=True, **TINY).fit(X_placeholder)
    X_filled = imputer.transform(X_placeholder)
    assert X_filled.shape == (300, 12)
    np.testing.assert_array_equal(X_filled[:, 6:], hidden.astype(float))
    np.testing.assert_array_equal(X_filled[:, :6][~hidden], X[~hidden])
    assert imputer.get_feature_names_out()[-1] == "missingindicator_x5"


def test_float32_stays_float32(table, fitted):
    X_filled = fitted.transform(table[2].astype(np.float32))
    assert X_filled.dtype == np.float32 and not np.isnan(X_filled).any()


def test_it_works_in_a_pipeline_a_column_transformer_and_with_pandas_output(table):
    X, hidden, X_missing = table
    frame = pd.DataFrame(X_missing, columns=list("abcdef"))
    columns = ColumnTransformer([("filled", AutoencoderImputer(**TINY), list("abcde"))], remainder="drop")
    columns.set_output(transform="pandas")
    output = columns.fit_transform(frame)
    assert list(output.columns) == [f"filled__{name}" for name in "abcde"]
    pipeline = make_pipeline(AutoencoderImputer(**TINY), LinearRegression())
    assert pipeline.fit(X_missing, X[:, 0]).predict(X_missing).shape == (300,)


def test_multiple_imputations_differ_on_the_gaps_only_and_repeat_with_a_seed(table, fitted):
    X, hidden, X_missing = table
    draws = fitted.multiple_imputations(X_missing, n_imputations=4, random_state=0)
    assert draws.shape == (4, *X.shape)
    np.testing.assert_array_equal(draws[:, ~hidden], np.broadcast_to(X_missing[~hidden], (4, (~hidden).sum())))
    assert (draws.std(axis=0)[hidden] > 0).mean() > 0.9
    np.testing.assert_array_equal(fitted.multiple_imputations(X_missing, n_imputations=4, random_state=0), draws)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_multiple_imputations_wants_a_positive_count(table, fitted, bad):
    with pytest.raises(ValueError, match="n_imputations"):
        fitted.multiple_imputations(table[2], n_imputations=bad)


@pytest.mark.parametrize(
    "params, X_change, message",
    [
        (dict(hidden_layer_sizes=()), None, "hidden_layer_sizes must not be empty"),
        (dict(corruption_rate=1.0), None, "corruption_rate"),
        ({}, lambda X: np.where(np.isnan(X), np.inf, X), "infinity"),
        ({}, lambda X: np.where(np.isnan(X), "unknown", X.astype(str)), "could not convert"),
    ],
)
def test_bad_input_is_refused_before_training(table, params, X_change, message):
    X_missing = table[2]
    X_given = X_missing if X_change is None else X_change(X_missing)
    with pytest.raises(ValueError, match=message):
        AutoencoderImputer(**{**TINY, **params}).fit(X_given)


def test_a_failed_fit_leaves_the_imputer_as_it_was(table, monkeypatch):
    X_missing = table[2]
    imputer = AutoencoderImputer(**TINY).fit(X_missing)
    before = imputer.transform(X_missing)
    state = dict(imputer.__dict__)

    def broken_fit(self, X, y=None):
        raise RuntimeError("training failed")

    monkeypatch.setattr(GapFillingAutoencoder, "fit", broken_fit)
    with pytest.raises(RuntimeError, match="training failed"):
        imputer.fit(X_missing[:, :4])
    assert imputer.__dict__.keys() == state.keys()
    assert imputer.n_features_in_ == 6
    np.testing.assert_array_equal(imputer.transform(X_missing), before)


def test_pickles_with_identical_imputations(table, fitted):
    X_missing = table[2]
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.transform(X_missing), fitted.transform(X_missing))

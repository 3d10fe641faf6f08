"""skae inside the scikit-learn ecosystem: Pipelines, search, and scikeras beside it."""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skae import AutoencoderTransformer, DenoisingAutoencoder, make_reconstruction_scorer


@pytest.fixture(scope="module")
def labelled_digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def test_encoder_as_feature_extractor_in_a_pipeline(labelled_digits):
    X_train, X_test, y_train, y_test = labelled_digits
    pipeline = make_pipeline(
        MinMaxScaler(),
        AutoencoderTransformer(latent_dim=16, epochs=10, random_state=0),
        LogisticRegression(max_iter=1000),
    )
    pipeline.fit(X_train, y_train)
    assert pipeline[:-1].transform(X_test).shape == (len(X_test), 16)
    assert pipeline.score(X_test, y_test) > 0.8


@pytest.mark.parametrize("scoring", [None, make_reconstruction_scorer("mse")], ids=["score", "scorer"])
def test_grid_search_tunes_latent_dim(scoring, digits):
    search = GridSearchCV(
        AutoencoderTransformer(epochs=3, random_state=0), {"latent_dim": [2, 16]}, cv=2, scoring=scoring
    ).fit(digits)
    assert search.best_params_ == {"latent_dim": 16}
    assert search.cv_results_["mean_test_score"][1] > search.cv_results_["mean_test_score"][0]
    assert search.best_estimator_.transform(digits[:3]).shape == (3, 16)


def test_default_score_and_mse_scorer_agree(fitted_dense, digits):
    assert make_reconstruction_scorer("mse")(fitted_dense, digits) == pytest.approx(fitted_dense.score(digits), rel=1e-5)


def test_pipeline_tuned_over_the_latent_size(labelled_digits):
    X_train, _, y_train, _ = labelled_digits
    pipeline = make_pipeline(
        MinMaxScaler(), AutoencoderTransformer(epochs=10, random_state=0), LogisticRegression(max_iter=1000)
    )
    search = GridSearchCV(pipeline, {"autoencodertransformer__latent_dim": [4, 16]}, cv=3).fit(X_train, y_train)
    assert search.best_params_ == {"autoencodertransformer__latent_dim": 16}
    assert search.best_score_ >= 0.80


def test_pca_and_an_autoencoder_compete_under_one_scorer(digits):
    # One Pipeline slot, two kinds of model, one reconstruction scorer: the
    # error is measured on the unscaled digits for both.
    pipeline = Pipeline([("scale", MinMaxScaler()), ("reduce", PCA())])
    search = GridSearchCV(
        pipeline,
        {"reduce": [PCA(n_components=2), AutoencoderTransformer(latent_dim=2, epochs=5, random_state=0),
                    PCA(n_components=16), AutoencoderTransformer(latent_dim=16, epochs=5, random_state=0)]},
        scoring=make_reconstruction_scorer("mse"),
        cv=3,
    ).fit(digits)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0)
    assert scores[2] > scores[0] and scores[3] > scores[1]  # 16 codes beat 2, for both kinds


def test_denoiser_in_grid_search_with_its_default_score(digits):
    search = GridSearchCV(
        DenoisingAutoencoder(noise="masking", noise_factor=0.3, epochs=3, random_state=0),
        {"latent_dim": [2, 16]}, cv=2,
    ).fit(digits)
    assert search.best_params_ == {"latent_dim": 16}


def test_reconstruction_metrics_of_an_autoencoder_by_cross_validation(digits):
    results = cross_validate(
        AutoencoderTransformer(latent_dim=8, epochs=2, random_state=0), digits, cv=2,
        scoring={"mse": make_reconstruction_scorer("mse"), "psnr": make_reconstruction_scorer("psnr", data_range=1.0)},
    )
    assert np.all(results["test_mse"] < 0) and np.all(results["test_psnr"] > 0)


def test_cross_val_score_without_a_scorer(digits):
    scores = cross_val_score(AutoencoderTransformer(latent_dim=8, epochs=1, random_state=0), digits, cv=3)
    assert scores.shape == (3,) and np.all(scores < 0)


def test_skae_codes_feed_a_scikeras_classifier(labelled_digits):
    from scikeras.wrappers import KerasClassifier

    def softmax_classifier(meta):
        return keras.Sequential([
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ])

    X_train, X_test, y_train, y_test = labelled_digits
    pipeline = make_pipeline(
        MinMaxScaler(),
        AutoencoderTransformer(latent_dim=16, epochs=10, random_state=0),
        # No random_state here: scikeras's seeding turns on TensorFlow's op
        # determinism for the whole process, which skae itself never does.
        KerasClassifier(softmax_classifier, loss="sparse_categorical_crossentropy",
                        optimizer="adam", optimizer__learning_rate=0.05, epochs=30, verbose=0),
    )
    pipeline.fit(X_train, y_train)
    assert pipeline.predict(X_test).shape == y_test.shape
    assert np.mean(pipeline.predict(X_test) == y_test) > 0.8

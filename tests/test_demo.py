"""skae._demo: what the demo says about its own tables (the command itself: tests/test_cli.py)."""

from skae import AutoencoderTransformer
from skae._demo import WHY_RECONSTRUCTION, demo_estimators, describe, losing_sentences


def test_a_sentence_says_where_the_autoencoder_loses_and_why():
    rows = [
        {"model": "AutoencoderTransformer", "test MSE": "0.00600", "PSNR denoised (dB)": "17.00", "fit (s)": "5.1"},
        {"model": "PCA", "test MSE": "0.01100", "PSNR denoised (dB)": "18.00", "fit (s)": "0.1"},
    ]
    assert losing_sentences(rows) == [
        "PCA denoises to a higher PSNR (18.00 dB against 17.00 dB): " + WHY_RECONSTRUCTION + ".",
        "PCA fits faster (0.1 s against 5.1 s): PCA is one singular value decomposition, where the autoencoder "
        "takes thousands of gradient steps.",
    ]


def test_no_sentence_where_the_autoencoder_wins_or_ties():
    rows = [
        {"model": "AutoencoderTransformer", "codes": "16", "test MSE": "0.00600", "test MAE": "0.0500"},
        {"model": "PCA", "codes": "16", "test MSE": "0.01100", "test MAE": "0.0500"},
    ]
    assert losing_sentences(rows) == []


def test_describe_says_how_a_model_is_built_and_trained():
    estimator = AutoencoderTransformer(latent_dim=16, hidden_layer_sizes=(128, 64), activation="elu", epochs=50,
                                       early_stopping=True, validation_split=0.1, loss="mse")
    assert describe(estimator) == (
        "dense elu layers (128, 64), 16 codes, loss mse, up to 50 epochs, early stopping on 10% of the training images"
    )


def test_describe_says_the_tutorials_models_train_their_epochs_without_early_stopping():
    autoencoder, denoiser = demo_estimators(small_data=False, n_train=60000, epochs=None, quick=False)
    assert describe(autoencoder) == "dense, 64 codes, loss mse, up to 10 epochs"
    assert describe(denoiser) == "conv filters (16, 8), loss mae, up to 10 epochs"

"""
=======================================
The encoder as a feature extractor
=======================================

An autoencoder's codes are features: put :class:`skae.AutoencoderTransformer`
between a scaler and a classifier in a :class:`~sklearn.pipeline.Pipeline`,
and the whole chain fits, predicts and cross-validates like any scikit-learn
model. Here on scikit-learn's 8x8 digits, with 16 codes.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skae import AutoencoderTransformer
from skae.plotting import LatentSpaceDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)

# %%
# Autoencoder codes, PCA components and raw pixels, each feeding the same
# logistic regression.
models = {
    "autoencoder (16 codes)": make_pipeline(
        MinMaxScaler(), AutoencoderTransformer(latent_dim=16, epochs=30, random_state=0),
        LogisticRegression(max_iter=1000),
    ),
    "PCA (16 components)": make_pipeline(MinMaxScaler(), PCA(16), LogisticRegression(max_iter=1000)),
    "raw pixels (64)": make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=1000)),
}
for name, model in models.items():
    print(f"{name:>24}: test accuracy {model.fit(X_train, y_train).score(X_test, y_test):.3f}")

# %%
# The codes of the test digits, projected to 2-D and coloured by digit.
pipeline = models["autoencoder (16 codes)"]
display = LatentSpaceDisplay.from_estimator(pipeline[:-1], X_test, y_test)
display.ax_.set_title("autoencoder codes of the test digits")
plt.show()

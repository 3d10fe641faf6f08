"""
==========================================
skae codes feeding a scikeras classifier
==========================================

skae works beside scikeras, the Keras wrapper many users already know: here
a skae encoder turns digits into 16 codes, and a scikeras ``KerasClassifier``
learns the classes from them, in one scikit-learn Pipeline.
"""

# %%
import keras
import matplotlib.pyplot as plt
from scikeras.wrappers import KerasClassifier
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skae import AutoencoderTransformer


def softmax_classifier(meta):
    """A one-layer Keras classifier sized from what scikeras saw in fit."""
    return keras.Sequential([
        keras.Input((meta["n_features_in_"],)),
        keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ])


X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
pipeline = make_pipeline(
    MinMaxScaler(),
    AutoencoderTransformer(latent_dim=16, epochs=30, random_state=0),
    KerasClassifier(softmax_classifier, loss="sparse_categorical_crossentropy", optimizer="adam",
                    optimizer__learning_rate=0.05, epochs=30, verbose=0),
)
pipeline.fit(X_train, y_train)
print(f"test accuracy: {pipeline.score(X_test, y_test):.3f}")

# %%
ConfusionMatrixDisplay.from_predictions(y_test, pipeline.predict(X_test))
plt.show()

"""Pure functions that build Keras ``(encoder, decoder)`` model pairs.

Nothing here knows about scikit-learn: every function takes plain Python
values and returns Keras models, so the builders can be used, tested and
replaced on their own. The estimators in :mod:`skae` pick a builder by name
(``architecture="dense"`` or ``"conv"``) or take a user callable with the same
contract:

``builder(input_shape, latent_dim) -> (encoder, decoder)``

* ``input_shape`` is the shape of one sample as the model receives it, for
  example ``(784,)`` or ``(28, 28, 1)``;
* ``latent_dim`` is the estimator's ``latent_dim`` parameter (may be ``None``);
* ``encoder`` maps a batch of samples to 2-D codes ``(batch, n_codes)``;
* ``decoder`` maps codes back to a batch of shape ``(batch, *input_shape)``.

:func:`compose_autoencoder` joins the pair into the one trainable model; the
encoder and decoder stay nested inside it, so they share its weights.
"""

import math
import random

import keras
from keras import layers

__all__ = [
    "ARCHITECTURES",
    "compose_autoencoder",
    "conv_autoencoder",
    "dense_autoencoder",
    "split_autoencoder",
]

#: Default number of codes of the dense architecture (the seed tutorials' 64).
DENSE_LATENT_DIM = 64


def _kernel_initializers(seed):
    """Return a function making the next layer's seeded kernel initializer.

    Keras seeds an unseeded initializer, when it is created, with
    ``randint(1, 10**9)`` from Python's global ``random``. Drawing those numbers
    from a private ``random.Random(seed)`` instead gives the weights a build
    under ``random.seed(seed)`` gives, without reading global state that other
    threads (a Dask worker's event loop, for one) may draw from meanwhile.
    """
    if seed is None:
        return lambda: "glorot_uniform"
    seeds = random.Random(seed)
    return lambda: keras.initializers.GlorotUniform(seed=seeds.randint(1, int(1e9)))


def dense_autoencoder(
    input_shape,
    latent_dim=DENSE_LATENT_DIM,
    *,
    hidden_layer_sizes=(),
    activation="relu",
    output_activation="sigmoid",
    seed=None,
):
    """Build a fully connected encoder and its mirrored decoder.

    With the defaults this is exactly the seed tutorials' model:
    ``Flatten -> Dense(64, relu)`` and ``Dense(n_features, sigmoid)``
    (followed by ``Reshape`` back to ``input_shape`` for image samples).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one sample, e.g. ``(784,)`` or ``(28, 28)``.
    latent_dim : int, default=64
        Number of codes.
    hidden_layer_sizes : sequence of int, default=()
        Units of the hidden Dense layers between the input and the codes;
        the decoder mirrors them in reverse order.
    activation : str or callable, default="relu"
        Activation of the hidden layers and of the code layer.
    output_activation : str or callable or None, default="sigmoid"
        Activation of the reconstruction layer; ``None`` is linear.
    seed : int or None, default=None
        Seeds the initial weights: the same seed builds the same weights.
        ``None`` leaves the seeding to Keras (Python's global ``random``).

    Returns
    -------
    encoder, decoder : keras.Model
        ``encoder`` maps ``(batch, *input_shape)`` to ``(batch, latent_dim)``,
        ``decoder`` maps the codes back to ``(batch, *input_shape)``.

    Examples
    --------
    >>> from skae.architectures import dense_autoencoder
    >>> encoder, decoder = dense_autoencoder((784,), 32, hidden_layer_sizes=(128,))
    >>> encoder.output_shape, decoder.output_shape
    ((None, 32), (None, 784))
    """
    input_shape = tuple(input_shape)
    kernel = _kernel_initializers(seed)
    inputs = keras.Input(shape=input_shape)
    x = layers.Flatten()(inputs)
    for units in hidden_layer_sizes:
        x = layers.Dense(units, activation=activation, kernel_initializer=kernel())(x)
    codes = layers.Dense(latent_dim, activation=activation, kernel_initializer=kernel())(x)
    encoder = keras.Model(inputs, codes, name="encoder")

    code_inputs = keras.Input(shape=(latent_dim,))
    y = code_inputs
    for units in reversed(tuple(hidden_layer_sizes)):
        y = layers.Dense(units, activation=activation, kernel_initializer=kernel())(y)
    y = layers.Dense(
        math.prod(input_shape), activation=output_activation, kernel_initializer=kernel()
    )(y)
    if len(input_shape) > 1:
        y = layers.Reshape(input_shape)(y)
    decoder = keras.Model(code_inputs, y, name="decoder")
    return encoder, decoder


def conv_autoencoder(
    input_shape,
    latent_dim=None,
    *,
    conv_filters=(16, 8),
    kernel_size=3,
    activation="relu",
    output_activation="sigmoid",
    seed=None,
):
    """Build a convolutional encoder and its transposed-convolution decoder.

    With the defaults and 28x28x1 images this is exactly the seed denoising
    tutorial's model: ``Conv2D(16)`` and ``Conv2D(8)``, 3x3 with stride 2, then
    ``Conv2DTranspose(8)``, ``Conv2DTranspose(16)`` and ``Conv2D(c, sigmoid)``.

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width, channels)`` of one image.
    latent_dim : int or None, default=None
        ``None`` makes the codes the flattened last feature map (7 * 7 * 8 =
        392 codes for 28x28 images); an int adds a Dense bottleneck of that
        many codes after it, and the matching Dense layer to the decoder.
    conv_filters : sequence of int, default=(16, 8)
        Filters of the stride-2 encoder convolutions, outermost first; the
        decoder uses them in reverse order.
    kernel_size : int, default=3
        Kernel size of every convolution.
    activation : str or callable, default="relu"
        Activation of the hidden convolutions and of the bottleneck.
    output_activation : str or callable or None, default="sigmoid"
        Activation of the last convolution, which outputs ``channels`` maps.
    seed : int or None, default=None
        Seeds the initial weights: the same seed builds the same weights.
        ``None`` leaves the seeding to Keras (Python's global ``random``).

    Returns
    -------
    encoder, decoder : keras.Model
        ``encoder`` maps ``(batch, h, w, c)`` to 2-D codes, ``decoder`` maps
        them back to ``(batch, h, w, c)``. Sizes that do not halve evenly are
        handled: the decoder's upsampled map is cropped back to ``(h, w)``.

    Examples
    --------
    >>> from skae.architectures import conv_autoencoder
    >>> encoder, decoder = conv_autoencoder((28, 28, 1))
    >>> encoder.output_shape, decoder.output_shape
    ((None, 392), (None, 28, 28, 1))
    """
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(
            "conv_autoencoder needs input_shape=(height, width, channels), "
            f"got {input_shape}."
        )
    height, width, channels = input_shape
    kernel = _kernel_initializers(seed)
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for filters in conv_filters:
        x = layers.Conv2D(
            filters, kernel_size, strides=2, padding="same", activation=activation,
            kernel_initializer=kernel(),
        )(x)
    feature_shape = tuple(x.shape[1:])
    x = layers.Flatten()(x)
    if latent_dim is not None:
        x = layers.Dense(latent_dim, activation=activation, kernel_initializer=kernel())(x)
    encoder = keras.Model(inputs, x, name="encoder")

    code_inputs = keras.Input(shape=(x.shape[-1],))
    y = code_inputs
    if latent_dim is not None:
        y = layers.Dense(
            math.prod(feature_shape), activation=activation, kernel_initializer=kernel()
        )(y)
    y = layers.Reshape(feature_shape)(y)
    for filters in reversed(tuple(conv_filters)):
        y = layers.Conv2DTranspose(
            filters, kernel_size, strides=2, padding="same", activation=activation,
            kernel_initializer=kernel(),
        )(y)
    # "same" padding rounds odd sizes up on the way down, so the way up can
    # overshoot (15 -> 8 -> 16): crop back to the input size.
    extra_rows, extra_cols = y.shape[1] - height, y.shape[2] - width
    if extra_rows or extra_cols:
        y = layers.Cropping2D(((0, extra_rows), (0, extra_cols)))(y)
    y = layers.Conv2D(
        channels, kernel_size, padding="same", activation=output_activation,
        kernel_initializer=kernel(),
    )(y)
    decoder = keras.Model(code_inputs, y, name="decoder")
    return encoder, decoder


#: Builders selected by the estimators' ``architecture`` strings.
ARCHITECTURES = {"dense": dense_autoencoder, "conv": conv_autoencoder}


def compose_autoencoder(encoder, decoder, input_shape):
    """Join an encoder and a decoder into one trainable Keras model.

    The two models become nested layers of the returned model, so training it
    trains them: there is one set of weights, and ``encoder`` and ``decoder``
    are views on it.

    Parameters
    ----------
    encoder, decoder : keras.Model or keras.layers.Layer
        The pair returned by a builder.
    input_shape : tuple of int
        Shape of one sample.

    Returns
    -------
    keras.Model
        The autoencoder mapping ``(batch, *input_shape)`` to itself.

    Raises
    ------
    ValueError
        If the encoder's output is not 2-D codes or the decoder does not give
        back samples of ``input_shape``.

    Examples
    --------
    >>> from skae.architectures import compose_autoencoder, dense_autoencoder
    >>> model = compose_autoencoder(*dense_autoencoder((10,), 2), (10,))
    >>> model.output_shape
    (None, 10)
    """
    input_shape = tuple(input_shape)
    inputs = keras.Input(shape=input_shape)
    codes = encoder(inputs)
    if len(codes.shape) != 2:
        raise ValueError(
            "The encoder must output 2-D codes of shape (n_samples, n_codes); "
            f"for samples of shape {input_shape} it outputs {tuple(codes.shape)}."
        )
    outputs = decoder(codes)
    if tuple(outputs.shape[1:]) != input_shape:
        raise ValueError(
            "The decoder must give back samples of the input's shape "
            f"{input_shape}; it outputs {tuple(outputs.shape[1:])}."
        )
    return keras.Model(inputs, outputs, name="autoencoder")


def split_autoencoder(model):
    """Return the ``(encoder, decoder)`` nested in a composed autoencoder.

    Parameters
    ----------
    model : keras.Model
        A model made by :func:`compose_autoencoder` (or loaded from one).

    Returns
    -------
    encoder, decoder : keras.Model or keras.layers.Layer
        The nested models themselves, sharing ``model``'s weights.

    Examples
    --------
    >>> from skae.architectures import (
    ...     compose_autoencoder, dense_autoencoder, split_autoencoder)
    >>> encoder, decoder = dense_autoencoder((10,), 2)
    >>> split_autoencoder(compose_autoencoder(encoder, decoder, (10,)))[0] is encoder
    True
    """
    encoder, decoder = (
        layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)
    )
    return encoder, decoder

"""Pure functions that build Keras ``(encoder, decoder)`` model pairs, and their registry.

Nothing here knows about scikit-learn: every function takes plain Python
values and returns Keras models, so the builders can be used, tested and
replaced on their own. The estimators pick a builder from
:data:`ARCHITECTURES` by name (``architecture="dense"`` or ``"conv"``) or take
a user callable with the same contract:

``builder(input_shape, latent_dim) -> (encoder, decoder)``

* ``input_shape`` is the shape of one sample as given to ``fit`` (or the
  estimator's ``image_shape``), for example ``(784,)`` or ``(28, 28)``;
* ``latent_dim`` is the estimator's ``latent_dim`` parameter (may be ``None``);
* ``encoder`` maps a batch of samples to 2-D codes ``(batch, n_codes)``; its
  input may reshape the sample (the conv builder takes ``(28, 28)`` samples
  as ``(28, 28, 1)`` images), and the estimator feeds it samples of that shape;
* ``decoder`` maps codes back to a batch shaped like the encoder's input.

A registered builder also takes ``seed=`` (its initial weights) and, as
keyword-only arguments, any of its settings that are parameters of the
estimator of the same name (``hidden_layer_sizes``, ``activation``,
``conv_filters``...): :func:`builder_settings` picks them. Adding an
architecture is one entry in :data:`ARCHITECTURES`, plus estimator
parameters for settings of its own.

:func:`compose_autoencoder` joins the pair into the one trainable model; the
encoder and decoder stay nested inside it, so they share its weights. Every
layer has a fixed name: TensorFlow keeps memory for each new variable name it
sees, so auto-numbered names (``dense_123``) would grow a process that fits
many models.
"""

import inspect
import math
import random
import weakref

import keras
from keras import layers

__all__ = [
    "ARCHITECTURES",
    "builder_settings",
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


def _dense_layers(x, sizes, activation, kernel, prefix):
    """``x`` through Dense layers of ``sizes`` units, named ``{prefix}_dense_{i}``."""
    for index, units in enumerate(sizes, 1):
        x = layers.Dense(units, activation, kernel_initializer=kernel(), name=f"{prefix}_dense_{index}")(x)
    return x


def dense_autoencoder(
    input_shape,
    latent_dim=None,
    *,
    hidden_layer_sizes=(),
    activation="relu",
    code_activation="relu",
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
    latent_dim : int or None, default=None
        Number of codes; ``None`` gives the tutorials' 64.
    hidden_layer_sizes : sequence of int, default=()
        Units of the hidden Dense layers between the input and the codes;
        the decoder mirrors them in reverse order.
    activation, code_activation, output_activation : str or callable or None
        Activations of the hidden layers, the code layer and the
        reconstruction (defaults ``"relu"``, ``"relu"``, ``"sigmoid"``);
        ``None`` is linear.
    seed : int or None, default=None
        Seeds the initial weights; ``None`` leaves it to Keras (Python's ``random``).

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
    latent_dim = DENSE_LATENT_DIM if latent_dim is None else latent_dim
    kernel = _kernel_initializers(seed)
    inputs = keras.Input(shape=input_shape, name="encoder_input")
    x = _dense_layers(layers.Flatten(name="encoder_flatten")(inputs), hidden_layer_sizes, activation, kernel, "encoder")
    codes = layers.Dense(latent_dim, code_activation, kernel_initializer=kernel(), name="codes")(x)
    encoder = keras.Model(inputs, codes, name="encoder")
    code_inputs = keras.Input(shape=(latent_dim,), name="decoder_input")
    y = _dense_layers(code_inputs, reversed(tuple(hidden_layer_sizes)), activation, kernel, "decoder")
    y = layers.Dense(
        math.prod(input_shape), output_activation, kernel_initializer=kernel(), name="reconstruction"
    )(y)
    if len(input_shape) > 1:
        y = layers.Reshape(input_shape, name="decoder_reshape")(y)
    return encoder, keras.Model(code_inputs, y, name="decoder")


def _image_input_shape(input_shape):
    """``(height, width, channels)`` of ``input_shape``, adding one channel to 2-D."""
    input_shape = tuple(input_shape)
    if len(input_shape) == 2:
        return (*input_shape, 1)
    if len(input_shape) != 3:
        raise ValueError(
            "architecture='conv' needs images: samples of shape (height, width[, "
            f"channels]), got samples of shape {input_shape}. Pass X of shape "
            "(n_samples, height, width[, channels]) or set image_shape."
        )
    return input_shape


def _conv_encoder(input_shape, latent_dim, conv_filters, kernel_size, activation, code_activation, kernel):
    """The stride-2 convolutions, flattened, then an optional Dense bottleneck."""
    x = inputs = keras.Input(shape=input_shape, name="encoder_input")
    for index, filters in enumerate(conv_filters, 1):
        x = layers.Conv2D(
            filters, kernel_size, strides=2, padding="same", activation=activation,
            kernel_initializer=kernel(), name=f"encoder_conv_{index}",
        )(x)
    feature_shape = tuple(x.shape[1:])
    x = layers.Flatten(name="encoder_flatten")(x)
    if latent_dim is not None:
        x = layers.Dense(latent_dim, code_activation, kernel_initializer=kernel(), name="codes")(x)
    return keras.Model(inputs, x, name="encoder"), feature_shape


def _conv_decoder(input_shape, latent_dim, feature_shape, conv_filters, kernel_size, activation,
                  output_activation, kernel):
    """The mirror of :func:`_conv_encoder`: transposed convolutions back up."""
    height, width, channels = input_shape
    n_codes = math.prod(feature_shape) if latent_dim is None else latent_dim
    y = code_inputs = keras.Input(shape=(n_codes,), name="decoder_input")
    if latent_dim is not None:
        y = layers.Dense(
            math.prod(feature_shape), activation, kernel_initializer=kernel(), name="decoder_dense"
        )(y)
    y = layers.Reshape(feature_shape, name="decoder_reshape")(y)
    for index, filters in enumerate(reversed(tuple(conv_filters)), 1):
        y = layers.Conv2DTranspose(
            filters, kernel_size, strides=2, padding="same", activation=activation,
            kernel_initializer=kernel(), name=f"decoder_conv_{index}",
        )(y)
    # "same" padding rounds odd sizes up on the way down, so the way up can
    # overshoot (15 -> 8 -> 16): crop back to the input size.
    extra_rows, extra_cols = y.shape[1] - height, y.shape[2] - width
    if extra_rows or extra_cols:
        y = layers.Cropping2D(((0, extra_rows), (0, extra_cols)), name="decoder_crop")(y)
    y = layers.Conv2D(
        channels, kernel_size, padding="same", activation=output_activation,
        kernel_initializer=kernel(), name="reconstruction",
    )(y)
    return keras.Model(code_inputs, y, name="decoder")


def conv_autoencoder(
    input_shape,
    latent_dim=None,
    *,
    conv_filters=(16, 8),
    kernel_size=3,
    activation="relu",
    code_activation="relu",
    output_activation="sigmoid",
    seed=None,
):
    """Build a convolutional encoder and its transposed-convolution decoder.

    With the defaults and 28x28 images this is exactly the seed denoising
    tutorial's model: ``Conv2D(16)`` and ``Conv2D(8)``, 3x3 with stride 2, then
    ``Conv2DTranspose(8)``, ``Conv2DTranspose(16)`` and ``Conv2D(c, sigmoid)``.

    Parameters
    ----------
    input_shape : tuple of int
        ``(height, width, channels)`` of one image, or ``(height, width)``
        for one channel (the models then take ``(height, width, 1)``).
    latent_dim : int or None, default=None
        ``None`` makes the codes the flattened last feature map (392 for 28x28
        images); an int adds a Dense bottleneck of that many codes after it,
        and the matching Dense layer to the decoder.
    conv_filters : sequence of int, default=(16, 8)
        Filters of the stride-2 encoder convolutions, outermost first; the
        decoder uses them in reverse order.
    kernel_size : int, default=3
        Kernel size of every convolution.
    activation, code_activation, output_activation : str or callable or None
        Activations of the hidden layers, the Dense bottleneck (with an int
        ``latent_dim``) and the last convolution, which outputs ``channels``
        maps (defaults ``"relu"``, ``"relu"``, ``"sigmoid"``); ``None`` is linear.
    seed : int or None, default=None
        Seeds the initial weights; ``None`` leaves it to Keras.

    Returns
    -------
    encoder, decoder : keras.Model
        ``encoder`` maps ``(batch, h, w, c)`` to 2-D codes, ``decoder`` maps
        them back (sizes that do not halve evenly are cropped back).

    Examples
    --------
    >>> from skae.architectures import conv_autoencoder
    >>> encoder, decoder = conv_autoencoder((28, 28))
    >>> encoder.output_shape, decoder.output_shape
    ((None, 392), (None, 28, 28, 1))
    """
    input_shape = _image_input_shape(input_shape)
    kernel = _kernel_initializers(seed)
    encoder, feature_shape = _conv_encoder(
        input_shape, latent_dim, tuple(conv_filters), kernel_size, activation, code_activation, kernel
    )
    return encoder, _conv_decoder(
        input_shape, latent_dim, feature_shape, tuple(conv_filters), kernel_size, activation, output_activation, kernel
    )


#: Builders selected by the estimators' ``architecture`` strings.
ARCHITECTURES = {"dense": dense_autoencoder, "conv": conv_autoencoder}


def builder_settings(builder, params):
    """The keyword-only settings of ``builder`` found in ``params``, by name.

    Parameters
    ----------
    builder : callable
        A registered builder, such as :func:`dense_autoencoder`.
    params : dict
        An estimator's parameters (``get_params()``).

    Returns
    -------
    dict
        ``{name: params[name]}`` for each keyword-only argument of
        ``builder`` other than ``seed`` that ``params`` has.

    Examples
    --------
    >>> from skae.architectures import builder_settings, conv_autoencoder
    >>> builder_settings(conv_autoencoder, {"conv_filters": (8,), "epochs": 3})
    {'conv_filters': (8,)}
    """
    keyword_only = [
        name for name, parameter in inspect.signature(builder).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "seed"
    ]
    return {name: params[name] for name in keyword_only if name in params}


def compose_autoencoder(encoder, decoder, input_shape=None):
    """Join an encoder and a decoder into one trainable Keras model.

    The two models become nested layers of the returned model, so training it
    trains them: there is one set of weights, and ``encoder`` and ``decoder``
    are views on it.

    Parameters
    ----------
    encoder, decoder : keras.Model or keras.layers.Layer
        The pair returned by a builder.
    input_shape : tuple of int or None, default=None
        Shape of one sample; ``None`` takes the encoder's input shape.

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
    if input_shape is None:
        if not hasattr(encoder, "input_shape"):
            raise ValueError("The encoder declares no input shape; pass input_shape.")
        input_shape = encoder.input_shape[1:]
    input_shape = tuple(input_shape)
    inputs = keras.Input(shape=input_shape, name="autoencoder_input")
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

    They are its first and last layers after the input, so a model with
    layers between them (a sampler, say) splits too.

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
    parts = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return parts[0], parts[-1]


_sample_input_shapes = weakref.WeakKeyDictionary()  # model -> shape of one sample


def _sample_input_shape(model):
    """Shape of one sample as ``model`` takes it, read once per model.

    Keras derives ``input_shape`` anew at each read: 5 us on PyTorch, paid
    twice by every ``transform`` of one row.
    """
    shape = _sample_input_shapes.get(model)
    if shape is None:
        shape = _sample_input_shapes[model] = tuple(model.input_shape[1:])
    return shape

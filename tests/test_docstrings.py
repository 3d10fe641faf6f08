"""The Examples sections of skae's docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = [
    "skae.architectures",
    "skae.autoencoder",
    "skae.datasets",
    "skae.denoising",
    "skae.exceptions",
    "skae.metrics",
    "skae.noise",
    "skae.onnx._converters",
    "skae.plotting",
    "skae.plotting._image_tiles",
    "skae._signature",
    "skae._tables.layout",
    "skae._tables.losses",
    "skae._variational_model",
    "skae.variational",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0

"""skae/__init__.py: the public names, loaded on first use, and nothing heavy before."""

import json
import subprocess
import sys

import keras
import pytest

import skae

#: Packages a Keras backend or an optional extra brings.
HEAVY = ("keras", "tensorflow", "torch", "jax", "onnx", "onnxruntime", "skl2onnx", "tf2onnx", "skops", "dask")

IMPORTED_SCRIPT = """
import json, sys
{imports}
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def imported_after(imports):
    """The heavy packages a fresh Python process holds after running ``imports``."""
    script = IMPORTED_SCRIPT.format(imports=imports, heavy=HEAVY)
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_public_name_loads_from_its_module():
    for name in skae.__all__:
        assert getattr(skae, name) is not None
    assert set(skae._PUBLIC) | {"__version__"} == set(skae.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Missing'"):
        skae.Missing  # noqa: B018


def test_import_skae_loads_no_backend_and_no_extra():
    assert imported_after("import skae, skae.exceptions") == []


def test_the_estimators_load_only_the_backend_keras_uses():
    backend = keras.backend.backend()
    modules = ", ".join(sorted(set(skae._PUBLIC.values())))
    loaded = set(imported_after(f"import {modules}"))
    assert {"keras", backend} <= loaded
    # Keras 3.15 itself imports JAX whenever it is installed (for its orbax
    # checkpoint callback), so only TensorFlow and PyTorch are checked here.
    assert loaded & ({"tensorflow", "torch"} - {backend}) == set()
    assert loaded & {"onnx", "onnxruntime", "skl2onnx", "tf2onnx", "skops", "dask"} == set()

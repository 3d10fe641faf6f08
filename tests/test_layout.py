"""The package's shape: small modules, short functions, imports that flow one way.

The rules of docs/contributing.rst, checked so they keep holding: no module
of ``skae`` (outside ``skae/benchmarks/``) over 500 lines, no function or
method over 60 lines, docstrings included; no more than 40 modules and
subpackages directly in ``skae/``; and the modules that do the work never
import the estimators, the plotting, the data sets or the command line.
"""

import ast
import pathlib

import pytest

import skae

PACKAGE = pathlib.Path(skae.__file__).parent
MODULES = sorted(
    path for path in PACKAGE.rglob("*.py") if "benchmarks" not in path.relative_to(PACKAGE).parts
)
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

#: Modules that never see an estimator, and what they must not import (names within skae).
WORKERS = ["_validation", "_batching", "_training", "_engines", "_distribute", "_random", "_serialization",
           "_outlier_scores", "_variational_model", "_variational_bounds", "onnx._export", "architectures", "noise"]
ABOVE_THEM = {"_base", "autoencoder", "denoising", "outliers", "variational", "impute", "plotting", "datasets",
              "cli", "onnx._converters"}
#: Modules and subpackages directly in skae/ past which families move into subpackages.
MAX_FLAT_MODULES = 40


def relative(path):
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_modules_and_functions_stay_small(path):
    source = path.read_text()
    assert source.count("\n") <= MAX_MODULE_LINES, f"{relative(path)} has grown past {MAX_MODULE_LINES} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            length = node.end_lineno - start + 1
            assert length <= MAX_FUNCTION_LINES, f"{relative(path)}: {node.name} has {length} lines"


def test_the_flat_package_stays_small_enough_to_read():
    flat = [path for path in PACKAGE.iterdir() if path.suffix == ".py" or (path / "__init__.py").exists()]
    assert len(flat) <= MAX_FLAT_MODULES, f"skae/ holds {len(flat)} modules and subpackages: group a family"


def _skae_imports(name):
    """The names within skae (``"_base"``, ``"onnx._export"``) that the module skae.``name`` imports."""
    path = PACKAGE.joinpath(*name.split(".")).with_suffix(".py")
    package = ["skae", *name.split(".")[:-1]]
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            modules = [node.module] if node.module else [alias.name for alias in node.names]
            imported |= {".".join([*base, module]) for module in modules}
        elif isinstance(node, ast.ImportFrom) and node.module.startswith("skae"):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names if alias.name.startswith("skae")}
    return {module.removeprefix("skae.") for module in imported if module.startswith("skae.")}


@pytest.mark.parametrize("name", WORKERS)
def test_the_workers_import_nothing_above_them(name):
    above = {module for module in _skae_imports(name)
             if any(module == top or module.startswith(top + ".") for top in ABOVE_THEM)}
    assert not above, f"skae.{name} imports {sorted(above)}"

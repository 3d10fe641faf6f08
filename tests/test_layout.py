"""The package's shape: small modules, short functions, imports that flow one way.

The rules of docs/contributing.rst, checked so they keep holding: no module
of ``skae`` (outside ``skae/benchmarks/``) over 500 lines, no function or
method over 60 lines, docstrings included; and the modules that do the work
never import the estimators, the plotting, the data sets or the command line.
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

#: Modules that never see an estimator, and what they must not import.
WORKERS = ["_validation", "_batching", "_training", "_engines", "_distribute", "_random",
           "_serialization", "_outlier_scores", "_variational_model", "_variational_bounds", "_onnx_export", "architectures", "noise"]
ABOVE_THEM = {"_base", "autoencoder", "denoising", "outliers", "variational", "plotting", "_outlier_plotting",
              "_generative_plotting", "_image_tiles", "datasets", "cli", "onnx"}


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


@pytest.mark.parametrize("name", WORKERS)
def test_the_workers_import_nothing_above_them(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            imported |= {node.module} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name.removeprefix("skae.") for alias in node.names if alias.name.startswith("skae")}
    assert not imported & ABOVE_THEM, f"skae.{name} imports {sorted(imported & ABOVE_THEM)}"

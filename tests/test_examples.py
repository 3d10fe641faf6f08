"""The examples gallery: every script runs, in the documentation build.

sphinx-gallery executes each ``examples/plot_*.py`` while it builds the docs,
and the build fails if one raises (``.ci/run`` builds the docs, then runs the
tests). Running the scripts here as well took about 200 s of the suite's
15 minutes, so those runs carry the ``examples`` mark and ``python -m pytest``
leaves them out; ``python -m pytest -m examples`` runs them alone. What runs by
default checks, in about a second, that the docs build does run every script
and fails on any error, and that every name a script imports exists.
"""

import ast
import importlib
import os
import re
import runpy
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))


def gallery_configuration(monkeypatch):
    # conf.py sets two environment variables if unset and puts the checkout on
    # sys.path; monkeypatch puts both back after the test.
    for name, value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("MPLBACKEND", "Agg")):
        monkeypatch.setenv(name, os.environ.get(name, value))
    monkeypatch.setattr(sys, "path", list(sys.path))
    return runpy.run_path(str(ROOT / "docs" / "conf.py"))["sphinx_gallery_conf"]


def test_the_docs_build_runs_every_example_and_fails_on_an_error(monkeypatch):
    conf = gallery_configuration(monkeypatch)
    assert conf["examples_dirs"] == "../examples"
    assert all(re.search(conf["filename_pattern"], f"/examples/{path.name}") for path in EXAMPLES)
    assert "ignore_pattern" not in conf
    assert conf.get("plot_gallery", True) is True
    for lenient in ("only_warn_on_example_error", "expected_failing_examples", "abort_on_example_error"):
        assert lenient not in conf


def imported_names(script):
    for node in ast.walk(ast.parse(script.read_text(), filename=str(script))):
        if isinstance(node, ast.ImportFrom):
            yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)


@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_every_name_an_example_imports_exists(script):
    names = list(imported_names(script))
    assert any(module.split(".")[0] == "skae" for module, _ in names), f"{script.name} does not use skae"
    for module, name in names:
        if name is None:
            importlib.import_module(module)
        else:
            assert hasattr(importlib.import_module(module), name), f"{script.name}: {module} has no {name}"


@pytest.mark.examples
@pytest.mark.parametrize("script", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_example_runs(script, monkeypatch):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    runpy.run_path(str(script), run_name="__main__")
    assert plt.get_fignums(), f"{script.name} drew no figure"
    plt.close("all")

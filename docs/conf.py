"""Sphinx configuration for skae's documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` after
``pip install -e ".[docs]"``. The examples gallery runs every
``examples/plot_*.py`` script and shows its output and figures.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skae import __version__  # noqa: E402

project = "skae"
author = "The skae developers"
copyright = "2026, the skae developers"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}

# Tables the guides include, not pages of their own.
exclude_patterns = ["_build", "_*_table.rst"]
html_theme = "pydata_sphinx_theme"
html_title = f"skae {version}"
html_theme_options = {"navigation_with_keys": False}

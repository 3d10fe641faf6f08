"""docs/contributing.rst: its code blocks run, in order, as a contributor would run them."""

import pathlib
import re
import sys
import types

from skae.architectures import ARCHITECTURES
from skae.noise import NOISES

PAGE = pathlib.Path(__file__).parents[1] / "docs" / "contributing.rst"


def code_blocks(text):
    """The ``.. code-block:: python`` blocks of an rst page, dedented."""
    blocks = []
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:(?:    .*)?\n)+)", text):
        lines = match.group(1).splitlines()
        blocks.append("\n".join(line[4:] for line in lines))
    return blocks


def test_the_page_has_a_block_for_an_architecture_a_noise_and_an_estimator():
    blocks = code_blocks(PAGE.read_text())
    assert len(blocks) == 3
    assert "ARCHITECTURES[" in blocks[0] and "NOISES[" in blocks[1] and "check_estimator(" in blocks[2]


def test_the_code_blocks_run(monkeypatch):
    # The blocks run in a module of their own, so the estimator they define
    # pickles (scikit-learn's checks pickle it), and register into skae's
    # registries, which are put back afterwards.
    page = types.ModuleType("contributing_page")
    monkeypatch.setitem(sys.modules, page.__name__, page)
    saved_architectures, saved_noises = dict(ARCHITECTURES), dict(NOISES)
    try:
        for block in code_blocks(PAGE.read_text()):
            exec(compile(block, str(PAGE), "exec"), page.__dict__)
    finally:
        ARCHITECTURES.clear()
        ARCHITECTURES.update(saved_architectures)
        NOISES.clear()
        NOISES.update(saved_noises)
    assert set(ARCHITECTURES) == {"dense", "conv"} and set(NOISES) == {"gaussian", "salt_and_pepper", "masking"}

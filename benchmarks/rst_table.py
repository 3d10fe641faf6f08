"""Turn a benchmark's JSON report into the reStructuredText table the docs include.

    python benchmarks/rst_table.py benchmarks/results/outliers.json docs/_outliers_odds_table.rst "caption"

The guides include such tables (``docs/_*_table.rst``) instead of copying
numbers by hand; rerun this after rerunning the benchmark.
"""

import json
import sys


def _cell(value):
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def rst_table(rows, caption):
    """``rows`` (dicts with the same keys) as a ``csv-table`` directive."""
    lines = [f".. csv-table:: {caption}", "   :header-rows: 1", ""]
    for cells in [list(rows[0]), *([_cell(row.get(column)) for column in rows[0]] for row in rows)]:
        lines.append("   " + ",".join('"' + cell.replace('"', '""') + '"' for cell in cells))
    return "\n".join(lines) + "\n"


def main(argv=None):
    report, output, caption = sys.argv[1:] if argv is None else argv
    with open(report) as file:
        rows = json.load(file)["rows"]
    with open(output, "w") as file:
        file.write(rst_table(rows, caption))


if __name__ == "__main__":
    main()

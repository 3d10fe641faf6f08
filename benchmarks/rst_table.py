"""Turn a benchmark's JSON report into the reStructuredText table the docs include.

    python benchmarks/rst_table.py benchmarks/results/outliers.json docs/_outliers_odds_table.rst "caption"
    python benchmarks/rst_table.py benchmarks/results/vae.json docs/_vae_table.rst "caption" --exclude seed=0,1,2

The guides include such tables (``docs/_*_table.rst``) instead of copying
numbers by hand; rerun this after rerunning the benchmark. ``--exclude
COLUMN=VALUES`` leaves out the rows whose ``COLUMN`` is one of the
comma-separated ``VALUES`` (the per-seed rows, say, to keep their mean);
``--columns A,B,...`` keeps those columns only, in that order (a wide report,
such as the tabular benchmark's, in a page's width).
"""

import argparse
import json


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("output")
    parser.add_argument("caption")
    parser.add_argument("--exclude", metavar="COLUMN=VALUES", help="leave out rows whose COLUMN is one of VALUES")
    parser.add_argument("--columns", metavar="A,B,...", help="keep only these columns, in this order")
    args = parser.parse_args(argv)
    with open(args.report) as file:
        rows = json.load(file)["rows"]
    if args.exclude:
        column, values = args.exclude.split("=", 1)
        rows = [row for row in rows if _cell(row.get(column)) not in values.split(",")]
    if args.columns:
        rows = [{column: row.get(column) for column in args.columns.split(",")} for row in rows]
    with open(args.output, "w") as file:
        file.write(rst_table(rows, args.caption))


if __name__ == "__main__":
    main()

"""Helpers shared by the benchmark scripts: timing, a table, a JSON file."""

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", default="benchmark-results", help="folder for the JSON file")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and samples")
    return parser.parse_args()


def median_seconds(function, repeats):
    """Median wall time of ``repeats`` calls of ``function``, after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine():
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def report(name, rows, output):
    """Print ``rows`` (a list of dicts) as a table and write them to ``output/name.json``."""
    columns = list(rows[0])
    widths = [max(len(str(c)), *(len(_fmt(r[c])) for r in rows)) for c in columns]
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
    for row in rows:
        print("  ".join(_fmt(row[c]).ljust(w) for c, w in zip(columns, widths)))
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    print(f"wrote {path}")


def _fmt(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)

"""Run skae's ``outliers`` benchmark; the same as ``python -m skae.benchmarks.outliers``.

Its options and what it measures: ``python benchmarks/bench_outliers.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.outliers import main

if __name__ == "__main__":
    raise SystemExit(main())

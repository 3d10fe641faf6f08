"""Run skae's ``mixed_outliers`` benchmark; the same as ``python -m skae.benchmarks.mixed_outliers``.

Its options and what it measures: ``python benchmarks/bench_mixed_outliers.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.mixed_outliers import main

if __name__ == "__main__":
    main()

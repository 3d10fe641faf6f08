"""Run skae's ``impute`` benchmark; the same as ``python -m skae.benchmarks.impute``.

Its options and what it measures: ``python benchmarks/bench_impute.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.impute import main

if __name__ == "__main__":
    main()

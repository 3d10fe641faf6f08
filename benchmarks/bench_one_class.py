"""Run skae's ``one_class`` benchmark; the same as ``python -m skae.benchmarks.one_class``.

Its options and what it measures: ``python benchmarks/bench_one_class.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.one_class import main

if __name__ == "__main__":
    raise SystemExit(main())

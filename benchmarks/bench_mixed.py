"""Run skae's ``mixed`` benchmark; the same as ``python -m skae.benchmarks.mixed``.

Its options and what it measures: ``python benchmarks/bench_mixed.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.mixed import main

if __name__ == "__main__":
    main()

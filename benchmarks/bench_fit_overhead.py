"""Run skae's ``fit_overhead`` benchmark; the same as ``python -m skae.benchmarks.fit_overhead``.

Its options and what it measures: ``python benchmarks/bench_fit_overhead.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.fit_overhead import main

if __name__ == "__main__":
    main()

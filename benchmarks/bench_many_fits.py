"""Run skae's ``many_fits`` benchmark; the same as ``python -m skae.benchmarks.many_fits``.

Its options and what it measures: ``python benchmarks/bench_many_fits.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.many_fits import main

if __name__ == "__main__":
    main()

"""Run skae's ``out_of_core`` benchmark; the same as ``python -m skae.benchmarks.out_of_core``.

Its options and what it measures: ``python benchmarks/bench_out_of_core.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.out_of_core import main

if __name__ == "__main__":
    main()

"""Run skae's ``quality`` benchmark; the same as ``python -m skae.benchmarks.quality``.

Its options and what it measures: ``python benchmarks/bench_quality.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.quality import main

if __name__ == "__main__":
    main()

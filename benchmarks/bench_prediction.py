"""Run skae's ``prediction`` benchmark; the same as ``python -m skae.benchmarks.prediction``.

Its options and what it measures: ``python benchmarks/bench_prediction.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.prediction import main

if __name__ == "__main__":
    main()

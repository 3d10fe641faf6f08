"""Run skae's ``tabular`` benchmark; the same as ``python -m skae.benchmarks.tabular``.

Its options and what it measures: ``python benchmarks/bench_tabular.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.tabular import main

if __name__ == "__main__":
    main()

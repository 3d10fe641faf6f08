"""Run skae's ``memory`` benchmark; the same as ``python -m skae.benchmarks.memory``.

Its options and what it measures: ``python benchmarks/bench_memory.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.memory import main

if __name__ == "__main__":
    main()

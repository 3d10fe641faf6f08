"""Run skae's ``scale_out`` benchmark; the same as ``python -m skae.benchmarks.scale_out``.

Its options and what it measures: ``python benchmarks/bench_scale_out.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.scale_out import main

if __name__ == "__main__":
    main()

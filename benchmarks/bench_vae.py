"""Run skae's ``vae`` benchmark; the same as ``python -m skae.benchmarks.vae``.

Its options and what it measures: ``python benchmarks/bench_vae.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.vae import main

if __name__ == "__main__":
    raise SystemExit(main())

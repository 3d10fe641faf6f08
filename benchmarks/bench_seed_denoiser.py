"""Run skae's ``seed_denoiser`` benchmark; the same as ``python -m skae.benchmarks.seed_denoiser``.

Its options and what it measures: ``python benchmarks/bench_seed_denoiser.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.seed_denoiser import main

if __name__ == "__main__":
    main()

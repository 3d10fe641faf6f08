"""Run skae's ``image_defaults`` benchmark; the same as ``python -m skae.benchmarks.image_defaults``.

Its options and what it measures: ``python benchmarks/bench_image_defaults.py --help``.
``skae bench`` runs this and the other benchmarks in one go.
"""

from skae.benchmarks.image_defaults import main

if __name__ == "__main__":
    main()

"""``python -m skae`` runs the ``skae`` command."""

import sys

from .cli import main

sys.exit(main())

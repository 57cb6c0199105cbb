"""``python scripts/differential.py ARGS``: the same as ``python -m scripts.differential``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.differential.__main__ import main  # noqa: E402

sys.exit(main())

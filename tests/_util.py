"""Helpers shared by the test modules."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write(base: Path, rel: str, text: str) -> Path:
    """Write a dedented config file under ``base``, creating its directories."""
    p = base / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text))
    return p

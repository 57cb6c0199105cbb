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


def load(dialect: str, path, options=None, text: str | None = None):
    """The proxy model of one configuration, as the engine loads it (``path`` shown as given)."""
    import parsers
    from linter.core.options import Options

    d = parsers.get(dialect)
    assert d is not None, f"no dialect {dialect!r} registered"
    return d.load(parsers.Source(str(path), text), options or Options(dialect=dialect))

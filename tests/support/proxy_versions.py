"""Which proxy versions a sample is for: a comment line in its entry file, read by the live
tests (never by the linter)::

    # proxy-versions: nginx>=1.29.7
    # proxy-versions: haproxy>=2.1, haproxy<2.8

Each item is ``DIALECT OP VERSION`` (``>=``, ``<``, ``==``, ``<=``, ``>``); a sample applies to
a build when every item naming that build's proxy holds. Without the comment a sample is for
every installed build: a verdict that differs between versions is then verified on both
sides, with the linter told the version it runs on.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from pathlib import Path

from .samples import entry_file

LINE = re.compile(r"^\s*#\s*proxy-versions:\s*(?P<items>.*?)\s*$", re.M)
ITEM = re.compile(r"^(?P<dialect>[a-z]+)\s*(?P<op>>=|<=|==|>|<)\s*(?P<version>\d+(?:\.\d+)*)$")
OPS: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, ">": operator.gt, "<": operator.lt,
}


def _tuple(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def constraints(sample: Path) -> list[tuple[str, str, str]]:
    """The sample's ``(dialect, op, version)`` items; a malformed item raises ValueError."""
    text = entry_file(sample).read_text(encoding="utf-8", errors="replace")
    out = []
    for m in LINE.finditer(text):
        for raw in m.group("items").split(","):
            item = ITEM.match(raw.strip())
            if not item:
                raise ValueError(f"{sample}: malformed proxy-versions item {raw.strip()!r}")
            out.append((item.group("dialect"), item.group("op"), item.group("version")))
    return out


def not_for(sample: Path, dialect: str, version: str) -> str | None:
    """Why ``sample`` is not for ``dialect`` at ``version`` (the item it fails), or None."""
    for d, op, bound in constraints(sample):
        if d == dialect and not OPS[op](_tuple(version), _tuple(bound)):
            return f"the sample is for {d}{op}{bound} (# proxy-versions), not {dialect} {version}"
    return None

"""The disagreement classes already known and routed to a model fix (issue 16, item 2),
with the reason each happens. A class found on the CI's fixed seed that is not listed here
fails ``tests/live/test_differential.py``: a new disagreement is never silent. When a fix
lands, its line goes (the test then also fails if the class is still seen... only if
unlisted)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Known:
    """A class: its dialect, the label's start, the choices a case must have to belong to it
    (those its minimal config kept), and why wsproxylint and the proxy disagree there."""

    dialect: str
    label: str
    needs: tuple[tuple[str, str], ...]
    why: str
    minimal: str = ""  # scripts/differential/found/...

    def covers(self, dialect: str, label: str, choices: Mapping[str, str]) -> bool:
        return (
            dialect == self.dialect and label.startswith(self.label) and all(choices.get(k) == v for k, v in self.needs)
        )


EXPECTED_DISAGREEMENTS: tuple[Known, ...] = ()


def explained(dialect: str, label: str, choices: Mapping[str, str]) -> str | None:
    for k in EXPECTED_DISAGREEMENTS:
        if k.covers(dialect, label, choices):
            return k.why
    return None

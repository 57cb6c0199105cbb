"""Findings and severities, in the contract's terms (the symptoms they carry: linter/core/symptoms.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.core.fixes import FixEdits, FixRequest
from linter.core.tree import Loc

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class Related:
    """Another line that explains a finding (where a header was set, which listener), shown under it."""

    loc: Loc
    message: str


@dataclass(slots=True)
class Finding:
    """One verdict, in the contract's terms (DESIGN.md): what every reporter and every suppression reads."""

    rule: str
    name: str
    severity: str
    dialect: str
    loc: Loc
    message: str
    symptom: str | None
    fix: str
    listener: str | None = None
    ws_path: str | None = None
    related: list[Related] = field(default_factory=list)
    # the files whose lines decide what the finding is about (its plan's block, the snippets
    # included into it): a change in one of them concerns this finding (the ``roots`` focus)
    files: tuple[str, ...] = ()
    # the fix as data: what the check asked for, and the edits the dialect made of it
    # (linter/app/fixing.py fills ``edits`` when a caller wants them)
    fix_request: FixRequest | None = None
    edits: FixEdits | None = None

    def sort_key(self) -> tuple:
        return (self.loc.file, self.loc.line, self.rule, self.ws_path or "", self.listener or "")

    def dedup_key(self) -> tuple:
        """Findings that differ only by listener say the same thing about the same line."""
        return (self.rule, self.loc.file, self.loc.line, self.ws_path, self.message)

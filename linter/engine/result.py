"""What a run hands back: the findings and what was read, skipped or could not be read.

Light on purpose (core types only, no dialect): the reporters import it, and a command
that renders or documents without linting should not load the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.core.findings import Finding
from linter.core.tree import SourceFile


class UsageError(Exception):
    """Bad arguments or an unreadable path: exit status 2."""


@dataclass(slots=True)
class InternalError:
    """A reader, interpreter or check that raised: reported (exit status 2) without losing other findings."""

    where: str
    message: str
    detail: str = ""


@dataclass(slots=True)
class Report:
    """What a run found and read, for the reporters and the exit status."""

    files: list[tuple[str, str]] = field(default_factory=list)  # (path, dialect)
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    # (path or path:line, why): not (all) read, so not (all) checked: exit status 2
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # every file read, by path: its comments (suppressions) and, when not on disk, its text
    sources: dict[str, SourceFile] = field(default_factory=dict)
    # set by lint(): findings silenced by inline suppressions (how many), and the
    # suppressions that silenced nothing or name no rule (WSP900 findings, for callers
    # that report them)
    suppressed: int = 0
    unused: list[Finding] = field(default_factory=list)

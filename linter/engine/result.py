"""What a run hands back: the findings and what was read, skipped or could not be read.

Light on purpose (core types only, no dialect): the reporters import it, and a command
that renders or documents without linting should not load the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.core.findings import Finding
from linter.core.tree import Loc, SourceFile


class UsageError(Exception):
    """Bad arguments or an unreadable path: exit status 2."""


@dataclass(slots=True)
class InternalError:
    """A reader, interpreter or check that raised: reported (exit status 2) without losing other findings."""

    where: str
    message: str
    detail: str = ""


@dataclass(slots=True)
class FasSite:
    """A site the run recognised as fronting FAS, and the evidence: what silence rests on."""

    loc: Loc
    label: str
    why: str


@dataclass(slots=True)
class Checked:
    """What a run judged (the contract's ``checked``): no finding means something only if
    handshakes were planned at all."""

    plans: int = 0
    listeners: list[str] = field(default_factory=list)
    ws_paths: list[str] = field(default_factory=list)
    fas_sites: list[FasSite] = field(default_factory=list)
    # the labels in ``listeners``: a fleet of address-based sites has thousands, and a list
    # scan per plan made counting them quadratic
    _listed: set[str] = field(default_factory=set, repr=False, compare=False)

    def add_listener(self, label: str) -> None:
        if label not in self._listed:
            self._listed.add(label)
            self.listeners.append(label)

    def add(self, other: Checked) -> None:
        self.plans += other.plans
        for x in other.listeners:
            self.add_listener(x)
        self.ws_paths += [x for x in other.ws_paths if x not in self.ws_paths]
        self.fas_sites += other.fas_sites


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
    checked: Checked = field(default_factory=Checked)

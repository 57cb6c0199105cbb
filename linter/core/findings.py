"""Findings and severities, in the contract's terms (the symptoms they carry: linter/core/symptoms.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
    listener: str | None = None  # the first of ``listeners`` (the contract's single listener)
    ws_path: str | None = None  # the first of ``ws_paths`` (the contract's single URL)
    related: list[Related] = field(default_factory=list)
    # the files whose lines decide what the finding is about (its plan's block, the snippets
    # included into it): a change in one of them concerns this finding (the ``roots`` focus)
    files: tuple[str, ...] = ()
    # the fix as data: what the check asked for, and the edits the dialect made of it
    # (linter/app/fixing.py fills ``edits`` when a caller wants them)
    fix_request: FixRequest | None = None
    edits: FixEdits | None = None
    # every websocket URL this one cause breaks, in the run's order (see merge_urls)
    ws_paths: tuple[str, ...] = ()
    # every public listener this one cause breaks, in the run's order (see merge_listeners)
    listeners: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.ws_path is not None and not self.ws_paths:
            self.ws_paths = (self.ws_path,)
        if self.listener is not None and not self.listeners:
            self.listeners = (self.listener,)

    def concerns(self, ws_path: str) -> bool:
        """Does this finding speak about ``ws_path`` (a finding about no URL speaks about all)?"""
        return not self.ws_paths or ws_path in self.ws_paths

    def sort_key(self) -> tuple:
        return (self.loc.file, self.loc.line, self.rule, self.ws_path or "", self.listener or "")

    def dedup_key(self) -> tuple:
        """Findings that differ only by listener say the same thing about the same line."""
        return (self.rule, self.loc.file, self.loc.line, self.ws_paths, self.message)


def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: URLs named in one sentence."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def merge_urls(findings: Iterable[Finding], order: Sequence[str]) -> list[Finding]:
    """One finding per cause: findings of one rule at the same line, with the same symptom,
    severity and listener, that differ only by the websocket URL they concern, become one
    finding naming every URL (``order``: the run's URLs, which the names follow).

    Without this, a line that breaks both FAS URLs was reported twice, sometimes with two
    fixes worded for two routes, and a reader counted two problems where there is one."""
    rank = {p: i for i, p in enumerate(order)}
    out: list[Finding] = []
    causes: dict[tuple, list[list[Finding]]] = {}
    for f in findings:
        if f.ws_path is None:
            out.append(f)
            continue
        key = (f.rule, f.loc.file, f.loc.line, f.loc.column, f.symptom, f.severity, f.listener)
        slots = causes.setdefault(key, [])
        # a second finding for a URL already in a cause is another cause at the same line
        free = [c for c in slots if not any(set(f.ws_paths) & set(g.ws_paths) for g in c)]
        # the same words (but for the URL) first: two causes at one line stay two
        words = _words(f)
        slot = next((c for c in free if _words(c[0]) == words), free[0] if free else None)
        if slot is None:
            slots.append([f])
        else:
            slot.append(f)
    for slots in causes.values():
        for cause in slots:
            cause.sort(key=lambda g: min(rank.get(p, len(rank)) for p in g.ws_paths))
            out.append(cause[0] if len(cause) == 1 else _merged(cause))
    return out


def merge_listeners(findings: Iterable[Finding], order: Sequence[str]) -> list[Finding]:
    """One finding per cause across listeners: findings of one rule at the same line, with
    the same symptom, severity, URLs and words, that differ only by the listener they
    concern, become one finding naming every listener (``order``: the run's listeners,
    which the names follow; ``listener`` stays the first).

    A snippet included by the :80 and :443 servers, or one backend behind two fronts, is one
    line breaking several listeners. Keeping only one of them told the reader (and the live
    judge) that the others were fine. Findings whose words or URLs differ per listener stay
    apart: each is then its own statement about its own listener. Identical findings (a
    file read by two entry points) become one."""
    rank = {label: i for i, label in enumerate(order)}
    causes: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.rule, f.loc.file, f.loc.line, f.loc.column, f.symptom, f.severity, f.ws_paths, f.message)
        causes.setdefault(key, []).append(f)
    return [cause[0] if len(cause) == 1 else _merged_listeners(cause, rank) for cause in causes.values()]


def _merged_listeners(cause: list[Finding], rank: dict[str, int]) -> Finding:
    def place(label: str) -> tuple[int, str]:
        return (rank.get(label, len(rank)), label)

    labels = sorted({x for g in cause for x in g.listeners}, key=place)
    # the finding of the first listener leads: its fix request is the merged one's
    first = min(cause, key=lambda g: place(g.listener) if g.listener is not None else (len(rank) + 1, ""))
    message = first.message
    # the same port on several addresses (`listen 80; listen [::]:80;`) is one front for a
    # reader: the message names listeners that differ by port or TLS, ``listeners`` all
    # (a finding merged already, read again by a later entry point, names its listeners)
    if set(labels) != set(first.listeners) and len({label.rpartition(":")[2] for label in labels}) > 1:
        named = "listeners " + join_words(labels)
        # "... (on URL and URL)" from merge_urls: the listeners join the same parenthesis
        message = message[:-1] + f"; {named})" if _ends_with_on(message) else f"{message} (on {named})"
    return _standing_for(
        first,
        cause,
        message=message,
        fix="; ".join(dict.fromkeys(g.fix for g in [first, *cause])),
        listener=labels[0] if labels else None,
        listeners=tuple(labels),
    )


def _standing_for(first: Finding, cause: list[Finding], **changes: Any) -> Finding:
    """``first`` as the one finding of its cause: the related lines and files of every
    finding of the cause, once each (its fix request and edits serve them all: the same
    rule, line and symptom)."""
    related: list[Related] = []
    seen: set[tuple] = set()
    for g in cause:
        for r in g.related:
            key = (r.loc.file, r.loc.line, r.message)
            if key not in seen:
                seen.add(key)
                related.append(r)
    files = tuple(sorted({p for g in cause for p in g.files}))
    request = first.fix_request
    if request is not None:
        also = [g.fix_request.proxy for g in cause[1:] if g.fix_request is not None and g.fix_request.proxy]
        also = [x for x in dict.fromkeys([*request.also, *also]) if x != request.proxy]
        request = dataclasses.replace(request, also=tuple(also))
    return dataclasses.replace(first, related=related, files=files, fix_request=request, **changes)


def _ends_with_on(message: str) -> bool:
    """Does the message end with merge_urls' ``(on URL and URL)``?"""
    start = message.rfind(" (on ")
    return start >= 0 and message.endswith(")") and not any(c in message[start + 2 : -1] for c in "()")


def _words(f: Finding) -> str:
    return f.message.replace(f.ws_path or "", "\0")


def _merged(cause: list[Finding]) -> Finding:
    first = cause[0]
    paths = tuple(p for g in cause for p in g.ws_paths)
    named = join_words(paths)
    message = _one_text([g.message for g in cause], cause, named, append=True)
    # a fix that names the URL is advice per URL (`location = /gateway/websocketcall`):
    # each is kept rather than naming both URLs in one directive
    fixes = [g.fix for g in cause]
    fix = _one_text(fixes, cause, named, append=False) if not any((g.ws_path or "\0") in g.fix for g in cause) else ""
    if not fix:
        fix = "; ".join(dict.fromkeys(fixes))
    return _standing_for(first, cause, message=message, fix=fix, ws_path=paths[0], ws_paths=paths)


# the verbs a message puts right after its URL, for several URLs
_PLURAL = ((" is ", " are "), (" goes ", " go "), (" lands ", " land "), (" reaches ", " reach "))


def _one_text(texts: list[str], cause: list[Finding], named: str, *, append: bool) -> str:
    """The texts of one cause as one: the same words with the URLs named together when they
    differ only by the URL; else each text once, in URL order."""
    marks = {t.replace(g.ws_path or "", "\0") for t, g in zip(texts, cause, strict=True)}
    if len(marks) == 1:
        (mark,) = marks
        if "\0" in mark:
            for one, many in _PLURAL:
                mark = mark.replace("\0" + one, "\0" + many)
            return mark.replace("\0", named)
        return f"{mark} (on {named})" if append else mark
    unique: list[str] = []
    for t, g in zip(texts, cause, strict=True):
        if append and (g.ws_path or "") not in t:
            t = f"{t} (on {g.ws_path})"
        if t not in unique:
            unique.append(t)
    return "; ".join(unique)

"""``check --fix`` and ``--diff``: the findings' fixes as edits, applied or shown.

The checks name fixes and the dialects turn them into edits on the files they read
(``Dialect.edits``); this module only chooses which edits to make and makes them: safe ones
(``--unsafe-fixes`` adds the others), in files the user gave (a fix in an include from
elsewhere is shown, not applied), never two that overlap. Everything else in ``check``
stays read-only: nothing here runs unless one of the two flags was given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

import parsers
from linter.app.output import CliError
from linter.app.output import write as say
from linter.app.report import display_path
from linter.core.bounds import MAX_TOTAL_BYTES
from linter.core.findings import Finding
from linter.core.fixes import Edit, FixEdits
from linter.engine.result import Report
from parsers.edit_text import Texts


def text_reader(report: Report):  # noqa: ANN201  (a TextOf)
    """A file's text: what the reader kept (stdin, a dump's file), else the file on disk."""
    cache: dict[str, str | None] = {}

    def text_of(path: str) -> str | None:
        if path not in cache:
            source = report.sources.get(path)
            if source is not None and source.text is not None:
                cache[path] = source.text
            else:
                try:
                    with open(path, encoding="utf-8", newline="") as f:
                        cache[path] = f.read(MAX_TOTAL_BYTES)
                except (OSError, UnicodeDecodeError):
                    cache[path] = None
        return cache[path]

    return text_of


def attach_edits(report: Report) -> None:
    """Fill each finding's ``edits`` from its fix request, through its dialect."""
    texts = Texts(text_reader(report))
    for f in report.findings:
        if f.fix_request is None or f.edits is not None:
            continue
        dialect = parsers.get(f.dialect)
        if dialect is None:
            continue
        try:
            f.edits = dialect.edits(f.fix_request, texts)
        except (OSError, ValueError):
            f.edits = None


def within(path: str, given: list[str]) -> bool:
    """Is ``path`` one of the files given, or under a directory given?"""
    real = os.path.realpath(path)
    for g in given:
        if g == "-":
            if path == "-":
                return True
            continue
        rg = os.path.realpath(g)
        if real == rg or real.startswith(rg.rstrip(os.sep) + os.sep):
            return True
    return False


@dataclass(slots=True)
class Plan:
    """The edits chosen, by file, and what was left and why."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    unsafe: list[Finding] = field(default_factory=list)  # fixable with --unsafe-fixes
    outside: list[Finding] = field(default_factory=list)  # edits in files not given
    conflicting: list[Finding] = field(default_factory=list)


def _overlaps(a: Edit, b: Edit) -> bool:
    start_a, end_a = (a.start_line, a.start_col), (a.end_line, a.end_col)
    start_b, end_b = (b.start_line, b.start_col), (b.end_line, b.end_col)
    if start_a == end_a or start_b == end_b:  # an insert touches nothing
        return start_b < start_a < end_b or start_a < start_b < end_a
    return start_a < end_b and start_b < end_a


def choose(findings: list[Finding], given: list[str], unsafe: bool) -> Plan:
    plan = Plan()
    for f in findings:
        fe: FixEdits | None = f.edits
        if fe is None or not fe.edits:
            continue
        if not fe.safe and not unsafe:
            plan.unsafe.append(f)
            continue
        if not all(within(p, given) for p in fe.files):
            plan.outside.append(f)
            continue
        new = [e for e in fe.edits if e not in plan.edits.get(e.file, [])]  # the same fix for another URL
        if any(_overlaps(e, o) for e in new for o in plan.edits.get(e.file, [])):
            plan.conflicting.append(f)
            continue
        for e in new:
            plan.edits.setdefault(e.file, []).append(e)
        plan.fixed.append(f)
    return plan


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` made, from the last to the first so earlier positions hold;
    inserts at one point keep the order they were chosen in."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, col: int) -> int:
        if line > len(lines):
            return len(text)
        return min(starts[line - 1] + col, starts[line - 1] + len(lines[line - 1]))

    ordered = sorted(enumerate(edits), key=lambda p: (offset(p[1].start_line, p[1].start_col), p[0]), reverse=True)
    out = text
    for _, e in ordered:
        a, b = offset(e.start_line, e.start_col), offset(e.end_line, e.end_col)
        if e.end_line > len(lines):
            b = len(text)
        out = out[:a] + e.text + out[b:]
    return out


def new_texts(plan: Plan, text_of) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """By file: (old text, new text)."""
    out: dict[str, tuple[str, str]] = {}
    for path, edits in plan.edits.items():
        old = text_of(path)
        if old is None:
            continue
        new = apply(old, edits)
        if new != old:
            out[path] = (old, new)
    return out


def unified(changes: dict[str, tuple[str, str]], shown) -> str:  # noqa: ANN001
    """One unified diff of every changed file, under the names the report shows."""
    import difflib  # only --diff shows one: not on every check's start-up

    parts: list[str] = []
    for path in sorted(changes):
        old, new = changes[path]
        name = shown(path)
        parts += difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    text = "".join(parts)
    return text if text.endswith("\n") or not text else text + "\n"


def unwritable(paths: list[str]) -> list[str]:
    """Files that may not be written, or that are marked read-only (no write bit at all:
    root may write them, but someone chose to protect them)."""
    return [p for p in paths if not os.access(p, os.W_OK) or not os.stat(p).st_mode & 0o222]


def write(changes: dict[str, tuple[str, str]]) -> None:
    """Each file replaced whole, through a temporary file beside it (same mode), so a file
    is never left half written."""
    for path, (_, new) in changes.items():
        real = os.path.realpath(path)  # a symlinked config stays a symlink
        mode = os.stat(real).st_mode & 0o7777
        tmp = f"{real}.wsproxylint-fix.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(new)
        os.chmod(tmp, mode)
        os.replace(tmp, real)


MAX_ROUNDS = 4  # a fix can reveal the next one (https:// then SSLProxyEngine)


def run_fixes(
    a,
    paths: list[str],
    report: Report,
    stdout: TextIO,
    stderr: TextIO,
    relint: Callable[[], Report],  # noqa: ANN001
) -> tuple[Report, int | None]:
    """``--diff``: print the diff and return its exit status. ``--fix``: apply, lint again
    (until nothing more applies), say what was fixed, and return the report to render."""
    if "-" in paths:  # stdin's text is shown under its name (only --diff gets here with it)
        paths = [*paths, a.stdin_filename or "-"]
    if a.diff:
        plan = choose(report.findings, paths, bool(a.unsafe_fixes))
        changes = new_texts(plan, text_reader(report))
        if changes:
            say(stdout, unified(changes, display_path).rstrip("\n"))
        _left(plan, stderr)
        return report, 1 if changes else 0
    fixed = 0
    files: set[str] = set()
    plan = Plan()
    done: set[tuple] = set()
    for _ in range(MAX_ROUNDS):
        # a finding whose fix was made and that is still there is not fixed twice
        plan = choose([f for f in report.findings if _same(f) not in done], paths, bool(a.unsafe_fixes))
        done |= {_same(f) for f in plan.fixed}
        changes = new_texts(plan, text_reader(report))
        if not changes:
            break
        locked = unwritable(list(changes))
        if locked:
            raise CliError(
                f"--fix: {display_path(locked[0])} is read-only: no fix was written"
                + (" (some were in an earlier round)" if fixed else "")
            )
        write(changes)
        fixed += len({(f.rule, f.loc) for f in plan.fixed})
        files |= set(changes)
        report = relint()
        attach_edits(report)
    remaining = len(report.findings)
    say(
        stderr,
        f"wsproxylint: fixed {fixed} finding{'s' if fixed != 1 else ''} in {len(files)} "
        f"file{'s' if len(files) != 1 else ''}; {remaining} remain{'s' if remaining == 1 else ''}",
    )
    _left(choose(report.findings, paths, bool(a.unsafe_fixes)), stderr)
    return report, None


def _same(f: Finding) -> tuple:
    """A finding across rounds (its line may have moved)."""
    return (f.rule, f.loc.file, f.ws_path, f.listener, f.fix)


def _left(plan: Plan, stderr: TextIO) -> None:
    if plan.unsafe:
        say(stderr, f"wsproxylint: {len(plan.unsafe)} more fixable with --unsafe-fixes")
    for f in plan.outside:
        files = ", ".join(display_path(p) for p in f.edits.files) if f.edits else ""
        say(
            stderr,
            f"wsproxylint: {f.rule} at {display_path(f.loc.file)}:{f.loc.line}: its fix is in {files}, "
            "which was not given: not applied",
        )
    for f in plan.conflicting:
        say(
            stderr,
            f"wsproxylint: {f.rule} at {display_path(f.loc.file)}:{f.loc.line}: its fix overlaps another; run again",
        )

"""Run the pipeline over paths: discover, read, interpret, plan, check, collect.

Each check runs isolated: one that raises is reported as an internal error and every
other finding still stands.
"""

from __future__ import annotations

import os
import stat
import sys
import traceback
from dataclasses import dataclass, field

import parsers

from .findings import Finding
from .model import ProxyModel
from .options import Options
from .resolve import build_plans
from .rules import all_checks

SNIFF_BYTES = 64 * 1024


class UsageError(Exception):
    """Bad arguments or an unreadable path: exit status 2."""


@dataclass(slots=True)
class InternalError:
    where: str
    message: str
    detail: str = ""


@dataclass(slots=True)
class Report:
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, dialect)
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    # (path or path:line, why): not (all) read, so not (all) checked: exit status 2
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def _head(path: str) -> str:
    # non-blocking, and only a regular file: a FIFO swapped in after the walk never blocks
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        return os.read(fd, SNIFF_BYTES).decode("utf-8", errors="replace")
    finally:
        os.close(fd)


@dataclass(slots=True, frozen=True)
class Candidate:
    path: str
    dialect: str
    # 0: a whole configuration, 1: a file that includes others, 2: anything else
    rank: int


def discover(paths: list[str], options: Options,
             unreadable: list[tuple[str, str]] | None = None) -> list[Candidate]:
    """Every config to read, entry points first; explicit files must be readable. Files
    and directories of a walk that cannot be read go to ``unreadable`` when given."""
    out: list[Candidate] = []

    def lost(path: str, e: OSError) -> None:
        if unreadable is not None:
            unreadable.append((path, f"cannot read: {e.strerror or e}"))

    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(
                    p, onerror=lambda e: lost(e.filename or p, e)):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    full = os.path.join(dirpath, fn)
                    if fn.startswith(".") or not os.path.isfile(full):
                        continue
                    try:
                        found = _candidate(full, options)
                    except OSError as e:  # vanished or unreadable since the walk listed it
                        lost(full, e)
                        continue
                    if found:
                        out.append(found)
        elif os.path.isfile(p):
            try:
                found = _candidate(p, options)
            except OSError as e:
                raise UsageError(f"{p}: cannot read: {e.strerror or e}") from None
            if found is None:
                raise UsageError(f"{p}: cannot tell which proxy this config is for; pass --dialect")
            out.append(found)
        elif os.path.islink(p) and not os.path.exists(p):  # a symlink loop, or dangling
            raise UsageError(f"{p}: cannot read: {_stat_error(p)}")
        elif os.path.exists(p):
            raise UsageError(f"{p}: not a regular file or directory")
        else:
            raise UsageError(f"{p}: no such file or directory")
    # Entry points first, then files that include others, so that a file is linted in
    # the context of what includes it rather than alone first.
    out.sort(key=lambda c: (c.rank, c.path))
    return out


def _stat_error(path: str) -> str:
    try:
        os.stat(path)
    except OSError as e:
        return e.strerror or str(e)
    return "not a regular file or directory"


def _candidate(path: str, options: Options) -> Candidate | None:
    head = _head(path)
    dialect = options.dialect if options.dialect != "auto" else parsers.detect(path, head)
    if dialect is None:
        return None
    return Candidate(path, dialect, parsers.entry_rank(dialect, path, head))


# Readers and interpreters recurse once or twice per nested block; their nesting bounds
# (parsers/*/read.py) stay well inside this limit, which is restored after the run.
RECURSION_LIMIT = 4000


def run(paths: list[str], options: Options) -> Report:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, RECURSION_LIMIT))
    try:
        return _run(paths, options)
    finally:
        sys.setrecursionlimit(old)


def _run(paths: list[str], options: Options) -> Report:
    report = Report()
    seen: set[str] = set()
    for cand in discover(paths, options, report.unreadable):
        path, dialect = cand.path, cand.dialect
        real = os.path.realpath(path)
        if real in seen:
            continue
        load = parsers.loader(dialect)
        if load is None:
            report.skipped.append((path, f"{dialect} configs are not supported yet"))
            continue
        try:
            model = load(path, options)
        except Exception as e:  # a reader bug must not lose the other files' findings
            report.internal_errors.append(InternalError(path, f"{type(e).__name__}: {e}", traceback.format_exc()))
            seen.add(real)
            continue
        for f in model.files or [path]:
            seen.add(os.path.realpath(f))
            report.files.append((f, dialect))
        # what the reader could not read (an entry point gone, a bound hit) was not checked
        report.unreadable.extend((str(p.loc), p.message) for p in model.problems if p.kind == "read")
        report.findings.extend(_check(model, options, report))
    report.findings = _dedup(report.findings)
    return report


def _check(model: ProxyModel, options: Options, report: Report) -> list[Finding]:
    try:
        plans = build_plans(model, options)
    except Exception as e:
        report.internal_errors.append(InternalError(model.root_file, f"planning failed: {type(e).__name__}: {e}",
                                                    traceback.format_exc()))
        return []
    out: list[Finding] = []
    for registered in all_checks():
        try:
            out.extend(registered.run(plans))
        except Exception as e:
            report.internal_errors.append(InternalError(
                f"{registered.rule.id} on {model.root_file}", f"{type(e).__name__}: {e}", traceback.format_exc()))
    return out


def _dedup(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    out: list[Finding] = []
    for f in sorted(findings, key=Finding.sort_key):
        key = f.dedup_key()
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out

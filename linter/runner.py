"""Run the pipeline over paths: discover, read, interpret, plan, check, collect.

Each check runs isolated: one that raises is reported as an internal error and every
other finding still stands.
"""

from __future__ import annotations

import os
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


def _head(path: str) -> str:
    with open(path, "rb") as f:
        return f.read(SNIFF_BYTES).decode("utf-8", errors="replace")


def discover(paths: list[str], options: Options) -> list[tuple[str, str]]:
    """(file, dialect) for every config to read; explicit files must be readable."""
    out: list[tuple[str, str]] = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for fn in sorted(filenames):
                    full = os.path.join(dirpath, fn)
                    if fn.startswith(".") or not os.path.isfile(full):
                        continue
                    try:
                        dialect = _dialect(full, options)
                    except OSError:
                        continue
                    if dialect:
                        out.append((full, dialect))
        elif os.path.isfile(p):
            try:
                dialect = _dialect(p, options)
            except OSError as e:
                raise UsageError(f"{p}: cannot read: {e.strerror or e}") from None
            if dialect is None:
                raise UsageError(f"{p}: cannot tell which proxy this config is for; pass --dialect")
            out.append((p, dialect))
        elif os.path.exists(p):
            raise UsageError(f"{p}: not a regular file or directory")
        else:
            raise UsageError(f"{p}: no such file or directory")
    return out


def _dialect(path: str, options: Options) -> str | None:
    if options.dialect != "auto":
        return options.dialect
    return parsers.detect(path, _head(path))


def _entry_rank(path: str, dialect: str) -> int:
    """Read entry points first (a whole config), then files that include others, then the
    rest, so that a file is linted in the context of what includes it, not alone first."""
    try:
        head = _head(path)
    except OSError:
        return 2
    return parsers.entry_rank(dialect, path, head)


def run(paths: list[str], options: Options) -> Report:
    report = Report()
    candidates = discover(paths, options)
    # Entry points first, so files they include are linted in context, not alone.
    candidates.sort(key=lambda fd: (_entry_rank(fd[0], fd[1]), fd[0]))
    seen: set[str] = set()
    for path, dialect in candidates:
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
        for f in _files_of(model, path):
            seen.add(os.path.realpath(f))
            report.files.append((f, dialect))
        report.findings.extend(_check(model, options, report))
    report.findings = _dedup(report.findings)
    return report


def _files_of(model: ProxyModel, root: str) -> list[str]:
    return model.files or [root]


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

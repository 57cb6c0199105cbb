"""Run the pipeline over paths: discover, read, interpret, plan, check, collect.

Each check runs isolated: one that raises is reported as an internal error and every
other finding still stands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import parsers
from linter.core.findings import Finding
from linter.core.model import ProxyModel
from linter.core.options import Options
from linter.core.resolve import build_plans
from linter.core.tree import SourceFile
from linter.engine.registry import all_checks
from parsers.dialect import Source

SNIFF_BYTES = 64 * 1024


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


def _head(path: str) -> str:
    # non-blocking, and only a regular file: a FIFO swapped in after the walk never blocks
    from linter.core.bounds import read_head

    return read_head(path, SNIFF_BYTES).decode("utf-8", errors="replace")


@dataclass(slots=True, frozen=True)
class Candidate:
    """A file given (or found) to lint, with the dialect and rank that decide what is read first."""

    path: str
    dialect: str
    # 0: a whole configuration, 1: a file that includes others, 2: anything else
    rank: int
    # the config's text when it is not on disk (stdin)
    text: str | None = None


def discover(
    paths: list[str], options: Options, stdin: str | None = None, unreadable: list[tuple[str, str]] | None = None
) -> list[Candidate]:
    """Every config to read, entry points first; explicit files must be readable.
    ``-`` is ``stdin``, shown as ``options.stdin_name``. Files and directories of a walk
    that cannot be read go to ``unreadable`` when given."""
    out: list[Candidate] = []

    def lost(path: str, e: OSError) -> None:
        if unreadable is not None:
            unreadable.append((path, f"cannot read: {e.strerror or e}"))

    for p in paths:
        if p == "-" and stdin is not None:
            name = options.stdin_name or "-"
            dialect = _dialect(name, stdin, options)
            if dialect is None:
                raise UsageError(f"{name}: cannot tell which proxy this config is for; pass --dialect")
            out.append(Candidate(name, dialect, _rank(dialect, name, stdin[:SNIFF_BYTES]), stdin))
        elif os.path.isdir(p):

            def walk_error(e: OSError, top: str = p) -> None:
                lost(e.filename or top, e)

            for dirpath, dirnames, filenames in os.walk(p, onerror=walk_error):
                dirnames[:] = sorted(
                    d for d in dirnames if not d.startswith(".") and not _excluded(os.path.join(dirpath, d), options)
                )
                for fn in sorted(filenames):
                    full = os.path.join(dirpath, fn)
                    if fn.startswith(".") or not os.path.isfile(full) or _excluded(full, options):
                        continue
                    try:
                        found = _candidate(full, options)
                    except OSError as e:  # vanished or unreadable since the walk listed it
                        lost(full, e)
                        continue
                    if found:
                        out.append(found)
        elif os.path.isfile(p):
            if _excluded(p, options):
                continue
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


def _excluded(path: str, options: Options) -> bool:
    if not options.exclude:
        return False
    from linter.engine.patterns import matches

    return matches(path, options.exclude)


def _dialect(path: str, head: str, options: Options) -> str | None:
    """--dialect, else a per-file override from the settings, else by name and content."""
    if options.dialect != "auto":
        return options.dialect
    if options.dialect_overrides:
        from linter.engine.patterns import matches

        for pattern, dialect in options.dialect_overrides:
            if matches(path, (pattern,)):
                return dialect
    found = parsers.detect(path, head)
    return found.name if found is not None else None


def _candidate(path: str, options: Options) -> Candidate | None:
    head = _head(path)
    dialect = _dialect(path, head, options)
    if dialect is None:
        return None
    return Candidate(path, dialect, _rank(dialect, path, head))


def _rank(dialect: str, path: str, head: str) -> int:
    found = parsers.get(dialect)
    return found.entry_rank(path, head) if found is not None else 2


def companions(candidates: list[Candidate]) -> dict[str, tuple[str, ...]]:
    """Files given together that one entry point reads as one configuration (HAProxy's
    ``-f main.cfg -f extra.cfg``), by entry point: each dialect decides for its files."""
    out: dict[str, tuple[str, ...]] = {}
    for d in parsers.dialects():
        given = [(c.path, c.rank) for c in candidates if c.dialect == d.name]
        if given:
            out.update(d.companions(given))
    return out


# Readers and interpreters recurse once or twice per nested block; their nesting bounds
# (linter/bounds.py) stay well inside this limit, which is restored after the run.
RECURSION_LIMIT = 4000


def _collector_paused(fn):
    """Run ``fn`` with the cyclic garbage collector off. A large config becomes about a
    million small long-lived objects (tree, model, plans); with the collector on, every
    few thousand allocations rescan them, which tripled the cost of plans and checks at
    5,000 sites. Nothing here builds cycles worth collecting (tens of objects per run),
    and reference counting still frees each config's model when the next one starts."""
    import functools
    import gc

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_collector_paused
def run(
    paths: list[str],
    options: Options,
    stdin: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    jobs: int = 1,
) -> Report:
    """Lint ``paths`` (``-``: the text ``stdin``); ``progress(done, total, path)`` is
    called before each config is read. ``jobs`` > 1 reads and checks independent configs
    in that many processes (see ``_pooled``); the report is the same as with one."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, RECURSION_LIMIT))
    try:
        return _run(paths, options, stdin, progress, jobs)
    finally:
        sys.setrecursionlimit(old)


def _run(
    paths: list[str], options: Options, stdin: str | None, progress: Callable[[int, int, str], None] | None, jobs: int
) -> Report:
    report = Report()
    seen: set[str] = set()
    candidates = discover(paths, options, stdin, report.unreadable)
    together = companions(candidates)
    done = _pooled(candidates, options, together, jobs) if jobs > 1 else {}
    for i, cand in enumerate(candidates):
        path, dialect = cand.path, cand.dialect
        if progress is not None:
            progress(i, len(candidates), path)
        real = os.path.realpath(path)
        if real in seen:
            continue
        if path in done:
            sub = done[path]
            for f, _ in sub.files:
                seen.add(os.path.realpath(f))
            seen.add(real)
            report.files.extend(sub.files)
            report.findings.extend(sub.findings)
            report.internal_errors.extend(sub.internal_errors)
            report.skipped.extend(sub.skipped)
            report.unreadable.extend(sub.unreadable)
            report.sources.update(sub.sources)
            continue
        reader = parsers.get(dialect)
        if reader is None:
            report.skipped.append((path, f"{dialect} configs are not supported"))
            continue
        try:
            model = reader.load(Source(path, cand.text, together.get(path, ())), options)
        except Exception as e:  # a reader bug must not lose the other files' findings
            report.internal_errors.append(InternalError(path, f"{type(e).__name__}: {e}", _trace()))
            seen.add(real)
            continue
        # what this config read is not read again as a config of its own; with no other
        # candidate left there is nothing to skip (a fleet's entry point reads thousands of
        # files: resolving each cost 0.17 s at 5,000 Apache sites)
        later = i + 1 < len(candidates)
        for f in model.files or [path]:
            if later:
                seen.add(os.path.realpath(f))
            report.files.append((f, dialect))
        # what the reader could not read (an entry point gone, a bound hit) was not checked
        report.unreadable.extend((str(p.loc), p.message) for p in model.problems if p.kind == "read")
        for sf in model.sources:
            report.sources.setdefault(sf.path, sf)
        report.findings.extend(_check(model, options, report))
    report.findings = _dedup(report.findings)
    return report


def _trace() -> str:
    """The current exception's traceback; traceback is imported only when a reader or a
    check fails (it and what it pulls in cost start-up time on every run)."""
    import traceback

    return traceback.format_exc()


# Below this many bytes of configs a pool costs more (process start, pickling the
# findings back) than the second core gives.
POOL_MIN_BYTES = 256 * 1024


def _pooled(
    candidates: list[Candidate], options: Options, together: dict[str, tuple[str, ...]], jobs: int
) -> dict[str, Report]:
    """Whole configurations (rank 0) read and checked in a process pool, by path.

    Only entry points go to the pool: they are independent of each other, while a file
    that includes others, or a fragment, is usually read as part of an entry point and
    then skipped. The caller merges the results in candidate order with the same "seen"
    rule as the sequential loop, so an entry point another one includes is still
    dropped and the report does not depend on ``jobs``. Any failure of the pool itself
    leaves the work to the sequential loop.
    """
    # a config read with companions (HAProxy's -f a -f b) or from stdin stays in this process
    todo = [
        c
        for c in candidates
        if c.rank == 0 and c.text is None and not together.get(c.path) and parsers.get(c.dialect) is not None
    ]
    if len(todo) < 2:
        return {}
    try:  # every candidate counts: an entry point's includes are usually among them
        sizes = {c.path: os.path.getsize(c.path) for c in candidates}
    except OSError:
        return {}
    if sum(sizes.values()) < POOL_MIN_BYTES:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    # largest first, so that one big config does not start last and run alone
    todo.sort(key=lambda c: -sizes[c.path])
    out: dict[str, Report] = {}
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            futures = {c.path: pool.submit(_run_one, c, options) for c in todo}
            for path, fut in futures.items():
                out[path] = fut.result()
    except Exception:  # a broken pool (no /dev/shm, a killed worker): do it here instead
        return {}
    return out


def _run_one(cand: Candidate, options: Options) -> Report:
    """One entry point, alone, in a worker process."""
    import dataclasses

    return run([cand.path], dataclasses.replace(options, dialect=cand.dialect))


def _check(model: ProxyModel, options: Options, report: Report) -> list[Finding]:
    try:
        plans = build_plans(model, options)
    except Exception as e:
        report.internal_errors.append(
            InternalError(model.root_file, f"planning failed: {type(e).__name__}: {e}", _trace())
        )
        return []
    out: list[Finding] = []
    for registered in all_checks():
        try:
            out.extend(registered.run(plans))
        except Exception as e:
            report.internal_errors.append(
                InternalError(f"{registered.rule.id} on {model.root_file}", f"{type(e).__name__}: {e}", _trace())
            )
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

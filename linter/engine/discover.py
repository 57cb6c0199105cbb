"""Which files to lint: the paths given, directories walked, each file's dialect (the
``--dialect`` flag, the settings' per-file overrides, else the registry's detection by name
and content) and its rank, entry points first."""

from __future__ import annotations

import os
from dataclasses import dataclass

import parsers
from linter.core.options import Options
from linter.engine.result import UsageError

SNIFF_BYTES = 64 * 1024


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

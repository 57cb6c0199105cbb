"""Shared by every test: the helpers in ``tests/`` (``_util``, ``support``...) import by
their bare names from any sub-directory, and the command line is run in-process the way a
user runs it.

Where a test goes: ``core/`` (tree, model, plans, layers), ``checks/`` (rules and their
samples), ``dialects/<name>/`` (one reader and interpreter), ``engine/`` (running checks,
suppressions), ``cli/`` (commands, settings, formats, pre-commit), ``probe/`` (the live
handshake client), ``live/`` (configs through the real proxies), ``robustness/`` (hostile
input, the corpus, properties)."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli():
    """``cli("check", "x.conf", "--format", "json")``: the exit status and the output of
    ``wsproxylint`` run in this process, as its console script runs it."""
    from linter.app.cli import main

    def run(*argv: str, stdin: str | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        old = sys.argv, sys.stdout, sys.stderr, sys.stdin
        sys.argv = ["wsproxylint", *map(str, argv)]
        sys.stdout, sys.stderr = out, err
        if stdin is not None:
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
        code = 0
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        finally:
            sys.argv, sys.stdout, sys.stderr, sys.stdin = old
        return CliResult(code, out.getvalue(), err.getvalue())

    return run

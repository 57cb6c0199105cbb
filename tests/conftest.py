"""Shared by every test: the helpers in ``tests/`` (``_util``, ``support``...) import by
their bare names from any sub-directory, and the command line is run in-process the way a
user runs it (the ``cli`` fixture). A test about the process itself (the console script's
exit status, start-up, the network audit hook, a hang bounded by a timeout) runs
``wsproxylint`` in a subprocess through ``_util.cli_process`` instead.

Where a test goes: ``core/`` (tree, model, plans, layers), ``checks/`` (rules and their
samples: every rule has a bad and a good sample per dialect, see
``checks/test_rule_samples.py``), ``dialects/<name>/`` (one reader and interpreter),
``engine/`` (running checks, suppressions), ``cli/`` (commands, settings, formats, inputs,
pre-commit), ``probe/`` (the live handshake client), ``live/`` (configs through the real
proxies), ``robustness/`` (hostile input, the corpus, properties)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from _util import AMBIENT, CliResult  # noqa: E402  (importable once tests/ is on sys.path)


@pytest.fixture
def cli():
    """``cli("check", "x.conf", "--format", "json", cwd=tmp_path)``: the exit status and the
    output of ``wsproxylint`` run in this process, as its console script runs it. ``cwd`` is
    the directory it runs in, ``stdin`` what it reads on standard input, ``env`` variables
    set (or, given None, unset) for the run; the ambient variables that change what it
    prints are unset unless ``env`` sets them."""
    from linter.app.cli import main

    def run(*argv: str | Path, cwd: str | Path | None = None, stdin: str | bytes | None = None,
            env: Mapping[str, str | None] | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        old = sys.argv, sys.stdout, sys.stderr, sys.stdin
        old_cwd = os.getcwd()
        changes = {**dict.fromkeys(AMBIENT), **(env or {})}
        old_env = {k: os.environ.get(k) for k in changes}
        sys.argv = ["wsproxylint", *map(str, argv)]
        sys.stdout, sys.stderr = out, err
        if stdin is not None:
            data = stdin.encode() if isinstance(stdin, str) else stdin
            sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
        code = 0
        try:
            _set_env(changes)
            if cwd is not None:
                os.chdir(cwd)
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        finally:
            os.chdir(old_cwd)
            _set_env(old_env)
            sys.argv, sys.stdout, sys.stderr, sys.stdin = old
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def _set_env(values: Mapping[str, str | None]) -> None:
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v

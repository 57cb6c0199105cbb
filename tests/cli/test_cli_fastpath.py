"""``check`` runs without importing typer (start-up time); the typer app stays the one
definition users see. Both must take the same options and print the same thing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import parsers
from _util import write
from linter.app.check_options import check_options, fast_parser, version_flag

BROKEN = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""


def _typer_options() -> set[str]:
    import typer.main

    from linter.app.cli import _app

    group = typer.main.get_command(_app())
    cmd = group.commands["check"]  # type: ignore[attr-defined]
    return {o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")} - {"-h", "--help"}


def _fast_options() -> set[str]:
    return {o for a in fast_parser()._actions for o in a.option_strings}


def test_fast_parser_takes_exactly_the_typer_options():
    assert _fast_options() == _typer_options()


def test_both_paths_take_every_declared_option_and_each_dialects_version_flag():
    declared = {o.flag for o in check_options()} | {f"--no-{o.flag[2:]}" for o in check_options() if o.type is bool}
    assert _fast_options() == declared
    for d in parsers.dialects():
        assert version_flag(d) in declared


def _run(args: list[str], cwd: Path, typer_only: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if typer_only:
        code = ("import sys; from linter.app.cli import _app; sys.argv = ['wsproxylint', *sys.argv[1:]]; "
                "_app()(prog_name='wsproxylint')")
        cmd = [sys.executable, "-c", code, *args]
    else:
        cmd = [sys.executable, "-m", "linter", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


@pytest.mark.parametrize("args", [
    ["check", "nginx.conf"],
    ["check", "--format", "json", "--select", "WSP101,WSP102", "nginx.conf"],
    ["check", "--format=sarif", "--fail-on", "error", "nginx.conf"],
    ["check", "--ws-path", "/gateway/websocketcall", "--ws-path", "/x", "--idle-timeout-threshold", "30", "."],
    ["check", "--report-unused-suppressions", "--format", "github", "nginx.conf"],
    ["check", "--fas-version", "abc", "nginx.conf"],
    ["check", "--format", "xml", "nginx.conf"],
    ["check", "missing.conf"],
])
def test_fast_path_and_typer_agree(tmp_path, args):
    write(tmp_path, "nginx.conf", BROKEN)
    fast, slow = _run(args, tmp_path, False), _run(args, tmp_path, True)
    assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout)
    assert fast.stderr == slow.stderr


def test_check_does_not_import_typer(tmp_path):
    write(tmp_path, "nginx.conf", BROKEN)
    code = ("import sys, runpy; sys.argv = ['wsproxylint', 'check', 'nginx.conf'];\n"
            "try:\n    runpy.run_module('linter', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('typer' in sys.modules, 'rich' in sys.modules, 'tomllib' in sys.modules, "
            "'jsonschema' in sys.modules, 'linter.app.report.sarif' in sys.modules, file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.stderr.strip().splitlines()[-1] == "False False False False False", r.stderr


def test_help_and_bad_options_fall_back_to_typer(tmp_path):
    r = _run(["check", "--help"], tmp_path, False)
    assert r.returncode == 0 and "Usage" in r.stdout and "--stdin-filename" in r.stdout
    r = _run(["check", "--no-such-option", "x"], tmp_path, False)
    assert r.returncode == 2 and "No such option" in r.stderr

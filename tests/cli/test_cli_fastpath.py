"""Every command runs without importing typer (start-up time); the typer app stays what
users see in --help. Both are built from one declaration per command and must take the
same options and print the same thing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import parsers
from _util import write
from linter.app.check_options import check_options, version_flag
from linter.app.cli_spec import OptionSpec, fast_parser, option_strings
from linter.app.commands import COMMANDS

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


def _typer_params(name: str) -> list:
    import typer.main

    from linter.app.cli import _app

    group = typer.main.get_command(_app())
    return group.commands[name].params  # type: ignore[attr-defined]


def _typer_options(name: str) -> set[str]:
    opts = {o for p in _typer_params(name) for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
    return opts - {"-h", "--help"}


def _fast_options(name: str) -> set[str]:
    return {o for a in fast_parser(COMMANDS[name])._actions for o in a.option_strings}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_fast_parser_takes_exactly_the_typer_options_of_every_command(name):
    assert _fast_options(name) == _typer_options(name) == option_strings(COMMANDS[name])
    fast_args = [a.dest for a in fast_parser(COMMANDS[name])._actions if not a.option_strings]
    typer_args = [p.name for p in _typer_params(name) if not p.opts[0].startswith("-")]
    assert fast_args == typer_args == [a.dest for a in COMMANDS[name].arguments]


def test_both_paths_take_every_declared_option_and_each_dialects_version_flag():
    declared = {s for o in check_options() for s in o.flags}
    assert {o.flag for o in check_options()} <= declared
    assert _fast_options("check") == declared
    for d in parsers.dialects():
        assert version_flag(d) in declared


def test_a_new_check_option_is_one_entry(monkeypatch, cli, tmp_path):
    """What adding an option takes: one OptionSpec, and both front ends and the parsed
    arguments have it."""
    import linter.app.check_options as co

    extra = OptionSpec("scheme", "ws or wss (repeatable)", many=True)
    original = co.check_options
    spec = co.CommandSpec(co.CHECK.name, co.CHECK.help, co.CHECK.arguments, lambda: (*original(), extra))
    monkeypatch.setitem(COMMANDS, "check", spec)
    assert "--scheme" in _fast_options("check")
    assert "--scheme" in _typer_options("check")
    ns = fast_parser(spec).parse_args(["--scheme", "ws", "--scheme", "wss", "x.conf"])
    from linter.app.cli_spec import Args

    assert Args.from_values(spec, vars(ns)).scheme == ["ws", "wss"]


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
    ["check", "--format", "concise", "--statistics", "--exit-zero", "--color", "never", "nginx.conf"],
    ["check", "--select", "WSP1", "--ignore", "WSP10", "nginx.conf"],
    ["rules"],
    ["rules", "--format", "json"],
    ["rules", "WSP900"],
    ["explain", "302", "--format", "json"],
    ["explain", "WebSocket connection to 'wss://gw.example.com/gateway/websocketcall' failed:"],
    ["--version"],
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
    r = _run(["check", "--format"], tmp_path, False)
    assert r.returncode == 2 and "--format" in r.stderr and "requires an argument" in r.stderr


@pytest.mark.parametrize("typer_only", [False, True])
def test_unknown_option_is_named_without_a_wrong_guess(tmp_path, typer_only):
    r = _run(["check", "--watch", "x"], tmp_path, typer_only)
    assert r.returncode == 2
    if not typer_only:  # the fast path says it; typer only reports what click says
        assert "no such option --watch" in r.stderr and "pre-commit" in r.stderr
    r = _run(["check", "--no-such-option", "x"], tmp_path, False)
    assert r.returncode == 2 and "no such option --no-such-option" in r.stderr and "--config" not in r.stderr
    r = _run(["check", "--fail-onn", "error", "x"], tmp_path, False)
    assert r.returncode == 2 and "did you mean --fail-on?" in r.stderr

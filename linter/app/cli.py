"""The ``wsproxylint`` command line (typer).

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings; 2 usage error, a bad
settings file, an unreadable path, or an internal error in a check (the rest of the report
still prints).

``check`` is what pre-commit runs once per commit, so its start-up counts: typer (with
click, rich and pydantic behind it) costs more to import than linting a typical config.
``main()`` therefore parses a plain ``check`` command line with argparse and runs it
directly; anything argparse does not take as given (``--help``, a bad value, an unknown
option, another command) goes to the typer app, which is the one definition of the CLI
users see. Both are built from one table of options (``linter/app/check_options.py``), and
``tests/cli/test_cli_fastpath.py`` keeps them identical.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

import parsers
from linter.app.check_options import FORMATS, CheckArgs, fast_parser, typer_command, version_flag
from linter.app.output import CliError, either, proxies, write
from linter.core.fas import DEFAULT_IDLE_THRESHOLD, DEFAULT_WS_PATHS, version_tuple
from linter.core.findings import SEVERITY_RANK

if TYPE_CHECKING:
    from linter.engine.result import Report

PROGRESS_MIN_FILES = 20


# ----------------------------------------------------------------------------- helpers


def _version(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    try:
        version_tuple(value)
    except ValueError:
        raise CliError(f"{flag}: not a version number: {value!r} (expected X.Y.Z)") from None
    return value


def _ids(words: list[str], where: str) -> set[str]:
    from linter.engine.registry import find_rule
    from linter.engine.suppress import UNUSED_RULE

    out: set[str] = set()
    for part in words:
        part = part.strip()
        if not part:
            continue
        if part.upper() == UNUSED_RULE.id or part.lower() == UNUSED_RULE.name:
            out.add(UNUSED_RULE.id)
            continue
        rule = find_rule(part)
        if rule is None:
            raise CliError(f"{where}: unknown rule {part!r} (see `wsproxylint rules`)")
        out.add(rule.id)
    return out


class _Progress:
    """``[12/340] path`` on one stderr line, redrawn; only on a terminal, only for many files."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        self.stream.write(f"\r\x1b[K[{done + 1}/{total}] {path}"[:200])
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# ----------------------------------------------------------------------------- check


def run_check(a: CheckArgs, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint check``: returns the exit status; raises CliError for usage errors."""
    from linter.app import settings as config
    from linter.core.options import Options
    from linter.engine.result import UsageError

    try:
        settings = config.load(a.config)
    except config.ConfigError as e:
        raise CliError(str(e)) from None
    where = settings.path or "settings"
    fmt = a.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if a.dialect != "auto" and parsers.get(a.dialect) is None:
        raise CliError(f"--dialect: expected {either(('auto', *parsers.names()))}, not {a.dialect!r}")
    if fmt not in FORMATS:
        raise CliError(f"--format: expected one of {', '.join(FORMATS)}, not {fmt!r}")
    fail_on = a.fail_on or settings.fail_on or "warning"
    if fail_on not in SEVERITY_RANK:
        raise CliError(f"--fail-on: expected error, warning or info, not {fail_on!r}")
    ws_paths = tuple(a.ws_path) if a.ws_path else tuple(settings.ws_paths) or DEFAULT_WS_PATHS
    for p in ws_paths:
        if not p.startswith("/"):
            raise CliError(f"--ws-path: a path starts with '/': {p!r}")
    fronts = tuple(dict.fromkeys(a.front or settings.fronts))
    for front in fronts:
        if front not in config.FRONTS:
            raise CliError(f"--front: expected ws or wss, not {front!r}")
    versions = dict(settings.proxy_versions)
    for d in parsers.dialects():
        value = _version(a.versions.get(d.name), version_flag(d))
        if value is not None:
            versions[d.name] = value
    fas_version = _version(a.fas_version, "--fas-version") or settings.fas_version
    idle = (
        a.idle_timeout_threshold
        if a.idle_timeout_threshold is not None
        else (settings.idle_timeout_threshold or DEFAULT_IDLE_THRESHOLD)
    )
    if idle <= 0:
        raise CliError(f"--idle-timeout-threshold: expected seconds > 0, not {idle}")
    selected = (
        _ids(a.select.split(","), "--select") if a.select is not None else _ids(settings.select, f"{where}: select")
    )
    ignored = (
        _ids(a.ignore.split(","), "--ignore") if a.ignore is not None else _ids(settings.ignore, f"{where}: ignore")
    )
    report_unused = (
        a.report_unused_suppressions
        if a.report_unused_suppressions is not None
        else bool(settings.report_unused_suppressions)
    )
    options = Options(
        fas_version=fas_version,
        ws_paths=ws_paths,
        proxy_versions=versions,
        idle_threshold=idle,
        dialect=a.dialect,
        exclude=tuple(settings.exclude),
        dialect_overrides=tuple(settings.dialects),
        stdin_name=a.stdin_filename or "-",
        fronts=fronts,
    )
    paths = list(a.paths) if a.paths else ["."]
    stdin = None
    if "-" in paths:
        if paths.count("-") > 1:
            raise CliError("-: stdin can be read only once")
        from linter.core.bounds import MAX_TOTAL_BYTES, mb

        data = sys.stdin.buffer.read(MAX_TOTAL_BYTES + 1)  # never more than a configuration's bound
        if len(data) > MAX_TOTAL_BYTES:
            raise CliError(f"-: stdin is over wsproxylint's bound of {mb(MAX_TOTAL_BYTES)} in all: not read")
        stdin = data.decode("utf-8", errors="replace")
    from linter.engine.linting import lint
    from linter.engine.selection import Selection

    progress = _Progress(stderr) if stderr.isatty() else None
    try:
        report = lint(
            paths,
            options,
            selection=Selection(frozenset(selected), frozenset(ignored)),
            stdin=stdin,
            roots=settings.roots,
            progress=progress,
            jobs=_jobs(a.jobs),
        )
    except UsageError as e:
        raise CliError(str(e)) from None
    finally:
        if progress is not None:
            progress.close()
    if report_unused and report.unused:
        from linter.core.findings import Finding

        report.findings = sorted(report.findings + report.unused, key=Finding.sort_key)
    rendered = _render(fmt, report, stdout)
    if rendered:  # github with no finding prints nothing at all
        write(stdout, rendered)
    if not report.files and not report.skipped:
        write(stderr, f"wsproxylint: no {proxies()} config found in {' '.join(paths)}")
    for path, why in report.skipped:
        write(stderr, f"wsproxylint: skipped {path}: {why}")
    for where, why in report.unreadable:
        write(stderr, f"wsproxylint: {where}: {why}")
    for err in report.internal_errors:
        write(stderr, f"wsproxylint: internal error in {err.where}: {err.message}")
    if report.internal_errors or report.unreadable:
        return 2
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings) else 0


def _render(fmt: str, report: Report, stdout: TextIO) -> str:
    if fmt == "json":
        from linter.app.report.json_report import render

        return render(report)
    if fmt == "sarif":
        from linter.app.report.sarif import render as sarif
        from linter.engine.suppress import UNUSED_RULE

        return sarif(report, extra_rules=(UNUSED_RULE,))
    if fmt == "github":
        from linter.app.report.github import render as github

        return github(report)
    from linter.app.report.text import render as text

    color = stdout.isatty() and not os.environ.get("NO_COLOR")
    return text(report, color=color, suppressed=report.suppressed)


def _jobs(asked: int | None) -> int:
    """Worker processes for independent configs: as asked, else one per core (the engine
    still reads small inputs in this process, where a pool would only cost start-up)."""
    if asked is None:
        return os.cpu_count() or 1
    if asked < 1:
        raise CliError(f"--jobs: expected a number of processes >= 1, not {asked}")
    return asked


# ----------------------------------------------------------------------------- explain


def run_explain(text: str, fmt: str, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint explain``: 0 when the text names a known console error, 1 when not."""
    from linter.app.console_errors import lookup

    if fmt not in ("text", "json"):
        raise CliError(f"--format: expected text or json, not {fmt!r}")
    found = lookup(text)
    if fmt == "json":
        import json

        doc = {
            "query": text,
            "errors": [
                {
                    "symptom": e.symptom,
                    "console": e.console,
                    "causes": [{"title": c.title, "check": c.check, "rules": list(c.rules)} for c in e.causes],
                }
                for e in found
            ],
        }
        write(stdout, json.dumps(doc, indent=2))
    else:
        import textwrap

        out: list[str] = []
        for e in found:
            if out:
                out.append("")
            out.append(f"{e.console}  [{e.symptom}]")
            for i, c in enumerate(e.causes, 1):
                out += textwrap.wrap(c.title, 88, initial_indent=f"{i:>3}. ", subsequent_indent="     ")
                out += textwrap.wrap(f"check: {c.check}", 88, initial_indent="     ", subsequent_indent="       ")
                where = (
                    f"detected in a config by {', '.join(c.rules)} (wsproxylint check)"
                    if c.rules
                    else "no config shows this: check it on the running system"
                )
                out.append(f"     {where}")
        if out:
            write(stdout, "\n".join(out))
    if not found:
        write(
            stderr,
            f"wsproxylint: no known console error in {text!r}; try the status code (302), the "
            "net::ERR_... name, or the whole console line",
        )
        return 1
    return 0


# ----------------------------------------------------------------------------- typer app


def _app():
    import typer

    app = typer.Typer(
        add_completion=False,
        no_args_is_help=True,
        help=f"Lint {proxies('and')} configs in front of a CafeX FAS gateway for what breaks the WebSocket handshake.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def _exit(fn, *args) -> None:
        try:
            code = fn(*args, sys.stdout, sys.stderr)
        except CliError as e:
            write(sys.stderr, f"wsproxylint: {e}")
            raise typer.Exit(2) from None
        raise typer.Exit(code)

    app.command(name="check")(typer_command(lambda args: _exit(run_check, args)))

    @app.command()
    def rules(rule_id: str | None = typer.Argument(None, metavar="[ID]", help="Rule id or name")) -> None:
        """List the rules, or show one rule's documentation."""
        _exit(run_rules, rule_id)

    @app.command()
    def explain(
        text: str = typer.Argument(
            ..., help="A console error as pasted: the whole line, 302, ERR_CONNECTION_RESET, Sec-WebSocket-Accept ..."
        ),
        format: str = typer.Option("text", "--format", help="text|json"),
    ) -> None:
        """Every known cause of a browser console error, what to check, and the rules that catch it."""
        _exit(run_explain, text, format)

    @app.command()
    def probe(
        url: str = typer.Argument(
            ..., help="The websocket URL the page opens: wss://HOST/gateway/websocketcall?... (or ws://)"
        ),
        origin: str | None = typer.Option(None, help="Origin header (default: the URL's https:// or http:// site)"),
        header: list[str] = typer.Option(None, "--header", help="Extra request header 'Name: value' (repeatable)"),
        ca: str | None = typer.Option(
            None, "--ca", help="PEM file of CA certificates to trust (private CA) instead of the system store"
        ),
        insecure: bool = typer.Option(False, "--insecure", help="Do not verify the server certificate"),
        hold: float = typer.Option(
            0.0, help="Keep the open websocket silent this many seconds, then echo (catches idle timeouts)"
        ),
        repeat: int = typer.Option(1, help="Number of attempts (catches intermittent failures)"),
        warm: bool = typer.Option(
            False,
            "--warm",
            help="Before each attempt, load pages on the same host over "
            "held keep-alive connections (fills the proxy's pool)",
        ),
        timeout: float = typer.Option(5.0, help="Seconds allowed for each step"),
        format: str = typer.Option("text", "--format", help="text|json"),
        config: str | None = typer.Option(
            None, "--config", help="Proxy config to lint too: findings that predict the observed symptom come first"
        ),
    ) -> None:
        """Open the websocket as a browser would; on failure, what the console shows and why."""
        from linter.app.probe import ProbeArgs, run_probe

        _exit(
            run_probe,
            ProbeArgs(
                url=url,
                origin=origin,
                header=list(header or []),
                ca=ca,
                insecure=insecure,
                hold=hold,
                repeat=repeat,
                warm=warm,
                timeout=timeout,
                format=format,
                config=config,
            ),
        )

    return app


def run_rules(rule_id: str | None, stdout: TextIO, stderr: TextIO) -> int:
    from linter.engine.registry import all_rules, examples_of, find_rule

    if rule_id is None:
        write(stdout, "\n".join(f"{r.id}  {r.name:<36} {r.severity:<8} {r.summary}" for r in all_rules()))
        return 0
    from linter.engine.suppress import UNUSED_RULE

    rule = find_rule(rule_id)
    if rule is None and rule_id.strip().upper() in (UNUSED_RULE.id, UNUSED_RULE.name.upper()):
        rule = UNUSED_RULE
    if rule is None:
        raise CliError(f"unknown rule {rule_id!r} (see `wsproxylint rules`)")
    import textwrap

    def para(text: str, indent: str = "") -> list[str]:
        return textwrap.wrap(text, 88, initial_indent=indent, subsequent_indent=indent or "  ")

    out = [
        f"{rule.id} {rule.name} (default severity: {rule.severity})",
        "",
        *para(rule.summary),
        "",
        "Why it breaks the call:",
        *para(rule.why, "  "),
        "",
        *para(f"Console: {rule.console}"),
        *para(f"Versions: {rule.versions}"),
        "",
        *para(f"Fix: {rule.fix}"),
    ]
    for dialect, ex in examples_of(rule).items():
        out += [
            "",
            f"Bad ({dialect}):",
            *("    " + line for line in ex.bad.rstrip().splitlines()),
            f"Good ({dialect}):",
            *("    " + line for line in ex.good.rstrip().splitlines()),
        ]
    write(stdout, "\n".join(out))
    return 0


# ----------------------------------------------------------------------------- fast path


def _fast_check(argv: list[str]) -> int | None:
    """Run ``check`` without typer; None when argparse does not take the command line."""
    if not argv or argv[0] != "check" or any(a in ("-h", "--help") for a in argv[1:]):
        return None
    try:
        ns = fast_parser().parse_args(argv[1:])
    except (ValueError, SystemExit):
        return None
    if any(p.startswith("-") and p != "-" for p in ns.paths):
        return None
    args = CheckArgs.from_values(vars(ns))
    try:
        return run_check(args, sys.stdout, sys.stderr)
    except CliError as e:
        write(sys.stderr, f"wsproxylint: {e}")
        return 2


def main() -> None:
    try:
        code = _fast_check(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        _app()(prog_name="wsproxylint")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

"""The ``wsproxylint`` command line (typer).

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings; 2 usage error, an
unreadable path, or an internal error in a check (the rest of the report still prints).
"""

from __future__ import annotations

import sys
from typing import List, NoReturn, Optional

import typer

from .fas import DEFAULT_IDLE_THRESHOLD, DEFAULT_WS_PATHS, version_tuple
from .findings import SEVERITY_RANK

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Lint nginx, Apache httpd and HAProxy configs in front of a CafeX FAS gateway for what "
         "breaks the WebSocket handshake.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

FORMATS = ("text", "json")


def _fail(msg: str) -> NoReturn:
    typer.echo(f"wsproxylint: {msg}", err=True)
    raise typer.Exit(2)


def _version(value: Optional[str], flag: str) -> Optional[str]:
    if value is None:
        return None
    try:
        version_tuple(value)
    except ValueError:
        _fail(f"{flag}: not a version number: {value!r} (expected X.Y.Z)")
    return value


def _ids(text: Optional[str], flag: str) -> set[str]:
    from .rules import find_rule

    if not text:
        return set()
    out: set[str] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        rule = find_rule(part)
        if rule is None:
            _fail(f"{flag}: unknown rule {part!r} (see `wsproxylint rules`)")
        out.add(rule.id)
    return out


@app.command()
def check(
    paths: List[str] = typer.Argument(None, help="Config files or directories (default: .)"),
    dialect: str = typer.Option("auto", help="auto|nginx|apache|haproxy"),
    format: str = typer.Option("text", "--format", help="text|json"),
    fas_version: Optional[str] = typer.Option(None, help="FAS version behind the proxy, X.Y.Z"),
    nginx_version: Optional[str] = typer.Option(None, help="nginx version that will run the config"),
    httpd_version: Optional[str] = typer.Option(None, help="Apache httpd version"),
    haproxy_version: Optional[str] = typer.Option(None, help="HAProxy version"),
    ws_path: List[str] = typer.Option(None, help="Websocket URL path (repeatable; replaces the defaults)"),
    select: Optional[str] = typer.Option(None, help="Only these rule ids (comma-separated)"),
    ignore: Optional[str] = typer.Option(None, help="Skip these rule ids (comma-separated)"),
    fail_on: str = typer.Option("warning", help="error|warning|info: lowest severity that fails"),
    idle_timeout_threshold: float = typer.Option(
        DEFAULT_IDLE_THRESHOLD, help="Seconds a live call may stay silent (idle-timeout rule)"),
) -> None:
    """Lint proxy configs: which line breaks the websocket handshake, what the browser will show."""
    from .options import Options
    from .runner import UsageError, run

    if dialect not in ("auto", "nginx", "apache", "haproxy"):
        _fail(f"--dialect: expected auto, nginx, apache or haproxy, not {dialect!r}")
    if format not in FORMATS:
        _fail(f"--format: expected one of {', '.join(FORMATS)}, not {format!r}")
    if fail_on not in SEVERITY_RANK:
        _fail(f"--fail-on: expected error, warning or info, not {fail_on!r}")
    paths_ws = tuple(ws_path) if ws_path else DEFAULT_WS_PATHS
    for p in paths_ws:
        if not p.startswith("/"):
            _fail(f"--ws-path: a path starts with '/': {p!r}")
    versions = {k: v for k, v in (("nginx", _version(nginx_version, "--nginx-version")),
                                  ("apache", _version(httpd_version, "--httpd-version")),
                                  ("haproxy", _version(haproxy_version, "--haproxy-version"))) if v}
    options = Options(fas_version=_version(fas_version, "--fas-version"), ws_paths=paths_ws,
                      proxy_versions=versions, idle_threshold=idle_timeout_threshold, dialect=dialect)
    selected, ignored = _ids(select, "--select"), _ids(ignore, "--ignore")
    try:
        report = run(list(paths) if paths else ["."], options)
    except UsageError as e:
        _fail(str(e))
        return
    report.findings = [f for f in report.findings
                       if (not selected or f.rule in selected) and f.rule not in ignored]
    if format == "json":
        from .report.json_report import render
    else:
        from .report.text import render
    typer.echo(render(report))
    if not report.files and not report.skipped:
        typer.echo(f"wsproxylint: no nginx, Apache or HAProxy config found in {' '.join(paths or ['.'])}",
                   err=True)
    for path, why in report.skipped:
        typer.echo(f"wsproxylint: skipped {path}: {why}", err=True)
    for where, why in report.unreadable:
        typer.echo(f"wsproxylint: {where}: {why}", err=True)
    for err in report.internal_errors:
        typer.echo(f"wsproxylint: internal error in {err.where}: {err.message}", err=True)
    if report.internal_errors or report.unreadable:
        raise typer.Exit(2)
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings)
    raise typer.Exit(1 if failing else 0)


@app.command()
def rules(rule_id: Optional[str] = typer.Argument(None, metavar="[ID]", help="Rule id or name")) -> None:
    """List the rules, or show one rule's documentation."""
    from .rules import all_rules, find_rule

    if rule_id is None:
        for r in all_rules():
            typer.echo(f"{r.id}  {r.name:<36} {r.severity:<8} {r.summary}")
        return
    rule = find_rule(rule_id)
    if rule is None:
        _fail(f"unknown rule {rule_id!r} (see `wsproxylint rules`)")
        return
    import textwrap

    def para(text: str, indent: str = "") -> list[str]:
        return textwrap.wrap(text, 88, initial_indent=indent, subsequent_indent=indent or "  ")

    out = [f"{rule.id} {rule.name} (default severity: {rule.severity})", "", *para(rule.summary), "",
           "Why it breaks the call:", *para(rule.why, "  "), "", *para(f"Console: {rule.console}"),
           *para(f"Versions: {rule.versions}"), "", *para(f"Fix: {rule.fix}")]
    for dialect, ex in rule.examples.items():
        out += ["", f"Bad ({dialect}):", *("    " + line for line in ex.bad.rstrip().splitlines()),
                f"Good ({dialect}):", *("    " + line for line in ex.good.rstrip().splitlines())]
    typer.echo("\n".join(out))


def main() -> None:
    try:
        app(prog_name="wsproxylint")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

"""The ``wsproxylint`` command line.

Exit status: 0 no finding at or above ``--fail-on``; 1 such findings; 2 usage error, a bad
settings file, an unreadable path, no config found, or an internal error in a check (the
rest of the report still prints).

Every command is declared once, as data (``linter/app/commands.py``; ``check``'s options in
``check_options.py``). Two front ends are built from it: the typer app, which is what users
see in ``--help`` and what reports a malformed command line, and an argparse fast path that
runs a well-formed command without importing typer (with click, rich and pydantic behind it
typer costs more to import than linting a typical config, and pre-commit runs ``check``
once per commit). ``tests/cli/test_cli_fastpath.py`` keeps them identical.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from linter import __version__
from linter.app.check import run_check
from linter.app.check_options import CheckArgs
from linter.app.cli_spec import Args, CommandSpec, fast_parser, option_strings, typer_function
from linter.app.commands import COMMANDS, TEXT_OR_JSON
from linter.app.output import CliError, proxies, write

# options other linters have that mean something wsproxylint deliberately does not do
NOT_HERE = {
    "--watch": "run check again, or from your editor or pre-commit",
}


def version_line() -> str:
    return f"wsproxylint {__version__}"


# ----------------------------------------------------------------------------- explain


def run_explain(a: Args, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint explain``: 0 when the text names a known console error, 1 when not."""
    from linter.app.console_errors import lookup, next_step

    if a.format not in TEXT_OR_JSON:
        raise CliError(f"--format: expected text or json, not {a.format!r}")
    text = a.text
    found = lookup(text)
    hint = next_step(text)
    if a.format == "json":
        import json

        doc = {
            "version": 1,
            "tool": {"name": "wsproxylint", "version": __version__},
            "query": text,
            "next": hint,
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
        if hint:
            out += [*textwrap.wrap(hint, 88), ""]
        for n, e in enumerate(found):
            if n:
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


# ----------------------------------------------------------------------------- rules


def _every_rule():
    """The registry's rules and the suppression rule (WSP900), each once."""
    from linter.engine.registry import all_rules
    from linter.engine.suppress import UNUSED_RULE

    rules = all_rules()
    return rules if any(r.id == UNUSED_RULE.id for r in rules) else [*rules, UNUSED_RULE]


def _rule_doc(rule, full: bool) -> dict:
    from linter.app.docs import rule_url

    doc = {"id": rule.id, "name": rule.name, "severity": rule.severity, "summary": rule.summary, "url": rule_url(rule)}
    if full:
        from linter.engine.registry import examples_of

        doc.update(
            why=rule.why,
            fix=rule.fix,
            console=rule.console,
            versions=rule.versions,
            examples={d: {"bad": ex.bad, "good": ex.good} for d, ex in examples_of(rule).items()},
        )
    return doc


def run_rules(a: Args, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint rules [ID]``: every rule (WSP900 too), or one rule's documentation."""
    if a.format not in TEXT_OR_JSON:
        raise CliError(f"--format: expected text or json, not {a.format!r}")
    rules = _every_rule()
    if a.rule_id is None:
        if a.format == "json":
            import json

            write(stdout, json.dumps([_rule_doc(r, full=False) for r in rules], indent=2))
        else:
            write(stdout, "\n".join(f"{r.id}  {r.name:<36} {r.severity:<8} {r.summary}" for r in rules))
        return 0
    key = a.rule_id.strip()
    rule = next((r for r in rules if key.upper() == r.id or key.lower() == r.name), None)
    if rule is None:
        raise CliError(f"unknown rule {a.rule_id!r} (see `wsproxylint rules`)")
    if a.format == "json":
        import json

        write(stdout, json.dumps(_rule_doc(rule, full=True), indent=2))
        return 0
    import textwrap

    from linter.engine.registry import examples_of

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


# ----------------------------------------------------------------------------- probe


def run_probe(a: Args, stdout: TextIO, stderr: TextIO) -> int:
    from linter.app.probe import ProbeArgs
    from linter.app.probe import run_probe as probe

    return probe(ProbeArgs(**a.values), stdout, stderr)


def run_server(a: Args, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint server``; hover shows a rule's documentation as ``rules ID`` prints it."""
    import io

    from linter.app.server import serve

    def rule_text(rule_id: str) -> str:
        out = io.StringIO()
        run_rules(Args({"rule_id": rule_id, "format": "text"}), out, out)
        return out.getvalue().rstrip("\n")

    return serve(rule_text, stdout, stderr)


def _run_check(a: Args, stdout: TextIO, stderr: TextIO) -> int:
    return run_check(CheckArgs(a.values), stdout, stderr)


RUNNERS: dict[str, Callable[[Args, TextIO, TextIO], int]] = {
    "check": _run_check,
    "rules": run_rules,
    "explain": run_explain,
    "probe": run_probe,
    "server": run_server,
}


# ----------------------------------------------------------------------------- typer app


def _app():
    import typer

    app = typer.Typer(
        add_completion=False,
        no_args_is_help=True,
        help=f"Lint {proxies('and')} configs in front of a CafeX FAS gateway for what breaks the WebSocket handshake.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def show_version(value: bool) -> None:
        if value:
            write(sys.stdout, version_line())
            raise typer.Exit(0)

    @app.callback()
    def top(
        version: bool = typer.Option(
            False, "--version", help="Print the version and exit", is_eager=True, callback=show_version
        ),
    ) -> None:
        """Lint proxy configs in front of a CafeX FAS gateway for what breaks the WebSocket handshake."""

    def runner(name: str) -> Callable[[Args], None]:
        def run(args: Args) -> None:
            try:
                code = RUNNERS[name](args, sys.stdout, sys.stderr)
            except CliError as e:
                write(sys.stderr, f"wsproxylint: {e}")
                raise typer.Exit(2) from None
            raise typer.Exit(code)

        return run

    for name, spec in COMMANDS.items():
        app.command(name=name)(typer_function(spec, runner(name)))
    return app


# ----------------------------------------------------------------------------- fast path


def unknown_option(spec: CommandSpec, argv: list[str]) -> str | None:
    """The message for the first option ``spec`` does not take, None when all are known.
    Said here rather than by click, whose closest-spelling guess offers ``--config`` for
    ``--fix``."""
    known = option_strings(spec)
    takes_value = {o.flag for o in spec.options() if o.type is not bool}
    skip = False
    for tok in argv:
        if skip:
            skip = False
            continue
        if tok == "--":
            return None
        if not tok.startswith("-") or tok == "-":
            continue
        name = tok.split("=", 1)[0]
        if name in known:
            skip = name in takes_value and "=" not in tok
            continue
        import difflib

        why = NOT_HERE.get(name)
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        more = f": {why}" if why else (f" (did you mean {close[0]}?)" if close else "")
        return f"{spec.name}: no such option {name}{more}; see `wsproxylint {spec.name} --help`"
    return None


def _fast(argv: list[str]) -> int | None:
    """Run a command without typer; None when argparse does not take the command line as
    given (then typer reports it, or shows help)."""
    if argv == ["--version"]:
        write(sys.stdout, version_line())
        return 0
    if not argv or argv[0] not in COMMANDS or any(a in ("-h", "--help") for a in argv[1:]):
        return None
    spec = COMMANDS[argv[0]]
    message = unknown_option(spec, argv[1:])
    if message is not None:
        write(sys.stderr, f"wsproxylint: {message}")
        return 2
    try:
        ns = fast_parser(spec).parse_args(argv[1:])
    except (ValueError, argparse.ArgumentError, SystemExit):
        return None
    values = vars(ns)
    if any(
        isinstance(v, str) and v.startswith("-") and v != "-" for a in spec.arguments for v in _listed(values[a.dest])
    ):
        return None
    try:
        return RUNNERS[spec.name](Args.from_values(spec, values), sys.stdout, sys.stderr)
    except CliError as e:
        write(sys.stderr, f"wsproxylint: {e}")
        return 2


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [value]


def main() -> None:
    try:
        code = _fast(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        _app()(prog_name="wsproxylint")
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

"""Every command of ``wsproxylint``, declared once (``check``'s options live in
``check_options.py``, the largest table). ``linter/app/cli.py`` builds the typer app and the
argparse fast path from ``COMMANDS`` and maps each name to the function that runs it."""

from __future__ import annotations

from linter.app.check_options import CHECK
from linter.app.cli_spec import ArgumentSpec, CommandSpec, OptionSpec

TEXT_OR_JSON = ("text", "json")


def _format() -> OptionSpec:
    return OptionSpec("format", " or ".join(TEXT_OR_JSON), default="text")


RULES = CommandSpec(
    "rules",
    "List the rules, or show one rule's documentation.",
    (ArgumentSpec("rule_id", "Rule id or name", required=False, metavar="[ID]"),),
    lambda: (_format(),),
)

EXPLAIN = CommandSpec(
    "explain",
    "Every known cause of a browser console error, what to check, and the rules that catch it.",
    (
        ArgumentSpec(
            "text",
            "A console error as pasted: the whole line, 302, ERR_CONNECTION_RESET, Sec-WebSocket-Accept ...",
            metavar="TEXT",
        ),
    ),
    lambda: (_format(),),
)


def _probe_options() -> tuple[OptionSpec, ...]:
    return (
        OptionSpec("origin", "Origin header", shown_default="the URL's https:// or http:// site"),
        OptionSpec("header", "Extra request header 'Name: value' (repeatable)", many=True, shown_default="none"),
        OptionSpec(
            "ca",
            "PEM file of CA certificates to trust (private CA) instead of the system store",
            shown_default="system",
        ),
        OptionSpec("insecure", "Do not verify the server certificate", type=bool, default=False, plain_flag=True),
        OptionSpec(
            "hold", "Keep the open websocket silent this many seconds, then echo (catches idle timeouts)", float, 0.0
        ),
        OptionSpec("repeat", "Number of attempts (catches intermittent failures)", int, 1),
        OptionSpec(
            "warm",
            "Before each attempt, load pages on the same host over held keep-alive connections "
            "(fills the proxy's pool)",
            type=bool,
            default=False,
            plain_flag=True,
        ),
        OptionSpec("timeout", "Seconds allowed for each step", float, 5.0),
        _format(),
        OptionSpec(
            "config",
            "Proxy config to lint too: findings that predict the observed symptom come first",
            shown_default="none",
        ),
        OptionSpec(
            "http1",
            "On wss://, do not offer HTTP/2: open the websocket over HTTP/1.1 even where the front offers "
            "websockets over h2 (RFC 8441), as browsers use them",
            type=bool,
            default=False,
            plain_flag=True,
        ),
    )


PROBE = CommandSpec(
    "probe",
    "Open the websocket as a browser would; on failure, what the console shows and why.",
    (
        ArgumentSpec(
            "url", "The websocket URL the page opens: wss://HOST/gateway/websocketcall?... (or ws://)", metavar="URL"
        ),
    ),
    _probe_options,
)

SERVER = CommandSpec(
    "server",
    "Language server (LSP over stdin/stdout): check's findings in your editor as you type.",
    (),
    lambda: (
        OptionSpec(
            "stdio",
            "Talk over stdin/stdout (the only transport; accepted because some clients always pass it)",
            type=bool,
            default=False,
            plain_flag=True,
        ),
    ),
)

COMMANDS: dict[str, CommandSpec] = {c.name: c for c in (CHECK, RULES, EXPLAIN, PROBE, SERVER)}

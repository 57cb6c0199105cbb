"""The ``check`` command's options, declared once as data (see ``linter/app/cli_spec.py``
for how the argparse fast path and the typer command are built from them).

The dialect option's choices and the per-proxy version flags
(``--<Dialect.version_name>-version``) come from the dialect registry, so a registered
dialect gets its flag on both paths. A new option is one ``OptionSpec`` below; ``run_check``
reads it as ``args.<dest>``.
"""

from __future__ import annotations

import parsers
from linter.app.cli_spec import Args, ArgumentSpec, CommandSpec, OptionSpec
from linter.core.fas import DEFAULT_IDLE_THRESHOLD

FORMATS = ("text", "concise", "json", "sarif", "github")
COLORS = ("auto", "always", "never")


def version_dest(dialect: parsers.Dialect) -> str:
    return f"{dialect.version_name}_version"


def version_flag(dialect: parsers.Dialect) -> str:
    return f"--{dialect.version_name}-version"


def check_options() -> tuple[OptionSpec, ...]:
    """The options of ``check`` in the order ``--help`` lists them."""
    return (
        OptionSpec("dialect", ", ".join(("auto", *parsers.names())), default="auto"),
        OptionSpec(
            "format",
            ", ".join(FORMATS),
            shown_default="github when GITHUB_ACTIONS=true, else text",
        ),
        OptionSpec("fas_version", "FAS version behind the proxy, X.Y.Z", shown_default="unknown"),
        *(
            OptionSpec(version_dest(d), f"{d.display} version that will run the config", shown_default="unknown")
            for d in parsers.dialects()
        ),
        OptionSpec(
            "ws_path",
            "Websocket URL path (repeatable; replaces the defaults)",
            many=True,
            shown_default="/gateway/websocketcall, /assistserver/topic",
        ),
        OptionSpec(
            "fas_backend",
            "A backend that is FAS, HOST[:PORT] or an upstream/backend/balancer NAME (repeatable): "
            "routes to it are checked whatever their port or path",
            many=True,
            shown_default="recognised by port 8080/8443 or a FAS path",
        ),
        OptionSpec(
            "front",
            "ws or wss: a scheme clients open the websocket with (repeatable); a plain listener that only "
            "redirects to https is a warning, an error with --front ws; --front wss alone judges TLS listeners only",
            many=True,
            shown_default="every listener is judged",
        ),
        OptionSpec("select", "Only these rule ids or prefixes (comma-separated: WSP1,WSP401)", shown_default="all"),
        OptionSpec("ignore", "Skip these rule ids or prefixes (comma-separated)", shown_default="none"),
        OptionSpec("fail_on", "error, warning or info: the lowest severity that fails", shown_default="warning"),
        OptionSpec(
            "idle_timeout_threshold",
            "Seconds a live call may stay silent (idle-timeout rule); per URL: the topic socket pings every "
            "10 s, so its limit is 30 s at most, and a finding naming both URLs says each threshold",
            type=float,
            shown_default=f"{DEFAULT_IDLE_THRESHOLD:g}",
        ),
        OptionSpec(
            "config",
            "Settings file for every input",
            shown_default=".wsproxylint.toml or [tool.wsproxylint] in pyproject.toml, nearest to each input",
        ),
        OptionSpec(
            "report_unused_suppressions",
            "Also report suppressions that silence nothing (WSP900; unknown or malformed ones always are)",
            type=bool,
            shown_default="no",
        ),
        OptionSpec("stdin_filename", "Name to show (and detect the dialect by) for -", shown_default="-"),
        OptionSpec(
            "jobs",
            "Processes for independent configs (small inputs are read in one process)",
            type=int,
            shown_default="one per core",
        ),
        OptionSpec(
            "output_file", "Write the report to this file instead of stdout", shown_default="stdout", metavar="FILE"
        ),
        OptionSpec(
            "statistics", "Print how many findings each rule has instead of the findings", type=bool, plain_flag=True
        ),
        OptionSpec(
            "fix",
            "Apply the safe fixes to the files given, then report what remains (not with stdin)",
            type=bool,
            plain_flag=True,
        ),
        OptionSpec(
            "unsafe_fixes",
            "With --fix or --diff, also the fixes that change more than the websocket route",
            type=bool,
            plain_flag=True,
        ),
        OptionSpec(
            "diff",
            "Print the fixes as a unified diff instead of the findings, write nothing; exit 1 when there is one",
            type=bool,
            plain_flag=True,
        ),
        OptionSpec("exit_zero", "Exit 0 even with findings (2 still means the run failed)", type=bool, plain_flag=True),
        OptionSpec(
            "color",
            f"{', '.join(COLORS)}: auto colours a terminal unless NO_COLOR is set or TERM=dumb; FORCE_COLOR forces it",
            default="auto",
        ),
    )


PATHS_HELP = "Config files or directories (default: .); - reads stdin"

CHECK = CommandSpec(
    "check",
    "Lint proxy configs: which line breaks the websocket handshake, what the browser will show.",
    (ArgumentSpec("paths", PATHS_HELP, many=True, required=False, metavar="PATH..."),),
    check_options,
)


class CheckArgs(Args):
    """The ``check`` command line, parsed once by argparse (fast path) or typer."""

    __slots__ = ()

    @property
    def versions(self) -> dict[str, str]:
        """Proxy version flags given, by dialect name."""
        out: dict[str, str] = {}
        for d in parsers.dialects():
            value = self.values.get(version_dest(d))
            if value is not None:
                out[d.name] = value
        return out

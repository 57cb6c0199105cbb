"""The ``check`` command's options, declared once as data.

Both front ends are built from ``check_options()``: the argparse fast path (``fast_parser``,
which ``check`` takes without importing typer) and the typer command users see in
``--help`` (``typer_signature``). The dialect option's choices and the per-proxy version
flags (``--<Dialect.version_name>-version``) come from the dialect registry, so a
registered dialect gets its flag on both paths.
"""

from __future__ import annotations

import argparse
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import parsers
from linter.core.fas import DEFAULT_IDLE_THRESHOLD

FORMATS = ("text", "json", "sarif", "github")


@dataclass(slots=True, frozen=True)
class OptionSpec:
    """One ``check`` option: ``--flag VALUE`` into ``dest``."""

    dest: str
    help: str
    type: type = str  # str, int, float, or bool (a --flag/--no-flag pair)
    default: Any = None
    many: bool = False  # repeatable: a list of every value given

    @property
    def flag(self) -> str:
        return "--" + self.dest.replace("_", "-")


def version_dest(dialect: parsers.Dialect) -> str:
    return f"{dialect.version_name}_version"


def version_flag(dialect: parsers.Dialect) -> str:
    return f"--{dialect.version_name}-version"


def check_options() -> tuple[OptionSpec, ...]:
    """The options of ``check`` in the order ``--help`` lists them."""
    return (
        OptionSpec("dialect", "|".join(("auto", *parsers.names())), default="auto"),
        OptionSpec("format", f"{'|'.join(FORMATS)} (default: github when GITHUB_ACTIONS=true, else text)"),
        OptionSpec("fas_version", "FAS version behind the proxy, X.Y.Z"),
        *(OptionSpec(version_dest(d), f"{d.display} version that will run the config") for d in parsers.dialects()),
        OptionSpec("ws_path", "Websocket URL path (repeatable; replaces the defaults)", many=True),
        OptionSpec(
            "front",
            "ws|wss: a scheme clients open the websocket with (repeatable; default: every listener is "
            "judged, and a plain listener that only redirects to https is a warning)",
            many=True,
        ),
        OptionSpec("select", "Only these rule ids (comma-separated)"),
        OptionSpec("ignore", "Skip these rule ids (comma-separated)"),
        OptionSpec("fail_on", "error|warning|info: lowest severity that fails (default: warning)"),
        OptionSpec(
            "idle_timeout_threshold",
            f"Seconds a live call may stay silent (idle-timeout rule; default {DEFAULT_IDLE_THRESHOLD:g}); "
            "per URL: the topic socket pings every 10 s, so its limit is 30 s at most, and a finding "
            "naming both URLs says each threshold",
            type=float,
        ),
        OptionSpec(
            "config",
            "Settings file (default: .wsproxylint.toml or [tool.wsproxylint] in "
            "pyproject.toml, from the working directory upwards)",
        ),
        OptionSpec(
            "report_unused_suppressions",
            "Report suppressions that name unknown rules or silence nothing (WSP900)",
            type=bool,
        ),
        OptionSpec("stdin_filename", "Name to show (and detect the dialect by) for -"),
        OptionSpec(
            "jobs",
            "Processes for independent configs (default: one per core; small inputs are read in one process)",
            type=int,
        ),
    )


PATHS_HELP = "Config files or directories (default: .); - reads stdin"


@dataclass(slots=True)
class CheckArgs:
    """The `check` command line, parsed once by argparse (fast path) or typer, read the same way after."""

    paths: list[str] = field(default_factory=list)
    dialect: str = "auto"
    format: str | None = None
    fas_version: str | None = None
    versions: dict[str, str] = field(default_factory=dict)  # dialect name -> version as given
    ws_path: list[str] = field(default_factory=list)
    front: list[str] = field(default_factory=list)
    select: str | None = None
    ignore: str | None = None
    fail_on: str | None = None
    idle_timeout_threshold: float | None = None
    config: str | None = None
    report_unused_suppressions: bool | None = None
    stdin_filename: str | None = None
    jobs: int | None = None

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> CheckArgs:
        """From the parsed options by ``dest`` (either front end): the version flags are
        gathered by dialect, and repeatable options not given are empty lists."""
        values = dict(values)
        versions: dict[str, str] = {}
        for d in parsers.dialects():
            value = values.pop(version_dest(d), None)
            if value is not None:
                versions[d.name] = value
        values["paths"] = list(values.get("paths") or [])
        values["ws_path"] = list(values.get("ws_path") or [])
        values["front"] = list(values.get("front") or [])
        return cls(versions=versions, **values)


def fast_parser() -> argparse.ArgumentParser:
    """argparse twin of the typer ``check`` command; its errors raise ValueError (the
    caller then hands the command line to typer, which reports them)."""

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str):  # type: ignore[override,unused-ignore]
            raise ValueError(message)

    p = _Parser(prog="wsproxylint check", add_help=False, allow_abbrev=False, exit_on_error=False)
    p.add_argument("paths", nargs="*")
    for o in check_options():
        if o.type is bool:
            p.add_argument(o.flag, dest=o.dest, action=argparse.BooleanOptionalAction, default=o.default)
        elif o.many:
            p.add_argument(o.flag, dest=o.dest, action="append", default=[])
        else:
            p.add_argument(o.flag, dest=o.dest, type=o.type, default=o.default)
    return p


def typer_signature() -> inspect.Signature:
    """The typer ``check`` command's parameters (typer reads a function's signature)."""
    import typer

    params = [
        inspect.Parameter(
            "paths",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=typer.Argument(None, help=PATHS_HELP),
            annotation=list[str],
        )
    ]
    for o in check_options():
        if o.type is bool:
            flags = f"{o.flag}/--no-{o.flag[2:]}"
            annotation: Any = bool | None
        elif o.many:
            flags, annotation = o.flag, list[str]
        else:
            flags, annotation = o.flag, o.type if o.default is not None else o.type | None
        params.append(
            inspect.Parameter(
                o.dest,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(o.default, flags, help=o.help),
                annotation=annotation,
            )
        )
    return inspect.Signature(params)


def typer_command(run: Callable[[CheckArgs], None]) -> Callable[..., None]:
    """A function typer can register as ``check`` that hands ``run`` the parsed CheckArgs."""

    def check(**values: Any) -> None:
        """Lint proxy configs: which line breaks the websocket handshake, what the browser will show."""
        run(CheckArgs.from_values(values))

    check.__signature__ = typer_signature()  # type: ignore[attr-defined]
    return check

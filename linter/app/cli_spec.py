"""The command line as data: every command, its arguments and options, declared once.

Two front ends are built from these declarations: the argparse fast path (``fast_parser``),
which runs a command without importing typer (start-up counts in pre-commit), and the typer
app users see in ``--help`` (``typer_function``). Adding an option is one ``OptionSpec`` in
its command's table; both front ends, the parsed ``Args`` and the help follow.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import inspect


@dataclass(slots=True, frozen=True)
class OptionSpec:
    """One option: ``--flag VALUE`` into ``dest``."""

    dest: str
    help: str
    type: type = str  # str, int, float, or bool (a --flag/--no-flag pair, or a plain flag)
    default: Any = None
    many: bool = False  # repeatable: a list of every value given
    # what --help shows as the default when ``default`` is None because the real default is
    # decided later (a settings file, the environment); None: show ``default`` if any
    shown_default: str | None = None
    plain_flag: bool = False  # a bool without its --no- twin (e.g. --insecure)
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.dest.replace("_", "-")

    @property
    def flags(self) -> tuple[str, ...]:
        """Every option string it takes."""
        if self.type is bool and not self.plain_flag:
            return (self.flag, f"--no-{self.flag[2:]}")
        return (self.flag,)


@dataclass(slots=True, frozen=True)
class ArgumentSpec:
    """One positional argument."""

    dest: str
    help: str
    many: bool = False  # zero or more
    required: bool = True
    metavar: str | None = None


@dataclass(slots=True, frozen=True)
class CommandSpec:
    """A command: its help (first line: the summary in the command list), its positional
    arguments and its options (a function, so that a table built from the dialect registry
    is built only when the command is parsed)."""

    name: str
    help: str
    arguments: tuple[ArgumentSpec, ...]
    options: Callable[[], tuple[OptionSpec, ...]]


class Args:
    """A parsed command line, by ``dest``, read the same way whichever front end parsed it.
    An option's value is its attribute (``args.format``)."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def from_values(cls, spec: CommandSpec, values: dict[str, Any]) -> Args:
        """From either front end's values: repeatable options and arguments not given are
        empty lists, and every declared dest is present."""
        out: dict[str, Any] = {}
        for a in spec.arguments:
            v = values.get(a.dest)
            out[a.dest] = list(v or []) if a.many else v
        for o in spec.options():
            v = values.get(o.dest, o.default)
            out[o.dest] = list(v or []) if o.many else v
        return cls(out)


def option_strings(spec: CommandSpec) -> set[str]:
    return {s for o in spec.options() for s in o.flags}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override,unused-ignore]
        raise ValueError(message)


def fast_parser(spec: CommandSpec) -> argparse.ArgumentParser:
    """argparse twin of the typer command; its errors raise ValueError (the caller then
    hands the command line to typer, which reports them)."""
    p = _Parser(prog=f"wsproxylint {spec.name}", add_help=False, allow_abbrev=False, exit_on_error=False)
    for a in spec.arguments:
        p.add_argument(a.dest, nargs="*" if a.many else (None if a.required else "?"))
    for o in spec.options():
        if o.type is bool:
            action: Any = "store_true" if o.plain_flag else argparse.BooleanOptionalAction
            p.add_argument(o.flag, dest=o.dest, action=action, default=o.default)
        elif o.many:
            p.add_argument(o.flag, dest=o.dest, action="append", default=[])
        else:
            p.add_argument(o.flag, dest=o.dest, type=o.type, default=o.default)
    return p


_METAVARS: dict[type, str] = {str: "TEXT", int: "INTEGER", float: "SECONDS"}


def _escape(text: str) -> str:
    """Help text survives rich markup: ``[tool.wsproxylint]`` is text, not a style tag."""
    return text.replace("[", "\\[")


def typer_signature(spec: CommandSpec) -> inspect.Signature:
    """The typer command's parameters (typer reads a function's signature)."""
    import inspect

    import typer

    params = []
    for a in spec.arguments:
        annotation: Any = list[str] if a.many else (str if a.required else str | None)
        default = ... if a.required and not a.many else None
        params.append(
            inspect.Parameter(
                a.dest,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=typer.Argument(default, help=_escape(a.help), metavar=a.metavar, show_default=False),
                annotation=annotation,
            )
        )
    for o in spec.options():
        if o.type is bool:
            flags: Sequence[str] = (o.flag,) if o.plain_flag else (f"{o.flag}/--no-{o.flag[2:]}",)
            annotation = bool if o.plain_flag else bool | None
        elif o.many:
            flags, annotation = (o.flag,), list[str]
        else:
            flags, annotation = (o.flag,), o.type if o.default is not None else o.type | None
        metavar = o.metavar or (None if o.type is bool else _METAVARS.get(o.type, "TEXT"))
        show: bool | str = o.shown_default if o.shown_default is not None else o.default is not None
        params.append(
            inspect.Parameter(
                o.dest,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(o.default, *flags, help=_escape(o.help), show_default=show, metavar=metavar),
                annotation=annotation,
            )
        )
    return inspect.Signature(params)


def typer_function(spec: CommandSpec, run: Callable[[Args], None]) -> Callable[..., None]:
    """A function typer can register as the command; it hands ``run`` the parsed Args."""

    def command(**values: Any) -> None:
        run(Args.from_values(spec, values))

    command.__doc__ = _escape(spec.help)
    command.__signature__ = typer_signature(spec)  # type: ignore[attr-defined]
    return command

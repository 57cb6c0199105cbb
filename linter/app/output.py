"""What every command shares for talking to the terminal: the usage error and a write that
survives a closed pipe."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO


class CliError(Exception):
    """A usage or settings error: the message goes to stderr, exit status 2."""


def write(stream: TextIO, text: str) -> None:
    """``text`` and a newline; a reader gone away (``wsproxylint check | head``) stops the
    output without an error, and the exit status stays the run's."""
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())


def either(words: Iterable[str], conjunction: str = "or") -> str:
    """``a, b or c``."""
    w = list(words)
    return f" {conjunction} ".join((", ".join(w[:-1]), w[-1])) if len(w) > 1 else "".join(w)


def proxies(conjunction: str = "or") -> str:
    """The registered proxies as people call them: ``nginx, Apache or HAProxy``."""
    import parsers

    return either((d.display for d in parsers.dialects()), conjunction)


def use_color(choice: str, is_tty: bool) -> bool:
    """``--color``: always and never as said; auto colours a terminal, except that a set
    ``NO_COLOR`` (no-color.org) or ``TERM=dumb`` turns it off and a set ``FORCE_COLOR``
    turns it on (NO_COLOR wins over FORCE_COLOR, as CPython's own colouring decides)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return is_tty

"""What every command shares for talking to the terminal: the usage error and a write that
survives a closed pipe."""

from __future__ import annotations

import os
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

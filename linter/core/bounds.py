"""wsproxylint's bounds on one configuration, and the one way every reader opens a file.

The three readers (nginx, Apache, HAProxy) share these numbers and this code, so the README
("Guarantees and bounds") states one set of bounds for all of them. Hitting a bound raises
``ReadLimit``; a reader turns it into a "read" problem at the line where it was hit (exit
status 2: not all was read), never a crash, and what was read before it still counts.

Opening a file never blocks: the type is checked before the open (a FIFO would block
``open``), the open is non-blocking and cannot make a terminal ours, and the type and size
are checked again on what was opened (the path may have been swapped meanwhile).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

MAX_INCLUDE_DEPTH = 32  # includes within includes
# blocks (sections) within blocks, across includes: interpreters recurse twice per level, and
# the runner gives them a recursion limit (RECURSION_LIMIT) that holds this depth with room
MAX_BLOCK_DEPTH = 450
MAX_FILES = 20000  # files read for one configuration
MAX_FILE_BYTES = 16 * 1024 * 1024  # one file
MAX_TOTAL_BYTES = 32 * 1024 * 1024  # all files of one configuration

BOM = "\ufeff"


class ReadLimit(Exception):
    """A bound of wsproxylint's (not of the proxy's) was hit: the rest was not read."""


class Device(OSError):
    """A character or block device: a proxy may read one (``/dev/null``); wsproxylint does not."""


_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
)

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def regular(path: str, mode: int) -> None:
    """Raise OSError (``Device`` for a device) unless ``mode`` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    what = next((why for test, why in _KINDS if test(mode)), "is not a regular file")
    err = Device if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else OSError
    raise err(f"{what}, not a regular file")


def reason(e: BaseException) -> str:
    """An error's words, lower-cased for the middle of a sentence."""
    if isinstance(e, OSError) and e.strerror:
        return e.strerror[0].lower() + e.strerror[1:]
    return str(e) or type(e).__name__


def mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n} bytes"
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def check_size(path: str, size: int, budget: int) -> None:
    """Raise ReadLimit when ``size`` bytes are over the per-file bound or the ``budget``
    left of the total."""
    if size > MAX_FILE_BYTES:
        raise ReadLimit(f'"{path}" is {mb(size)}, over wsproxylint\'s bound of {mb(MAX_FILE_BYTES)} per file: not read')
    if size > budget:
        raise ReadLimit(
            f'"{path}" would take this configuration over wsproxylint\'s bound of '
            f"{mb(MAX_TOTAL_BYTES)} in all: not read"
        )


# Files an editor holds with unsaved changes, by real path (see ``unsaved``); empty outside.
_UNSAVED: dict[str, bytes] = {}


@contextmanager
def unsaved(texts: Mapping[str, str]) -> Iterator[None]:
    """While inside, reading one of ``texts``' files (path -> text) gives that text instead
    of the disk's: a configuration that includes a file being edited is judged with the
    edit, which is what the language server shows before the file is saved."""
    added = {os.path.realpath(p): t.encode("utf-8") for p, t in texts.items()}
    _UNSAVED.update(added)
    try:
        yield
    finally:
        for p in added:
            _UNSAVED.pop(p, None)


def _unsaved(path: str) -> bytes | None:
    return _UNSAVED.get(os.path.realpath(path)) if _UNSAVED else None


def read_bytes(path: str, budget: int | None = None) -> bytes:
    """A regular file's bytes, never blocking and never more than the bounds allow
    (``budget``: what is left of the total; default the whole total)."""
    if budget is None:
        budget = MAX_TOTAL_BYTES
    held = _unsaved(path)
    if held is not None:
        check_size(path, len(held), budget)
        return held
    regular(path, os.stat(path).st_mode)
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        regular(path, st.st_mode)
        limit = min(MAX_FILE_BYTES, budget)
        check_size(path, st.st_size, budget)
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:  # the file grew while being read
                check_size(path, got, budget)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_head(path: str, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (to sniff its kind), never blocking."""
    held = _unsaved(path)
    if held is not None:
        return held[:size]
    regular(path, os.stat(path).st_mode)
    fd = os.open(path, _FLAGS)
    try:
        regular(path, os.fstat(fd).st_mode)
        return os.read(fd, size)
    finally:
        os.close(fd)


def read_text(path: str, budget: int | None = None) -> str:
    """``read_bytes`` decoded as UTF-8 (undecodable bytes replaced), line ends untouched:
    the proxies read bytes, and only LF ends their lines."""
    return read_bytes(path, budget).decode("utf-8", errors="replace")

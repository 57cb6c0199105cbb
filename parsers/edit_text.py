"""Edits on a config's own text, for the dialects' ``edits`` modules.

A fix is a few characters changed where the model says, never a re-rendered file: these
helpers find the columns of a directive on its line (its words, without the comment after
it) and the indentation of its neighbours, so an inserted line looks like the lines around
it and everything else stays byte for byte.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from linter.core.fixes import Edit, TextOf


@dataclass(slots=True)
class Lines:
    """One file's lines (without their ends), read once; ``text`` is the file as read."""

    path: str
    lines: list[str]
    text: str
    _starts: list[int] | None = None

    def start(self, n: int) -> int:
        """Offset in ``text`` of line ``n``'s first character (for a lexer started there)."""
        if self._starts is None:
            self._starts = [0, *itertools.accumulate(len(line) + 1 for line in self.lines)]
        return self._starts[n - 1]

    def get(self, n: int) -> str | None:
        return self.lines[n - 1] if 1 <= n <= len(self.lines) else None

    def indent(self, n: int) -> str:
        line = self.get(n) or ""
        return line[: len(line) - len(line.lstrip())]

    def code(self, n: int, comment: Callable[[str], int]) -> tuple[int, int]:
        """Columns of the directive on line ``n``: from its first word to the end of its last
        (trailing spaces and a comment left out). ``comment`` finds where a comment starts."""
        line = self.get(n) or ""
        end = comment(line)
        start = len(line) - len(line.lstrip())
        while end > start and line[end - 1].isspace():
            end -= 1
        return start, end

    def end(self, n: int) -> tuple[int, str]:
        """Where line ``n``'s text ends and the line end it uses (a CRLF file keeps CRLF)."""
        line = self.get(n) or ""
        return (len(line) - 1, "\r\n") if line.endswith("\r") else (len(line), "\n")

    def insert_after(self, n: int, text: str, indent: str | None = None) -> Edit:
        """A new line (or lines) after line ``n``, indented like ``n`` unless told."""
        pad = self.indent(n) if indent is None else indent
        col, eol = self.end(n)
        return Edit(self.path, n, col, n, col, eol + pad + text.replace("\n", eol))

    def insert_before(self, n: int, text: str, indent: str | None = None) -> Edit:
        pad = self.indent(n) if indent is None else indent
        _, eol = self.end(n)
        return Edit(self.path, n, 0, n, 0, pad + text.replace("\n", eol) + eol)

    def replace_span(self, n: int, start: int, end: int, text: str) -> Edit:
        return Edit(self.path, n, start, n, end, text)

    def delete_line(self, n: int) -> Edit:
        """The whole line with its end (the next line moves up)."""
        if n < len(self.lines):
            return Edit(self.path, n, 0, n + 1, 0, "")
        prev = self.get(n - 1)
        if prev is None:
            return Edit(self.path, n, 0, n, len(self.lines[n - 1]), "")
        return Edit(self.path, n - 1, len(prev), n, len(self.lines[n - 1]), "")

    def sub_in_code(self, n: int, pattern: re.Pattern[str], repl: str, comment: Callable[[str], int]) -> Edit | None:
        """Replace the first match of ``pattern`` in the directive part of line ``n``."""
        line = self.get(n)
        if line is None:
            return None
        start, end = self.code(n, comment)
        m = pattern.search(line, start, end)
        if m is None:
            return None
        return Edit(self.path, n, m.start(), n, m.end(), m.expand(repl))


class Texts:
    """Files' lines by path, read through the caller's ``text_of`` once each. One per run,
    shared by every finding's edits: a run fixes many findings in one big file or asks the
    same question of every file, and doing that again per finding made attaching the fixes
    quadratic in the configuration's size."""

    def __init__(self, text_of: TextOf) -> None:
        self.text_of = text_of
        self.cache: dict[str, Lines | None] = {}
        self.found: dict[tuple[tuple[str, ...], re.Pattern[str]], bool] = {}

    def __call__(self, path: str) -> Lines | None:
        if path not in self.cache:
            text = self.text_of(path)
            self.cache[path] = None if text is None else Lines(path, text.split("\n"), text)
        return self.cache[path]

    def search(self, paths: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
        """Does ``pattern`` match in any of the files ``paths`` (the configuration's files)?"""
        key = (paths, pattern)
        if key not in self.found:
            self.found[key] = any(x is not None and pattern.search(x.text) for x in map(self, paths))
        return self.found[key]


def hash_comment(line: str) -> int:
    """Where a ``#`` comment starts outside quotes (nginx, Apache, HAProxy all use ``#``);
    the line's length when there is none."""
    quote = ""
    escaped = False
    for i, c in enumerate(line):
        if escaped:
            escaped = False
            continue
        if c == "\\":
            escaped = True
            continue
        if quote:
            if c == quote:
                quote = ""
            continue
        if c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            return i
    return len(line)

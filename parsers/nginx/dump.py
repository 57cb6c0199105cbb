"""``nginx -T`` dumps and other configs that are not on disk (stdin).

``nginx -T`` prints every file it read, each after a ``# configuration file PATH:`` line,
the main config first, followed by one newline of its own. Splitting the dump back into
those files, each keeping its own line numbers, lets findings point at the original paths
and lines; the reader then resolves includes against these virtual files instead of the
disk of the machine running the linter (which may hold a different /etc/nginx).
"""

from __future__ import annotations

import fnmatch
import os
import re

_MARK = re.compile(r"^# configuration file (.+):$")
# what nginx -t/-T says on stderr, in case the dump was captured with 2>&1
_NGINX_SAYS = re.compile(r"^nginx: (the )?configuration file .* (syntax is ok|test is successful|test failed)$")


def is_dump(head: str) -> bool:
    """Does this text start like ``nginx -T`` output?"""
    for line in head.splitlines():
        if _NGINX_SAYS.match(line) or not line.strip():
            continue
        return bool(_MARK.match(line))
    return False


def split(text: str) -> dict[str, str]:
    """The files of a dump, in the order nginx read them (the main config first).

    Each file's text starts right after its marker line, so its line numbers are the
    original ones."""
    files: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        m = _MARK.match(line.rstrip("\r\n"))
        if m:
            current = files.setdefault(m.group(1), [])
            continue
        if current is None:
            continue  # nginx's own messages before the first file
        current.append(line)
    if files:
        last = files[next(reversed(files))]
        while last and (_NGINX_SAYS.match(last[-1].rstrip("\r\n")) or not last[-1].strip()):
            last.pop()
    return {path: "".join(lines) for path, lines in files.items()}


class VirtualFiles:
    """Files held in memory, optionally over the disk (stdin's relative includes are on
    disk; a dump holds every file nginx read, so it does not look at the disk)."""

    def __init__(self, sources: dict[str, str], disk: bool) -> None:
        self.sources = {os.path.normpath(os.path.abspath(p)): t for p, t in sources.items()}
        self.shown = {os.path.normpath(os.path.abspath(p)): p for p in sources}
        self.disk = disk

    def _key(self, path: str) -> str:
        return os.path.normpath(os.path.abspath(path))

    def text(self, path: str) -> str | None:
        return self.sources.get(self._key(path))

    def exists(self, path: str) -> bool:
        return self._key(path) in self.sources or (self.disk and os.path.exists(path))

    def isdir(self, path: str) -> bool:
        return self._key(path) not in self.sources and self.disk and os.path.isdir(path)

    def realpath(self, path: str) -> str:
        key = self._key(path)
        return key if key in self.sources or not self.disk else os.path.realpath(path)

    def glob(self, pattern: str) -> list[str]:
        """nginx's glob: ``*`` does not cross ``/``, matches sorted."""
        want = self._key(pattern).split(os.sep)
        names = [
            self.shown[k]
            for k in self.sources
            if len(k.split(os.sep)) == len(want)
            and all(fnmatch.fnmatchcase(a, b) for a, b in zip(k.split(os.sep), want, strict=False))
        ]
        if self.disk:
            import glob

            names += [n for n in glob.glob(pattern) if self._key(n) not in self.sources]
        return sorted(names)

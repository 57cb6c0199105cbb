"""nginx: read with crossplane, interpret into the proxy model.

Only the dialect object lives here; crossplane and the interpreter are imported when a
config is read, so detecting files costs no more than a few regular expressions."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from parsers.dialect import Dialect, Source

if TYPE_CHECKING:
    from linter.core.model import Advice, ProxyModel
    from linter.core.options import Options
    from linter.core.tree import ConfigTree


NAME = "nginx"
ASSUMED_VERSION = "1.22.1"


class Nginx(Dialect):
    name = NAME
    display = "nginx"
    version_name = "nginx"
    assumed_version = ASSUMED_VERSION
    file_patterns = (
        r"(^|/)nginx[^/]*\.conf$",
        r"\.nginx$",
        r"(^|/)nginx/(.+/)?[^/]+\.(conf|cfg|load)$",
        r"(^|/)(sites-available|sites-enabled)/[^/]+$",
        r"(^|/)(conf\.d|snippets)/[^/]+\.(conf|load)$",
    )

    def detect(self, path: str, head: str) -> int:
        return 1 if looks_like(path, head) else 0

    def entry_rank(self, path: str, head: str) -> int:
        return entry_rank(path, head)

    def read(self, source: Source, options: Options) -> ConfigTree:
        """A file on disk, stdin (its relative includes read from disk), or an ``nginx -T``
        dump, given or on disk (its files, with their own paths and lines)."""
        from linter.core.bounds import ReadLimit, read_head, read_text

        from .dump import VirtualFiles, is_dump, split
        from .read import read

        text = source.text
        if text is None:
            try:  # never blocking (a FIFO), never past the bounds: the reader reports what fails
                if is_dump(read_head(source.path, 4096).decode("utf-8", errors="replace")):
                    text = read_text(source.path)
            except (OSError, ReadLimit):
                pass
            if text is None:
                return read(source.path, None)
        name = source.path
        files = split(text) if is_dump(text[:4096]) else None
        if files:
            vfs = VirtualFiles(files, disk=False)
            name = next(iter(files))
        else:
            vfs = VirtualFiles({name: text}, disk=True)
        tree = read(name, vfs)
        for sf in tree.files:
            sf.text = vfs.text(sf.path)
        return tree

    def interpret(self, tree: ConfigTree, options: Options) -> ProxyModel:
        from .interpret import interpret

        return interpret(tree, options, consume=True)  # nothing reads the tree afterwards

    @property
    def advice(self) -> Advice:
        from .advice import NginxAdvice

        return NginxAdvice()


DIALECT = Nginx()


def entry_rank(path: str, head: str) -> int:
    """0: a main config (``http {}``/``events {}``, or named nginx.conf), 1: a file that
    includes others, 2: a plain fragment."""
    if re.search(r"^\s*(http|events)\s*\{", head, re.M) or os.path.basename(path) == "nginx.conf":
        return 0
    return 1 if re.search(r"^\s*include\s", head, re.M) else 2


def looks_like(path: str, head: str) -> bool:
    """Is this an nginx file? By name first, then by content."""
    from .dump import is_dump

    if is_dump(head):
        return True
    name = os.path.basename(path).lower()
    parent = os.path.basename(os.path.dirname(path)).lower()
    if "nginx" in name or "nginx" in path.lower().split(os.sep)[-3:-1]:
        return True
    if parent in ("sites-enabled", "sites-available", "conf.d", "snippets") and re.search(
        r"^\s*(server|location|upstream|proxy_pass|listen)\b[^\n]*[;{]", head, re.M
    ):
        return True
    return bool(
        re.search(r"^\s*(http|server|location|upstream|events)\s*[^\n;]*\{", head, re.M)
        and re.search(r";\s*(#.*)?$", head, re.M)
    )

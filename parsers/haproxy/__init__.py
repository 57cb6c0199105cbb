"""HAProxy: read line by line (pyparsing for quoted words), interpret into the proxy model.

Only the dialect object lives here: the reader is imported when a config is read, and
pyparsing only when a line needs it, so start-up for other dialects does not grow."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from parsers.dialect import Dialect, Source

if TYPE_CHECKING:
    from linter.core.model import Advice, ProxyModel
    from linter.core.options import Options
    from linter.core.tree import ConfigTree

NAME = "haproxy"
ASSUMED_VERSION = "2.6"

_SECTION = re.compile(r"^(global|defaults|frontend|backend|listen)\b[^{;]*$", re.M)
_NGINX_LINE_END = re.compile(r"[{;]\s*$", re.M)


class HAProxy(Dialect):
    name = NAME
    display = "HAProxy"
    version_name = "haproxy"
    assumed_version = ASSUMED_VERSION
    file_patterns = (
        r"(^|/)haproxy[^/]*\.cfg$",
        r"(^|/)haproxy/(.+/)?[^/]+\.(conf|cfg|load)$",
    )

    def detect(self, path: str, head: str) -> int:
        name = os.path.basename(path).lower()
        if name.startswith("haproxy") and name.endswith(".cfg"):
            return 3
        return 1 if _SECTION.search(head) and not _NGINX_LINE_END.search(head) else 0

    def entry_rank(self, path: str, head: str) -> int:
        """0: a main config (a ``global`` section, or named haproxy.cfg); 2: a section file."""
        if os.path.basename(path) == "haproxy.cfg" or re.search(r"^\s*global\s*(#.*)?$", head, re.M):
            return 0
        return 2

    def companions(self, given: list[tuple[str, int]]) -> dict[str, tuple[str, ...]]:
        """``haproxy -f main.cfg -f a.cfg -f b.cfg``: when exactly one of the HAProxy files
        given is a main config (a ``global`` section, or haproxy.cfg), the section files
        given with it (no global, no defaults) are read after it as one configuration.
        Several main configs given together are separate configurations, each linted alone."""
        mains = [p for p, rank in given if rank == 0]
        if len(mains) != 1:
            return {}
        extras = tuple(p for p, rank in given if rank != 0)
        return {mains[0]: extras} if extras else {}

    def read(self, source: Source, options: Options) -> ConfigTree:
        """The configuration from its entry point and the files given with it; for stdin
        (``source.text``) the whole configuration, as ``haproxy -f /dev/stdin`` reads it."""
        from .read import read

        return read(source.path, self.version(options), extra=source.companions, text=source.text)

    def interpret(self, tree: ConfigTree, options: Options) -> ProxyModel:
        from .interpret import interpret

        return interpret(tree, options, consume=True)

    @property
    def advice(self) -> Advice:
        from .advice import HAProxyAdvice

        return HAProxyAdvice()


DIALECT = HAProxy()

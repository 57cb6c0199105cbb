"""Apache httpd 2.4: read line by line (pyparsing for the arguments), interpret into the
proxy model. Only the dialect object lives here: the reader (and pyparsing) is imported
when an Apache file is actually read."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from parsers.dialect import Dialect, Source

if TYPE_CHECKING:
    from linter.core.model import Advice, ProxyModel
    from linter.core.options import Options
    from linter.core.tree import ConfigTree

NAME = "apache"
# Debian 12; Ubuntu 22.04/24.04 ship 2.4.52/2.4.58, all >= 2.4.47
ASSUMED_VERSION = "2.4.62"

_CONTENT = re.compile(
    r"^\s*(<VirtualHost\b|<Directory\b|<IfModule\b|LoadModule\s|ProxyPass\s|ServerRoot\s|"
    r"DocumentRoot\s|RewriteEngine\s)",
    re.M | re.I,
)


class Apache(Dialect):
    name = NAME
    display = "Apache"
    version_name = "httpd"
    assumed_version = ASSUMED_VERSION
    file_patterns = (
        r"(^|/)(httpd|apache2|apache)[^/]*\.conf$",
        r"(^|/)\.htaccess$",
        r"(^|/)(apache2|httpd)/(.+/)?[^/]+\.(conf|cfg|load)$",
        r"(^|/)(sites-available|sites-enabled)/[^/]+$",
        r"(^|/)(conf\.d|conf-available|conf-enabled|mods-available|mods-enabled)/[^/]+\.(conf|load)$",
    )

    def detect(self, path: str, head: str) -> int:
        name = os.path.basename(path).lower()
        if name in ("httpd.conf", "apache2.conf", ".htaccess") or name.endswith(".htaccess"):
            return 3
        return 2 if _CONTENT.search(head) else 0

    def entry_rank(self, path: str, head: str) -> int:
        """0: a main config (apache2.conf/httpd.conf, or one that loads modules or sets
        ServerRoot), 1: a file that includes others, 2: a fragment (a vhost file, a .load)."""
        name = os.path.basename(path).lower()
        if name in ("apache2.conf", "httpd.conf"):
            return 0
        if name.endswith(".load"):
            return 2
        if re.search(r"^\s*(ServerRoot|LoadModule)\s", head, re.MULTILINE | re.IGNORECASE):
            return 0
        return 1 if re.search(r"^\s*Include(Optional)?\s", head, re.MULTILINE | re.IGNORECASE) else 2

    def read(self, source: Source, options: Options) -> ConfigTree:
        """A file and what it includes; for stdin (``source.text``) a fragment or a whole
        config whose includes are read from disk relative to its ``ServerRoot``, or else to
        the directory of its name (the working directory for ``-``)."""
        from .interpret import DIRECTIVES_READ
        from .read import read

        return read(source.path, self.version(options) or ASSUMED_VERSION, text=source.text, keep=DIRECTIVES_READ)

    def interpret(self, tree: ConfigTree, options: Options) -> ProxyModel:
        from .interpret import interpret

        return interpret(tree, options, consume=True)

    @property
    def advice(self) -> Advice:
        from .advice import ApacheAdvice

        return ApacheAdvice()


DIALECT = Apache()

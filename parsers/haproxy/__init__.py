"""HAProxy: read line by line (pyparsing for quoted words), interpret into the proxy model.

pyparsing is imported only when a line needs it, so start-up for other dialects does not
grow."""

from __future__ import annotations

import os
import re

from linter.model import ProxyModel
from linter.options import Options

NAME = "haproxy"

_SECTION = re.compile(r"^\s*(global|defaults|frontend|backend|listen)\b", re.M)


def load(path: str, options: Options) -> ProxyModel:
    from .interpret import interpret
    from .read import read

    return interpret(read(path, options.proxy_versions.get("haproxy")), options)


def entry_rank(path: str, head: str) -> int:
    """0: a main config (a ``global`` section, or named haproxy.cfg); 2: a section file."""
    if os.path.basename(path) == "haproxy.cfg" or re.search(r"^\s*global\s*(#.*)?$", head, re.M):
        return 0
    return 2


def looks_like(path: str, head: str) -> bool:
    """Is this an HAProxy file? Its sections, with no nginx braces or semicolons."""
    return bool(_SECTION.search(head)) and not re.search(r"[{;]\s*$", head, re.M)

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
    return _load(path, options, None)


def load_text(name: str, text: str, options: Options) -> ProxyModel:
    """A config that is not on disk (stdin, shown as ``name``): the whole configuration."""
    return _load(name, options, text)


def _load(path: str, options: Options, text: str | None) -> ProxyModel:
    from .interpret import interpret
    from .read import read

    tree = read(path, options.proxy_versions.get("haproxy"), extra=options.companions.get(path, ()), text=text)
    model = interpret(tree, options, consume=True)
    model.sources = tree.files  # comments (suppressions) and file list for the runner
    return model


def companions(candidates: list[tuple[str, int]]) -> dict[str, tuple[str, ...]]:
    """``haproxy -f main.cfg -f a.cfg -f b.cfg``: when exactly one of the HAProxy files given
    is a main config (a ``global`` section, or haproxy.cfg), the section files given with it
    (no global, no defaults) are read after it as one configuration. Several main configs
    given together are separate configurations, each linted alone."""
    mains = [p for p, rank in candidates if rank == 0]
    if len(mains) != 1:
        return {}
    extras = tuple(p for p, rank in candidates if rank != 0)
    return {mains[0]: extras} if extras else {}


def entry_rank(path: str, head: str) -> int:
    """0: a main config (a ``global`` section, or named haproxy.cfg); 2: a section file."""
    if os.path.basename(path) == "haproxy.cfg" or re.search(r"^\s*global\s*(#.*)?$", head, re.M):
        return 0
    return 2


def looks_like(path: str, head: str) -> bool:
    """Is this an HAProxy file? Its sections, with no nginx braces or semicolons."""
    return bool(_SECTION.search(head)) and not re.search(r"[{;]\s*$", head, re.M)

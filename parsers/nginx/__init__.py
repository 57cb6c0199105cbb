"""nginx: read with crossplane, interpret into the proxy model."""

from __future__ import annotations

import gc

from linter.model import ProxyModel
from linter.options import Options

from .interpret import interpret
from .read import read

NAME = "nginx"


def load(path: str, options: Options) -> ProxyModel:
    # Reading builds hundreds of thousands of small objects that all stay alive (tokens,
    # nodes, model): the cyclic collector would rescan them again and again for nothing
    # (a quarter of the interpreter's time at 1,000 sites). Paused for the load only.
    paused = gc.isenabled()
    gc.disable()
    try:
        return interpret(read(path), options)
    finally:
        if paused:
            gc.enable()


def entry_rank(path: str, head: str) -> int:
    """0: a main config (``http {}``/``events {}``, or named nginx.conf), 1: a file that
    includes others, 2: a plain fragment."""
    import os
    import re

    if re.search(r"^\s*(http|events)\s*\{", head, re.M) or os.path.basename(path) == "nginx.conf":
        return 0
    return 1 if re.search(r"^\s*include\s", head, re.M) else 2


def looks_like(path: str, head: str) -> bool:
    """Is this an nginx file? By name first, then by content."""
    import os
    import re

    name = os.path.basename(path).lower()
    parent = os.path.basename(os.path.dirname(path)).lower()
    if "nginx" in name or "nginx" in path.lower().split(os.sep)[-3:-1]:
        return True
    if parent in ("sites-enabled", "sites-available", "conf.d", "snippets") and re.search(
            r"^\s*(server|location|upstream|proxy_pass|listen)\b[^\n]*[;{]", head, re.M):
        return True
    return bool(re.search(r"^\s*(http|server|location|upstream|events)\s*[^\n;]*\{", head, re.M)
                and re.search(r";\s*(#.*)?$", head, re.M))

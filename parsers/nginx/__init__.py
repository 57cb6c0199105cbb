"""nginx: read with crossplane, interpret into the proxy model."""

from __future__ import annotations

from linter.model import ProxyModel
from linter.options import Options

from .interpret import interpret
from .read import read

NAME = "nginx"


def load(path: str, options: Options) -> ProxyModel:
    from linter.bounds import ReadLimit, read_head, read_text

    from .dump import is_dump

    try:  # never blocking (a FIFO), never past the bounds: the reader reports what fails
        head = read_head(path, 4096).decode("utf-8", errors="replace")
        if is_dump(head):
            return load_text(path, read_text(path), options)
    except (OSError, ReadLimit):
        pass
    return _load(path, None, options)


def load_text(name: str, text: str, options: Options) -> ProxyModel:
    """A config that is not on disk: stdin (shown as ``name``; its relative includes are
    read from disk), or an ``nginx -T`` dump (its files, with their own paths and lines)."""
    from .dump import VirtualFiles, is_dump, split

    if is_dump(text[:4096]):
        files = split(text)
        if files:
            vfs = VirtualFiles(files, disk=False)
            name = next(iter(files))
        else:
            vfs = VirtualFiles({name: text}, disk=True)
    else:
        vfs = VirtualFiles({name: text}, disk=True)
    model = _load(name, vfs, options)
    for sf in model.sources:
        sf.text = vfs.text(sf.path)
    return model


def _load(path: str, vfs, options: Options) -> ProxyModel:
    tree = read(path, vfs)
    model = interpret(tree, options, consume=True)  # nothing reads the tree afterwards
    model.sources = tree.files  # comments (suppressions) and file list for the runner
    return model



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

    from .dump import is_dump

    if is_dump(head):
        return True
    name = os.path.basename(path).lower()
    parent = os.path.basename(os.path.dirname(path)).lower()
    if "nginx" in name or "nginx" in path.lower().split(os.sep)[-3:-1]:
        return True
    if parent in ("sites-enabled", "sites-available", "conf.d", "snippets") and re.search(
            r"^\s*(server|location|upstream|proxy_pass|listen)\b[^\n]*[;{]", head, re.M):
        return True
    return bool(re.search(r"^\s*(http|server|location|upstream|events)\s*[^\n;]*\{", head, re.M)
                and re.search(r";\s*(#.*)?$", head, re.M))

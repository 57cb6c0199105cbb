"""Path patterns of the settings (``exclude``, per-file ``dialects``), as the engine applies
them while it walks the inputs."""

from __future__ import annotations

import fnmatch
import os


def anchor(pattern: str, base: str) -> str:
    """A pattern with a ``/`` is relative to ``base`` (the settings file's directory); a bare
    one (``*.bak``) matches a file or directory name anywhere."""
    if "/" not in pattern.rstrip("/"):
        return pattern.rstrip("/")
    return os.path.normpath(os.path.join(base, pattern))


def matches(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Does ``path`` (or a directory it is in) match one of the anchored ``patterns``?"""
    full = os.path.abspath(path)
    parts = full.split(os.sep)
    for pat in patterns:
        if os.path.isabs(pat):
            if fnmatch.fnmatchcase(full, pat) or fnmatch.fnmatchcase(full, pat + os.sep + "*"):
                return True
        elif any(fnmatch.fnmatchcase(part, pat) for part in parts):
            return True
    return False

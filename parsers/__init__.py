"""Dialect front ends. Each package here reads its dialect into the common tree and
interprets it into the proxy model; nothing outside ``parsers/`` knows a dialect's words."""

from __future__ import annotations

import os
import re
from typing import Callable

from linter.model import ProxyModel
from linter.options import Options

DIALECTS = ("nginx", "apache", "haproxy")
SUPPORTED = ("nginx", "apache", "haproxy")

_APACHE = re.compile(r"^\s*(<VirtualHost\b|<Directory\b|<IfModule\b|LoadModule\s|ProxyPass\s|ServerRoot\s|"
                     r"DocumentRoot\s|RewriteEngine\s)", re.M | re.I)
_HAPROXY = re.compile(r"^(global|defaults|frontend|backend|listen)\b[^{;]*$", re.M)


def detect(path: str, head: str) -> str | None:
    """The dialect of a file: by name first, then by content; None when it is no proxy config."""
    name = os.path.basename(path).lower()
    if name in ("httpd.conf", "apache2.conf", ".htaccess") or name.endswith(".htaccess"):
        return "apache"
    if name.startswith("haproxy") and name.endswith(".cfg"):
        return "haproxy"
    from . import nginx  # (after the names: an haproxy.cfg does not import the nginx reader)

    if nginx.looks_like(path, head):
        if not _APACHE.search(head):
            return "nginx"
    if _APACHE.search(head):
        return "apache"
    if _HAPROXY.search(head) and not re.search(r"[{;]\s*$", head, re.M):
        return "haproxy"
    return None


def entry_rank(dialect: str, path: str, head: str) -> int:
    """0: a whole configuration, 1: a file that includes others, 2: anything else."""
    if dialect == "nginx":
        from . import nginx

        return nginx.entry_rank(path, head)
    if dialect == "apache":
        from . import apache

        return apache.entry_rank(path, head)
    if dialect == "haproxy":
        from . import haproxy

        return haproxy.entry_rank(path, head)
    return 2


def companions(candidates) -> dict[str, tuple[str, ...]]:
    """Files given together that one entry point reads as one configuration (see
    ``haproxy.companions``); other dialects follow includes instead."""
    given = [(c.path, c.rank) for c in candidates if c.dialect == "haproxy"]
    if not given:
        return {}
    from . import haproxy

    return haproxy.companions(given)


def loader(dialect: str) -> Callable[[str, Options], ProxyModel] | None:
    if dialect == "nginx":
        from . import nginx

        return nginx.load
    if dialect == "apache":
        from . import apache

        return apache.load
    if dialect == "haproxy":
        from . import haproxy

        return haproxy.load
    return None


def text_loader(dialect: str) -> Callable[[str, str, Options], ProxyModel] | None:
    """A loader for a config that is not on disk: ``load(name, text, options)``."""
    if dialect == "nginx":
        from . import nginx

        return nginx.load_text
    if dialect == "apache":
        from . import apache

        return apache.load_text
    if dialect == "haproxy":
        from . import haproxy

        return haproxy.load_text
    return None

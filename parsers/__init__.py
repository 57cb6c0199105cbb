"""The dialect registry. Each package here reads one proxy's configs into the common tree
and interprets it into the proxy model, and declares itself as a ``Dialect``
(``parsers/dialect.py``); nothing outside ``parsers/`` knows a dialect's words, and what
depends on which dialects exist asks this registry.

The built-in dialects are the packages of this directory that define ``DIALECT``, in the
order of ``ORDER`` (detection ties go to the first); ``register`` adds one more (a plugin,
or a test's toy dialect).
"""

from __future__ import annotations

import importlib
import os

from parsers.dialect import Dialect, Source

__all__ = ["Dialect", "Source", "detect", "dialects", "get", "names", "register", "unregister"]

# detection prefers the earlier dialect when two are equally sure
ORDER = ("nginx", "apache", "haproxy")

_REGISTRY: dict[str, Dialect] | None = None


def _builtin() -> dict[str, Dialect]:
    here = os.path.dirname(__file__)
    found = sorted(
        e.name
        for e in os.scandir(here)
        if e.is_dir() and not e.name.startswith(("_", ".")) and os.path.isfile(os.path.join(e.path, "__init__.py"))
    )
    found.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    out: dict[str, Dialect] = {}
    for pkg in found:
        d = getattr(importlib.import_module(f"parsers.{pkg}"), "DIALECT", None)
        if isinstance(d, Dialect):
            out[d.name] = d
    return out


def _registry() -> dict[str, Dialect]:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _builtin()
    return _REGISTRY


def register(dialect: Dialect) -> None:
    """Add a dialect (after the built-in ones); its name must be new."""
    reg = _registry()
    if dialect.name in reg:
        raise ValueError(f"dialect {dialect.name!r} is already registered")
    reg[dialect.name] = dialect


def unregister(name: str) -> None:
    _registry().pop(name, None)


def dialects() -> tuple[Dialect, ...]:
    """Every registered dialect, in detection order."""
    return tuple(_registry().values())


def names() -> tuple[str, ...]:
    return tuple(_registry())


def get(name: str) -> Dialect | None:
    return _registry().get(name)


def detect(path: str, head: str) -> Dialect | None:
    """The dialect of a file, by name and content; None when it is no proxy config."""
    best: Dialect | None = None
    score = 0
    for d in _registry().values():
        s = d.detect(path, head)
        if s > score:
            best, score = d, s
            if s >= 3:  # a name only this proxy uses
                break
    return best

"""One runner per proxy dialect (see base.py): every module here that defines ``RUNNER``.
``RUNNERS`` maps a samples/ directory name (the dialect's name) to its runner, so a new
proxy's live runner is one new module here, found without an edit elsewhere. ``BUILDS``
maps the same names to every installed build of that proxy (Debian's first, then the pinned
newer ones of scripts/proxies-requirements.txt), each its own runner."""

from __future__ import annotations

import importlib
import pkgutil

from .base import Runner


def _discover() -> dict[str, Runner]:
    found: dict[str, Runner] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base":
            continue
        runner = getattr(importlib.import_module(f"{__name__}.{info.name}"), "RUNNER", None)
        if isinstance(runner, Runner):
            found[runner.dialect] = runner
    return found


RUNNERS: dict[str, Runner] = _discover()


BUILDS: dict[str, list[Runner]] = {name: runner.builds() for name, runner in RUNNERS.items()}

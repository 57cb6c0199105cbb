"""The engine: discover configs, load them through the dialect registry, run the selected
checks, apply suppressions and the roots focus. One ``lint()`` for every caller:

    from linter.engine import Selection, lint

    report = lint(["conf/nginx.conf"], Options(), selection=Selection(ignore=frozenset({"WSP401"})))

``lint`` loads on first use, so that importing a light module of the engine (``result``,
for the reporters; ``registry``, for ``rules``) does not load the readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.engine.result import Report
from linter.engine.selection import Selection

if TYPE_CHECKING:
    from linter.engine.linting import lint

__all__ = ["Report", "Selection", "lint"]


def __getattr__(name: str) -> Any:
    if name == "lint":
        from linter.engine.linting import lint

        return lint
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

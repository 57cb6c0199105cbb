"""Rule documentation: what a rule is, written once.

Each module in ``checks/`` declares one ``RULE = Rule(...)`` and a ``check(plans)``
generator. The same ``Rule`` feeds ``wsproxylint rules``, the JSON/SARIF help text and the
generated docs, so a rule is documented in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.core.findings import Finding
    from linter.core.plan import PlanSet


@dataclass(slots=True, frozen=True)
class Example:
    """A broken snippet a rule flags and its fixed form: shown by `rules`, the docs and SARIF, and tested."""

    bad: str
    good: str


@dataclass(slots=True, frozen=True)
class Rule:
    """A rule's documentation, written once: `rules`, `explain`, SARIF help and docs/rules.md all read it."""

    id: str
    name: str
    severity: str  # default severity when the verdict is certain
    summary: str
    why: str
    fix: str
    console: str  # the console error(s) the user sees
    versions: str = "all versions"
    # symptoms (contract vocabulary) its findings may carry beyond those ``console`` names,
    # e.g. where the status differs per proxy; ``wsproxylint explain`` files the rule under each
    symptoms: tuple[str, ...] = ()
    # Which proxies a rule applies to, and its bad/good example in each, are the dialects'
    # to say (``Dialect.examples``/``inexpressible``, read through the engine's registry):
    # a new proxy brings its own examples without an edit here or in checks/.


CheckFn = Callable[["PlanSet"], Iterator["Finding"]]


@dataclass(slots=True, frozen=True)
class RegisteredCheck:
    """A rule and its check function, as found in checks/."""

    rule: Rule
    run: CheckFn

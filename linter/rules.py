"""Rule documentation and the registry of checks.

Each module in ``checks/`` declares one ``RULE = Rule(...)`` and a ``check(plans)``
generator. The same ``Rule`` feeds ``wsproxylint rules``, the JSON/SARIF help text and the
generated docs, so a rule is documented in exactly one place.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from .findings import Finding
    from .plan import PlanSet


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
    # per dialect: a broken snippet this rule flags and its fixed form
    examples: dict[str, Example] = field(default_factory=dict)
    # symptoms (contract vocabulary) its findings may carry beyond those ``console`` names,
    # e.g. where the status differs per proxy; ``wsproxylint explain`` files the rule under each
    symptoms: tuple[str, ...] = ()
    # the dialects that can express the broken setup at all (each needs an example); e.g. an
    # nginx ``listen`` always opens its port, so a never-opened listener is not nginx's
    dialects: tuple[str, ...] = ("nginx", "apache", "haproxy")


CheckFn = Callable[["PlanSet"], Iterator["Finding"]]


@dataclass(slots=True, frozen=True)
class RegisteredCheck:
    """A rule and its check function, as found in checks/."""

    rule: Rule
    run: CheckFn


_REGISTRY: list[RegisteredCheck] | None = None


def all_checks() -> list[RegisteredCheck]:
    """Every check module in ``checks/``, ordered by rule id."""
    global _REGISTRY
    if _REGISTRY is None:
        import checks

        found: list[RegisteredCheck] = []
        names = sorted({e.name[:-3] for d in checks.__path__ for e in os.scandir(d)
                        if e.name.endswith(".py") and not e.name.startswith("_")})
        for name in names:
            mod = importlib.import_module(f"checks.{name}")
            rule = getattr(mod, "RULE", None)
            run = getattr(mod, "check", None)
            if isinstance(rule, Rule) and callable(run):
                found.append(RegisteredCheck(rule, run))
        found.sort(key=lambda c: c.rule.id)
        ids = [c.rule.id for c in found]
        if len(ids) != len(set(ids)):
            raise RuntimeError(f"duplicate rule ids in checks/: {ids}")
        _REGISTRY = found
    return _REGISTRY


def all_rules() -> list[Rule]:
    return [c.rule for c in all_checks()]


def find_rule(key: str) -> Rule | None:
    key = key.strip()
    for r in all_rules():
        if key.upper() == r.id or key.lower() == r.name:
            return r
    return None

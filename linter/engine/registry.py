"""The registry of checks: every module in ``checks/`` with a ``RULE`` and a ``check(plans)``.

Loaded once per process, on first use, so a command that needs no rule pays nothing.
"""

from __future__ import annotations

import importlib
import os

from linter.core.rules import Example, RegisteredCheck, Rule

_REGISTRY: list[RegisteredCheck] | None = None


def all_checks() -> list[RegisteredCheck]:
    """Every check module in ``checks/``, ordered by rule id."""
    global _REGISTRY
    if _REGISTRY is None:
        import checks

        found: list[RegisteredCheck] = []
        names = sorted(
            {
                e.name[:-3]
                for d in checks.__path__
                for e in os.scandir(d)
                if e.name.endswith(".py") and not e.name.startswith("_")
            }
        )
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


def applies_to(rule: Rule) -> tuple[str, ...]:
    """The dialects a rule is about: every registered one that does not declare the rule's
    broken setup inexpressible in its syntax."""
    import parsers

    return tuple(d.name for d in parsers.dialects() if rule.id not in d.inexpressible())


def examples_of(rule: Rule) -> dict[str, Example]:
    """The rule's bad/good example in each dialect that has one, in registry order."""
    import parsers

    return {d.name: ex for d in parsers.dialects() if (ex := d.examples().get(rule.id)) is not None}

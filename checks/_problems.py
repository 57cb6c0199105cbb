"""Turn model-level configuration problems of one kind into findings."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import CONFIG_REJECTED, Finding, Related
from linter.core.plan import PlanSet
from linter.core.rules import Rule


def problems_of(plans: PlanSet, rule: Rule, kind: str, fix_key: str) -> Iterator[Finding]:
    for p in plans.problems:
        if p.kind != kind:
            continue
        yield plans.finding(
            rule,
            p.loc,
            p.message if p.certain else f"{p.message} (cannot be certain from what was read)",
            symptom=CONFIG_REJECTED,
            fix=p.fix or plans.model.advice.fix(fix_key),
            severity=None if p.certain else "info",
            related=[Related(loc, msg) for loc, msg in p.related],
        )

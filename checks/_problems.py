"""Turn model-level configuration problems of one kind into findings."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import CONFIG_REJECTED

from ._common import finding


def problems_of(plans: PlanSet, rule: Rule, kind: str, fix: Fix) -> Iterator[Finding]:
    for p in plans.problems:
        if p.kind != kind:
            continue
        yield finding(
            plans,
            rule,
            p.loc,
            p.message if p.certain else f"{p.message} (cannot be certain from what was read)",
            symptom=CONFIG_REJECTED,
            fix=p.fix or fix,
            severity=p.severity or (None if p.certain else "info"),
            related=[Related(loc, msg) for loc, msg in p.related],
        )

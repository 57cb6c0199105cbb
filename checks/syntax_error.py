"""WSP001: the config does not parse."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule

from ._problems import problems_of

RULE = Rule(
    id="WSP001",
    name="syntax-error",
    severity="error",
    summary="The proxy cannot parse this configuration.",
    why=(
        "A config that does not parse is never loaded: a reload keeps the old config (so the fix "
        "never takes effect) and a start fails outright. Nothing else in the file can be trusted "
        "until it parses."
    ),
    fix="Correct the syntax at the reported line.",
    console="None directly: the proxy keeps its old config, or is down (net::ERR_CONNECTION_REFUSED)",
)


def check(plans: PlanSet) -> Iterator[Finding]:
    yield from problems_of(plans, RULE, "syntax", Fix.FIX_SYNTAX)

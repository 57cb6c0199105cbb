"""WSP002: an include that cannot be followed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule

from ._problems import problems_of

RULE = Rule(
    id="WSP002",
    name="include-unresolved",
    severity="error",
    summary="An included file is missing, or includes form a cycle.",
    why=(
        "The proxy refuses to load a config whose literal include is missing or that includes "
        "itself. What the missing file would have set (often the websocket headers) is unknown, "
        "so verdicts about that route are weaker."
    ),
    fix="Make the include resolve as the proxy resolves it, or lint from the main config.",
    console="None directly: the proxy keeps its old config, or is down (net::ERR_CONNECTION_REFUSED)",
)


def check(plans: PlanSet) -> Iterator[Finding]:
    yield from problems_of(plans, RULE, "include", Fix.FIX_INCLUDE)

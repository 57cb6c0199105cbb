"""WSP004: a fragment's verdicts rest on something only the whole configuration decides."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.plan import PlanSet
from linter.core.rules import Rule

from ._common import finding

RULE = Rule(
    id="WSP004",
    name="fragment-assumption",
    severity="warning",
    summary="A fragment holds a section whose effect only the whole configuration decides (e.g. which modules load).",
    why=(
        "A single site file does not say which modules the server loads. A section in it that applies only when "
        "a module is loaded (Apache's `<IfModule>`) may be skipped on the real server, and the websocket lines in "
        "it with it: the verdicts given for the fragment rest on an assumption, and the handshake may fail where "
        "the linter saw nothing wrong."
    ),
    fix="Lint the fragment together with the main configuration that includes it, or drop the condition.",
    console="None of its own: the handshake goes as the lines the real server reads decide",
    versions="all versions",
    # a skipped section that held the websocket's ProxyPass leaves the URL unproxied
    symptoms=("status:404",),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    if not plans.plans:
        return  # no site here fronts FAS: no websocket verdict rests on the assumption
    for p in plans.problems:
        if p.kind == "assumed":
            yield finding(
                plans,
                RULE,
                p.loc,
                p.message,
                symptom=None,
                fix=p.fix or RULE.fix,
                related=[Related(loc, msg) for loc, msg in p.related],
            )

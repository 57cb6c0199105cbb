"""WSP101: the Upgrade header does not reach FAS."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, header_gap

RULE = Rule(
    id="WSP101",
    name="upgrade-not-forwarded",
    severity="error",
    summary="The websocket route does not send `Upgrade: websocket` to FAS.",
    why=(
        "Upgrade is a hop-by-hop header: a proxy drops it unless told to pass it. FAS then sees "
        "a plain GET on the websocket URL and answers 302, which the browser reports as an "
        "unexpected response code."
    ),
    fix="Forward the client's Upgrade header on every route that carries a websocket URL.",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions=(
        "All nginx versions (Upgrade is never passed by default). Apache httpd >= 2.4.47: mod_proxy_http "
        "forwards Upgrade only on a ws://, wss:// or `upgrade=websocket` worker; before 2.4.47 only "
        "mod_proxy_wstunnel's ws:// workers upgrade. `RequestHeader unset Upgrade` disables it on any version. "
        "HAProxy in `mode http` forwards it by "
        "itself; only a rule that removes or replaces it breaks the handshake."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        gap = header_gap(plan, "Upgrade", lambda v: "websocket" in v.lower(), "websocket")
        if gap is None:
            continue
        yield finding(
            plans,
            RULE,
            gap.loc,
            gap.message,
            symptom=status(302),
            fix=Fix.REPEAT_INHERITED if gap.inherited else Fix.FORWARD_UPGRADE,
            plan=plan,
            related=gap.related,
            unseen="warning" if gap.absent else None,
            fix_setting=gap.op,
            fix_inherited=gap.in_force,
        )

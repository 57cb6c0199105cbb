"""WSP102: FAS does not receive `Connection: upgrade`."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.resolve import tokens
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, header_gap

RULE = Rule(
    id="WSP102",
    name="connection-upgrade-not-forwarded",
    severity="error",
    summary="The websocket route does not send a Connection header with the `upgrade` token to FAS.",
    why=(
        "Without `Connection: upgrade` the Upgrade header means nothing: FAS treats the request as "
        "a plain GET and answers 302. Proxies replace Connection by default (`close`, or nothing), "
        "and a map that yields something other than `upgrade` for a websocket request does the same."
    ),
    fix="Send `Connection: upgrade` for websocket requests (a map on the Upgrade header keeps `close` for the others).",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions=(
        "nginx < 1.29.7 sends `Connection: close` by default, nginx >= 1.29.7 sends none; "
        "both break the handshake unless Connection is set."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        gap = header_gap(plan, "Connection", lambda v: "upgrade" in tokens(v), "upgrade")
        if gap is None:
            continue
        yield finding(
            plans,
            RULE,
            gap.loc,
            gap.message,
            symptom=status(302),
            fix=Fix.REPEAT_INHERITED if gap.inherited else Fix.FORWARD_CONNECTION,
            plan=plan,
            related=gap.related,
            unseen="warning" if gap.absent else None,
            fix_setting=gap.op,
            fix_inherited=gap.in_force,
        )

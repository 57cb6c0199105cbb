"""WSP304: an access rule answers the websocket URL instead of FAS (deny, Require, auth)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, route_label

RULE = Rule(
    id="WSP304",
    name="ws-path-denied",
    severity="error",
    summary="An access rule (deny, Require, http-request deny/auth) answers a websocket URL itself.",
    why=(
        "Access rules run before the request is proxied. A rule that refuses every client (nginx "
        "`deny all`, Apache `Require all denied`, an unconditional HAProxy `http-request deny`) "
        "answers 403 to the upgrade. One that lets in only some networks (`allow 10.0.0.0/8; deny "
        "all;`, `Require ip ...`) breaks the call for every client outside them: customers on the "
        "internet get 403. Authentication (`auth_basic`, `Require valid-user`, `http-request auth`) "
        "answers 401: the browser's WebSocket API cannot supply credentials, so only a browser that "
        "already holds them for this host from a page behind the same realm gets through."
    ),
    fix="Open the websocket URLs to the clients that use them, or move the rule to the pages it is meant for.",
    console="Error during WebSocket handshake: Unexpected response code: 403 (401 for authentication)",
    symptoms=("status:401", "status:500"),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        for rule in plan.refusals:
            where = route_label(plan)
            if rule is plan.denied:
                msg = f"`{rule.text}` in {where} answers {rule.status} to every client's {plan.ws_path} upgrade"
                severity = None
            elif rule.decided_elsewhere:
                msg = (
                    f"`{rule.text}` in {where} decides the {plan.ws_path} upgrade outside this config: "
                    f"only {rule.admits}"
                )
                severity = "warning"
            elif rule.only_when:
                msg = (
                    f"`{rule.text}` in {where} answers {rule.status} to the {plan.ws_path} upgrade of the clients "
                    f"for which `{rule.only_when}` holds"
                )
                severity = "warning"
            else:
                msg = (
                    f"`{rule.text}` in {where} answers {rule.status} to the {plan.ws_path} upgrade of every "
                    f"client except {rule.admits}"
                )
                severity = "warning"
            yield finding(
                plans,
                RULE,
                rule.loc,
                msg,
                symptom=status(rule.status),
                fix=Fix.OPEN_WS_ACCESS,
                plan=plan,
                severity=severity,
            )

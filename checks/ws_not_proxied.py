"""WSP301: a websocket URL is not proxied to FAS."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.model import ProxyAction, Respond, ServeLocal
from linter.core.plan import PlanSet
from linter.core.resolve import same_target
from linter.core.rules import Rule
from linter.core.symptoms import RESET, status

from ._common import REDIRECTS, finding, route_label

RULE = Rule(
    id="WSP301",
    name="ws-path-not-proxied",
    severity="error",
    summary="A websocket URL (Gateway or Live Assist topic) is served by the proxy itself or sent elsewhere.",
    why=(
        "FAS needs both websocket URLs, /gateway/websocketcall and /assistserver/topic, routed to it. "
        "A URL the proxy serves from files answers 404; one that falls into another application's "
        "route gets whatever that application answers."
    ),
    fix="Route every websocket URL to FAS with the websocket settings.",
    console="Error during WebSocket handshake: Unexpected response code: 404 (or 'Sec-WebSocket-Accept' "
    "header is missing)",
    symptoms=("status:403", "status:500", "status:503", "reset"),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        action = plan.action
        if plan.denied is not None:
            continue  # an access rule answers: WSP304 says which
        if isinstance(action, ServeLocal):
            if plan.route is None:
                msg = f"no route of {plan.site.label} matches {plan.ws_path}: the proxy serves it itself"
            else:
                msg = f"{plan.ws_path} lands in {route_label(plan)}, which serves {action.what}, not FAS"
            yield finding(plans, RULE, action.loc, msg, symptom=status(action.status), fix=Fix.ROUTE_WS, plan=plan)
        elif isinstance(action, Respond) and action.status not in REDIRECTS:
            symptom = RESET if action.drop else status(action.status or 500)
            what = "drops the connection" if action.drop else f"answers {action.status} itself"
            msg = f"{plan.ws_path} lands in {route_label(plan)}, which {what} instead of proxying to FAS"
            if action.reason:
                msg += f" ({action.reason})"
            yield finding(plans, RULE, action.loc, msg, symptom=symptom, fix=Fix.ROUTE_WS, plan=plan)
        elif isinstance(action, ProxyAction) and action.backend is not None:
            fas = plans.fas_backends(plan.site)
            if fas and not any(same_target(action.backend, b) for b in fas):
                names = ", ".join(b.name for b in fas)
                yield finding(
                    plans,
                    RULE,
                    action.loc,
                    f"{plan.ws_path} lands in {route_label(plan)} and goes to {action.backend.name}, not to the "
                    f"FAS backend ({names}) the other FAS URLs use; that backend answers instead of FAS",
                    symptom=status(404),
                    fix=Fix.ROUTE_WS,
                    plan=plan,
                    related=[Related(b.loc, f"FAS backend {b.name}") for b in fas if b.loc],
                )

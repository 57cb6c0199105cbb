"""WSP101: the Upgrade header does not reach FAS."""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, Related, status
from linter.plan import PlanSet
from linter.rules import Example, Rule

from ._examples import NGINX_GOOD

from ._common import first_loc, route_label, unseen_note, where

RULE = Rule(
    id="WSP101",
    name="upgrade-not-forwarded",
    severity="error",
    summary="The websocket route does not send `Upgrade: websocket` to FAS.",
    why=("Upgrade is a hop-by-hop header: a proxy drops it unless told to pass it. FAS then sees "
         "a plain GET on the websocket URL and answers 302, which the browser reports as an "
         "unexpected response code."),
    fix="Forward the client's Upgrade header on every route that carries a websocket URL.",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions="All nginx versions (Upgrade is never passed by default).",
    examples={
        "nginx": Example(
            bad="location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n}\n",
            good=NGINX_GOOD,
        ),
    },
)


def check(plans: PlanSet) -> Iterator[Finding]:
    advice = plans.model.advice
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None:
            continue
        sent = plan.sent.get("upgrade")
        if sent is not None and (sent.value is None or "websocket" in sent.value.lower()):
            continue
        related: list[Related] = []
        up = proxy.upstream
        shadowed = [op for op in up.shadowed if op.name.lower() == "upgrade"]
        fix = advice.fix("forward-upgrade", where=where(plan))
        if sent is not None:
            loc = first_loc(sent.op.loc if sent.op else None, proxy.loc)
            msg = f"Upgrade is sent to the backend as {sent.value!r}, not 'websocket', on {route_label(plan)}"
        elif "upgrade" in plan.removed:
            op = plan.removed["upgrade"]
            loc = first_loc(op.loc, proxy.loc)
            msg = f"{route_label(plan)} empties or removes the Upgrade header before it reaches the backend"
        elif shadowed:
            loc = first_loc(up.ops_loc, proxy.loc)
            msg = f"Upgrade is not sent upstream on {route_label(plan)}: {up.shadow_reason}"
            related = [Related(op.loc, "Upgrade set here, not inherited") for op in shadowed if op.loc]
            fix = advice.fix("repeat-inherited", where=where(plan))
        else:
            loc = proxy.loc
            msg = f"{route_label(plan)} proxies {plan.ws_path} without forwarding the Upgrade header"
        note, extra = unseen_note(plan) if not related and sent is None and "upgrade" not in plan.removed \
            else ("", [])
        yield plans.finding(RULE, loc, msg + note, symptom=status(302), fix=fix, plan=plan,
                            related=related + extra, severity="warning" if note else None)

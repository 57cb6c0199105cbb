"""WSP102: FAS does not receive `Connection: upgrade`."""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, Related, status
from linter.plan import PlanSet
from linter.resolve import tokens
from linter.rules import Example, Rule

from ._examples import NGINX_GOOD

from ._common import first_loc, route_label, unseen_note, where

RULE = Rule(
    id="WSP102",
    name="connection-upgrade-not-forwarded",
    severity="error",
    summary="The websocket route does not send a Connection header with the `upgrade` token to FAS.",
    why=("Without `Connection: upgrade` the Upgrade header means nothing: FAS treats the request as "
         "a plain GET and answers 302. Proxies replace Connection by default (`close`, or nothing), "
         "and a map that yields something other than `upgrade` for a websocket request does the same."),
    fix="Send `Connection: upgrade` for websocket requests (a map on the Upgrade header keeps `close` "
        "for the others).",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions=("nginx < 1.29.7 sends `Connection: close` by default, nginx >= 1.29.7 sends none; "
              "both break the handshake unless Connection is set."),
    examples={
        "nginx": Example(
            bad=("location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n"
                 "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"\";\n}\n"),
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
        sent = plan.sent.get("connection")
        if sent is not None and (sent.value is None or "upgrade" in tokens(sent.value)):
            continue
        up = proxy.upstream
        related: list[Related] = []
        shadowed = [op for op in up.shadowed if op.name.lower() == "connection"]
        fix = advice.fix("forward-connection", where=where(plan))
        if shadowed:
            loc = first_loc(up.ops_loc, proxy.loc)
            msg = f"Connection: upgrade is not sent upstream on {route_label(plan)}: {up.shadow_reason}"
            related = [Related(op.loc, "Connection set here, not inherited") for op in shadowed if op.loc]
            fix = advice.fix("repeat-inherited", where=where(plan))
        elif sent is not None and sent.op is not None and sent.op.loc is None:
            loc = proxy.loc
            msg = (f"{route_label(plan)} sets no Connection header, so `Connection: {sent.value}` "
                   f"({sent.op.note or 'the proxy default'}) goes upstream and FAS never sees the upgrade")
        elif sent is not None:
            loc = first_loc(sent.op.loc if sent.op else None, proxy.loc)
            expr = sent.op.value.text if sent.op and sent.op.value else ""
            msg = (f"for a websocket request, Connection is sent upstream as {sent.value!r}"
                   + (f" (from `{expr}`)" if expr and expr != sent.value else "")
                   + ", without the token 'upgrade'")
        elif "connection" in plan.removed:
            op = plan.removed["connection"]
            loc = first_loc(op.loc, proxy.loc)
            value = op.value.text if op.value else ""
            msg = (f"{route_label(plan)} sends no Connection header upstream for a websocket request"
                   + (f" (`{value}` is empty for it)" if value else ""))
        else:
            loc = proxy.loc
            msg = f"{route_label(plan)} proxies {plan.ws_path} without sending Connection: upgrade"
        absent = not related and (sent is None or (sent.op is not None and sent.op.loc is None)) \
            and "connection" not in plan.removed
        note, extra = unseen_note(plan) if absent else ("", [])
        yield plans.finding(RULE, loc, msg + note, symptom=status(302), fix=fix, plan=plan,
                            related=related + extra, severity="warning" if note else None)

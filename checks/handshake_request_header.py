"""WSP104: a request header of the handshake is blanked or not forwarded."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import MISSING_ACCEPT, status

from ._common import finding, first_loc, route_label

HANDSHAKE = ("sec-websocket-key", "sec-websocket-version")
CANONICAL = {"sec-websocket-key": "Sec-WebSocket-Key", "sec-websocket-version": "Sec-WebSocket-Version"}

RULE = Rule(
    id="WSP104",
    name="handshake-request-header-stripped",
    severity="error",
    summary="Sec-WebSocket-Key or Sec-WebSocket-Version does not reach FAS.",
    why=(
        "FAS computes Sec-WebSocket-Accept from the browser's key and checks the version; without "
        "them the request is not a websocket handshake and FAS answers 302."
    ),
    fix="Pass the browser's request headers through unchanged on the websocket route.",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    symptoms=("status:302", "missing-accept"),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None:
            continue
        forward = proxy.upstream.forward_client_headers
        for name in HANDSHAKE:
            if name in plan.sent:
                continue
            op = plan.removed.get(name)
            symptom = status(302)
            if op is not None and name in proxy.upstream.written_if_missing:
                loc = first_loc(op.loc, proxy.loc)
                msg = (
                    f"{route_label(plan)} removes the browser's {CANONICAL[name]}; the proxy writes a fresh one "
                    "toward FAS, so the browser gets a Sec-WebSocket-Accept for a key it never sent "
                    "(console: Incorrect 'Sec-WebSocket-Accept' header value)"
                )
                fix = Fix.UNBLANK_REQUEST_HEADER
                symptom = MISSING_ACCEPT
            elif op is not None:
                loc = first_loc(op.loc, proxy.loc)
                msg = f"{route_label(plan)} empties {CANONICAL[name]}, so FAS never sees a websocket handshake"
                fix = Fix.UNBLANK_REQUEST_HEADER
            elif not forward.value:
                loc = first_loc(forward.loc, proxy.loc)
                msg = (
                    f"{route_label(plan)} does not forward the browser's request headers, so "
                    f"{CANONICAL[name]} never reaches FAS"
                )
                fix = Fix.FORWARD_REQUEST_HEADERS
            else:
                continue
            yield finding(plans, RULE, loc, msg, symptom=symptom, fix=fix, plan=plan, header=CANONICAL[name])
            if not forward.value:
                break

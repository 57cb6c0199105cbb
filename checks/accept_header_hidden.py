"""WSP105: the proxy hides Sec-WebSocket-Accept from the browser."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import MISSING_ACCEPT

from ._common import finding, route_label

# Response headers of the handshake the browser checks (the model lists only hidden
# headers that really go missing from a 101).
HANDSHAKE_RESPONSE = frozenset({"sec-websocket-accept", "upgrade", "connection"})

RULE = Rule(
    id="WSP105",
    name="accept-header-hidden",
    severity="error",
    summary="The 101 response reaches the browser without Sec-WebSocket-Accept (or Upgrade).",
    why=(
        "The browser accepts the upgrade only if the 101 response carries the Sec-WebSocket-Accept "
        "value derived from its key. A proxy told to hide that response header removes it from the "
        "101, and the browser aborts the handshake."
    ),
    fix="Do not hide Sec-WebSocket-Accept, Upgrade or Connection on the websocket route.",
    console="Error during WebSocket handshake: 'Sec-WebSocket-Accept' header is missing",
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None:
            continue
        for hidden in proxy.upstream.hidden_response_headers:
            name = hidden.name.lower()
            if name not in HANDSHAKE_RESPONSE:
                continue
            console = (
                ""
                if name == "sec-websocket-accept"
                else f" (the console names the missing header: '{hidden.name}' header is missing)"
            )
            yield finding(
                plans,
                RULE,
                hidden.loc,
                f"{route_label(plan)} hides {hidden.name} from the 101 response on {plan.ws_path}{console}",
                symptom=MISSING_ACCEPT,
                fix=Fix.UNHIDE_RESPONSE_HEADER,
                header=hidden.name,
                plan=plan,
            )

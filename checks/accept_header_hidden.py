"""WSP105: the proxy hides Sec-WebSocket-Accept from the browser."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Example, Rule
from linter.core.symptoms import MISSING_ACCEPT

from ._common import finding, route_label
from ._examples import NGINX_GOOD, NGINX_WS_HEADERS, haproxy_config, nginx_location

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
    # observed: httpd's `Header unset Sec-WebSocket-Accept` does not touch the 101 (2.4.71), and
    # HAProxy re-adds the header it deletes from a 101; only nginx's hiding reaches the browser
    dialects=("nginx", "haproxy"),
    examples={
        "nginx": Example(
            bad=nginx_location(NGINX_WS_HEADERS + "    proxy_hide_header Sec-WebSocket-Accept;\n"),
            good=NGINX_GOOD,
        ),
        "haproxy": Example(
            bad=haproxy_config(back="    http-response del-header Upgrade\n"),
            good=haproxy_config(back="    http-response del-header Server\n"),
        ),
    },
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

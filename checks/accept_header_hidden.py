"""WSP105: the proxy hides Sec-WebSocket-Accept from the browser."""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import MISSING_ACCEPT, Finding
from linter.plan import PlanSet
from linter.rules import Example, Rule

from ._common import route_label

RULE = Rule(
    id="WSP105",
    name="accept-header-hidden",
    severity="error",
    summary="The 101 response reaches the browser without Sec-WebSocket-Accept.",
    why=("The browser accepts the upgrade only if the 101 response carries the Sec-WebSocket-Accept "
         "value derived from its key. A proxy told to hide that response header removes it from the "
         "101, and the browser aborts the handshake."),
    fix="Do not hide Sec-WebSocket-Accept (nor Upgrade/Connection) on the websocket route.",
    console="Error during WebSocket handshake: 'Sec-WebSocket-Accept' header is missing",
    examples={
        "nginx": Example(
            bad=("location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n"
                 "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n"
                 "    proxy_hide_header Sec-WebSocket-Accept;\n}\n"),
            good=("location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n"
                  "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}\n"),
        ),
    },
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None:
            continue
        for hidden in proxy.upstream.hidden_response_headers:
            if hidden.name.lower() == "sec-websocket-accept":
                yield plans.finding(
                    RULE, hidden.loc,
                    f"{route_label(plan)} hides Sec-WebSocket-Accept from the 101 response on {plan.ws_path}",
                    symptom=MISSING_ACCEPT,
                    fix=plans.model.advice.fix("unhide-response-header", header=hidden.name), plan=plan)

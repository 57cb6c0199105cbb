"""WSP202: TLS toward FAS's plain port, or plain HTTP toward its TLS port."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.fas import PLAIN_PORTS, TLS_PORTS
from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import RESET, TLS_ERROR

from ._common import finding, first_loc

RULE = Rule(
    id="WSP202",
    name="backend-tls-mismatch",
    severity="error",
    summary="The proxy speaks plain HTTP to FAS's TLS port (8443), TLS to its plain port (8080), or TLS it "
    "cannot make.",
    why=(
        "FAS listens for TLS on 8443 and for plain HTTP on 8080. A request without TLS sent to 8443, or a "
        "TLS handshake sent to 8080, fails at the SSL layer between proxy and FAS; the proxy answers the "
        "browser with an error status instead of 101. Either offload TLS cleanly (plain to 8080) or "
        "speak TLS to 8443."
    ),
    fix="Match the scheme to the port: http:// toward 8080, https:// toward 8443.",
    versions=(
        "Statuses per proxy (observed): nginx 502 both ways; Apache 500 for TLS faults, 502 for plain HTTP "
        "to 8443; HAProxy 502 without `ssl` toward 8443, 503 with `ssl` toward 8080, and in `mode tcp` "
        "a bare close (reset) once the browser's connection is up (a plain or TLS-terminating front "
        "relayed to the wrong port), a failed TLS handshake when the browser's own TLS is passed through "
        "to 8080."
    ),
    console="Error during WebSocket handshake: Unexpected response code: 502 (nginx)",
    symptoms=("status:500", "status:503", "reset", "tls-error"),
)


def _code(symptom: str) -> str:
    if symptom == RESET:
        return "nothing: the connection is closed without a response"
    if symptom == TLS_ERROR:
        return "nothing: the browser's TLS handshake fails"
    return symptom.split(":", 1)[1] if symptom.startswith("status:") else symptom


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None or proxy.backend is None:
            continue
        # a route's own failure statuses (a TCP relay closes instead of answering) win
        statuses = proxy.statuses or plans.model.statuses
        ready = proxy.tls_ready
        if proxy.tls and not ready.value:
            yield finding(
                plans,
                RULE,
                first_loc(ready.loc, proxy.loc),
                f"{plan.ws_path} is sent to the backend over TLS, but TLS toward backends is not enabled here "
                f"({ready.note or 'no engine or module for it'}): the proxy answers "
                f"{_code(statuses.tls_not_ready)}",
                symptom=statuses.tls_not_ready,
                fix=Fix.ENABLE_BACKEND_TLS,
                plan=plan,
                related=[]
                if ready.loc is None or ready.loc == proxy.loc
                else [Related(proxy.loc, "TLS requested here")],
            )
            continue
        for server in proxy.backend.servers:
            if server.port in TLS_PORTS and not proxy.tls:
                msg = (
                    f"plain HTTP is sent to {server.host}:{server.port}, FAS's TLS port, for {plan.ws_path}: "
                    f"the backend closes the connection and the proxy answers {_code(statuses.plain_to_tls_port)}"
                )
                symptom, fix = statuses.plain_to_tls_port, Fix.SCHEME_FOR_TLS_PORT
            elif server.port in PLAIN_PORTS and proxy.tls:
                msg = (
                    f"TLS is sent to {server.host}:{server.port}, FAS's plain HTTP port, for {plan.ws_path}: "
                    f"the SSL handshake fails and the proxy answers {_code(statuses.tls_to_plain_port)}"
                )
                symptom, fix = statuses.tls_to_plain_port, Fix.SCHEME_FOR_PLAIN_PORT
            else:
                continue
            related = [] if server.loc == proxy.loc else [Related(proxy.loc, "the scheme is chosen here")]
            yield finding(
                plans,
                RULE,
                first_loc(server.loc, proxy.loc),
                msg,
                symptom=symptom,
                fix=fix,
                plan=plan,
                related=related,
                port=str(server.port),
                # the browser's own TLS relayed to the backend: no server line makes it
                mechanical=not plan.listener.tls_passthrough,
            )

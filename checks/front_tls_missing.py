"""WSP203: a listener browsers reach with wss:// does not speak TLS."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import TLS_ERROR

from ._common import finding

CONVENTIONAL_TLS_PORTS = frozenset({443, 8443})

RULE = Rule(
    id="WSP203",
    name="front-tls-missing",
    severity="error",
    summary="A listener with certificates, or on a TLS port (443/8443), does not enable TLS.",
    why=(
        "Browsers open wss:// with a TLS handshake. A listener that answers in plain HTTP makes the "
        "handshake fail before any HTTP is exchanged, which the console shows as an SSL protocol error."
    ),
    fix="Enable TLS on the listener that browsers use for wss://.",
    console="net::ERR_SSL_PROTOCOL_ERROR",
)


def check(plans: PlanSet) -> Iterator[Finding]:
    # one finding per listener and websocket URL: every URL on the listener fails the same way
    seen: set[tuple[int, str]] = set()
    for plan in plans.plans:
        listener = plan.listener
        if (id(listener), plan.ws_path) in seen or listener.tls or listener.unknown:
            continue
        seen.add((id(listener), plan.ws_path))
        site_has_tls = any(lst.tls for lst in plan.site.listeners)
        if listener.port in CONVENTIONAL_TLS_PORTS:
            why = f"port {listener.port} is where browsers send wss://"
        elif listener.tls_material is not None and not site_has_tls:
            why = "a certificate is configured for this site but no listener of it enables TLS"
        else:
            continue
        related = [Related(listener.tls_material, "certificate configured here")] if listener.tls_material else []
        yield finding(
            plans,
            RULE,
            listener.loc or plan.site.loc,
            f"listener {listener.label} answers without TLS although {why}",
            symptom=TLS_ERROR,
            fix=Fix.FRONT_TLS,
            port=str(listener.port),
            plan=plan,
            related=related,
        )

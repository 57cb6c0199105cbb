"""WSP204: a site is configured on an address the proxy never listens on."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import REFUSED

from ._common import finding

# a whole configuration (LoadModule lines), so that the Listen lines in it are all there are

RULE = Rule(
    id="WSP204",
    name="listener-not-opened",
    severity="error",
    summary="A site is configured on a port that the proxy never opens, so nothing accepts the connection.",
    why=(
        "A virtual host only answers on addresses the server actually listens on. When the `Listen` for its "
        "port is missing, or sits in a conditional section that is false where the server reads it (Apache's "
        "`<IfModule ssl_module>` read before `LoadModule ssl_module`), the server starts without an error but "
        "the port stays closed: the browser's wss:// connection is refused before TLS or HTTP begin."
    ),
    fix=(
        "Open the port: add the listen directive for it where it is always read, or load the module its "
        "conditional section tests before that section."
    ),
    console="net::ERR_CONNECTION_REFUSED",
    versions="all versions",
)


def check(plans: PlanSet) -> Iterator[Finding]:
    # one finding per listener and websocket URL: every URL on it is refused (the real
    # httpd refused both the Gateway and the Live Assist topic)
    seen: set[tuple[int, str]] = set()
    unread = [p.loc for p in plans.model.problems if p.kind == "include"]
    for plan in plans.plans:
        listener = plan.listener
        if listener.opened or listener.unknown or (id(listener), plan.ws_path) in seen:
            continue
        seen.add((id(listener), plan.ws_path))
        related: list[Related] = []
        if listener.opener is not None:
            related.append(Related(listener.opener, "the Listen that is not in force"))
        message = (
            f"{plan.site.label}: the server never listens on {listener.label} "
            f"({listener.not_opened or 'nothing opens it'}), so browsers' connections to it are refused"
        )
        severity = None
        if unread:
            # an include that could not be read may hold the listen directive
            severity = "warning"
            message += "; an include that could not be read may open it"
            related += [Related(loc, "include not read") for loc in unread]
        yield finding(
            plans,
            RULE,
            listener.loc or plan.site.loc,
            message,
            symptom=REFUSED,
            fix=Fix.OPEN_LISTENER,
            port=str(listener.port),
            severity=severity,
            plan=plan,
            related=related,
        )

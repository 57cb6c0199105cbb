"""WSP103: the upgrade goes to FAS over HTTP/1.0."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, first_loc, route_label

RULE = Rule(
    id="WSP103",
    name="http10-to-backend",
    severity="error",
    summary="The websocket request is sent to FAS as HTTP/1.0 (or a version that cannot upgrade).",
    why=(
        "RFC 6455 requires HTTP/1.1 for the upgrade: FAS refuses an HTTP/1.0 upgrade and answers 302, "
        "even when Upgrade and Connection are forwarded."
    ),
    fix="Speak HTTP/1.1 to the backend on the websocket route.",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions=(
        "nginx before 1.29.7 defaults to HTTP/1.0 toward the backend; 1.29.7 and later default to 1.1. "
        "Apache httpd speaks HTTP/1.1 unless `SetEnv force-proxy-request-1.0` (or downgrade-1.0) is in force."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None:
            continue
        version = proxy.upstream.http_version
        if version.value == "1.1":
            continue
        loc = first_loc(version.loc, proxy.loc)
        if version.loc is None:
            msg = (
                f"{route_label(plan)} sends the websocket request to the backend as HTTP/{version.value}, "
                f"the proxy's default"
            )
            if version.note and plans.model.version_assumed:
                msg += f" for the assumed version {plans.model.proxy_version} ({version.note})"
        else:
            msg = f"{route_label(plan)} sets HTTP/{version.value} toward the backend; an upgrade needs HTTP/1.1"
        yield finding(
            plans,
            RULE,
            loc,
            msg,
            symptom=status(302),
            fix=Fix.HTTP11,
            plan=plan,
            unseen="warning" if version.loc is None else None,
            fix_setting=version.loc,
        )

"""WSP205: the name the proxy requires in FAS's certificate cannot be in it."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule

from ._common import finding, first_loc

RULE = Rule(
    id="WSP205",
    name="backend-certificate-name",
    severity="error",
    summary="When it re-encrypts toward FAS, the proxy checks FAS's certificate against a name no certificate "
    "can carry: an IP address (the proxy reads only DNS names) or the name of an upstream group.",
    why=(
        "A proxy that verifies FAS's certificate compares it with a name: nginx with `proxy_ssl_name`, which "
        "defaults to the upstream group's name when proxy_pass names an upstream block; Apache with the host of "
        "the ProxyPass URL (the browser's Host with ProxyPreserveHost On), even without SSLProxyVerify; HAProxy "
        "with `verifyhost`, else the `sni` name. None of the three matches an IP address against the IP "
        "addresses listed in a certificate, and a group's label is no host name. The TLS handshake toward FAS "
        "fails and the proxy answers an error status instead of 101."
    ),
    fix="Make the proxy check a DNS name FAS's certificate carries, or turn the name check off on a trusted network.",
    versions=(
        "Observed on nginx 1.22, Apache httpd 2.4 and HAProxy 2.6: nginx answers 502, Apache 500 (AH02411 for "
        "an IP), HAProxy 503 after its retries. HAProxy with verification but without `verifyhost` or `sni` "
        "checks no name at all."
    ),
    console="Error during WebSocket handshake: Unexpected response code: 502 (nginx)",
    symptoms=("status:500", "status:503"),
)


def _is_ip(name: str) -> bool:
    import ipaddress  # only asked of re-encrypting routes: not on every start-up

    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        # TLS that cannot be made at all is WSP202's finding
        if proxy is None or not proxy.tls or not proxy.tls_ready.value:
            continue
        tls = proxy.tls_settings
        required = tls.name.value
        if required is None:
            continue
        name = required.evaluate(plan.request)
        if not name:
            continue
        if _is_ip(name) and not tls.ip_names:
            why = f"{name} is an IP address and this proxy compares only DNS names in certificates"
            fix = Fix.CERTIFICATE_NAME_IP
        elif tls.name_is_label and "." not in name:
            why = f"{name} is the upstream group's label, not a host name a certificate carries"
            fix = Fix.CERTIFICATE_NAME_LABEL
        else:
            continue
        statuses = proxy.statuses or plans.model.statuses
        symptom = statuses.certificate_rejected
        status = symptom.split(":", 1)[1] if symptom.startswith("status:") else "nothing: the connection is closed"
        loc = first_loc(tls.name.loc, proxy.loc)
        related = [] if loc == proxy.loc else [Related(proxy.loc, "TLS toward FAS here")]
        if tls.verify.loc is not None and tls.verify.loc not in (loc, proxy.loc):
            related.append(Related(tls.verify.loc, "certificate verification turned on here"))
        yield finding(
            plans,
            RULE,
            loc,
            f"{plan.ws_path} is sent to FAS over TLS and the proxy requires the name {name!r} in FAS's "
            f"certificate, but {why}: the TLS handshake toward FAS fails and the proxy answers {status}",
            symptom=symptom,
            fix=fix,
            plan=plan,
            related=related,
            name=name,
        )

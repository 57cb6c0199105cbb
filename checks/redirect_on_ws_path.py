"""WSP302: the proxy redirects a websocket URL."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.model import Guard, Respond
from linter.core.plan import HandshakePlan, PlanSet
from linter.core.resolve import answers_any, proxied_without
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import REDIRECTS, finding, route_label

RULE = Rule(
    id="WSP302",
    name="redirect-on-ws-path",
    severity="error",
    summary="A websocket URL is answered with a redirect.",
    why=(
        "Browsers do not follow redirects during a websocket handshake: any 3xx ends it. Typical "
        "causes are an http-to-https redirect on the listener the browser uses, a rewrite, or "
        "nginx's automatic 301 when the location is written with a trailing slash. A plain listener "
        "that only redirects to https, next to a TLS listener that proxies to FAS, breaks only "
        "clients that open ws://: a warning unless `--front` says which schemes clients use (an "
        "error with `--front ws`, nothing with `--front wss` alone, which judges TLS listeners only)."
    ),
    fix="Serve the websocket URL directly, without a redirect.",
    console="Error during WebSocket handshake: Unexpected response code: 301 (or 302)",
)


class _TlsFronts:
    """Per websocket URL, the names of the sites whose TLS listeners proxy it: built once,
    since a fleet asks it for thousands of redirecting sites."""

    def __init__(self, plans: PlanSet) -> None:
        self.names: dict[str, set[str]] = {}
        self.any_name: set[str] = set()  # URLs a TLS site without names (a default site) proxies
        for p in plans.plans:
            if p.listener.tls and p.proxy is not None:
                if answers_any(p.site.names):
                    self.any_name.add(p.ws_path)
                self.names.setdefault(p.ws_path, set()).update(p.site.names)

    def redirect_to_tls(self, plan: HandshakePlan, action: Respond) -> bool:
        """An http-to-https redirect on a plain listener, when a TLS listener of the same site
        (or of one answering the same names) proxies the URL."""
        if plan.listener.tls or not (action.target or "").startswith("https://"):
            return False
        names = self.names.get(plan.ws_path)
        if names is None:
            return False
        return plan.ws_path in self.any_name or answers_any(plan.site.names) or bool(names & set(plan.site.names))


def check(plans: PlanSet) -> Iterator[Finding]:
    tls_fronts: _TlsFronts | None = None
    for plan in plans.plans:
        action = plan.action
        if isinstance(action, Respond) and action.status in REDIRECTS:
            # exempting the URL from the rule fixes it only where the URL is then proxied (a
            # plain listener that only redirects to https has no route to exempt it to)
            mechanical = bool(action.reason) or proxied_without(plan, action) is not None
            if action.reason:
                msg = f"{plan.ws_path} is redirected with {action.status}: {action.reason}"
                fix = Fix.NO_TRAILING_SLASH
            else:
                target = f" to {action.target}" if action.target else ""
                where = route_label(plan) if plan.route else plan.site.label
                msg = f"{plan.ws_path} is redirected with {action.status}{target} ({where})"
                fix = Fix.NO_REDIRECT
                if tls_fronts is None:
                    tls_fronts = _TlsFronts(plans)
                if tls_fronts.redirect_to_tls(plan, action) and "ws" not in plans.options.fronts:
                    # clients that open ws:// here fail; whether any do, only the operator knows
                    yield finding(
                        plans,
                        RULE,
                        action.loc,
                        msg + "; only ws:// on this plain listener is affected: the site's TLS listener "
                        "proxies wss:// to FAS, which browsers on https pages use, but a native client "
                        "configured with ws:// gets the redirect (say `--front wss` if no client uses ws://, "
                        "`--front ws` if some do)",
                        symptom=status(action.status),
                        fix=fix,
                        plan=plan,
                        severity="warning",
                        mechanical=mechanical,
                    )
                    continue
                if "ws" in plans.options.fronts and not plan.listener.tls:
                    msg += "; clients open ws:// on this plain listener (--front ws)"
            yield finding(
                plans,
                RULE,
                action.loc,
                msg,
                symptom=status(action.status),
                fix=fix,
                plan=plan,
                mechanical=mechanical,
            )
            continue
        for unsure in plan.uncertain:
            step = unsure.step
            if isinstance(step, Guard):
                redirect = next((s for s in step.steps if isinstance(s, Respond) and s.status in REDIRECTS), None)
                if redirect is not None:
                    yield finding(
                        plans,
                        RULE,
                        redirect.loc,
                        f"{plan.ws_path} is redirected with {redirect.status} when `{step.condition.text}` holds, "
                        "which the config alone cannot decide",
                        symptom=status(redirect.status or 302),
                        fix=Fix.NO_REDIRECT,
                        plan=plan,
                        severity="warning",
                        mechanical=plan.proxy is not None,
                    )

"""WSP303: a websocket URL reaches FAS under another path, or without its query string."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.fas import DEFAULT_WS_PATHS
from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import HandshakePlan, PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, route_label

RULE = Rule(
    id="WSP303",
    name="ws-path-rewritten",
    severity="error",
    summary="A websocket URL reaches FAS under another path, or without its appkey query string.",
    why=(
        "FAS serves its websockets on /gateway/websocketcall and /assistserver/topic only, and "
        "identifies the session by the appkey in the query string. A proxy target with a path part "
        "replaces the matched prefix (nginx `proxy_pass http://fas:8080/;` in `location /gateway/` "
        "sends /websocketcall, and Apache `ProxyPass /gateway/ http://fas:8080/` likewise), and rewrites "
        "(nginx `rewrite`, HAProxy `set-path`/`set-uri`) change it on the way: FAS answers 404 to an "
        "upgrade on a path it does not serve. A target whose URI is built from variables "
        "(`proxy_pass http://fas$uri;`), or a rewrite ending in `?`, drops the query string: the "
        "appkey never arrives."
    ),
    fix="Send the websocket URL to FAS with the path and query string the browser used.",
    console="Error during WebSocket handshake: Unexpected response code: 404",
    symptoms=("status:403",),
)

# the query parameter FAS needs on every websocket URL
_KEY = "appkey="


def check(plans: PlanSet) -> Iterator[Finding]:
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None or proxy.passthrough or plan.final_query is None:
            continue
        wrong_path = plan.ws_path in DEFAULT_WS_PATHS and plan.final_path != plan.ws_path
        lost_key = _KEY in plan.request.query and _KEY not in plan.final_query
        if not wrong_path and not lost_key:
            continue
        loc, related = _culprit(plan, wrong_path)
        sent = plan.final_path + (f"?{plan.final_query}" if plan.final_query else "")
        if wrong_path:
            msg = f"{plan.ws_path} reaches FAS as {sent}"
            how = _how(plan)
            msg += f" ({how}): FAS serves no websocket there and answers 404"
            if lost_key:
                msg += "; the appkey query string is lost as well"
            yield finding(
                plans,
                RULE,
                loc,
                msg,
                symptom=status(404),
                fix=Fix.KEEP_WS_PATH,
                plan=plan,
                related=related,
            )
        else:
            msg = (
                f"{plan.ws_path}?{plan.request.query} reaches FAS as {sent} ({_how(plan)}): "
                "the appkey that names the session is lost, so FAS refuses the upgrade"
            )
            yield finding(plans, RULE, loc, msg, symptom=status(403), fix=Fix.KEEP_QUERY, plan=plan, related=related)


def _how(plan: HandshakePlan) -> str:
    parts = []
    if plan.rewritten_by:
        parts.append(
            "rewritten by " + ", ".join(f"`{r.text}`" if r.text else f"line {r.loc.line}" for r in plan.rewritten_by)
        )
    if plan.target_changed_path or plan.target_changed_query:
        assert plan.proxy is not None
        parts.append(f"the target `{plan.proxy.target}` of {route_label(plan)} writes the request line")
    return "; ".join(parts) or "on the way"


def _culprit(plan: HandshakePlan, wrong_path: bool) -> tuple:
    """The line to change: the target when it changed what matters, else the last rewrite."""
    assert plan.proxy is not None
    proxy_loc = plan.proxy.loc
    target_did = plan.target_changed_path if wrong_path else plan.target_changed_query
    rewrites = [r.loc for r in plan.rewritten_by]
    if target_did or not rewrites:
        return proxy_loc, [Related(loc, "rewrites the path on the way") for loc in rewrites]
    return rewrites[-1], [Related(loc, "rewrites the path on the way") for loc in rewrites[:-1]] + [
        Related(proxy_loc, "proxied here")
    ]

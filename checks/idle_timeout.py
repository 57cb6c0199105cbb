"""WSP401: an idle limit that closes a quiet call."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.fas import idle_floor
from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule
from linter.core.symptoms import IDLE_DISCONNECT

from ._common import finding, first_loc, route_label

RULE = Rule(
    id="WSP401",
    name="idle-timeout-cuts-call",
    severity="warning",
    summary="The proxy closes an open websocket after a silence shorter than a call can be quiet.",
    why=(
        "Once upgraded, the connection is a tunnel that the proxy closes after its idle timeout. "
        "The Gateway socket carries only call signalling (media flows elsewhere), so it can stay "
        "silent for minutes during a live call; the threshold (default 300 s, setting "
        "`idle-timeout-threshold`) is how long we assume it may. The Live Assist topic client pings "
        "every 10 s, so any limit of 30 s or more is safe for /assistserver/topic."
    ),
    fix="Raise the tunnel idle timeout on the websocket routes to at least the threshold.",
    console="The websocket closes (code 1006) during a quiet call; the SDK reconnects or the call drops",
    versions=(
        "nginx: proxy_read_timeout, default 60 s, applies to the upgraded connection. Apache httpd: the "
        "larger of `Timeout` (default 60 s) and the worker's `timeout=` / `ProxyTimeout` (2.4.53+; the "
        "smaller before); `ProxyWebsocketIdleTimeout` exists only in trunk and is refused by 2.4. "
        "HAProxy: `timeout "
        "tunnel` once the connection is upgraded, else the shorter of `timeout client` and `timeout server` "
        "(no default: unset means no limit); a bare number is milliseconds."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    threshold = plans.options.idle_threshold
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None or not plan.to_fas:
            # the quiet-call threshold is the FAS Gateway's (signalling only, silent for a
            # whole call); an application given only by --ws-path has its own pings
            continue
        idle = proxy.timeouts.idle
        floor = idle_floor(plan.ws_path, threshold)
        if idle.value is None or idle.value >= floor:
            continue
        default = " (the proxy's default)" if idle.loc is None else ""
        msg = (
            f"{route_label(plan)} closes an idle websocket on {plan.ws_path} after {idle.value:g} s of "
            f"silence{default}; a quiet call may last longer than that (threshold {floor:g} s)"
        )
        yield finding(
            plans,
            RULE,
            first_loc(idle.loc, proxy.loc),
            msg,
            symptom=IDLE_DISCONNECT,
            fix=Fix.RAISE_IDLE_TIMEOUT,
            plan=plan,
            unseen="info" if idle.loc is None else None,
            threshold=f"{floor:g}",
            fix_setting=idle.loc,
        )

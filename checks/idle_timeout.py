"""WSP401: an idle limit that closes a quiet call."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.fas import idle_floor
from linter.core.findings import Finding, join_words
from linter.core.fixes import Fix
from linter.core.plan import HandshakePlan, PlanSet
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
        "every 10 s, so any limit of 30 s or more is safe for /assistserver/topic: each URL has its own "
        "threshold, and a finding that names both says each one."
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
    # one finding per limit and route: the URLs it cuts are named together, each with its
    # own threshold (the topic client's pings make 30 s enough where the call needs 300 s)
    cut: dict[tuple, list[tuple[HandshakePlan, float]]] = {}
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
        key = (first_loc(idle.loc, proxy.loc), idle.value, idle.loc is None, plan.listener.label)
        cut.setdefault(key, []).append((plan, floor))
    for (loc, value, default, _), cuts in cut.items():
        plan = cuts[0][0]
        labels = list(dict.fromkeys(route_label(p) for p, _ in cuts))
        routes = join_words(labels) + (" close" if len(labels) > 1 else " closes")
        on = join_words([p.ws_path for p, _ in cuts])
        floors = {f for _, f in cuts}
        if len(floors) == 1:
            limit = f"(threshold {floors.pop():g} s)"
        else:
            limit = "(threshold " + ", ".join(f"{f:g} s for {p.ws_path}" for p, f in cuts) + ")"
        shown = " (the proxy's default)" if default else ""
        msg = (
            f"{routes} an idle websocket on {on} after {value:g} s of silence{shown}; a quiet call "
            f"may last longer than that {limit}"
        )
        yield finding(
            plans,
            RULE,
            loc,
            msg,
            symptom=IDLE_DISCONNECT,
            fix=Fix.RAISE_IDLE_TIMEOUT,
            plan=plan,
            unseen="info" if default else None,
            ws_paths=tuple(p.ws_path for p, _ in cuts),
            threshold=f"{max(f for _, f in cuts):g}",
            fix_setting=None if default else loc,
        )

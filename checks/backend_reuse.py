"""WSP201: the upgrade may take a pooled backend connection (FAS <= 2.5.2 answers 302)."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.fas import reuse_breaks
from linter.core.findings import Finding, Related
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.resolve import sent_headers, tokens
from linter.core.rules import Rule
from linter.core.symptoms import status

from ._common import finding, first_loc, route_label

RULE = Rule(
    id="WSP201",
    name="backend-connection-reuse",
    severity="error",
    summary="The websocket upgrade can be sent on a backend connection that already carried a request.",
    why=(
        "FAS 2.5.2 and older cannot take a websocket upgrade on a TCP connection that already carried "
        "a request: they process it as a plain GET and answer 302. When the proxy keeps idle backend "
        "connections for reuse and page or script requests fill that pool, the websocket call works "
        "when fresh and fails once the pool is warm. Newer FAS accepts it."
    ),
    fix="Do not reuse backend connections for the websocket URLs (a separate backend without keep-alive), "
    "or upgrade FAS beyond 2.5.2.",
    console="Error during WebSocket handshake: Unexpected response code: 302",
    versions=(
        "FAS <= 2.5.2 only (error with --fas-version <= 2.5.2, warning when unknown). nginx >= 1.29.7 "
        "keeps connections to every `upstream` block by default (keepalive 32 local); earlier versions "
        "only with `keepalive N`. Apache httpd pools backend connections per worker unless `disablereuse=On`; a ws:// "
        "worker that only upgrades never fills its pool. "
        "HAProxy: `http-reuse safe` (the default since 1.9; `never` before) keeps "
        "idle connections but never gives one to the first request of a client connection, so an HTTP/1.1 "
        "websocket is safe; `aggressive`/`always`, or an h2 front where every stream may take one (an `ssl` "
        "bind with `alpn h2`, or with no `alpn` on HAProxy 2.8+; even with `http-reuse never`, since a server "
        "connection stays with its client connection), break FAS <= 2.5.2."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    breaks = reuse_breaks(plans.options.fas_version)
    if breaks is False:
        return
    fas_text = (
        f"FAS {plans.options.fas_version} answers 302 to an upgrade on a reused connection"
        if breaks
        else "FAS 2.5.2 and older answer 302 to an upgrade on a reused connection "
        "(FAS version unknown: pass --fas-version)"
    )
    for plan in plans.plans:
        proxy = plan.proxy
        if proxy is None or proxy.backend is None or not plan.to_fas:
            continue  # (an application given by --ws-path only: FAS's reuse limit is not its)
        backend = proxy.backend
        pool = backend.pool
        if pool.value:
            fillers = plans.pool_fillers(plan)
            if not fillers:
                continue
            if not backend.first_request_reuses and not plan.listener.websocket_over_h2:
                note = plan.listener.websocket_over_h2_note
                if note and plans.model.version_assumed:
                    yield finding(
                        plans,
                        RULE,
                        first_loc(plan.listener.loc, backend.loc, proxy.loc),
                        f"{plan.ws_path} goes to backend {backend.name}, which keeps idle connections; on the assumed "
                        f"proxy version {plans.model.proxy_version} browsers use HTTP/1.1 here and a websocket never "
                        f"takes one, but {note}; {fas_text}",
                        symptom=status(302),
                        fix=Fix.DISABLE_REUSE,
                        plan=plan,
                        related=[Related(first_loc(backend.loc, proxy.loc), "backend keeping idle connections")],
                        severity="info",
                    )
                continue  # a browser's websocket is the first request of its own connection
            filler = fillers[0]
            kept = "by default" if pool.loc is None else f"({pool.note or f'{pool.value} idle connections'})"
            msg = (
                f"{plan.ws_path} goes to backend {backend.name}, which keeps connections for reuse {kept}; "
                f"page requests through {filler.route_label} leave idle connections there, and "
                f"{fas_text}"
            )
            if pool.loc is None and pool.note:
                msg += f" [{pool.note}]"
            related = [Related(proxy.loc, "the websocket URL is proxied here")]
            if filler.action.loc != proxy.loc:
                related.append(Related(filler.action.loc, "page requests fill the pool here"))
            yield finding(
                plans,
                RULE,
                first_loc(pool.loc, backend.loc, proxy.loc),
                msg,
                symptom=status(302),
                fix=Fix.DISABLE_REUSE,
                plan=plan,
                related=related,
                severity="error" if breaks else "warning",
                # over h2 no reuse mode helps (the session keeps its connection): the fix is a
                # closing backend or HTTP/1.1 at the front, not an edit of the line named
                mechanical=not plan.listener.websocket_over_h2,
                fix_route_fills_pool=any(f.action is proxy for f in fillers),
            )
        elif (
            pool.note
            and plans.model.version_assumed
            and backend.named
            and plan.route is not None
            and plan.route.match.kind != "exact"
            and not _closes_pages(plan)
        ):
            msg = (
                f"{plan.ws_path} goes to backend {backend.name}: no reuse on the assumed proxy version "
                f"{plans.model.proxy_version}, but {pool.note}, and page requests on {route_label(plan)} "
                f"would fill it; {fas_text}"
            )
            yield finding(
                plans,
                RULE,
                first_loc(backend.loc, proxy.loc),
                msg,
                symptom=status(302),
                fix=Fix.DISABLE_REUSE,
                plan=plan,
                related=[Related(proxy.loc, "the websocket URL is proxied here")],
                severity="info",
            )
        elif not backend.known:
            yield finding(
                plans,
                RULE,
                proxy.loc,
                f"{plan.ws_path} goes to {backend.name}, defined outside what was read: whether it reuses "
                f"connections cannot be known here; {fas_text}",
                symptom=status(302),
                fix=Fix.DISABLE_REUSE,
                plan=plan,
                severity="info",
            )


def _closes_pages(plan) -> bool:
    """Page requests on this route send an explicit `Connection: close` (they never fill a pool)."""
    proxy = plan.proxy
    if proxy is None or plan.plain_request is None:
        return False
    sent, _ = sent_headers(proxy, plan.plain_request)
    conn = sent.get("connection")
    return bool(conn and conn.op and conn.op.loc and conn.value and "close" in tokens(conn.value))

"""The model, resolve and checks without any parser: a hand-built model in the shape the
Apache and HAProxy interpreters will produce must be judged by the same checks."""

from __future__ import annotations

import re

from linter.core.model import (
    Backend,
    FailureStatuses,
    Guard,
    HeaderOp,
    Listener,
    Literal,
    PathMatch,
    ProxyAction,
    ProxyModel,
    Request,
    Respond,
    Rewrite,
    Route,
    RouteTable,
    Server,
    Setting,
    Site,
    Timeouts,
    UpstreamRequest,
)
from linter.core.options import Options
from linter.core.resolve import HOP_BY_HOP, build_plans, keeps_connection, page_request, select_route
from linter.engine.registry import all_checks
from linter.core.tree import Loc

F = "neutral.cfg"


class Advice:
    def fix(self, key: str, **details: str) -> str:
        return key


class Cond:
    def __init__(self, verdict: bool | None) -> None:
        self.text = "cond"
        self.verdict = verdict

    def evaluate(self, request: Request) -> bool | None:
        return self.verdict


def loc(line: int) -> Loc:
    return Loc(F, line)


def upstream(ops=(), hop=frozenset(HOP_BY_HOP), version="1.1") -> UpstreamRequest:
    """A proxy that passes the client's upgrade through untouched (HAProxy mode http)."""
    return UpstreamRequest(forward_client_headers=Setting(True), hop_by_hop_forwarded=hop, ops=tuple(ops),
                           empty_value_removes=False, ops_loc=None, http_version=Setting(version))


def proxy(line: int, port: int = 8080, tls: bool = False, pool: int = 0, **kw) -> ProxyAction:
    backend = Backend("fas", [Server("10.0.0.5", port, loc(line))], loc(line), pool=Setting(pool, loc(line)),
                      named=True, first_request_reuses=kw.pop("first_request_reuses", True))
    return ProxyAction(target=f"fas:{port}", backend=backend, tls=tls, loc=loc(line),
                       upstream=kw.pop("up", upstream()), timeouts=Timeouts(idle=Setting(3600.0, loc(line))), **kw)


def model(routes: list[Route], policy: str = "first-match", listener: Listener | None = None) -> ProxyModel:
    lst = listener or Listener("0.0.0.0", 443, tls=True, loc=loc(1))
    site = Site("frontend gw", [], [lst], loc(1), routes=RouteTable(routes, policy))
    backends = [r.action.backend for r in routes if isinstance(r.action, ProxyAction)]
    return ProxyModel(dialect="neutral", root_file=F, sites=[site], backends=backends,
                      statuses=FailureStatuses("status:502", "status:503", tls_not_ready="status:500"),
                      advice=Advice(), files=[F])


def findings(m: ProxyModel, **opts) -> set[tuple[str, int, str | None]]:
    plans = build_plans(m, Options(**opts))
    return {(f.rule, f.loc.line, f.symptom) for c in all_checks() for f in c.run(plans)}


def gw_route(action, line=10, pattern="/gateway/") -> Route:
    return Route(PathMatch("prefix", pattern), loc(line), f"route {pattern}", action=action)


def both_paths(action) -> list[Route]:
    return [gw_route(action), gw_route(action, 11, "/assistserver/")]


def test_passthrough_proxy_is_clean():
    assert findings(model(both_paths(proxy(20)))) == set()


def test_removing_upgrade_is_302_at_the_op_line():
    act = proxy(20, up=upstream([HeaderOp("Upgrade", None, loc(30))]))
    assert ("WSP101", 30, "status:302") in findings(model(both_paths(act)))


def test_forcing_connection_close_is_302():
    act = proxy(20, up=upstream([HeaderOp("Connection", Literal("close"), loc(31))]))
    assert ("WSP102", 31, "status:302") in findings(model(both_paths(act)))


def test_dialect_statuses_are_used_for_tls_faults():
    assert ("WSP202", 20, "status:502") in findings(model(both_paths(proxy(20, port=8443))))
    assert ("WSP202", 20, "status:503") in findings(model(both_paths(proxy(20, port=8080, tls=True))))
    not_ready = proxy(20, port=8443, tls=True, tls_ready=Setting(False, loc(5), note="engine off"))
    assert ("WSP202", 5, "status:500") in findings(model(both_paths(not_ready)))


def test_first_request_never_reuses_unless_websockets_ride_h2():
    safe = proxy(20, pool=10, first_request_reuses=False)
    assert not any(r == "WSP201" for r, _, _ in findings(model(both_paths(safe)), fas_version="2.5.2"))
    h2 = Listener("0.0.0.0", 443, tls=True, loc=loc(1), http2=True, websocket_over_h2=True)
    assert ("WSP201", 20, "status:302") in findings(model(both_paths(safe), listener=h2), fas_version="2.5.2")
    eager = proxy(20, pool=10)
    assert ("WSP201", 20, "status:302") in findings(model(both_paths(eager)), fas_version="2.5.2")
    assert not any(r == "WSP201" for r, _, _ in findings(model(both_paths(eager)), fas_version="2.6.0"))


def test_route_policies():
    a = gw_route(proxy(20), 10, "/")
    b = gw_route(proxy(21), 11, "/gateway/")
    assert select_route(RouteTable([a, b], "first-match"), "/gateway/websocketcall") == [a]
    assert select_route(RouteTable([a, b], "last-match"), "/gateway/websocketcall") == [b]
    assert select_route(RouteTable([a, b], "most-specific"), "/gateway/websocketcall") == [b]
    rx = Route(PathMatch("pattern", "^/gateway/", re.compile("^/gateway/")), loc(12), "rx", action=proxy(22))
    stop = Route(PathMatch("prefix", "/gateway/", stops_patterns=True), loc(13), "stop", action=proxy(23))
    assert select_route(RouteTable([b, rx], "most-specific"), "/gateway/websocketcall") == [rx]
    assert select_route(RouteTable([stop, rx], "most-specific"), "/gateway/websocketcall") == [stop]


def test_guards_and_rewrites():
    redirect = Guard(Cond(True), [Respond(301, loc(40), target="https://gw/")], loc(40))
    r = gw_route(proxy(20))
    r.steps = [redirect]
    assert ("WSP302", 40, "status:301") in findings(model([r, gw_route(proxy(20), 11, "/assistserver/")]))
    r.steps = [Guard(Cond(None), [Respond(302, loc(41), target="https://gw/")], loc(41))]
    plans = build_plans(model([r]), Options())
    warned = [f for c in all_checks() for f in c.run(plans) if f.rule == "WSP302"]
    assert warned and all(f.severity == "warning" for f in warned)
    # a rewrite that reroutes to a path no route serves
    moved = gw_route(proxy(20))
    moved.steps = [Rewrite(apply=lambda req: "/elsewhere", then="reroute", loc=loc(42))]
    assert ("WSP301", 1, "status:404") in findings(model([moved]))


def test_pages_that_close_their_connection_never_fill_a_pool():
    act = proxy(20, pool=8, up=upstream([HeaderOp("Connection", Literal("close"), loc(33))]))
    assert keeps_connection(act, page_request("/gateway/websocketcall", True, 443)) is False
    assert keeps_connection(proxy(20, pool=8), page_request("/gateway/websocketcall", True, 443)) is True
    http10 = proxy(20, pool=8, up=upstream(version="1.0"))
    assert keeps_connection(http10, page_request("/gateway/websocketcall", True, 443)) is False


def test_fas_prefixes_are_matched_as_path_segments():
    from linter.core.resolve import _fas_names, names_fas

    names = _fas_names(("/gateway/websocketcall", "/assistserver/topic"))
    for pattern in ("/gateway/", "/gateway", "^/(gateway|assistserver)/", "/gateway/websocketcall", "^/gateway$"):
        assert names_fas(pattern, names), pattern
    for pattern in ("/api/gateway-status", "/gateways/", "/mygateway/", "/", "~ \\.js$"):
        assert not names_fas(pattern, names), pattern


def test_a_site_without_fas_routes_or_ports_is_not_judged():
    other = Route(PathMatch("prefix", "/api/gateway-status"), loc(10), "route", action=proxy(20, port=9000))
    # no websocket verdict; only WSP005, which says that nothing was judged
    assert findings(model([other])) == {("WSP005", 1, None)}

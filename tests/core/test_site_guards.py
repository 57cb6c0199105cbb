"""Site-level guards: steps that run before any route is selected may answer themselves.
A guard's action there (Apache's ``RewriteRule [P]`` in a virtual host, a rewrite to a file
without [PT]) is what the server does; route selection never happens. Hand-built models,
as in test_model_neutral.py."""

from __future__ import annotations

from test_model_neutral import Cond, findings, loc, model, proxy

from linter.core.fas import GATEWAY_WS
from linter.core.model import Guard, PathMatch, Respond, Rewrite, Route, ServeLocal
from linter.core.options import Options
from linter.core.resolve import build_plans, trace, upgrade_request


def _site_with(steps, routes=None):
    m = model(routes if routes is not None else
              [Route(PathMatch("prefix", "/gateway/"), loc(20), "route /gateway/", action=proxy(21, port=8443))])
    m.sites[0].steps = steps
    return m


def _answer(m):
    return trace(m.sites[0], upgrade_request(GATEWAY_WS, True, 443))


def test_site_guard_proxy_wins_over_the_routes():
    rule = proxy(5)
    m = _site_with([Guard(Cond(True), [], loc(5), action=rule, label="RewriteRule ^/gateway/ ws://fas [P]")])
    chain, action, path, _ = _answer(m)
    assert action is rule and path == GATEWAY_WS
    # the guard stands as the route taken, named as written, at its own line
    assert [(r.label, r.loc.line) for r in chain] == [("RewriteRule ^/gateway/ ws://fas [P]", 5)]


def test_site_guard_that_does_not_hold_leaves_the_routes():
    m = _site_with([Guard(Cond(False), [], loc(5), action=proxy(5))])
    _, action, _, _ = _answer(m)
    assert action.loc.line == 21


def test_unknown_site_guard_is_uncertain_and_not_taken():
    m = _site_with([Guard(Cond(None), [], loc(5), action=proxy(5))])
    _, action, _, uncertain = _answer(m)
    assert action.loc.line == 21 and len(uncertain) == 1


def test_site_guard_serving_files_answers_404():
    served = ServeLocal(404, loc(6), what="files")
    m = _site_with([Guard(Cond(True), [], loc(6), action=served)])
    _, action, _, _ = _answer(m)
    assert action is served
    # the route (which would have been flagged for plain HTTP to 8443) is never consulted
    assert findings(m) == {("WSP301", 6, "status:404")}


def test_site_guard_response_step_answers():
    m = _site_with([Guard(Cond(True), [Respond(403, loc(7))], loc(7))])
    chain, action, _, _ = _answer(m)
    assert chain == [] and isinstance(action, Respond) and action.status == 403


def test_stop_after_the_guard_keeps_later_rules_from_running():
    first, later = proxy(5), proxy(8)
    stop = Rewrite(apply=lambda r: r.path, then="stop", loc=loc(5))
    m = _site_with([Guard(Cond(True), [stop], loc(5), action=first), Guard(Cond(True), [], loc(8), action=later)])
    assert _answer(m)[1] is first
    m = _site_with([Guard(Cond(True), [], loc(5), action=first), Guard(Cond(True), [], loc(8), action=later)])
    assert _answer(m)[1] is later  # without a stop the last guard that holds decides


def test_a_reroute_after_the_guard_selects_a_route_again():
    rr = Rewrite(apply=lambda r: "/gateway/x", then="reroute", loc=loc(9))
    m = _site_with([Guard(Cond(True), [], loc(5), action=proxy(5)), rr])
    assert _answer(m)[1].loc.line == 21


def test_site_guard_proxy_is_judged_by_the_checks_and_fills_pools():
    # a guard proxying plainly to FAS's TLS port is flagged at the guard's line
    m = _site_with([Guard(Cond(True), [], loc(5), action=proxy(5, port=8443))], routes=[])
    assert ("WSP202", 5, "status:502") in findings(m)
    # a pooled backend used by a site-level guard is one page requests can fill
    pooled = proxy(5, pool=8)
    m = _site_with([Guard(Cond(True), [], loc(5), action=pooled, label="rule")], routes=[])
    plans = build_plans(m, Options())
    assert [f.route_label for f in plans.fillers[id(pooled.backend)]] == ["rule"]

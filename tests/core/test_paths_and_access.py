"""The path FAS receives and access rules, judged on a hand-built model with no reader
behind it: the facts the interpreters fill (``ProxyAction.forward``, ``Route.access``,
``Refusal`` steps, whole-URI rewrites) are enough for WSP303 and WSP304."""

from __future__ import annotations

from linter.core.model import (
    Backend,
    FailureStatuses,
    Listener,
    PathMatch,
    ProxyAction,
    ProxyModel,
    Refusal,
    Request,
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
from linter.core.resolve import HOP_BY_HOP, build_plans
from linter.core.tree import Loc
from linter.engine.registry import all_checks

F = "neutral.cfg"


class Advice:
    def fix(self, key: str, **details: str) -> str:
        return str(key)


class Cond:
    def __init__(self, verdict: bool | None) -> None:
        self.text = "cond"
        self.verdict = verdict

    def evaluate(self, request: Request) -> bool | None:
        return self.verdict


def loc(line: int) -> Loc:
    return Loc(F, line)


def proxy(line: int, pool: int = 0, **kw) -> ProxyAction:
    """A proxy that passes the client's upgrade through untouched, to FAS's plain port."""
    backend = Backend(
        "fas", [Server("10.0.0.5", 8080, loc(line))], loc(line), pool=Setting(pool, loc(line)), named=True
    )
    up = UpstreamRequest(
        forward_client_headers=Setting(True),
        hop_by_hop_forwarded=frozenset(HOP_BY_HOP),
        ops=(),
        empty_value_removes=False,
        ops_loc=None,
    )
    return ProxyAction(
        target="fas:8080",
        backend=backend,
        tls=False,
        loc=loc(line),
        upstream=up,
        timeouts=Timeouts(idle=Setting(3600.0, loc(line))),
        **kw,
    )


def model(routes: list[Route]) -> ProxyModel:
    site = Site(
        "frontend gw",
        [],
        [Listener("0.0.0.0", 443, tls=True, loc=loc(1))],
        loc(1),
        routes=RouteTable(routes, "first-match"),
    )
    return ProxyModel(
        dialect="neutral",
        root_file=F,
        sites=[site],
        backends=[],
        advice=Advice(),
        files=[F],
        statuses=FailureStatuses("status:502", "status:503"),
    )


def run(m: ProxyModel):
    plans = build_plans(m, Options())
    return [f for c in all_checks() for f in c.run(plans)]


def findings(m: ProxyModel) -> set[tuple[str, int, str | None]]:
    return {(f.rule, f.loc.line, f.symptom) for f in run(m)}


GW_ROUTE = PathMatch("prefix", "/gateway/")
TOPIC_ROUTE = PathMatch("prefix", "/assistserver/")


def routes(gateway: Route) -> list[Route]:
    return [gateway, Route(TOPIC_ROUTE, loc(30), "topic", action=proxy(31))]


def strip_prefix(req: Request, rewritten: bool) -> tuple[str, str] | None:
    return req.path.removeprefix("/gateway"), req.query


def test_a_target_that_replaces_the_prefix_is_flagged_at_the_target():
    m = model(routes(Route(GW_ROUTE, loc(10), "gw", action=proxy(11, forward=strip_prefix))))
    assert findings(m) == {("WSP303", 11, "status:404")}


def test_a_target_whose_request_line_cannot_be_known_says_nothing():
    m = model(routes(Route(GW_ROUTE, loc(10), "gw", action=proxy(11, forward=lambda req, rewritten: None))))
    assert findings(m) == set()


def test_a_rewrite_that_drops_the_query_is_flagged_at_the_rewrite():
    drop = Rewrite(apply=lambda req: req.path, then="continue", loc=loc(12), text="drop query", whole_uri=True)
    m = model(routes(Route(GW_ROUTE, loc(10), "gw", steps=(drop,), action=proxy(11))))
    assert findings(m) == {("WSP303", 12, "status:403")}


def test_a_refusal_of_everyone_answers_and_only_wsp304_speaks():
    deny = Refusal(403, loc(13), "deny all")
    m = model(routes(Route(GW_ROUTE, loc(10), "gw", action=proxy(11, pool=8), access=(deny,))))
    assert findings(m) == {("WSP304", 13, "status:403")}


def test_an_allow_list_is_a_warning_and_the_request_still_reaches_fas():
    allow = Refusal(403, loc(13), "allow 10.0.0.0/8; deny all", admits="clients from 10.0.0.0/8")
    found = run(model(routes(Route(GW_ROUTE, loc(10), "gw", action=proxy(11), access=(allow,)))))
    assert [(f.rule, f.severity) for f in found] == [("WSP304", "warning")]
    assert "10.0.0.0/8" in found[0].message


def test_a_refusal_step_whose_condition_cannot_be_decided_names_it():
    step = Refusal(401, loc(14), "http-request auth", condition=Cond(None))
    m = model(routes(Route(GW_ROUTE, loc(10), "gw", steps=(step,), action=proxy(11))))
    assert findings(m) == {("WSP304", 14, "status:401")}
    never = Refusal(401, loc(14), "http-request auth", condition=Cond(False))
    assert findings(model(routes(Route(GW_ROUTE, loc(10), "gw", steps=(never,), action=proxy(11))))) == set()

"""HAProxy: path and query rewriting on the way to FAS, deny/auth/tarpit as access rules,
and which backends page requests reach. Verdicts checked on HAProxy 2.6.12 through the
samples named in each test (samples/haproxy/, tests/live/test_verify_samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _util import load

from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW
from linter.core.model import ProxyAction, Respond
from linter.core.options import Options
from linter.core.resolve import build_plans
from parsers.haproxy.read import split_words

DEFAULTS = "defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"


def plans(tmp_path: Path, front: str, back: str = "", options: Options | None = None, extra: str = ""):
    options = options or Options(dialect="haproxy")
    conf = tmp_path / "haproxy.cfg"
    conf.write_text(
        DEFAULTS
        + "frontend fe\n    bind :80\n"
        + "".join(f"    {line}\n" for line in front.strip("\n").splitlines())
        + "    default_backend fas\n"
        + "backend fas\n"
        + "".join(f"    {line}\n" for line in back.strip("\n").splitlines())
        + "    server f1 10.0.0.1:8080\n"
        + extra
    )
    return build_plans(load("haproxy", conf, options), options)


def plan_for(planset, ws: str = GW):
    (plan,) = [p for p in planset.plans if p.ws_path == ws]
    return plan


def test_a_regex_back_reference_survives_the_reader():
    """HAProxy replaces only the escapes that mean something; ``\\1`` stays as written."""
    assert split_words(r"http-request replace-path ^/gateway(/.*)$ \1") == [
        "http-request",
        "replace-path",
        "^/gateway(/.*)$",
        "\\1",
    ]


@pytest.mark.parametrize(
    ("rule", "path", "query"),
    [
        # bad-replace-path-strips-prefix.cfg
        (r"http-request replace-path ^/gateway(/.*)$ \1", "/websocketcall", "appkey=FWGW-example"),
        (r"http-request replace-path ^/fas(/.*)$ \1", GW, "appkey=FWGW-example"),
        ("http-request set-path /fas%[path]", "/fas/gateway/websocketcall", "appkey=FWGW-example"),
        # set-uri and set-query write the query too
        ("http-request set-uri /gateway/websocketcall", GW, ""),
        ("http-request set-query %[query]&v=2", GW, "appkey=FWGW-example&v=2"),
        (r"http-request replace-uri ^(.*)\?.*$ \1", GW, ""),
        # a condition that does not hold for the URL leaves it alone
        ("http-request set-path /x if { path_beg /other/ }", GW, "appkey=FWGW-example"),
    ],
)
def test_rewrites_change_what_fas_receives(tmp_path, rule, path, query):
    plan = plan_for(plans(tmp_path, rule))
    assert isinstance(plan.action, ProxyAction)
    assert (plan.final_path, plan.final_query) == (path, query)
    assert bool(plan.rewritten_by) is ((path, query) != (GW, plan.request.query))


def test_a_frontend_rewrite_runs_before_use_backend(tmp_path):
    ps = plans(
        tmp_path,
        r"""
        http-request replace-path ^/fas(/.*)$ \1
        use_backend fas if { path_beg /gateway/ }
        """,
        options=Options(dialect="haproxy", ws_paths=("/fas/gateway/websocketcall",)),
    )
    (plan,) = ps.plans
    assert plan.final_path == GW
    assert isinstance(plan.action, ProxyAction)


def test_a_backend_rewrite_changes_the_path_too(tmp_path):
    plan = plan_for(plans(tmp_path, "", back="http-request set-path /ws"))
    assert plan.final_path == "/ws"


# ----------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("rule", "status"),
    [
        ("http-request deny", 403),
        ("http-request deny deny_status 401", 401),
        ("http-request auth realm fas", 401),
        ("http-request tarpit", 500),
    ],
)
def test_an_unconditional_refusal_answers_everyone(tmp_path, rule, status):
    plan = plan_for(plans(tmp_path, rule))
    assert plan.denied is not None and plan.denied.status == status
    assert isinstance(plan.action, Respond) and plan.action.status == status


def test_a_refusal_that_depends_on_the_client_names_its_condition(tmp_path):
    """bad-deny-assist-outside-office.cfg"""
    ps = plans(tmp_path, "acl office src 10.0.0.0/8\nhttp-request deny if { path_beg /assistserver/ } !office")
    topic = plan_for(ps, TOPIC)
    (rule,) = topic.refusals
    assert topic.denied is None and isinstance(topic.action, ProxyAction)
    assert "office" in rule.only_when
    # the path part of the condition does not hold for the Gateway URL: no refusal there
    assert plan_for(ps).refusals == ()


def test_auth_unless_credentials_is_for_some_clients_only(tmp_path):
    ps = plans(
        tmp_path,
        "http-request auth realm fas unless { http_auth(users) }",
        extra="userlist users\n    user agent insecure-password secret\n",
    )
    (rule,) = plan_for(ps).refusals
    assert rule.status == 401 and rule.only_when


# ----------------------------------------------------------------------------- pools


def test_a_backend_only_the_websocket_urls_reach_fills_no_pool(tmp_path):
    """good-ws-backend-reuse-always.cfg"""
    options = Options(dialect="haproxy", fas_version="2.5.2")
    ps = plans(
        tmp_path,
        "use_backend ws if { path /gateway/websocketcall /assistserver/topic }",
        options=options,
        extra="backend ws\n    http-reuse always\n    server f1 10.0.0.1:8080\n",
    )
    assert ps.pool_fillers(plan_for(ps)) == []
    pages_too = plans(
        tmp_path,
        "use_backend ws if { path_beg /gateway/ }",
        options=options,
        extra="backend ws\n    http-reuse always\n    server f1 10.0.0.1:8080\n",
    )
    assert [f.route_label for f in pages_too.pool_fillers(plan_for(pages_too))] == ["frontend fe"]

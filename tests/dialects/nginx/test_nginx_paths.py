"""nginx: the path and query FAS receives, the access phase, and which locations take
page requests. Semantics checked on nginx 1.22.1 by the live samples named in each test
(samples/nginx/, verified by tests/live/test_verify_samples.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from _util import load

from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW
from linter.core.model import ProxyAction, Respond
from linter.core.options import Options
from linter.core.resolve import build_plans

HEAD = """\
events {}
http {
    server {
        listen 80;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
"""


def plans(tmp_path: Path, body: str, options: Options | None = None):
    options = options or Options(dialect="nginx")
    conf = tmp_path / "nginx.conf"
    conf.write_text(HEAD + textwrap.indent(textwrap.dedent(body), " " * 8) + "    }\n}\n")
    return build_plans(load("nginx", conf, options), options)


def plan_for(planset, ws: str = GW):
    (plan,) = [p for p in planset.plans if p.ws_path == ws]
    return plan


# ----------------------------------------------------------------------------- the path FAS receives


@pytest.mark.parametrize(
    ("location", "target", "path", "query_kept"),
    [
        # no URI part: the path goes as the browser sent it
        ("/gateway/", "http://10.0.0.1:8080", GW, True),
        # a URI part replaces the matched prefix (bad-proxy-pass-uri-strips-prefix.conf)
        ("/gateway/", "http://10.0.0.1:8080/", "/websocketcall", True),
        ("/gateway/", "http://10.0.0.1:8080/gateway/", GW, True),
        ("/gateway", "http://10.0.0.1:8080/", "//websocketcall", True),
        ("= /gateway/websocketcall", "http://10.0.0.1:8080/ws", "/ws", True),
        # with variables, the evaluated URI replaces the whole request URI, query included
        # (bad-proxy-pass-variable-drops-query.conf)
        ("/gateway/", "http://10.0.0.1:8080$uri", GW, False),
        ("/gateway/", "http://10.0.0.1:8080$request_uri", GW, True),
        ("/gateway/", "http://10.0.0.1:8080$uri$is_args$args", GW, True),
        # a regex location's captures (bad-regex-capture-drops-query.conf)
        ("~ ^/gateway/(.*)$", "http://10.0.0.1:8080/gateway/$1", GW, False),
        ("~ ^/gateway/(?<rest>.*)$", "http://10.0.0.1:8080/gateway/$rest$is_args$args", GW, True),
    ],
)
def test_the_path_and_query_fas_receives(tmp_path, location, target, path, query_kept):
    plan = plan_for(plans(tmp_path, f"location {location} {{ proxy_pass {target}; }}\n"))
    assert isinstance(plan.action, ProxyAction)
    assert plan.final_path == path
    assert (plan.final_query == plan.request.query) is query_kept
    assert plan.target_changed_path is (path != GW)


def test_a_rewrite_in_the_location_makes_proxy_pass_ignore_its_uri_part(tmp_path):
    plan = plan_for(
        plans(
            tmp_path,
            """\
            location /gateway/ {
                rewrite ^/gateway/(.*)$ /fas/$1 break;
                proxy_pass http://10.0.0.1:8080/elsewhere/;
            }
            """,
        )
    )
    assert plan.final_path == "/fas/websocketcall"
    assert not plan.target_changed_path
    assert [r.text for r in plan.rewritten_by] == ["rewrite ^/gateway/(.*)$ /fas/$1 break"]


def test_a_server_rewrite_before_location_selection_keeps_the_uri_substitution(tmp_path):
    plan = plan_for(
        plans(
            tmp_path,
            """\
            rewrite ^/gw/(.*)$ /gateway/$1 last;
            location /gateway/ { proxy_pass http://10.0.0.1:8080/gateway/; }
            """,
            Options(dialect="nginx", ws_paths=("/gw/websocketcall",)),
        ),
        "/gw/websocketcall",
    )
    assert plan.final_path == GW


@pytest.mark.parametrize(
    ("replacement", "query"),
    [
        ("/gateway/$1", "appkey=FWGW-example"),
        ("/gateway/$1?", ""),
        ("/gateway/$1?v=2", "v=2&appkey=FWGW-example"),
    ],
)
def test_rewrite_arguments_as_nginx_builds_them(tmp_path, replacement, query):
    plan = plan_for(
        plans(
            tmp_path,
            f"""\
            location /gateway/ {{
                rewrite ^/gateway/(.*)$ {replacement} break;
                proxy_pass http://10.0.0.1:8080;
            }}
            """,
        )
    )
    assert plan.final_path == GW
    assert plan.final_query == query


# ----------------------------------------------------------------------------- access


def test_deny_all_refuses_everyone(tmp_path):
    plan = plan_for(plans(tmp_path, "location /assistserver/ { deny all; proxy_pass http://10.0.0.1:8080; }\n"), TOPIC)
    assert plan.denied is not None and plan.denied.status == 403
    assert isinstance(plan.action, Respond) and plan.action.status == 403


def test_an_allow_list_names_who_gets_through(tmp_path):
    ps = plans(
        tmp_path,
        """\
        location /assistserver/ {
            allow 10.0.0.0/8;
            allow 192.168.0.0/16;
            deny all;
            proxy_pass http://10.0.0.1:8080;
        }
        """,
    )
    plan = plan_for(ps, TOPIC)
    assert plan.denied is None and isinstance(plan.action, ProxyAction)
    (rule,) = plan.refusals
    assert rule.status == 403 and rule.admits == "clients from 10.0.0.0/8, 192.168.0.0/16"


@pytest.mark.parametrize("rules", ["allow all; deny all;", "deny 203.0.113.7;", "allow 10.0.0.0/8;"])
def test_address_rules_that_let_everyone_else_through_refuse_nobody(tmp_path, rules):
    plan = plan_for(plans(tmp_path, f"location /gateway/ {{ {rules} proxy_pass http://10.0.0.1:8080; }}\n"))
    assert plan.refusals == ()


def test_server_level_rules_are_inherited_unless_the_location_has_its_own(tmp_path):
    ps = plans(
        tmp_path,
        """\
        deny all;
        location /gateway/ { proxy_pass http://10.0.0.1:8080; }
        location /assistserver/ { allow all; proxy_pass http://10.0.0.1:8080; }
        """,
    )
    assert plan_for(ps).denied is not None
    assert plan_for(ps, TOPIC).refusals == ()


def test_authentication_asks_for_credentials(tmp_path):
    ps = plans(
        tmp_path,
        """\
        location /gateway/ {
            auth_basic "FAS";
            auth_basic_user_file /etc/nginx/htpasswd;
            proxy_pass http://10.0.0.1:8080;
        }
        location /assistserver/ { auth_request /auth; proxy_pass http://10.0.0.1:8080; }
        location = /auth { internal; proxy_pass http://10.0.0.2:9000; }
        """,
    )
    (basic,) = plan_for(ps).refusals
    assert basic.status == 401 and basic.admits and not basic.decided_elsewhere
    (sub,) = plan_for(ps, TOPIC).refusals
    assert sub.decided_elsewhere
    assert all(p.denied is None for p in ps.plans)


def test_satisfy_any_lets_either_the_network_or_the_credentials_through(tmp_path):
    plan = plan_for(
        plans(
            tmp_path,
            """\
            location /gateway/ {
                satisfy any;
                allow 10.0.0.0/8;
                deny all;
                auth_basic "FAS";
                proxy_pass http://10.0.0.1:8080;
            }
            """,
        )
    )
    (rule,) = plan.refusals
    assert "10.0.0.0/8" in rule.admits and "credentials" in rule.admits


def test_access_is_checked_in_the_location_a_rewrite_last_lands_in(tmp_path):
    ps = plans(
        tmp_path,
        """\
        location /gateway/ { deny all; rewrite ^/gateway/(.*)$ /fas/$1 last; }
        location /fas/ { proxy_pass http://10.0.0.1:8080/gateway/; }
        """,
    )
    plan = plan_for(ps)
    assert plan.refusals == () and isinstance(plan.action, ProxyAction)
    assert plan.final_path == GW


# ----------------------------------------------------------------------------- pools


def test_a_regex_location_for_the_websocket_urls_only_fills_no_pool(tmp_path):
    """good-regex-ws-upstream-keepalive.conf"""
    options = Options(dialect="nginx", fas_version="2.5.2")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n    upstream ws { server 10.0.0.1:8080; keepalive 8; }\n"
        "    server {\n        listen 80;\n"
        "        location ~ ^/(gateway/websocketcall|assistserver/topic)$ { proxy_pass http://ws; }\n"
        "        location ~ \\.js$ {\n            proxy_pass http://ws;\n            proxy_http_version 1.1;\n"
        '            proxy_set_header Connection "";\n        }\n'
        "    }\n}\n"
    )
    ps = build_plans(load("nginx", conf, options), options)
    fillers = ps.pool_fillers(plan_for(ps))
    # the script location fills the pool; the websocket-only regex does not
    assert [f.route_label for f in fillers] == ["location ~ \\.js$"]


# ----------------------------------------------------------------------------- precedence


def test_a_nested_caret_prefix_keeps_only_its_own_levels_regexes_away(tmp_path):
    """bad-nested-caret-loses-to-regex.conf (nginx 1.22.1): the top-level regex takes the
    URL although a nested `^~` location matches it; a nested regex beats a top-level one."""
    ps = plans(
        tmp_path,
        """\
        location /gateway/ {
            proxy_pass http://10.0.0.1:8080;
            location ^~ /gateway/websocketcall { proxy_pass http://10.0.0.1:8080; }
        }
        location /assistserver/ {
            proxy_pass http://10.0.0.1:8080;
            location ~ topic { return 418; }
        }
        location ~ websocketcall { return 418; }
        location ~ topic { return 419; }
        """,
    )
    assert [r.label for r in plan_for(ps).route_chain] == ["location ~ websocketcall"]
    assert [r.label for r in plan_for(ps, TOPIC).route_chain] == ["location /assistserver/", "location ~ topic"]
    topic = plan_for(ps, TOPIC).action
    assert isinstance(topic, Respond) and topic.status == 418


def test_a_top_level_caret_prefix_keeps_the_regexes_away(tmp_path):
    ps = plans(
        tmp_path,
        """\
        location ^~ /gateway/ { proxy_pass http://10.0.0.1:8080; }
        location ~ websocketcall { return 418; }
        """,
    )
    assert [r.label for r in plan_for(ps).route_chain] == ["location ^~ /gateway/"]

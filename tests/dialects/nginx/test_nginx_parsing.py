"""nginx reader and interpreter, through their public APIs.

read(path) -> ConfigTree; interpret(tree, Options()) -> ProxyModel;
build_plans(model, Options()) -> PlanSet. Every config is written into pytest's
tmp_path. Where a semantic is nginx's own, it was confirmed against nginx 1.22.1
(/usr/sbin/nginx -t / -T, or live on loopback).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from _util import write
from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW

from linter.core.model import ProxyAction, Respond, ServeLocal
from linter.core.options import Options
from linter.core.resolve import build_plans, page_request, select_route, sent_headers, trace, upgrade_request
from parsers.nginx.interpret import interpret, parse_time
from parsers.nginx.read import read


NEW_NGINX = Options(proxy_versions={"nginx": "1.30.0"})


# ----------------------------------------------------------------------------- helpers

def line_of(path: Path, needle: str) -> int:
    """1-based line of the only line of ``path`` containing ``needle``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} occurs on lines {hits} of {path}"
    return hits[0]


def load(path: Path, options: Options | None = None):
    options = options or Options()
    tree = read(str(path))
    model = interpret(tree, options)
    return tree, model, build_plans(model, options)


def whole(tmp_path: Path, server_body: str, http_extra: str = "", listen: str = "listen 80;",
          name: str = "nginx.conf") -> Path:
    """A whole configuration: events {} and one server in http {}."""
    body = textwrap.indent(textwrap.dedent(server_body).strip("\n"), " " * 8)
    extra = textwrap.indent(textwrap.dedent(http_extra).strip("\n"), " " * 4)
    text = f"events {{}}\nhttp {{\n{extra}\n    server {{\n        {listen}\n{body}\n    }}\n}}\n"
    p = tmp_path / name
    p.write_text(text)
    return p


def plan_for(planset, ws_path: str = GW):
    found = [p for p in planset.plans if p.ws_path == ws_path]
    assert found, f"no plan for {ws_path}; plans: {[(p.ws_path, p.listener.label) for p in planset.plans]}"
    return found[0]


def values(sent) -> dict[str, str | None]:
    return {k: v.value for k, v in sent.items()}


WS_LOCATION = """\
location /gateway/ {
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_pass http://127.0.0.1:8080;
}
"""


# ----------------------------------------------------------------------------- locations

def test_every_node_has_file_and_line_that_show_the_directive(tmp_path):
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      close;
            }
            include conf.d/*.conf;
        }
    """)
    write(tmp_path, "conf.d/fas.conf", """\
        upstream fas {
            server 127.0.0.1:8080;
        }
        server {
            listen 443 ssl;
            location /gateway/ {
                proxy_set_header Upgrade $http_upgrade;
                proxy_pass http://fas;
            }
        }
    """)
    tree = read(str(main))
    nodes = tree.walk()
    assert [n.name for n in nodes] == [
        "events", "http", "map", "default", "", "upstream", "server", "server", "listen", "location",
        "proxy_set_header", "proxy_pass"]
    for n in nodes:
        assert n.loc.file, n
        assert isinstance(n.loc.line, int) and n.loc.line >= 1, n
        text = Path(n.loc.file).read_text().splitlines()[n.loc.line - 1]
        assert n.name in text, (n.name, n.loc, text)
        for a in n.args:
            assert a in text, (a, n.loc, text)


def test_include_glob_resolves_against_main_config_dir_sorted(tmp_path):
    # nginx resolves a relative include against the prefix of the MAIN config (checked
    # with nginx -T), not against the directory of the file that includes it.
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            include sites/*.conf;
        }
    """)
    # written in non-sorted order on purpose
    write(tmp_path, "sites/b.conf", "server {\n    listen 8002;\n    include snippets/*.conf;\n}\n")
    write(tmp_path, "sites/a.conf", "server {\n    listen 8001;\n}\n")
    write(tmp_path, "sites/c.conf", "server {\n    listen 8003;\n}\n")
    write(tmp_path, "snippets/2.conf", "server_name right2;\n")
    write(tmp_path, "snippets/1.conf", "server_name right1;\n")
    write(tmp_path, "sites/snippets/1.conf", "server_name wrong;\n")

    tree = read(str(main))
    assert tree.problems == []
    http = tree.nodes[1]
    assert http.name == "http"
    servers = http.iter("server")
    assert [Path(s.loc.file).name for s in servers] == ["a.conf", "b.conf", "c.conf"]
    assert [s.first("listen").args for s in servers] == [["8001"], ["8002"], ["8003"]]
    names = servers[1].iter("server_name")
    assert [n.args[0] for n in names] == ["right1", "right2"]
    assert Path(names[0].loc.file) == tmp_path / "snippets/1.conf"
    assert Path(names[1].loc.file) == tmp_path / "snippets/2.conf"
    assert not any("wrong" in n.args for n in tree.walk())
    assert {Path(f.path).resolve() for f in tree.files} == {
        main.resolve(), *(tmp_path / f"sites/{x}.conf" for x in "abc"),
        tmp_path / "snippets/1.conf", tmp_path / "snippets/2.conf"}


def test_included_nodes_keep_their_own_file_line_and_include_chain(tmp_path):
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            include conf.d/fas.conf;
        }
    """)
    inc = write(tmp_path, "conf.d/fas.conf", """\
        # FAS front
        server {
            listen 80;

            location /gateway/ {
                include snippets/ws.conf;
                proxy_pass http://127.0.0.1:8080;
            }
        }
    """)
    snip = write(tmp_path, "snippets/ws.conf", """\

        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
    """)
    tree = read(str(main))
    assert tree.problems == []
    server = tree.nodes[1].children[0]
    assert (Path(server.loc.file), server.loc.line) == (inc, 2)
    loc = server.first("location")
    assert loc.loc.line == 5
    assert [c.name for c in loc.children] == ["proxy_http_version", "proxy_set_header", "proxy_pass"]
    phv, psh, pp = loc.children
    assert (Path(phv.loc.file), phv.loc.line) == (snip, 2)
    assert (Path(psh.loc.file), psh.loc.line) == (snip, 3)
    assert (Path(pp.loc.file), pp.loc.line) == (inc, 7)
    # the include chain: main's include at line 3, then fas.conf's include at line 6
    assert [(Path(v.file).name, v.line) for v in phv.via] == [("nginx.conf", 3), ("fas.conf", 6)]
    assert [(Path(v.file).name, v.line) for v in pp.via] == [("nginx.conf", 3)]
    # the interpreter's facts point into the snippet too
    _, _, ps = load(main)
    plan = plan_for(ps)
    assert plan.sent["upgrade"].value == "websocket"
    assert (Path(plan.sent["upgrade"].op.loc.file), plan.sent["upgrade"].op.loc.line) == (snip, 3)
    assert (Path(plan.proxy.upstream.http_version.loc.file), plan.proxy.upstream.http_version.loc.line) == (snip, 2)


def test_missing_literal_relative_include_is_a_certain_include_problem(tmp_path):
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            include conf.d/*.conf;
            include snippets/missing.conf;
        }
    """)
    tree = read(str(main))
    assert len(tree.problems) == 1
    p = tree.problems[0]
    assert p.kind == "include"
    assert p.certain is True
    assert (Path(p.loc.file), p.loc.line) == (main, 4)
    assert "snippets/missing.conf" in p.message
    model = interpret(tree, Options())
    assert [(c.kind, c.loc.line, c.certain) for c in model.problems] == [("include", 4, True)]


def test_glob_matching_nothing_is_not_a_problem(tmp_path):
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            include conf.d/*.conf;
            include /nonexistent-dir-for-wsproxylint/*.conf;
        }
    """)
    tree = read(str(main))
    assert tree.problems == []
    assert interpret(tree, Options()).problems == []


def test_missing_relative_include_in_a_fragment_is_not_certain(tmp_path):
    frag = write(tmp_path, "sites-enabled/fas.conf", """\
        server {
            listen 80;
            include snippets/ws.conf;
        }
    """)
    tree = read(str(frag))
    assert tree.context == "http"
    assert [(p.kind, p.loc.line, p.certain) for p in tree.problems] == [("include", 3, False)]


def test_include_cycle_is_reported_not_recursed(tmp_path):
    a = write(tmp_path, "a.conf", "events {}\nhttp {\n    include b.conf;\n}\n")
    b = write(tmp_path, "b.conf", "server {\n    listen 80;\n}\ninclude a.conf;\n")
    tree = read(str(a))
    assert [p.kind for p in tree.problems] == ["include"]
    p = tree.problems[0]
    assert "cycle" in p.message
    assert (Path(p.loc.file), p.loc.line) == (b, 4)
    # b.conf's own content still arrives, once
    assert [n.name for n in tree.walk()] == ["events", "http", "server", "listen"]
    model = interpret(tree, Options())
    assert [(c.kind, Path(c.loc.file).name, c.loc.line) for c in model.problems] == [("include", "b.conf", 4)]


def test_self_include_is_reported(tmp_path):
    main = write(tmp_path, "nginx.conf", "events {}\nhttp {\n    include nginx.conf;\n}\n")
    tree = read(str(main))
    assert len(tree.problems) == 1
    p = tree.problems[0]
    assert p.kind == "include" and "cycle" in p.message
    assert (Path(p.loc.file), p.loc.line) == (main, 3)
    assert [n.name for n in tree.walk()] == ["events", "http"]


def test_glob_that_matches_the_including_file_is_a_cycle_not_recursion(tmp_path):
    main = write(tmp_path, "nginx.conf", "events {}\nhttp {\n    include conf.d/*.conf;\n}\n")
    write(tmp_path, "conf.d/a.conf", "server {\n    listen 80;\n}\ninclude conf.d/*.conf;\n")
    tree = read(str(main))
    assert [p.kind for p in tree.problems] == ["include"]
    assert tree.problems[0].loc.line == 4
    assert [n.name for n in tree.walk()] == ["events", "http", "server", "listen"]


# ----------------------------------------------------------------------------- fragments

def test_fragment_of_server_blocks_has_http_context(tmp_path):
    frag = write(tmp_path, "sites-enabled/fas.conf", """\
        server {
            listen 443 ssl;
            server_name gw.example.com;
            location /gateway/ {
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection "upgrade";
                proxy_pass http://127.0.0.1:8080;
            }
        }
    """)
    tree, model, ps = load(frag)
    assert tree.context == "http"
    assert tree.is_fragment
    assert tree.problems == []
    assert model.fragment is True
    assert [s.names for s in model.sites] == [["gw.example.com"]]
    plan = plan_for(ps)
    assert plan.listener.label == "0.0.0.0:443 tls"
    assert isinstance(plan.action, ProxyAction)
    assert plan.sent["upgrade"].value == "websocket"


def test_fragment_of_location_blocks_has_server_context(tmp_path):
    frag = write(tmp_path, "snippets/fas-locations.conf", """\
        location /gateway/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    tree, model, ps = load(frag)
    assert tree.context == "server"
    assert tree.problems == []
    assert len(model.sites) == 1
    plan = plan_for(ps)
    assert plan.listener.unknown is True
    assert [r.label for r in plan.route_chain] == ["location /gateway/"]
    assert plan.sent["connection"].value == "upgrade"
    assert [r.label for r in plan_for(ps, TOPIC).route_chain] == ["location /assistserver/"]


def test_fragment_with_only_proxy_directives_has_location_context(tmp_path):
    frag = write(tmp_path, "snippets/ws.conf", """\
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
    """)
    tree = read(str(frag))
    assert tree.context == "location"
    assert tree.problems == []
    assert [n.name for n in tree.nodes] == ["proxy_http_version", "proxy_set_header"]


# ----------------------------------------------------------------------------- syntax errors

def test_missing_semicolon_before_closing_brace_is_a_syntax_problem(tmp_path):
    # nginx 1.22: unexpected "}" in ...:7 -- the directive to fix is on line 6
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 80;
                location / {
                    proxy_pass http://127.0.0.1:8080
                }
            }
        }
    """)
    tree = read(str(main))
    assert [(p.kind, Path(p.loc.file), p.certain) for p in tree.problems] == [("syntax", main, True)]
    # we point at the directive to fix, not at the "}" where nginx notices
    assert (tree.problems[0].loc.line, tree.problems[0].message) == (
        6, 'directive "proxy_pass" is not terminated by ";"')


def test_missing_semicolon_between_directives_is_a_syntax_problem(tmp_path):
    # nginx 1.22: invalid number of arguments in "proxy_http_version" directive in ...:7
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 80;
                location / {
                    proxy_http_version 1.1
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_pass http://127.0.0.1:8080;
                }
            }
        }
    """)
    tree = read(str(main))
    assert [p.kind for p in tree.problems] == ["syntax"]
    assert (tree.problems[0].loc.line, tree.problems[0].message) == (
        6, 'invalid number of arguments in "proxy_http_version" directive')


def test_unclosed_brace_is_a_syntax_problem_at_end_of_file(tmp_path):
    # nginx 1.22: unexpected end of file, expecting "}" in ...:10 (the line after the last)
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 80;
                location /x {
                    proxy_pass http://127.0.0.1:8080;
                }

        }
    """)
    tree = read(str(main))
    assert len(tree.problems) == 1
    p = tree.problems[0]
    assert p.kind == "syntax"
    assert "end of file" in p.message
    assert p.loc.line == 9  # the file's last line (nginx says "line 10", one past it)
    model = interpret(tree, Options())
    assert [(c.kind, c.loc.line) for c in model.problems] == [("syntax", p.loc.line)]


@pytest.mark.parametrize("bad,message", [
    ("proxy_http_version 1.1 1.0;", 'invalid number of arguments in "proxy_http_version" directive'),
    # nginx says unexpected "}" at line 5; the line to fix is 4
    ("proxy_http_version 1.1", 'directive "proxy_http_version" is not terminated by ";"'),
])
def test_syntax_problem_in_included_file_points_into_that_file(tmp_path, bad, message):
    main = write(tmp_path, "nginx.conf", "events {}\nhttp {\n    include conf.d/*.conf;\n}\n")
    inc = write(tmp_path, "conf.d/fas.conf", f"""\
server {{
    listen 80;
    location / {{
        {bad}
    }}
}}
""")
    tree = read(str(main))
    assert [(p.kind, Path(p.loc.file)) for p in tree.problems] == [("syntax", inc)]
    assert (tree.problems[0].loc.line, tree.problems[0].message) == (4, message)


def test_syntax_message_does_not_repeat_relative_file_and_line(tmp_path, monkeypatch):
    # crossplane appends " in FILE:LINE"; the reader strips it for absolute paths, and
    # the location already says it for relative paths too.
    write(tmp_path, "nginx.conf", "events {}\nhttp {\n    server {\n        listen 80;\n")
    monkeypatch.chdir(tmp_path)
    tree = read("nginx.conf")
    assert [p.kind for p in tree.problems] == ["syntax"]
    assert "nginx.conf:" not in tree.problems[0].message
    assert tree.problems[0].message == 'unexpected end of file, expecting "}"'


def test_missing_semicolon_in_server_fragment_is_a_syntax_problem(tmp_path):
    frag = write(tmp_path, "sites-enabled/fas.conf", """\
        server {
            listen 80;
            location / {
                proxy_pass http://127.0.0.1:8080
            }
        }
    """)
    tree = read(str(frag))
    assert tree.context == "http"
    assert [(p.kind, p.loc.line, p.message) for p in tree.problems] == [
        ("syntax", 4, 'directive "proxy_pass" is not terminated by ";"')]


def test_missing_semicolon_between_directives_in_location_fragment(tmp_path):
    frag = write(tmp_path, "snippets/fas.conf", """\
        location /gateway/ {
            proxy_http_version 1.1
            proxy_set_header Upgrade $http_upgrade;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    tree = read(str(frag))
    assert tree.context == "server"
    assert [(p.kind, p.loc.line, p.message) for p in tree.problems] == [
        ("syntax", 2, 'invalid number of arguments in "proxy_http_version" directive')]


def test_listen_missing_semicolon_is_a_problem(tmp_path):
    main = write(tmp_path, "nginx.conf", """\
        events {}
        http {
            server {
                listen 80
                server_name gw.example.com;
                location /gateway/ { proxy_pass http://127.0.0.1:8080; }
            }
        }
    """)
    model = interpret(read(str(main)), Options())
    # nginx 1.22: invalid parameter "server_name"
    assert [(p.kind, p.loc.line, p.message) for p in model.problems] == [
        ("rejected", 4, 'invalid parameter "server_name" in "listen"')]


# ----------------------------------------------------------------------------- proxy_set_header inheritance

def test_location_with_own_proxy_set_header_does_not_inherit_server_upgrade(tmp_path):
    conf = whole(tmp_path, """\
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        location /gateway/ {
            proxy_set_header X-Real-IP $remote_addr;
            proxy_http_version 1.1;
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_http_version 1.1;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    gw = plan_for(ps)
    assert "upgrade" not in gw.sent
    assert gw.sent["connection"].value == "close"  # nginx's default, not the server's "upgrade"
    assert gw.sent["connection"].op.loc is None
    assert gw.sent["x-real-ip"].value == "192.0.2.10"
    shadowed = gw.proxy.upstream.shadowed
    assert [(h.name, h.loc.line) for h in shadowed] == [
        ("Upgrade", line_of(conf, "proxy_set_header Upgrade")),
        ("Connection", line_of(conf, "proxy_set_header Connection"))]
    assert gw.proxy.upstream.ops_loc.line == line_of(conf, "X-Real-IP")
    assert str(line_of(conf, "X-Real-IP")) in gw.proxy.upstream.shadow_reason

    # a location with no proxy_set_header of its own inherits the server's
    topic = plan_for(ps, TOPIC)
    assert topic.sent["upgrade"].value == "websocket"
    assert topic.sent["upgrade"].op.loc.line == line_of(conf, "proxy_set_header Upgrade")
    assert topic.sent["connection"].value == "upgrade"
    assert topic.proxy.upstream.shadowed == ()


def test_headers_inherit_from_http_level_through_server(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_http_version 1.1;
            proxy_pass http://127.0.0.1:8080;
        }
    """, http_extra="""\
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    """)
    _, _, ps = load(conf)
    gw = plan_for(ps)
    assert gw.sent["upgrade"].value == "websocket"
    assert gw.sent["connection"].value == "upgrade"
    assert gw.sent["upgrade"].op.loc.line == 3


def test_server_level_header_shadows_http_level(tmp_path):
    conf = whole(tmp_path, """\
        proxy_set_header Host $host;
        location /gateway/ {
            proxy_http_version 1.1;
            proxy_pass http://127.0.0.1:8080;
        }
    """, http_extra="""\
        proxy_set_header Upgrade $http_upgrade;
    """)
    _, _, ps = load(conf)
    gw = plan_for(ps)
    assert "upgrade" not in gw.sent
    assert gw.sent["host"].value == "gw.example.com"
    assert [h.name for h in gw.proxy.upstream.shadowed] == ["Upgrade"]


# ----------------------------------------------------------------------------- location precedence

def routes_for(tmp_path: Path, body: str, path: str) -> list[str]:
    conf = whole(tmp_path, body)
    model = interpret(read(str(conf)), Options())
    assert model.problems == []
    return [r.label for r in select_route(model.sites[0].routes, path)]


def test_exact_location_beats_prefix_and_regex(tmp_path):
    body = """\
        location ~ websocket { proxy_pass http://c:8080; }
        location /gateway/ { proxy_pass http://a:8080; }
        location = /gateway/websocketcall { proxy_pass http://b:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location = /gateway/websocketcall"]
    assert routes_for(tmp_path, body, "/gateway/adapter.js") == ["location /gateway/"]
    assert routes_for(tmp_path, body, "/gateway/websocketcall2") == ["location ~ websocket"]


def test_caret_tilde_prefix_stops_regex_search(tmp_path):
    body = """\
        location ~ websocket { proxy_pass http://c:8080; }
        location ^~ /gateway/ { proxy_pass http://a:8080; }
        location / { proxy_pass http://d:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location ^~ /gateway/"]
    assert routes_for(tmp_path, body, "/other/websocket") == ["location ~ websocket"]
    assert routes_for(tmp_path, body, "/other/x") == ["location /"]


def test_caret_tilde_only_stops_regexes_when_it_is_the_longest_prefix(tmp_path):
    body = """\
        location ^~ /gateway/ { proxy_pass http://a:8080; }
        location /gateway/websocket { proxy_pass http://b:8080; }
        location ~ call$ { proxy_pass http://c:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location ~ call$"]


def test_regex_beats_plain_prefix(tmp_path):
    body = """\
        location /gateway/ { proxy_pass http://a:8080; }
        location ~* /GATEWAY/WEBSOCKET { proxy_pass http://c:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location ~* /GATEWAY/WEBSOCKET"]
    assert routes_for(tmp_path, body, "/gateway/x") == ["location /gateway/"]


def test_case_sensitive_regex_does_not_match_other_case(tmp_path):
    body = """\
        location /gateway/ { proxy_pass http://a:8080; }
        location ~ /GATEWAY/WEBSOCKET { proxy_pass http://c:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location /gateway/"]


def test_first_regex_in_file_order_wins(tmp_path):
    body = """\
        location /gateway/ { proxy_pass http://a:8080; }
        location ~ /gateway/web { proxy_pass http://c:8080; }
        location ~ /gateway/websocketcall$ { proxy_pass http://e:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location ~ /gateway/web"]


def test_longest_prefix_wins_regardless_of_order(tmp_path):
    body = """\
        location /gateway/websocket { proxy_pass http://c:8080; }
        location / { proxy_pass http://a:8080; }
        location /gateway { proxy_pass http://b:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location /gateway/websocket"]
    assert routes_for(tmp_path, body, "/gateway/x") == ["location /gateway"]
    assert routes_for(tmp_path, body, "/x") == ["location /"]


def test_nested_locations(tmp_path):
    # Confirmed live with nginx 1.22.1: a nested prefix match does not stop a top-level
    # regex; a nested regex beats a top-level one once its parent prefix matched.
    body = r"""
        location /gateway/ {
            proxy_pass http://a:8080;
            location /gateway/websocketcall { proxy_pass http://b:8080; }
            location ~ \.js$ { proxy_pass http://c:8080; }
        }
        location ~ call$ { proxy_pass http://d:8080; }
        location ~ \.js$ { proxy_pass http://e:8080; }
    """
    assert routes_for(tmp_path, body, GW) == ["location ~ call$"]
    assert routes_for(tmp_path, body, "/gateway/adapter.js") == ["location /gateway/", r"location ~ \.js$"]
    assert routes_for(tmp_path, body, "/gateway/x") == ["location /gateway/"]
    assert routes_for(tmp_path, body, "/gateway/websocketcall/x") == [
        "location /gateway/", "location /gateway/websocketcall"]


def test_nested_location_action_is_what_the_plan_uses(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://127.0.0.1:8081;
            location /gateway/websocketcall {
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection "upgrade";
                proxy_pass http://127.0.0.1:8080;
            }
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert [r.label for r in plan.route_chain] == ["location /gateway/", "location /gateway/websocketcall"]
    assert plan.proxy.backend.servers[0].port == 8080
    assert plan.sent["upgrade"].value == "websocket"


# ----------------------------------------------------------------------------- trailing slash 301

def test_trailing_slash_location_gives_automatic_301(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/websocketcall/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, Respond)
    assert plan.action.status == 301
    assert plan.action.target == "/gateway/websocketcall/"
    assert plan.action.loc.line == line_of(conf, "location /gateway/websocketcall/")
    assert plan.sent == {}


def test_exact_location_removes_the_automatic_301(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/websocketcall/ {
            proxy_pass http://127.0.0.1:8080;
        }
        location = /gateway/websocketcall {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert [r.label for r in plan.route_chain] == ["location = /gateway/websocketcall"]
    assert plan.sent["upgrade"].value == "websocket"


def test_trailing_slash_without_proxy_pass_gives_no_301(tmp_path):
    # confirmed live: nginx 1.22 answers 404 (not 301) when the slashed location only returns
    conf = whole(tmp_path, """\
        location /gateway/websocketcall/ { return 200; }
        location /gateway/ { proxy_pass http://127.0.0.1:8080; }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert [r.label for r in plan.route_chain] == ["location /gateway/"]


# ----------------------------------------------------------------------------- map

MAP_LOCATION = """\
location /gateway/ {
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_pass http://127.0.0.1:8080;
}
"""


def test_map_connection_upgrade(tmp_path):
    conf = whole(tmp_path, MAP_LOCATION, http_extra="""\
        map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
        }
    """)
    _, model, ps = load(conf)
    assert model.problems == []
    plan = plan_for(ps)
    assert plan.sent["connection"].value == "upgrade"
    assert plan.sent["upgrade"].value == "websocket"
    sent, removed = sent_headers(plan.proxy, page_request(GW, False, 80))
    assert sent["connection"].value == "close"
    assert "upgrade" not in sent
    assert "upgrade" in removed  # $http_upgrade is empty for a page: nginx does not send it


def test_map_default_alone_and_exact_keys_case_insensitive(tmp_path):
    conf = whole(tmp_path, MAP_LOCATION, http_extra="""\
        map $http_upgrade $connection_upgrade {
            default   close;
            WebSocket upgrade;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert plan.sent["connection"].value == "upgrade"  # client sent "websocket"
    sent, _ = sent_headers(plan.proxy, page_request(GW, False, 80))
    assert sent["connection"].value == "close"


def test_map_regex_keys(tmp_path):
    conf = whole(tmp_path, MAP_LOCATION.replace("proxy_pass", "proxy_set_header X-Kind $kind;\n    proxy_pass"),
                 http_extra=r"""
        map $http_upgrade $connection_upgrade {
            default        close;
            ~*^WEBSOCKET$  upgrade;
        }
        map $uri $kind {
            default                    other;
            ~^/gateway/.*call$         ws-first;
            ~^/gateway/websocket       ws-second;
            /gateway/adapter.js        page-exact;
            ~\.js$                     script;
        }
    """)
    _, model, ps = load(conf)
    assert model.problems == []
    plan = plan_for(ps)
    assert plan.sent["connection"].value == "upgrade"
    assert plan.sent["x-kind"].value == "ws-first"  # first matching regex in file order
    sent, _ = sent_headers(plan.proxy, page_request(GW, False, 80))
    assert sent["connection"].value == "close"
    assert sent["x-kind"].value == "page-exact"  # an exact string beats any regex


def test_map_case_sensitive_regex_key_does_not_match(tmp_path):
    conf = whole(tmp_path, MAP_LOCATION, http_extra="""\
        map $http_upgrade $connection_upgrade {
            default      close;
            ~^WEBSOCKET$ upgrade;
        }
    """)
    _, _, ps = load(conf)
    assert plan_for(ps).sent["connection"].value == "close"


# ----------------------------------------------------------------------------- if / return / rewrite

def test_server_level_return_301_is_a_respond(tmp_path):
    conf = whole(tmp_path, WS_LOCATION, http_extra="", listen="listen 80;\nreturn 301 https://$host$request_uri;")
    _, _, ps = load(conf)
    for ws in (GW, TOPIC):
        plan = plan_for(ps, ws)
        assert isinstance(plan.action, Respond)
        assert plan.action.status == 301
        assert plan.action.target == "https://$host$request_uri"
        assert plan.action.loc.line == line_of(conf, "return 301")
        assert plan.route_chain == []


def test_if_scheme_redirect_applies_only_to_plain_listener(tmp_path):
    conf = whole(tmp_path, """\
        listen 443 ssl;
        if ($scheme = http) {
            return 301 https://$host$request_uri;
        }
    """ + WS_LOCATION)
    _, _, ps = load(conf)
    by_listener = {p.listener.label: p for p in ps.plans if p.ws_path == GW}
    assert set(by_listener) == {"0.0.0.0:80", "0.0.0.0:443 tls"}
    plain, tls = by_listener["0.0.0.0:80"], by_listener["0.0.0.0:443 tls"]
    assert isinstance(plain.action, Respond) and plain.action.status == 301
    assert plain.action.loc.line == line_of(conf, "return 301")
    assert isinstance(tls.action, ProxyAction)
    assert tls.sent["upgrade"].value == "websocket"


def test_if_on_http_upgrade_condition(tmp_path):
    conf = whole(tmp_path, """\
        if ($http_upgrade = "websocket") {
            return 403;
        }
    """ + WS_LOCATION)
    _, model, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, Respond) and plan.action.status == 403
    assert plan.action.loc.line == line_of(conf, "return 403")
    # a page request on the same server is not refused
    _, action, _, _ = trace(model.sites[0], page_request(GW, False, 80))
    assert isinstance(action, ProxyAction)


def test_if_negated_regex_on_http_upgrade(tmp_path):
    conf = whole(tmp_path, """\
        if ($http_upgrade !~* ^websocket$) {
            return 426;
        }
    """ + WS_LOCATION)
    _, model, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert not plan.uncertain
    _, action, _, _ = trace(model.sites[0], page_request(GW, False, 80))
    assert isinstance(action, Respond) and action.status == 426


def test_if_on_unknowable_condition_is_uncertain(tmp_path):
    conf = whole(tmp_path, """\
        if (-f /var/www/maintenance.html) {
            return 503;
        }
    """ + WS_LOCATION)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert len(plan.uncertain) == 1
    assert plan.uncertain[0].step.loc.line == line_of(conf, "if (-f")


def test_rewrite_permanent_is_a_301(tmp_path):
    conf = whole(tmp_path, """\
        rewrite ^/gateway/websocketcall$ /gateway/websocketcall/ permanent;
    """ + WS_LOCATION)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, Respond)
    assert plan.action.status == 301
    assert plan.action.target == "/gateway/websocketcall/"
    assert plan.action.loc.line == line_of(conf, "rewrite")
    # the regex does not match the topic URL: no redirect there
    assert not isinstance(plan_for(ps, TOPIC).action, Respond)


def test_rewrite_redirect_in_location_is_a_302(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            rewrite ^/gateway/(.*)$ /v2/gateway/$1 redirect;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, Respond)
    assert plan.action.status == 302
    assert [r.label for r in plan.route_chain] == ["location /gateway/"]


def test_rewrite_last_reroutes_to_another_location(tmp_path):
    conf = whole(tmp_path, """\
        rewrite ^/gateway/(.*)$ /fas/$1 last;
        location /gateway/ { return 404; }
        location /fas/ {
            proxy_http_version 1.1;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert plan.final_path == "/fas/websocketcall"
    assert [r.label for r in plan.route_chain] == ["location /fas/"]


# ----------------------------------------------------------------------------- versions and defaults

def test_proxy_http_version_default_depends_on_nginx_version(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, model, ps = load(conf)
    assert model.version_assumed is True
    v = plan_for(ps).proxy.upstream.http_version
    assert (v.value, v.loc) == ("1.0", None)
    assert "1.29.7" in v.note
    assert plan_for(ps).sent["connection"].value == "close"

    _, model, ps = load(conf, NEW_NGINX)
    assert (model.proxy_version, model.version_assumed) == ("1.30.0", False)
    v = plan_for(ps).proxy.upstream.http_version
    assert (v.value, v.loc) == ("1.1", None)
    assert "connection" not in plan_for(ps).sent


def test_proxy_http_version_explicit_and_inherited(tmp_path):
    conf = whole(tmp_path, """\
        proxy_http_version 1.1;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_http_version 1.0;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    v = plan_for(ps).proxy.upstream.http_version
    assert (v.value, v.loc.line) == ("1.1", line_of(conf, "proxy_http_version 1.1"))
    v = plan_for(ps, TOPIC).proxy.upstream.http_version
    assert (v.value, v.loc.line) == ("1.0", line_of(conf, "proxy_http_version 1.0"))


def test_upstream_keepalive_is_backend_pool(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://fas;
        }
        location /assistserver/ {
            proxy_pass http://fas_nopool;
        }
    """, http_extra="""\
        upstream fas {
            server 10.0.0.1:8080;
            keepalive 16;
        }
        upstream fas_nopool {
            server 10.0.0.2:8443;
        }
    """)
    _, model, ps = load(conf)
    b = plan_for(ps).proxy.backend
    assert b.name == "fas" and b.named
    assert (b.pool.value, b.pool.loc.line) == (16, line_of(conf, "keepalive 16"))
    assert [(s.host, s.port) for s in b.servers] == [("10.0.0.1", 8080)]
    nb = plan_for(ps, TOPIC).proxy.backend
    assert (nb.name, nb.pool.value, nb.pool.loc) == ("fas_nopool", 0, None)
    assert {x.name for x in model.backends} >= {"fas", "fas_nopool"}

    _, _, ps = load(conf, NEW_NGINX)
    nb = plan_for(ps, TOPIC).proxy.backend
    assert (nb.pool.value, nb.pool.loc, nb.pool_scope) == (32, None, "route")


def test_proxy_pass_with_request_dependent_variable_has_unknown_backend(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            set $target $http_x_fas_target;
            proxy_pass http://$target;
        }
    """)
    _, _, ps = load(conf)
    plan = plan_for(ps)
    assert isinstance(plan.action, ProxyAction)
    assert plan.proxy.target == "http://$target"
    assert plan.proxy.backend is None


def test_proxy_pass_with_constant_set_variable_resolves(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            set $fas 10.0.0.9:8080;
            proxy_pass http://$fas;
        }
    """)
    _, _, ps = load(conf)
    b = plan_for(ps).proxy.backend
    assert [(s.host, s.port) for s in b.servers] == [("10.0.0.9", 8080)]


def test_proxy_pass_with_host_variable_has_unknown_backend(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            resolver 127.0.0.53;
            proxy_pass http://$host:8080;
        }
    """)
    _, _, ps = load(conf)
    assert plan_for(ps).proxy.backend is None


def test_proxy_pass_with_header_variable_has_unknown_backend(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            resolver 127.0.0.53;
            proxy_pass http://$http_x_fas_host;
        }
    """)
    _, _, ps = load(conf)
    assert plan_for(ps).proxy.backend is None


def test_proxy_pass_through_a_request_map_is_unknown(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://$fas_backend;
        }
    """, http_extra="""\
        map $http_host $fas_backend {
            default         10.0.0.1:8080;
            gw.example.com  10.0.0.2:8080;
        }
    """)
    _, _, ps = load(conf)
    # the backend depends on the browser's Host: not something the config decides
    assert plan_for(ps).proxy.backend is None


@pytest.mark.parametrize("text,seconds", [("1h", 3600.0), ("90", 90.0), ("500ms", 0.5), ("90s", 90.0),
                                          ("1m30s", 90.0), ("2d", 172800.0)])
def test_parse_time(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["abc", "", "10x", "1.5h", "-5"])
def test_parse_time_rejects_garbage(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("text,seconds", [("1h", 3600.0), ("90", 90.0), ("500ms", 0.5)])
def test_proxy_read_timeout_is_the_idle_timeout(tmp_path, text, seconds):
    conf = whole(tmp_path, f"""\
        location /gateway/ {{
            proxy_read_timeout {text};
            proxy_pass http://127.0.0.1:8080;
        }}
    """)
    _, _, ps = load(conf)
    idle = plan_for(ps).proxy.timeouts.idle
    assert idle.value == seconds
    assert idle.loc.line == line_of(conf, "proxy_read_timeout")


def test_proxy_read_timeout_default_and_inherited(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, _, ps = load(conf)
    idle = plan_for(ps).proxy.timeouts.idle
    assert (idle.value, idle.loc) == (60.0, None)

    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    """, http_extra="proxy_read_timeout 2h;")
    _, _, ps = load(conf)
    idle = plan_for(ps).proxy.timeouts.idle
    assert (idle.value, idle.loc.line) == (7200.0, line_of(conf, "proxy_read_timeout"))


def test_invalid_proxy_read_timeout_is_rejected(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            proxy_read_timeout 10x;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    _, model, _ = load(conf)
    assert [(p.kind, p.loc.line, p.message) for p in model.problems] == [
        ("rejected", line_of(conf, "proxy_read_timeout"), '"proxy_read_timeout" directive invalid value')]


def test_duplicate_scalar_between_location_and_included_snippet_is_rejected(tmp_path):
    conf = whole(tmp_path, """\
        location /gateway/ {
            include snippets/ws.conf;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
    """)
    write(tmp_path, "snippets/ws.conf", "proxy_read_timeout 300s;\n")
    _, model, _ = load(conf)
    assert [(p.kind, p.loc.line) for p in model.problems] == [("rejected", line_of(conf, "proxy_read_timeout"))]
    assert "duplicate" in model.problems[0].message
    assert Path(model.problems[0].related[0][0].file) == tmp_path / "snippets/ws.conf"


def test_upgrade_request_is_what_a_browser_sends():
    req = upgrade_request(GW, True, 443)
    assert req.is_upgrade
    assert req.scheme == "https"
    assert req.headers["upgrade"] == "websocket"
    assert req.query.startswith("appkey=")
    page = page_request(GW, True, 443)
    assert not page.is_upgrade
    assert page.path.startswith("/gateway/")


def test_no_plans_for_a_server_that_does_not_front_fas(tmp_path):
    conf = whole(tmp_path, """\
        location / {
            root /var/www/html;
        }
        location /api/ {
            proxy_pass http://127.0.0.1:3000;
        }
    """)
    _, model, ps = load(conf)
    assert len(model.sites) == 1
    assert ps.plans == []


def test_unrouted_ws_path_is_served_locally_404(tmp_path):
    conf = whole(tmp_path, WS_LOCATION)
    _, _, ps = load(conf)
    plan = plan_for(ps, TOPIC)
    assert isinstance(plan.action, ServeLocal)
    assert plan.action.status == 404
    assert os.path.samefile(plan.action.loc.file, conf)


def test_braced_variable_followed_by_a_word_is_two_arguments(tmp_path):
    """crossplane 0.5.8 glues `${rest} last` into one token; nginx reads two."""
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n  server {\n    listen 80;\n"
        "    location /gw/ { rewrite ^/gw/(?<rest>.*)$ /gateway/${rest} last; }\n"
        "    location /gateway/ { proxy_pass http://127.0.0.1:8080; }\n  }\n}\n")
    tree = read(str(conf))
    rewrite = next(n for n in tree.walk() if n.name == "rewrite")
    assert rewrite.args == ["^/gw/(?<rest>.*)$", "/gateway/${rest}", "last"]
    plans = build_plans(interpret(tree, Options()), Options(ws_paths=("/gw/websocketcall",)))
    (plan,) = plans.plans
    assert plan.final_path == "/gateway/websocketcall"
    assert plan.proxy is not None and plan.proxy.target == "http://127.0.0.1:8080"

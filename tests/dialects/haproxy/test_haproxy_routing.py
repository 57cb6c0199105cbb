"""HAProxy routing and header conditions decided per websocket URL and request: map files
behind `use_backend %[...]`, ACL combinations, conditional header rules, named FAS backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.model import ProxyAction
from linter.core.options import Options
from linter.core.resolve import build_plans
from linter.engine.runner import run
from parsers.haproxy.interpret import interpret
from parsers.haproxy.maps import candidates, dynamic_target, parse_map
from parsers.haproxy.read import read

HEAD = (
    "global\n    log stdout local0\ndefaults\n    mode http\n    timeout connect 5s\n"
    "    timeout client 30s\n    timeout server 30s\n    timeout tunnel 1h\n"
)
FRONT = "frontend fe\n    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1\n"
BACKENDS = "backend be_fas\n    server fas1 10.20.0.11:8080\nbackend be_web\n    server web1 10.20.0.21:80\n"


def write(tmp_path: Path, text: str, name: str = "haproxy.cfg") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def plans_of(tmp_path: Path, text: str, **options):
    opts = Options(**options)
    model = interpret(read(write(tmp_path, text), None, environ={}), opts)
    return model, build_plans(model, opts)


def backend_per_url(plans) -> dict[str, str | None]:
    out = {}
    for p in plans.plans:
        action = p.action
        out[p.ws_path] = action.backend.name if isinstance(action, ProxyAction) and action.backend else None
    return out


def findings(tmp_path: Path, text: str, *args: str) -> list[tuple[str, str | None, str | None]]:
    path = write(tmp_path, text)
    opts = Options(fas_backends=tuple(args))
    report = run([path], opts)
    # one finding per cause: a finding names every URL it breaks
    return sorted((f.rule, ws, f.symptom) for f in report.findings for ws in (f.ws_paths or (None,)))


# ----------------------------------------------------------------------------- header conditions


@pytest.mark.parametrize(
    "condition,broken",
    [
        ("if { path_beg /assistserver }", {"/assistserver/topic"}),
        ("if { path_beg /gateway/ }", {"/gateway/websocketcall"}),
        ("unless { path_beg /gateway/ }", {"/assistserver/topic"}),
        ("if { hdr(upgrade) -i websocket }", {"/gateway/websocketcall", "/assistserver/topic"}),
        ("if !{ hdr(upgrade) -i websocket }", set()),
    ],
)
def test_a_conditional_header_rule_is_judged_per_websocket_url(tmp_path, condition, broken):
    text = HEAD + FRONT + f"    http-request del-header Connection {condition}\n    default_backend be_fas\n" + BACKENDS
    got = {ws for rule, ws, _ in findings(tmp_path, text) if rule == "WSP102"}
    assert got == broken


def test_a_backend_rule_condition_is_judged_per_url_too(tmp_path):
    text = (
        HEAD + FRONT + "    default_backend be_fas\n"
        "backend be_fas\n    http-request del-header Upgrade if { path_end /topic }\n    server fas1 10.20.0.11:8080\n"
    )
    assert {ws for rule, ws, _ in findings(tmp_path, text) if rule == "WSP101"} == {"/assistserver/topic"}


def test_page_requests_see_their_own_condition(tmp_path):
    """`set-header Connection close unless is_ws` closes page requests' backend connections:
    with FAS 2.5.2 and reuse always, no page request leaves one for the websocket."""
    text = (
        HEAD + FRONT + "    acl is_ws hdr(Upgrade) -i websocket\n"
        "    http-request set-header Connection close unless is_ws\n    default_backend be_fas\n"
        "backend be_fas\n    http-reuse always\n    server fas1 10.20.0.11:8080\n"
    )
    _, plans = plans_of(tmp_path, text, fas_version="2.5.2")
    assert all(not plans.pool_fillers(p) for p in plans.plans)
    assert all(p.sent["connection"].value == "Upgrade" for p in plans.plans)


# ----------------------------------------------------------------------------- Sec-WebSocket-Key


def test_a_deleted_key_is_rewritten_by_haproxy_so_the_accept_is_wrong(tmp_path):
    text = HEAD + FRONT + "    http-request del-header Sec-WebSocket-Key\n    default_backend be_fas\n" + BACKENDS
    assert {(r, s) for r, _, s in findings(tmp_path, text)} == {("WSP104", "missing-accept")}
    # before 2.4, HAProxy wrote no key of its own: FAS saw no handshake
    path = write(tmp_path, text)
    report = run([path], Options(proxy_versions={"haproxy": "2.2.0"}))
    assert {(f.rule, f.symptom) for f in report.findings} == {("WSP104", "status:302")}


def test_set_header_with_an_empty_value_is_refused(tmp_path):
    text = HEAD + FRONT + '    http-request set-header Sec-WebSocket-Key ""\n    default_backend be_fas\n' + BACKENDS
    assert {(r, s) for r, _, s in findings(tmp_path, text)} == {("WSP003", "config-rejected")}


# ----------------------------------------------------------------------------- map files


def test_map_file_lines():
    assert parse_map("# c\n\n/gateway/ be_fas\n/a\tbe_web\n  /b   be_x  \n") == (
        ("/gateway/", "be_fas"),
        ("/a", "be_web"),
        ("/b", "be_x"),
    )


def test_a_map_named_absolutely_is_looked_for_beside_the_config(tmp_path):
    cfg = str(tmp_path / "haproxy.cfg")
    assert candidates("/etc/haproxy/maps/h.map", cfg) == [
        "/etc/haproxy/maps/h.map",
        str(tmp_path / "haproxy/maps/h.map"),
        str(tmp_path / "maps/h.map"),
        str(tmp_path / "h.map"),
    ]
    assert candidates("maps/h.map", cfg) == [str(tmp_path / "maps/h.map")]


@pytest.mark.parametrize(
    "target,method,default",
    [
        ("%[path,map_beg(/m.map,be_web)]", "beg", "be_web"),
        ("%[req.hdr(host),lower,map(/m.map)]", "str", None),
        ("%[path,map_reg(/m.map,be_web)]", "reg", "be_web"),
        ("%[req.hdr(host),lower,map_dom(/m.map,be_web)]", "dom", "be_web"),
    ],
)
def test_dynamic_targets(target, method, default):
    from parsers.haproxy.maps import MapFile

    dyn = dynamic_target(target, lambda p: MapFile(p, p, ()))
    assert dyn is not None and dyn.method == method and dyn.default == default and dyn.map is not None


def test_no_dynamic_target_for_text_around_the_expression():
    assert dynamic_target("be_%[req.hdr(host)]", lambda p: None) is None  # type: ignore[arg-type,return-value]


MAPPED = HEAD + FRONT + "    use_backend %[path,map_beg(/etc/haproxy/maps/paths.map,be_web)]\n" + BACKENDS


def test_path_map_routes_each_url_by_its_own_entry(tmp_path):
    write(tmp_path, "/gateway/ be_fas\n/assistserver/ be_fas\n", "maps/paths.map")
    _, plans = plans_of(tmp_path, MAPPED)
    assert backend_per_url(plans) == {"/gateway/websocketcall": "be_fas", "/assistserver/topic": "be_fas"}


def test_a_url_without_map_entry_takes_the_map_default(tmp_path):
    write(tmp_path, "# only the gateway\n/gateway/ be_fas\n", "maps/paths.map")
    got = findings(tmp_path, MAPPED)
    assert got == [("WSP301", "/assistserver/topic", "status:404")]


def test_a_map_name_that_is_no_backend_falls_to_default_backend(tmp_path):
    write(tmp_path, "/gateway/ be_fas\n/assistserver/ be_gone\n", "maps/paths.map")
    text = MAPPED.replace(",be_web)]\n", ")]\n    default_backend be_fas\n")
    _, plans = plans_of(tmp_path, text)
    assert backend_per_url(plans) == {"/gateway/websocketcall": "be_fas", "/assistserver/topic": "be_fas"}


def test_host_map_takes_the_fas_entry_whatever_its_order(tmp_path):
    write(tmp_path, "www.example.com be_web\ngw.example.com be_fas\n", "maps/hosts.map")
    text = HEAD + FRONT + "    use_backend %[req.hdr(host),lower,map(/etc/haproxy/maps/hosts.map,be_web)]\n" + BACKENDS
    _, plans = plans_of(tmp_path, text)
    assert set(backend_per_url(plans).values()) == {"be_fas"}


def test_a_conf_d_file_finds_the_map_under_the_configuration_root(tmp_path):
    # haproxy -f haproxy.cfg -f conf.d/: the conf.d file names /etc/haproxy/maps/paths.map,
    # which the copy holds beside haproxy.cfg, one directory above the file that names it
    main = write(tmp_path, HEAD)
    part = write(tmp_path, FRONT + "    use_backend %[path,map_beg(/etc/haproxy/maps/paths.map,be_web)]\n" + BACKENDS,
                 "conf.d/10-gateway.cfg")
    write(tmp_path, "# only the gateway\n/gateway/ be_fas\n", "maps/paths.map")
    assert str(tmp_path / "maps/paths.map") in candidates("/etc/haproxy/maps/paths.map", part, main)
    assert str(tmp_path / "maps/paths.map") not in candidates("/etc/haproxy/maps/paths.map", part)
    got = sorted((f.rule, ws) for f in run([str(tmp_path)], Options()).findings for ws in (f.ws_paths or (None,)))
    # the map read: the topic URL takes its default (404), no "could not be read" problem
    assert got == [("WSP301", "/assistserver/topic")]


def test_the_root_search_stops_at_the_configuration_root(tmp_path):
    cfg = str(tmp_path / "etc/haproxy/conf.d/a/b.cfg")
    root = str(tmp_path / "etc/haproxy/haproxy.cfg")
    got = candidates("/etc/haproxy/maps/h.map", cfg, root)
    assert str(tmp_path / "etc/haproxy/maps/h.map") in got
    # looked for from conf.d/a up to etc/haproxy, never above the root
    assert all(c.startswith(str(tmp_path / "etc/haproxy") + "/") for c in got[1:])
    assert str(tmp_path / "etc/haproxy/conf.d/maps/h.map") in got


def test_an_unreadable_map_is_said_and_nothing_is_guessed(tmp_path):
    got = findings(tmp_path, MAPPED)
    assert ("WSP002", None, "config-rejected") in got
    assert not any(ws for _, ws, _ in got)  # no verdict on a URL whose route is unknown
    path = write(tmp_path, MAPPED)
    (finding,) = [f for f in run([path], Options()).findings if f.rule == "WSP002"]
    assert finding.severity == "info" and "paths.map" in finding.message


def test_acl_combinations_pfsense_style(tmp_path):
    text = (
        HEAD + FRONT + "    acl host_gw hdr(host) -i gw.example.com\n    acl p_gw path_beg /gateway\n"
        "    acl p_la path_beg /assistserver\n"
        "    use_backend be_fas if host_gw p_gw || host_gw p_la\n"
        "    use_backend be_web if !p_gw\n    default_backend be_web\n" + BACKENDS
    )
    _, plans = plans_of(tmp_path, text)
    assert backend_per_url(plans) == {"/gateway/websocketcall": "be_fas", "/assistserver/topic": "be_fas"}


# ----------------------------------------------------------------------------- named FAS backends

CATCH_ALL = (
    HEAD + FRONT + "    default_backend be_app\nbackend be_app\n    http-request del-header Upgrade\n"
    "    server app1 10.20.0.31:80\n"
)


@pytest.mark.parametrize("named", ["be_app", "10.20.0.31", "10.20.0.31:80"])
def test_a_backend_named_fas_is_checked_whatever_its_port(tmp_path, named):
    assert not [ws for _, ws, _ in findings(tmp_path, CATCH_ALL) if ws]
    assert {r for r, ws, _ in findings(tmp_path, CATCH_ALL, named) if ws} == {"WSP101"}


def test_a_name_that_matches_nothing_changes_nothing(tmp_path):
    assert not [ws for _, ws, _ in findings(tmp_path, CATCH_ALL, "10.20.0.31:81") if ws]


# ----------------------------------------------------------------------------- ACL pattern files

FILED = (
    HEAD + FRONT + "    acl p_fas path_beg -f /var/etc/haproxy/fas_paths.txt\n"
    "    use_backend be_fas if p_fas\n    default_backend be_web\n" + BACKENDS
)


def test_acl_patterns_from_a_file_route_each_url(tmp_path):
    write(tmp_path, "# FAS prefixes\n/gateway/\n", "fas_paths.txt")
    _, plans = plans_of(tmp_path, FILED)
    assert backend_per_url(plans) == {"/gateway/websocketcall": "be_fas", "/assistserver/topic": "be_web"}
    write(tmp_path, "/gateway/\n/assistserver/\n", "fas_paths.txt")
    _, plans = plans_of(tmp_path, FILED)
    assert set(backend_per_url(plans).values()) == {"be_fas"}


def test_acl_keys_of_a_map_file(tmp_path):
    write(tmp_path, "/gateway/ fas\n/assistserver/ fas\n", "maps/fas.map")
    text = FILED.replace("path_beg -f /var/etc/haproxy/fas_paths.txt", "path_beg -M -f /etc/haproxy/maps/fas.map")
    _, plans = plans_of(tmp_path, text)
    assert set(backend_per_url(plans).values()) == {"be_fas"}


def test_an_unreadable_pattern_file_is_said(tmp_path):
    got = findings(tmp_path, FILED)
    assert ("WSP002", None, "config-rejected") in got

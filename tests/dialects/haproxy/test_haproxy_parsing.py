"""HAProxy reader and interpreter: what each construct becomes in the tree and the model."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from linter.core.model import Guard, ProxyAction, Respond
from linter.core.options import Options
from linter.core.resolve import build_plans, trace, upgrade_request
from linter.engine.runner import run
from parsers.haproxy.interpret import interpret, parse_time, split_address
from parsers.haproxy.read import LineError, _Env, eval_condition, keyword, read, split_words

ROOT = Path(__file__).resolve().parents[3]
HEAD = "global\n    log stdout local0\ndefaults\n    mode http\n    timeout tunnel 1h\n"


def write(tmp_path: Path, text: str, name: str = "haproxy.cfg") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def model_of(tmp_path: Path, text: str, **options):
    path = write(tmp_path, text)
    opts = Options(**options)
    return interpret(read(path, opts.proxy_versions.get("haproxy"), environ={}), opts)


def section(tree, name: str):
    return next(n for n in tree.nodes if n.name == name)


# ----------------------------------------------------------------------------- words

@pytest.mark.parametrize("line,words", [
    ("bind :443 ssl crt /a.pem  # front", ["bind", ":443", "ssl", "crt", "/a.pem"]),
    ('http-request set-header X-Note "a b"', ["http-request", "set-header", "X-Note", "a b"]),
    ("acl x path_beg '/a b' '$HOME'", ["acl", "x", "path_beg", "/a b", "$HOME"]),
    (r"rspadd Server:\ Apache\ (Unix)", ["rspadd", "Server: Apache (Unix)"]),
    (r'x "\x41\"q\"" \# \\', ["x", 'A"q"', "#", "\\"]),
    ("x a\"b c\"'d e'f", ["x", "ab cd ef"]),
    ('x "#not a comment" # a comment', ["x", "#not a comment"]),
    ("x $HOME ${HOME}", ["x", "$HOME", "${HOME}"]),  # no expansion outside double quotes
])
def test_words(line, words):
    assert split_words(line, _Env({"HOME": "/root"})) == words


def test_env_expands_only_in_double_quotes_and_keeps_unknown_names():
    env = _Env({"PORT": "8443", "HOST": "10.20.0.11"})
    assert split_words('server s "$HOST:${PORT}"', env) == ["server", "s", "10.20.0.11:8443"]
    assert split_words('x "${NOPE-8080}" "${NOPE}" \'${PORT}\'', env) == ["x", "8080", "${NOPE}", "${PORT}"]


def test_unmatched_quote_is_a_syntax_problem_at_its_line(tmp_path):
    with pytest.raises(LineError):
        split_words('x "abc', _Env({}))
    tree = read(write(tmp_path, HEAD + "frontend fe\n    http-request set-header X \"abc\n"))
    assert [(p.kind, p.loc.line) for p in tree.problems] == [("syntax", 7)]
    assert "unmatched quote" in tree.problems[0].message


@pytest.mark.parametrize("words,name,args", [
    (["timeout", "tunnel", "1h"], "timeout tunnel", ["1h"]),
    (["option", "http-server-close"], "option http-server-close", []),
    (["no", "option", "httpclose"], "no option httpclose", []),
    (["http-request", "del-header", "Connection"], "http-request del-header", ["Connection"]),
    (["tcp-request", "content", "accept", "if", "x"], "tcp-request content accept", ["if", "x"]),
    (["server", "s1", "10.0.0.1:80"], "server", ["s1", "10.0.0.1:80"]),
])
def test_multi_word_keywords(words, name, args):
    assert keyword(words) == (name, args)


# ----------------------------------------------------------------------------- sections and files

def test_sections_unknown_keywords_and_lines(tmp_path):
    tree = read(write(tmp_path, HEAD + "peers mypeers\n    peer a 10.0.0.1:1024\n"
                      "frontend fe\n    bind :80\n    frobnicate 1 2\n"))
    assert [n.name for n in tree.nodes] == ["global", "defaults", "peers", "frontend"]
    fe = section(tree, "frontend")
    unknown = fe.first("frobnicate")
    assert unknown is not None and unknown.args == ["1", "2"] and unknown.loc.line == 10
    assert section(tree, "peers").children[0].name == "peer"
    assert tree.context == "main" and not tree.problems


def test_statement_out_of_section_and_fragment(tmp_path):
    tree = read(write(tmp_path, "    mode http\nbackend b\n    server s 10.0.0.1:80\n", "b.cfg"))
    assert [(p.kind, p.loc.line) for p in tree.problems] == [("syntax", 1)]
    assert tree.context == "fragment"  # no global/defaults: their settings are not known


def test_haproxy_cfg_brings_conf_d_in_c_locale_order(tmp_path):
    root = write(tmp_path, HEAD)
    write(tmp_path, "frontend b\n    bind :81\n", "conf.d/b.cfg")
    write(tmp_path, "frontend Z\n    bind :82\n", "conf.d/Z.cfg")
    write(tmp_path, "frontend hidden\n", "conf.d/.hidden.cfg")
    write(tmp_path, "frontend other\n", "conf.d/notes.txt")
    tree = read(root)
    assert [Path(f.path).name for f in tree.files] == ["haproxy.cfg", "Z.cfg", "b.cfg"]
    assert [n.args[0] for n in tree.nodes if n.name == "frontend"] == ["Z", "b"]


def test_a_file_ends_its_section(tmp_path):
    root = write(tmp_path, HEAD + "backend b\n    server s 10.0.0.1:80\n")
    write(tmp_path, "    server t 10.0.0.2:80\n", "conf.d/x.cfg")
    tree = read(root)
    assert [(Path(p.loc.file).name, p.kind) for p in tree.problems] == [("x.cfg", "syntax")]


def test_directory_sample_is_one_configuration():
    report = run([str(ROOT / "samples/haproxy/good-multi-file")], Options())
    assert sorted(Path(f).name for f, _ in report.files) == ["10-fas.cfg", "haproxy.cfg"]
    assert all(d == "haproxy" for _, d in report.files)


# ----------------------------------------------------------------------------- conditional blocks

COND = HEAD + """frontend fe
    bind :80
.if version_atleast(2.8)
    acl new always_true
.elif defined(LEGACY)
    acl legacy always_true
.else
    acl old always_true
.endif
"""


def acl_names(tree) -> list[str]:
    return [n.args[0] for n in section(tree, "frontend").iter("acl")]


def test_if_against_the_given_version(tmp_path):
    path = write(tmp_path, COND)
    assert acl_names(read(path, "3.0", environ={})) == ["new"]
    assert acl_names(read(path, "2.6", environ={})) == ["old"]
    assert acl_names(read(path, "2.6", environ={"LEGACY": "1"})) == ["legacy"]


def test_if_unknown_keeps_every_branch_that_may_run(tmp_path):
    assert acl_names(read(write(tmp_path, COND), None, environ={})) == ["new", "old"]


def test_if_nesting_and_errors(tmp_path):
    nested = HEAD + "frontend fe\n.if 0\n.if 1\n    acl a always_true\n.endif\n.else\n    acl b always_true\n.endif\n"
    assert acl_names(read(write(tmp_path, nested), None, environ={})) == ["b"]
    broken = HEAD + "frontend fe\n.else\n.if 1\n"
    tree = read(write(tmp_path, broken, "broken.cfg"), None, environ={})
    assert sorted((p.loc.line, p.kind) for p in tree.problems) == [(7, "syntax"), (8, "syntax")]


@pytest.mark.parametrize("cond,version,verdict", [
    ("version_atleast(2.4)", "2.6.12", True), ("version_before(2.4)", "2.6", False),
    ("!version_atleast(2.8)", "2.6", True), ("version_atleast(2.8)", None, None),
    ("feature(OPENSSL)", "2.6", None), ("streq(a,a)", None, True), ("1 && 0", None, False),
    ("version_atleast(2.8) || 1", None, True),
])
def test_condition_values(cond, version, verdict):
    assert eval_condition(cond, version, {}) is verdict


def test_setenv_in_global_reaches_later_quoted_words(tmp_path):
    tree = read(write(tmp_path, "global\n    setenv FAS 10.20.0.11:8443\n" + HEAD[len("global\n"):]
                      + 'backend b\n    server s "${FAS}"\n'), environ={})
    assert section(tree, "backend").first("server").args == ["s", "10.20.0.11:8443"]


# ----------------------------------------------------------------------------- interpretation

def test_times_are_milliseconds_without_a_unit():
    assert parse_time("3000") == 3.0
    assert parse_time("30s") == 30 and parse_time("2m") == 120 and parse_time("1h") == 3600
    assert parse_time("500us") == pytest.approx(0.0005)
    assert parse_time("1x") is None


@pytest.mark.parametrize("text,addr", [
    (":443", ("*", 443)), ("10.0.0.1:8080", ("10.0.0.1", 8080)), ("[::1]:80", ("::1", 80)),
    ("ipv4@0.0.0.0:80", ("0.0.0.0", 80)), ("unix@/run/x.sock", None), ("/run/x.sock", None),
    ("fas.example.com", ("fas.example.com", None)),
])
def test_addresses(text, addr):
    assert split_address(text) == addr


def only_action(model, path="/gateway/websocketcall", tls=True) -> ProxyAction:
    site = model.sites[0]
    _, action, _, _ = trace(site, upgrade_request(path, tls, site.listeners[0].port))
    assert isinstance(action, ProxyAction)
    return action


def test_bare_tunnel_timeout_is_milliseconds(tmp_path):
    model = model_of(tmp_path, "global\ndefaults\n    mode http\n    timeout tunnel 3600\n"
                     "frontend fe\n    bind :80\n    default_backend b\nbackend b\n    server s 10.0.0.1:8080\n")
    idle = only_action(model).timeouts.idle
    assert idle.value == pytest.approx(3.6) and idle.loc.line == 4


def test_without_tunnel_the_shorter_of_client_and_server(tmp_path):
    model = model_of(tmp_path, "global\ndefaults\n    mode http\n    timeout client 50s\n"
                     "frontend fe\n    bind :80\n    default_backend b\nbackend b\n    timeout server 20s\n"
                     "    server s 10.0.0.1:8080\n")
    idle = only_action(model).timeouts.idle
    assert (idle.value, idle.loc.line) == (20.0, 9)


def test_named_defaults_from_and_reset(tmp_path):
    text = ("global\ndefaults base\n    mode http\n    timeout tunnel 2h\n"
            "defaults child from base\n    timeout client 5s\n"
            "defaults\n    mode http\n    timeout client 10s\n    timeout server 10s\n"
            "frontend a from child\n    bind :80\n    default_backend ba\n"
            "frontend b\n    bind :81\n    default_backend bb\n"
            "backend ba from child\n    server s 10.0.0.1:8080\n"
            "backend bb\n    server s 10.0.0.1:8080\n")
    model = model_of(tmp_path, text)
    by_name = {s.label: s for s in model.sites}
    a = trace(by_name["frontend a"], upgrade_request("/gateway/websocketcall", False, 80))[1]
    b = trace(by_name["frontend b"], upgrade_request("/gateway/websocketcall", False, 81))[1]
    assert a.timeouts.idle.value == 7200 and a.timeouts.idle.loc.line == 4  # chained through `child`
    assert b.timeouts.idle.value == 10 and b.timeouts.idle.loc.line == 9  # the last defaults: no tunnel


def test_default_server_and_ssl_settings(tmp_path):
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n    default_backend b\n"
                     "backend b\n    default-server ssl verify none\n    server s 10.20.0.11:8443\n")
    action = only_action(model, tls=False)
    assert action.tls and not model.problems
    assert [(s.host, s.port, s.loc.line) for s in action.backend.servers] == [("10.20.0.11", 8443, 11)]


def test_ssl_without_ca_is_rejected_unless_global_says_none(tmp_path):
    body = "frontend fe\n    bind :80\n    default_backend b\nbackend b\n    server s 10.20.0.11:8443 ssl\n"
    assert [p.kind for p in model_of(tmp_path, HEAD + body).problems] == ["rejected"]
    relaxed = "global\n    ssl-server-verify none\n" + HEAD[len("global\n"):] + body
    assert model_of(tmp_path, relaxed).problems == []


def test_header_rules_become_ops_in_order(tmp_path):
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n    http-request del-header Sec- -m beg\n"
                     "    default_backend b\nbackend b\n    http-request set-header Connection close\n"
                     "    server s 10.0.0.1:8080\n")
    ops = only_action(model, tls=False).upstream.ops
    assert [(op.name, op.value.text if op.value else None, op.loc.line) for op in ops] == [
        ("Sec-WebSocket-Key", None, 8), ("Sec-WebSocket-Version", None, 8), ("Connection", "close", 11)]


def test_conditional_header_rule_applies_only_when_it_matches_the_upgrade(tmp_path):
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n"
                     "    http-request del-header Upgrade if { path_beg /static/ }\n"
                     "    http-request del-header Origin if { hdr(upgrade) -i websocket }\n"
                     "    default_backend b\nbackend b\n    server s 10.0.0.1:8080\n")
    # both rules are in the model with their condition; the planning step applies them per request
    ops = only_action(model, tls=False).upstream.ops
    assert [(op.name, op.condition is not None) for op in ops] == [("Upgrade", True), ("Origin", True)]
    plans = build_plans(model, Options())
    assert plans.plans and all("upgrade" in p.sent and "origin" not in p.sent for p in plans.plans)


def test_use_backend_first_match_then_default(tmp_path):
    text = HEAD + """frontend fe
    bind :80
    acl ws hdr(Upgrade) -i websocket
    acl gw path_beg /gateway/
    acl gw path_beg /assistserver/
    use_backend api if { path_reg ^/gateway/[a-z]+call$ } !ws
    use_backend fas if gw || { path /health }
    use_backend never if FALSE
    default_backend web
backend api
    server a 10.0.0.3:9000
backend fas
    server f 10.20.0.11:8080
backend never
    server n 10.0.0.4:80
backend web
    server w 10.0.0.5:80
"""
    model = model_of(tmp_path, text)
    site = model.sites[0]

    def backend_for(path: str, upgrade: bool = True) -> str:
        req = upgrade_request(path, False, 80)
        if not upgrade:  # the requests' headers are shared and read-only: a copy without Upgrade
            req = dataclasses.replace(req, headers={k: v for k, v in req.headers.items() if k != "upgrade"})
        action = trace(site, req)[1]
        assert isinstance(action, ProxyAction)
        return action.backend.name

    assert backend_for("/gateway/websocketcall") == "fas"  # rule 1 excludes websockets
    assert backend_for("/gateway/websocketcall", upgrade=False) == "api"
    assert backend_for("/assistserver/topic") == "fas"  # two declarations of one ACL are ORed
    assert backend_for("/health") == "fas"
    assert backend_for("/other") == "web"
    guards = [s for s in site.routes.routes[0].steps if isinstance(s, Guard)]
    assert [g.loc.line for g in guards] == [11, 12, 13]


def test_unknown_host_condition_matches_for_fas_only(tmp_path):
    backends = "backend fas\n    server f 10.20.0.11:8080\nbackend web\n    server w 10.0.0.5:80\n"
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n"
                     "    use_backend fas if { hdr(host) -i fas.example.com }\n    default_backend web\n" + backends)
    assert only_action(model, tls=False).backend.name == "fas"
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n"
                     "    use_backend web if { hdr(host) -i www.example.com }\n"
                     "    use_backend fas if { hdr(host) -i fas.example.com }\n    default_backend web\n" + backends)
    assert only_action(model, tls=False).backend.name == "fas"  # the www rule serves another host
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n"
                     "    use_backend web if { src 10.9.0.0/16 }\n    default_backend fas\n" + backends)
    assert only_action(model, tls=False).backend.name == "fas"


def test_redirect_and_deny_answer_before_routing(tmp_path):
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n"
                     "    redirect scheme https code 301 if !{ ssl_fc }\n"
                     "    http-request deny deny_status 429 if { path_beg /assistserver/ }\n"
                     "    default_backend b\nbackend b\n    server s 10.0.0.1:8080\n")
    site = model.sites[0]
    deny = trace(site, upgrade_request("/assistserver/topic", False, 80))[1]
    assert isinstance(deny, Respond) and (deny.status, deny.loc.line) == (429, 9)  # http-request first
    redirect = trace(site, upgrade_request("/gateway/websocketcall", False, 80))[1]
    assert isinstance(redirect, Respond) and (redirect.status, redirect.loc.line) == (301, 8)
    assert isinstance(trace(site, upgrade_request("/gateway/websocketcall", True, 80))[1], ProxyAction)


def test_reuse_by_setting_and_version(tmp_path):
    base = "frontend fe\n    bind :80\n    default_backend b\nbackend b\n{}    server s 10.0.0.1:8080\n"
    # never: a server connection stays with its client connection (an h2 client's later
    # streams take it), so it is kept, as with safe, for the first request of no other one
    cases = {"": (1, False), "    http-reuse always\n": (1, True), "    http-reuse never\n": (1, False),
             "    option http-server-close\n": (0, True)}
    for line, (pool, first) in cases.items():
        backend = only_action(model_of(tmp_path, HEAD + base.format(line)), tls=False).backend
        assert backend.pool.value == pool, line
        if pool:
            assert backend.first_request_reuses is first, line
    old = only_action(model_of(tmp_path, HEAD + base.format(""), proxy_versions={"haproxy": "1.8"}), tls=False)
    assert old.backend.pool.value == 0  # http-reuse never was the default before 1.9


def test_h2_front_by_alpn_and_version(tmp_path):
    text = (HEAD + "frontend fe\n    bind :443 ssl crt /x.pem{}\n    default_backend b\n"
            "backend b\n    server s 10.0.0.1:8080\n")
    cases = [(" alpn h2,http/1.1", None, True), (" alpn http/1.1", None, False), ("", "2.6", False),
             ("", "2.8", True)]
    for extra, version, h2 in cases:
        opts = {"proxy_versions": {"haproxy": version}} if version else {}
        listener = model_of(tmp_path, text.format(extra), **opts).sites[0].listeners[0]
        assert listener.websocket_over_h2 is h2, (extra, version)
    assumed = model_of(tmp_path, text.format("")).sites[0].listeners[0]
    assert "2.8" in assumed.websocket_over_h2_note


def test_tcp_relay_is_passthrough(tmp_path):
    model = model_of(tmp_path, "global\ndefaults\n    mode tcp\nfrontend fe\n    bind :80\n    default_backend b\n"
                     "backend b\n    server s 10.20.0.11:8443\n")
    action = only_action(model, tls=False)
    assert action.passthrough and action.statuses is not None
    assert action.statuses.plain_to_tls_port == "reset" and action.backend.pool.value == 0
    assert "upgrade" in action.upstream.hop_by_hop_forwarded and not action.upstream.ops


def test_tcp_relay_failing_its_own_tls_closes_bare_unless_the_browser_tls_passes(tmp_path):
    # the bind terminates the browser's TLS: HAProxy's own TLS toward 8080 fails after the
    # browser's handshake, a bare close (reset); passed through, the browser's TLS fails
    server = "backend b\n    server s 10.20.0.11:8080 ssl verify none\n"
    text = "global\ndefaults\n    mode tcp\nfrontend fe\n    bind :443 {}\n    default_backend b\n" + server
    terminated = only_action(model_of(tmp_path, text.format("ssl crt /x.pem")), tls=True)
    assert terminated.passthrough and terminated.statuses is not None
    assert terminated.statuses.tls_to_plain_port == "reset"
    passed = model_of(tmp_path, text.format("").replace(" ssl verify none", ""))
    action = only_action(passed, tls=True)
    assert action.statuses is not None and action.statuses.tls_to_plain_port == "tls-error"


def test_listen_address_on_section_line_depends_on_version(tmp_path):
    text = HEAD + "listen gw 0.0.0.0:80\n    server s 10.20.0.11:8080\n"
    assert [p.kind for p in model_of(tmp_path, text).problems] == ["rejected"]
    old = model_of(tmp_path, text, proxy_versions={"haproxy": "1.5.0"})
    assert old.problems == [] and old.sites[0].listeners[0].port == 80


def test_missing_backend_and_mode_mismatch_are_rejected(tmp_path):
    model = model_of(tmp_path, HEAD + "frontend fe\n    bind :80\n    use_backend nope if TRUE\n"
                     "    default_backend t\nbackend t\n    mode tcp\n    server s 10.0.0.1:8080\n")
    assert sorted((p.kind, p.loc.line) for p in model.problems) == [("rejected", 8), ("rejected", 9)]


def test_pyparsing_is_imported_only_for_quoted_haproxy_lines():
    code = ("import sys\nfrom linter.engine.runner import run\nfrom linter.core.options import Options\n"
            "run(['samples/nginx/good-tls-offload.conf'], Options())\nprint('pyparsing' in sys.modules)\n"
            "run(['samples/haproxy/good-quoted-env.cfg'], Options())\nprint('pyparsing' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_files_given_together_are_one_configuration(tmp_path):
    main = write(tmp_path, "global\ndefaults\n    mode http\n    timeout client 30s\n    timeout server 30s\n",
                 "main.cfg")
    part = write(tmp_path, "frontend fe\n    bind :443 ssl crt /x.pem alpn http/1.1\n    default_backend fas\n"
                 "backend fas\n    server s 10.20.0.11:8080\n", "fas.cfg")
    together = run([main, part], Options())
    assert [Path(f).name for f, _ in together.files] == ["main.cfg", "fas.cfg"]
    # the defaults of main.cfg reach the frontend of fas.cfg: no tunnel timeout, 30 s
    assert [(Path(f.loc.file).name, f.loc.line, f.rule) for f in together.findings] == [("main.cfg", 4, "WSP401")]
    alone = run([part], Options())
    assert alone.findings == []  # a section file alone: its defaults are not known


def test_two_main_configs_stay_separate(tmp_path):
    a = write(tmp_path, HEAD + "frontend a\n    bind :80\n", "a.cfg")
    b = write(tmp_path, HEAD + "frontend b\n    bind :81\n", "b.cfg")
    from parsers.haproxy import DIALECT

    assert DIALECT.companions([(a, 0), (b, 0)]) == {}
    assert DIALECT.companions([(a, 0), (b, 2)]) == {a: (b,)}


def test_legacy_regex_rules_rejected_since_2_1_and_read_before(tmp_path):
    text = HEAD + "frontend fe\n    bind :80\n    reqidel ^connection:\n    default_backend b\nbackend b\n" \
                  "    server s 10.0.0.1:8080\n"
    assert [(p.kind, p.loc.line) for p in model_of(tmp_path, text).problems] == [("rejected", 8)]
    old = model_of(tmp_path, text, proxy_versions={"haproxy": "1.8"})
    assert old.problems == []
    assert [(op.name, op.value) for op in only_action(old, tls=False).upstream.ops] == [("Connection", None)]


def test_frontend_closing_mode_wins_over_backend_keep_alive(tmp_path):
    text = HEAD + "frontend fe\n    bind :80\n    option http-server-close\n    default_backend b\n" \
                  "backend b\n    option http-keep-alive\n    server s 10.0.0.1:8080\n"
    backend = only_action(model_of(tmp_path, text), tls=False).backend
    assert (backend.pool.value, backend.pool.loc.line) == (0, 8)
    other = text + "frontend fe2\n    bind :81\n    default_backend b\n"
    assert only_action(model_of(tmp_path, other), tls=False).backend.pool.value == 1  # fe2 keeps it alive


def test_tcp_front_chained_to_http_backend_is_http_at_the_backend(tmp_path):
    # observed: accepted and works (the stream is upgraded to HTTP at the backend)
    model = model_of(tmp_path, "global\ndefaults\n    mode tcp\n    timeout tunnel 1h\nfrontend fe\n    bind :443\n"
                     "    default_backend b\nbackend b\n    mode http\n    http-request del-header Upgrade\n"
                     "    server s 10.20.0.11:8080\n")
    assert model.problems == []
    listener = model.sites[0].listeners[0]
    assert not listener.tls  # HAProxy reads HTTP here, so the browser's TLS would not be understood
    action = only_action(model, tls=False)
    assert not action.passthrough and [op.name for op in action.upstream.ops] == ["Upgrade"]


# ----------------------------------------------------------------------------- never a traceback

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["global", "defaults", "frontend fe", "backend b", "listen l :80", "bind :443 ssl",
                           "server s 10.20.0.11:8443 ssl", "use_backend b if { path_beg /gateway/ }", ".if 1",
                           ".elif version_atleast(2.8)", ".else", ".endif", "acl a hdr(upgrade) -i websocket",
                           "timeout tunnel 1h", "mode tcp", "mode http", "default_backend b", "http-reuse always",
                           '"', "'", "\\", "#", "${X}", "{", "}", "!", "||", "from", "x" * 3])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.lists(_PIECES | st.text(max_size=8), max_size=6).map(" ".join), max_size=25))
def test_any_input_reads_and_interprets_without_exception(tmp_path, lines):
    text = "\n".join(lines)
    path = write(tmp_path, text, "fuzz.cfg")
    tree = read(path, environ={})
    for p in tree.problems:
        assert p.loc.file == path and 1 <= p.loc.line <= text.count("\n") + 1
    model = interpret(tree, Options())
    for site in model.sites:
        for lst in site.listeners:
            trace(site, upgrade_request("/gateway/websocketcall", lst.tls, lst.port))


def test_ssl_bind_without_certificate_is_rejected(tmp_path):
    text = HEAD + "frontend fe\n    bind :443 ssl{}\n    default_backend b\nbackend b\n    server s 10.0.0.1:8080\n"
    assert [(p.kind, p.loc.line) for p in model_of(tmp_path, text.format("")).problems] == [("rejected", 7)]
    assert model_of(tmp_path, text.format(" crt /etc/haproxy/certs/gw.pem")).problems == []


def test_assumed_version_says_when_2_8_default_alpn_would_change_the_reuse_verdict(tmp_path):
    path = write(tmp_path, HEAD + "frontend fe\n    bind :443 ssl crt /x.pem\n    default_backend b\n"
                 "backend b\n    server s 10.20.0.11:8080\n")
    assumed = run([path], Options(fas_version="2.5.2"))
    assert {(f.rule, f.severity, f.loc.line) for f in assumed.findings} == {("WSP201", "info", 7)}
    assert "2.8" in assumed.findings[0].message
    assert run([path], Options(fas_version="2.5.2", proxy_versions={"haproxy": "2.6.12"})).findings == []
    newer = run([path], Options(fas_version="2.5.2", proxy_versions={"haproxy": "2.8.0"}))
    assert {(f.rule, f.severity) for f in newer.findings} == {("WSP201", "error")}
    assert run([path], Options(fas_version="2.6.0")).findings == []  # newer FAS takes reused connections

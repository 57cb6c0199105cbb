"""The command-line contract of DESIGN.md, through the real entry point.

Every call goes through the entry point the console script runs (the ``cli`` fixture), with
the config files in pytest's tmp_path and the working directory there, so paths in the JSON
are relative. A test about the process itself (the console script, a FIFO that must not
hang) runs it in a subprocess.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import parsers
from _util import CliResult, cli_process, write
from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW

from linter.engine.registry import all_rules

TRACEBACK = "Traceback (most recent call last)"

FINDING_KEYS = {"rule", "name", "severity", "dialect", "path", "line", "column", "message", "symptom", "fix",
                "listener", "listeners", "ws_path", "ws_paths", "related"}
RELATED_KEYS = {"path", "line", "message"}
SYMPTOM = re.compile(r"^(refused|reset|tls-error|missing-accept|idle-disconnect|config-rejected|status:[1-5]\d\d)$")


def as_json(r: CliResult) -> dict:
    doc = json.loads(r.out)  # json.loads refuses anything after the one object
    assert isinstance(doc, dict)
    return doc


def assert_contract(doc: dict) -> None:
    assert set(doc) == {"version", "tool", "files", "findings", "checked"}
    checked = doc["checked"]
    assert set(checked) == {"plans", "listeners", "ws_paths", "fas_sites"}
    assert isinstance(checked["plans"], int) and checked["plans"] >= 0
    for site in checked["fas_sites"]:
        assert set(site) == {"path", "line", "label", "why"}
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "wsproxylint", "version": doc["tool"]["version"]}
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", doc["tool"]["version"])
    assert isinstance(doc["files"], list)
    for f in doc["files"]:
        assert set(f) == {"path", "dialect"}
        assert isinstance(f["path"], str) and f["path"]
        assert f["dialect"] in parsers.names()
    assert isinstance(doc["findings"], list)
    for f in doc["findings"]:
        # the contract's keys exactly, plus fix_edits where the finding's fix has edits
        assert set(f) - {"fix_edits"} == FINDING_KEYS, sorted(f)
        if "fix_edits" in f:
            assert set(f["fix_edits"]) == {"safe", "note", "edits"} and f["fix_edits"]["edits"], f
        assert re.fullmatch(r"WSP\d{3}", f["rule"]), f
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f["name"]), f
        assert f["severity"] in ("error", "warning", "info"), f
        assert f["dialect"] in parsers.names(), f
        assert isinstance(f["path"], str) and f["path"], f
        assert isinstance(f["line"], int) and f["line"] >= 1, f
        assert f["column"] is None or (isinstance(f["column"], int) and f["column"] >= 1), f
        assert isinstance(f["message"], str) and f["message"], f
        assert f["symptom"] is None or SYMPTOM.match(f["symptom"]), f
        assert isinstance(f["fix"], str) and f["fix"], f
        assert f["listener"] is None or isinstance(f["listener"], str), f
        # listener is the first of listeners: every listener one cause breaks
        assert f["listeners"] == ([] if f["listener"] is None else f["listeners"]), f
        assert f["listener"] is None or f["listeners"][0] == f["listener"], f
        assert len(set(f["listeners"])) == len(f["listeners"]), f
        assert f["ws_path"] is None or (isinstance(f["ws_path"], str) and f["ws_path"].startswith("/")), f
        # ws_path is the first of ws_paths: every URL one cause breaks
        assert f["ws_paths"] == ([] if f["ws_path"] is None else f["ws_paths"]), f
        assert f["ws_path"] is None or f["ws_paths"][0] == f["ws_path"], f
        assert isinstance(f["related"], list), f
        for r in f["related"]:
            assert set(r) == RELATED_KEYS, r
            assert isinstance(r["path"], str) and r["path"]
            assert isinstance(r["line"], int) and r["line"] >= 1
            assert isinstance(r["message"], str) and r["message"]


# ----------------------------------------------------------------------------- configs

CLEAN = """\
events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    server {
        listen 80;
        location /gateway/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""

# only a warning: the idle timeout (60 s) is below the 300 s threshold
WARN_ONLY = CLEAN.replace("proxy_read_timeout 1h;", "proxy_read_timeout 60s;")

# no websocket configuration at all on /gateway/; /assistserver/topic not routed
BROKEN = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""

# a server-level Upgrade that the location does not inherit, a trailing-slash 301,
# a missing include
SHADOWED = """\
events {}
http {
    server {
        listen 443 ssl;
        ssl_certificate /etc/ssl/gw.pem;
        ssl_certificate_key /etc/ssl/gw.key;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        location /gateway/ {
            proxy_set_header X-Real-IP $remote_addr;
            proxy_http_version 1.1;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/topic/ {
            proxy_pass http://127.0.0.1:8080;
        }
        include missing.conf;
    }
}
"""

SYNTAX = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080
        }
    }
}
"""


# one server listening on 443 (TLS) and one on 80 include the same snippet, whose
# Connection "close" breaks both: one cause on two listeners
SHARED_SNIPPET = """\
events {}
http {
    server {
        listen 443 ssl;
        ssl_certificate /etc/ssl/gw.pem;
        ssl_certificate_key /etc/ssl/gw.key;
        location / {
            include fas-websocket.conf;
            proxy_pass http://127.0.0.1:8080;
        }
    }
    server {
        listen 80;
        location / {
            include fas-websocket.conf;
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""

FAS_WEBSOCKET_SNIPPET = """\
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection "close";
proxy_read_timeout 1h;
"""


@pytest.fixture
def conf(tmp_path):
    def make(text: str, name: str = "nginx.conf") -> str:
        write(tmp_path, name, text)
        return name
    return make


# ----------------------------------------------------------------------------- JSON

def test_json_clean_config_exit_0(cli, tmp_path, conf):
    name = conf(CLEAN)
    r = cli("check", "--format", "json", name, cwd=tmp_path)
    assert r.code == 0, r.err
    doc = as_json(r)
    assert_contract(doc)
    assert doc["tool"]["name"] == "wsproxylint"
    assert doc["files"] == [{"path": "nginx.conf", "dialect": "nginx"}]
    assert doc["findings"] == []
    assert r.err == ""


def test_json_findings_shape_and_values(cli, tmp_path, conf):
    name = conf(BROKEN)
    r = cli("check", "--format", "json", name, cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    by_rule = {(f["rule"], f["ws_path"]): f for f in doc["findings"]}
    up = by_rule[("WSP101", GW)]
    assert up["name"] == "upgrade-not-forwarded"
    assert up["severity"] == "error"
    assert up["dialect"] == "nginx"
    assert up["path"] == "nginx.conf"
    assert up["line"] == 6
    assert up["column"] is None
    assert up["symptom"] == "status:302"
    assert up["listener"] == "0.0.0.0:80"
    assert "Upgrade" in up["fix"]
    assert by_rule[("WSP103", GW)]["symptom"] == "status:302"  # HTTP/1.0 upstream by default
    unrouted = by_rule[("WSP301", TOPIC)]
    assert unrouted["symptom"] == "status:404"
    assert unrouted["line"] == 3


def test_json_related_items(cli, tmp_path, conf):
    name = conf(SHADOWED)
    r = cli("check", "--format", "json", name, cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    up = [f for f in doc["findings"] if f["rule"] == "WSP101" and f["ws_path"] == GW]
    assert len(up) == 1
    assert up[0]["line"] == 10  # the location's own proxy_set_header
    assert up[0]["listener"] == "0.0.0.0:443 tls"
    assert {"path": "nginx.conf", "line": 7} in [{k: x[k] for k in ("path", "line")} for x in up[0]["related"]]
    redirect = [f for f in doc["findings"] if f["rule"] == "WSP302"]
    assert [(f["ws_path"], f["symptom"], f["line"]) for f in redirect] == [(TOPIC, "status:301", 15)]
    inc = [f for f in doc["findings"] if f["rule"] == "WSP002"]
    assert [(f["line"], f["severity"], f["symptom"], f["listener"], f["ws_path"]) for f in inc] == [
        (18, "error", "config-rejected", None, None)]


def test_one_cause_on_two_listeners_is_one_finding_naming_both(cli, tmp_path, conf):
    """A snippet line shared by two servers: one finding whose ``listeners`` names both (the
    first is ``listener``), in the order the run judged them, said in the text too."""
    conf(FAS_WEBSOCKET_SNIPPET, "fas-websocket.conf")
    name = conf(SHARED_SNIPPET)
    doc = as_json(cli("check", "--format", "json", name, cwd=tmp_path))
    assert_contract(doc)
    assert doc["checked"]["listeners"] == ["0.0.0.0:443 tls", "0.0.0.0:80"]
    close = [f for f in doc["findings"] if f["rule"] == "WSP102"]
    assert [(f["path"], f["line"], f["listener"], f["listeners"], f["ws_paths"]) for f in close] == [
        ("fas-websocket.conf", 3, "0.0.0.0:443 tls", ["0.0.0.0:443 tls", "0.0.0.0:80"], [GW, TOPIC])
    ]
    assert close[0]["message"].endswith(f"(on {GW} and {TOPIC}; listeners 0.0.0.0:443 tls and 0.0.0.0:80)")
    text = cli("check", name, cwd=tmp_path).out
    assert f"    on: {GW}, {TOPIC}, listeners 0.0.0.0:443 tls, 0.0.0.0:80\n" in text


def test_json_syntax_error_is_a_finding_at_its_line(cli, tmp_path, conf):
    name = conf(SYNTAX)
    r = cli("check", "--format", "json", name, cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    syntax = [f for f in doc["findings"] if f["rule"] == "WSP001"]
    assert len(syntax) == 1
    assert syntax[0]["path"] == "nginx.conf"
    assert syntax[0]["line"] == 6  # the proxy_pass missing its ";", not the "}" after it
    assert syntax[0]["symptom"] == "config-rejected"
    assert syntax[0]["listener"] is None and syntax[0]["ws_path"] is None


def test_json_is_one_object_even_with_several_files_and_skips(cli, tmp_path, conf):
    conf(BROKEN, "a-nginx.conf")
    conf(CLEAN, "b-nginx.conf")
    write(tmp_path, "haproxy.cfg", "global\n    daemon\ndefaults\n    mode http\n")
    r = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    # HAProxy is read too (a config with no frontend: nothing to find, and nothing to judge,
    # which the run's summary says; the nginx files were judged)
    assert sorted(f["path"] for f in doc["files"]) == ["a-nginx.conf", "b-nginx.conf", "haproxy.cfg"]
    assert {f["path"] for f in doc["findings"]} == {"a-nginx.conf"}


def test_text_format_is_default(cli, tmp_path, conf):
    name = conf(BROKEN)
    r = cli("check", name, cwd=tmp_path)
    assert r.code == 1
    assert "nginx.conf:6: error WSP101" in r.out
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.out)


# ----------------------------------------------------------------------------- exit status

def test_exit_1_for_errors(cli, tmp_path, conf):
    name = conf(BROKEN)
    assert cli("check", name, cwd=tmp_path).code == 1
    assert cli("check", "--fail-on", "error", name, cwd=tmp_path).code == 1


def test_fail_on_threshold_with_only_a_warning(cli, tmp_path, conf):
    name = conf(WARN_ONLY)
    r = cli("check", "--format", "json", name, cwd=tmp_path)
    doc = as_json(r)
    assert [(f["rule"], f["severity"], f["symptom"]) for f in doc["findings"]] == [
        ("WSP401", "warning", "idle-disconnect")]
    assert r.code == 1  # default --fail-on warning
    assert cli("check", "--fail-on", "warning", name, cwd=tmp_path).code == 1
    assert cli("check", "--fail-on", "info", name, cwd=tmp_path).code == 1
    r = cli("check", "--fail-on", "error", "--format", "json", name, cwd=tmp_path)
    assert r.code == 0
    assert len(as_json(r)["findings"]) == 1  # still reported, just not failing


def test_clean_config_exit_0_with_any_fail_on(cli, tmp_path, conf):
    name = conf(CLEAN)
    for level in ("error", "warning", "info"):
        assert cli("check", "--fail-on", level, name, cwd=tmp_path).code == 0


@pytest.mark.parametrize("args,needle", [
    (["check", "does-not-exist.conf"], "does-not-exist.conf"),
    (["check", "--format", "xml", "nginx.conf"], "--format"),
    (["check", "--fas-version", "abc", "nginx.conf"], "--fas-version"),
    (["check", "--fas-version", "", "nginx.conf"], "--fas-version"),
    (["check", "--nginx-version", "new", "nginx.conf"], "--nginx-version"),
    (["check", "--select", "WSP999", "nginx.conf"], "WSP999"),
    (["check", "--ignore", "WSP101,NOPE", "nginx.conf"], "NOPE"),
    (["check", "--fail-on", "critical", "nginx.conf"], "--fail-on"),
    (["check", "--dialect", "lighttpd", "nginx.conf"], "--dialect"),
    (["check", "--ws-path", "gateway/websocketcall", "nginx.conf"], "--ws-path"),
    (["rules", "WSP999"], "WSP999"),
    (["nosuchcommand"], "nosuchcommand"),
])
def test_usage_errors_exit_2(cli, tmp_path, conf, args, needle):
    conf(BROKEN)
    r = cli(*args, cwd=tmp_path)
    assert r.code == 2, (r.out, r.err)
    assert needle in r.err


def test_missing_path_exit_2_even_next_to_a_good_one(cli, tmp_path, conf):
    name = conf(CLEAN)
    r = cli("check", "--format", "json", name, "missing.conf", cwd=tmp_path)
    assert r.code == 2
    assert "missing.conf" in r.err


def test_unreadable_path_exit_2(tmp_path):
    fifo = tmp_path / "nginx.conf"
    import os

    os.mkfifo(fifo)
    r = cli_process("check", "nginx.conf", cwd=tmp_path, timeout=30)
    assert TRACEBACK not in r.stderr
    assert r.returncode == 2
    assert "nginx.conf" in r.stderr


def test_binary_file_with_forced_dialect_is_a_finding_not_a_crash(cli, tmp_path):
    (tmp_path / "nginx.conf").write_bytes(bytes(range(256)) * 40 + b"{{{;;;}}\x00")
    r = cli("check", "--format", "json", "--dialect", "nginx", "nginx.conf", cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    assert [(f["rule"], f["symptom"]) for f in doc["findings"]] == [("WSP001", "config-rejected")]
    assert "internal error" not in r.err


def test_include_cycle_is_a_finding_not_a_crash(cli, tmp_path):
    write(tmp_path, "nginx.conf", "events {}\nhttp {\n    include a.conf;\n}\n")
    write(tmp_path, "a.conf", "include b.conf;\n")
    write(tmp_path, "b.conf", "include a.conf;\n")
    r = cli("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"]] == [("WSP002", "b.conf", 1)]


def test_deeply_nested_config_no_crash(cli, tmp_path):
    depth = 400
    text = ("events {}\nhttp {\nserver {\nlisten 80;\n" + "location /gateway/ {\n" * depth
            + "proxy_pass http://127.0.0.1:8080;\n" + "}\n" * depth + "}\n}\n")
    (tmp_path / "nginx.conf").write_text(text)
    r = cli("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    # the innermost location proxies the Gateway (line depth + 5); the topic has no route
    proxy_line = depth + 5
    assert sorted({(f["rule"], f["line"]) for f in doc["findings"]}) == [
        ("WSP101", proxy_line), ("WSP102", proxy_line), ("WSP103", proxy_line), ("WSP301", 3),
        ("WSP401", proxy_line)]
    assert "internal error" not in r.err


# ----------------------------------------------------------------------------- filters and options

def rules_of(r: CliResult) -> set[str]:
    return {f["rule"] for f in as_json(r)["findings"]}


def test_select_and_ignore_filter(cli, tmp_path, conf):
    name = conf(BROKEN)
    everything = rules_of(cli("check", "--format", "json", name, cwd=tmp_path))
    assert {"WSP101", "WSP102", "WSP103", "WSP301"} <= everything

    r = cli("check", "--format", "json", "--select", "WSP101", name, cwd=tmp_path)
    assert r.code == 1
    assert rules_of(r) == {"WSP101"}

    r = cli("check", "--format", "json", "--select", "WSP101,WSP301", name, cwd=tmp_path)
    assert rules_of(r) == {"WSP101", "WSP301"}

    r = cli("check", "--format", "json", "--ignore", "WSP101,WSP102", name, cwd=tmp_path)
    assert rules_of(r) == everything - {"WSP101", "WSP102"}

    # selecting a rule that does not fire leaves nothing to fail on
    r = cli("check", "--format", "json", "--select", "WSP202", name, cwd=tmp_path)
    assert r.code == 0
    assert as_json(r)["findings"] == []

    r = cli("check", "--format", "json", "--select", "WSP101", "--ignore", "WSP101", name, cwd=tmp_path)
    assert (r.code, as_json(r)["findings"]) == (0, [])


def test_ws_path_replaces_defaults(cli, tmp_path, conf):
    name = conf(BROKEN)
    default = as_json(cli("check", "--format", "json", name, cwd=tmp_path))
    assert {f["ws_path"] for f in default["findings"]} == {GW, TOPIC}

    only_gw = as_json(cli("check", "--format", "json", "--ws-path", GW, name, cwd=tmp_path))
    assert {f["ws_path"] for f in only_gw["findings"]} == {GW}
    assert not any(f["rule"] == "WSP301" for f in only_gw["findings"])

    custom = CLEAN.replace("location /assistserver/", "location /custom/")
    write(tmp_path, "custom.conf", custom)
    r = cli("check", "--format", "json", "--dialect", "nginx", "--ws-path", "/custom/ws", "custom.conf", cwd=tmp_path)
    assert r.code == 0, r.out
    # the same file with the defaults: /assistserver/topic is not routed any more
    r = cli("check", "--format", "json", "--dialect", "nginx", "custom.conf", cwd=tmp_path)
    assert [(f["rule"], f["ws_path"]) for f in as_json(r)["findings"]] == [("WSP301", TOPIC)]

    r = cli("check", "--format", "json", "--ws-path", "/one/ws", "--ws-path", "/two/ws", name, cwd=tmp_path)
    assert {f["ws_path"] for f in as_json(r)["findings"]} <= {"/one/ws", "/two/ws", None}


def test_nginx_version_changes_the_verdict(cli, tmp_path, conf):
    name = conf(BROKEN)
    old = rules_of(cli("check", "--format", "json", name, cwd=tmp_path))
    new = rules_of(cli("check", "--format", "json", "--nginx-version", "1.30.0", name, cwd=tmp_path))
    assert "WSP103" in old  # HTTP/1.0 upstream is the default before 1.29.7
    assert "WSP103" not in new


REUSE = """\
events {}
http {
    upstream fas {
        server 127.0.0.1:8080;
        keepalive 8;
    }
    server {
        listen 80;
        proxy_http_version 1.1;
        proxy_read_timeout 1h;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        location /gateway/ { proxy_pass http://fas; }
        location /assistserver/ { proxy_pass http://fas; }
    }
}
"""


@pytest.mark.parametrize("args,severity,code", [
    ((), "warning", 1),
    (("--fas-version", "2.5.2"), "error", 1),
    (("--fas-version", "2.6.0"), None, 0),
    (("--fas-version", "2.5.2", "--fail-on", "error"), "error", 1),
    (("--fail-on", "error"), "warning", 0),
])
def test_fas_version_decides_the_reuse_verdict(cli, tmp_path, conf, args, severity, code):
    name = conf(REUSE)
    r = cli("check", "--format", "json", *args, name, cwd=tmp_path)
    assert r.code == code
    reuse = {(f["line"], f["severity"]) for f in as_json(r)["findings"] if f["rule"] == "WSP201"}
    assert reuse == ({(5, severity)} if severity else set())


# ----------------------------------------------------------------------------- rules, help

def test_rules_lists_every_rule(cli, tmp_path):
    from linter.engine.suppress import UNUSED_RULE

    r = cli("rules", cwd=tmp_path)
    assert r.code == 0
    lines = [ln for ln in r.out.splitlines() if ln.strip()]
    rules = all_rules()
    if UNUSED_RULE.id not in {x.id for x in rules}:
        rules = [*rules, UNUSED_RULE]
    assert len(rules) >= 15 and "WSP900" in r.out
    assert len(lines) == len(rules)
    for rule, line in zip(sorted(rules, key=lambda x: x.id), lines):
        assert line.split()[:2] == [rule.id, rule.name]
        assert rule.severity in line.split()


def test_rules_one_rule(cli, tmp_path):
    r = cli("rules", "WSP101", cwd=tmp_path)
    assert r.code == 0
    assert r.out.startswith("WSP101 upgrade-not-forwarded")
    assert "WSP102" not in r.out
    assert "Fix:" in r.out
    assert "proxy_set_header Upgrade" in r.out  # the nginx example
    by_name = cli("rules", "upgrade-not-forwarded", cwd=tmp_path)
    assert by_name.code == 0 and by_name.out == r.out
    lower = cli("rules", "wsp101", cwd=tmp_path)
    assert lower.code == 0 and lower.out == r.out


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["check", "--help"], ["rules", "--help"]])
def test_help_works(cli, tmp_path, args):
    r = cli(*args, cwd=tmp_path)
    assert r.code == 0
    assert "Usage" in r.out


def test_top_level_help_lists_commands(cli, tmp_path):
    r = cli("--help", cwd=tmp_path)
    assert "check" in r.out and "rules" in r.out


def test_check_help_lists_contract_options(cli, tmp_path):
    out = cli("check", "--help", cwd=tmp_path).out
    for opt in ("--dialect", "--format", "--fas-version", "--nginx-version", "--ws-path", "--select", "--ignore",
                "--fail-on"):
        assert opt in out, opt


# ----------------------------------------------------------------------------- directories

def test_check_directory_lints_included_file_once_in_context(cli, tmp_path):
    etc = tmp_path / "etc/nginx"
    write(etc, "nginx.conf", """\
        events {}
        http {
            map $http_upgrade $connection_upgrade {
                default upgrade;
                ''      close;
            }
            include conf.d/*.conf;
        }
    """)
    write(etc, "conf.d/fas.conf", """\
        server {
            listen 80;
            location /gateway/ {
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_read_timeout 60s;
                proxy_pass http://127.0.0.1:8080;
            }
        }
    """)
    write(tmp_path, "README.md", "not a config\n")
    r = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert r.code == 1
    doc = as_json(r)
    assert_contract(doc)
    paths = [f["path"] for f in doc["files"]]
    assert sorted(paths) == ["etc/nginx/conf.d/fas.conf", "etc/nginx/nginx.conf"]
    assert len(paths) == len(set(paths))
    assert all(f["dialect"] == "nginx" for f in doc["files"])
    got = sorted((f["rule"], f["path"], f["line"], f["ws_path"]) for f in doc["findings"])
    # in context: $connection_upgrade is known (no WSP003), and each finding appears once
    assert got == [("WSP301", "etc/nginx/conf.d/fas.conf", 1, TOPIC),
                   ("WSP401", "etc/nginx/conf.d/fas.conf", 7, GW)]

    # the same fragment alone cannot see the map: the verdict is weaker, not silent
    r = cli("check", "--format", "json", "etc/nginx/conf.d/fas.conf", cwd=tmp_path)
    alone = as_json(r)["findings"]
    weak = [f["severity"] for f in alone if f["rule"] == "WSP003"]
    assert weak == ["info"]


def test_check_default_path_is_current_directory(cli, tmp_path, conf):
    conf(BROKEN)
    r = cli("check", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    assert [f["path"] for f in as_json(r)["files"]] == ["nginx.conf"]


def test_check_empty_directory_is_no_config_found_exit_2(cli, tmp_path):
    """A mistyped CI path must not stay green."""
    (tmp_path / "empty").mkdir()
    r = cli("check", "--format", "json", "empty", cwd=tmp_path)
    assert r.code == 2
    assert as_json(r) == {
        "version": 1,
        "tool": as_json(r)["tool"],
        "files": [],
        "findings": [],
        "checked": {"plans": 0, "listeners": [], "ws_paths": ["/gateway/websocketcall", "/assistserver/topic"],
                    "fas_sites": []},
    }
    assert "no nginx, Apache or HAProxy config found in empty" in r.err


def test_console_script_matches_module(tmp_path, conf):
    exe = Path(sys.executable).with_name("wsproxylint")
    if not exe.exists():
        pytest.skip(f"no console script next to {sys.executable}")
    name = conf(BROKEN)
    a = cli_process("check", "--format", "json", name, cwd=tmp_path, command=(str(exe),))
    b = cli_process("check", "--format", "json", name, cwd=tmp_path)
    assert TRACEBACK not in a.stderr
    assert (a.returncode, a.stdout) == (b.returncode, b.stdout)

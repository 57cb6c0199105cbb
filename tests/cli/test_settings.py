"""Settings files: discovery, every key, flags winning, bad settings exiting 2, and `roots`
for snippets handed over alone (as pre-commit does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import parsers
from _util import write
from linter.app import settings as config

TRACEBACK = "Traceback (most recent call last)"

# WSP101/102/103 on line 6 (error), WSP401 (warning: 60 s idle) on /gateway/
BROKEN = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""


def wsp(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    r = subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=60, env=env)
    assert TRACEBACK not in r.stderr, r.stderr
    return r


def rules(r: subprocess.CompletedProcess) -> set[str]:
    return {f["rule"] for f in json.loads(r.stdout)["findings"]}


def test_dotfile_found_from_a_subdirectory(tmp_path):
    write(tmp_path, ".wsproxylint.toml", 'ignore = ["WSP101", "http10-to-backend"]\n')
    write(tmp_path, "deep/er/nginx.conf", BROKEN)
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path / "deep" / "er")
    assert "WSP101" not in rules(r) and "WSP103" not in rules(r) and "WSP102" in rules(r)


def test_pyproject_section_and_precedence(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.wsproxylint]\nselect = "WSP102"\n')
    write(tmp_path, "nginx.conf", BROKEN)
    assert rules(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)) == {"WSP102"}
    # a dotfile in the same directory wins over pyproject.toml
    write(tmp_path, ".wsproxylint.toml", 'select = ["WSP103"]\n')
    assert rules(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)) == {"WSP103"}
    # flags win over the file
    assert rules(wsp("check", "--format", "json", "--select", "WSP101", "nginx.conf", cwd=tmp_path)) == {"WSP101"}


def test_pyproject_without_section_is_skipped_upwards(tmp_path):
    write(tmp_path, ".wsproxylint.toml", 'select = ["WSP103"]\n')
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path, "sub/nginx.conf", BROKEN)
    assert rules(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path / "sub")) == {"WSP103"}
    assert config.find(str(tmp_path / "sub")) == (str(tmp_path / ".wsproxylint.toml"), "dotfile")


def test_fail_on_from_settings_and_flag(tmp_path):
    write(tmp_path, "nginx.conf", BROKEN)
    write(tmp_path, ".wsproxylint.toml", 'select = ["WSP401"]\nfail-on = "error"\n')
    assert wsp("check", "nginx.conf", cwd=tmp_path).returncode == 0
    assert wsp("check", "--fail-on", "warning", "nginx.conf", cwd=tmp_path).returncode == 1


def test_idle_threshold_fas_and_proxy_versions(tmp_path):
    write(tmp_path, "nginx.conf", BROKEN)
    write(tmp_path, ".wsproxylint.toml", 'select = ["WSP401", "WSP103"]\nidle-timeout-threshold = 30\n'
                                         'nginx-version = "1.29.7"\nfas-version = "2.6.0"\n')
    # 60 s default idle limit >= 30 s threshold: no WSP401; nginx 1.29.7 speaks HTTP/1.1: no WSP103
    assert rules(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)) == set()
    # the flag wins over the file
    assert rules(wsp("check", "--format", "json", "--nginx-version", "1.22.1", "nginx.conf", cwd=tmp_path)) \
        == {"WSP103"}


def test_ws_paths_from_settings(tmp_path):
    write(tmp_path, "nginx.conf", BROKEN)
    write(tmp_path, ".wsproxylint.toml", 'ws-paths = ["/assistserver/topic"]\n')
    doc = json.loads(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path).stdout)
    assert {f["ws_path"] for f in doc["findings"]} <= {"/assistserver/topic", None}


CATCH_ALL = """\
events {}
http {
    upstream app { server 10.20.0.31:3000; }
    server {
        listen 80;
        location / { proxy_pass http://app; }
    }
}
"""


def test_fas_backends_from_settings_and_flag(tmp_path):
    """A catch-all to FAS on port 3000 is checked once settings or the flag name it."""
    write(tmp_path, "nginx.conf", CATCH_ALL)
    assert not {f["ws_path"] for f in json.loads(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path).stdout)[
        "findings"] if f["ws_path"]}
    flagged = rules(wsp("check", "--format", "json", "--fas-backend", "app", "nginx.conf", cwd=tmp_path))
    assert "WSP101" in flagged
    write(tmp_path, ".wsproxylint.toml", 'fas-backends = ["10.20.0.31:3000"]\n')
    assert rules(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)) == flagged
    r = wsp("check", "--fas-backend", "app:http", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 2 and "--fas-backend" in r.stderr


def test_exclude_and_per_file_dialect(tmp_path):
    write(tmp_path, "conf/nginx.conf", BROKEN)
    write(tmp_path, "conf/old/nginx.conf", BROKEN)
    write(tmp_path, "conf/gw.inc", "location /gateway/ {\n    proxy_pass http://127.0.0.1:8080;\n}\n")
    write(tmp_path, ".wsproxylint.toml", 'exclude = ["conf/old", "*.bak"]\n[dialects]\n"conf/*.inc" = "nginx"\n')
    write(tmp_path, "conf/x.bak", BROKEN)
    doc = json.loads(wsp("check", "--format", "json", "conf", cwd=tmp_path).stdout)
    assert sorted(f["path"] for f in doc["files"]) == ["conf/gw.inc", "conf/nginx.conf"]
    # an excluded file handed over explicitly (as pre-commit does) is skipped too
    r = wsp("check", "--format", "json", "conf/old/nginx.conf", cwd=tmp_path)
    assert json.loads(r.stdout)["files"] == [] and r.returncode == 0


@pytest.mark.parametrize("text,needle", [
    ("fail-on = 'critical'\n", "fail-on"),
    ("select = ['WSP999']\n", "WSP999"),
    ("selct = ['WSP101']\n", "unknown key 'selct'"),
    ("fas-version = 'new'\n", "fas-version"),
    ("ws-paths = ['gateway']\n", "ws-paths"),
    ("fas-backends = ['fas:port']\n", "fas-backends"),
    ("idle-timeout-threshold = 'long'\n", "idle-timeout-threshold"),
    ("[dialects]\n'*.x' = 'lighttpd'\n", "lighttpd"),
    ("select = [\n", "not valid TOML"),
    ("roots = ['missing.conf']\n", "missing.conf"),
    ("roots = 'nginx.conf'\n", "roots: expected a list of strings"),
    ("report-unused-suppressions = 'yes'\n", "report-unused-suppressions"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_bad_settings_exit_2_with_the_file_named(tmp_path, text, needle):
    write(tmp_path, "nginx.conf", BROKEN)
    settings = tmp_path / ".wsproxylint.toml"
    settings.write_bytes(text) if isinstance(text, bytes) else settings.write_text(text)
    r = wsp("check", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in r.stderr
    assert r.stdout == ""


def test_explicit_config_flag(tmp_path):
    write(tmp_path, "nginx.conf", BROKEN)
    write(tmp_path, "ci/strict.toml", 'select = ["WSP102"]\n')
    assert rules(wsp("check", "--format", "json", "--config", "ci/strict.toml", "nginx.conf", cwd=tmp_path)) \
        == {"WSP102"}
    r = wsp("check", "--config", "nope.toml", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 2 and "nope.toml" in r.stderr


# ----------------------------------------------------------------------------- roots

MAIN = """\
events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    server {
        listen 80;
        proxy_read_timeout 10s;
        include conf.d/*.conf;
    }
}
"""
# alone, this snippet has no map and no server: it reads as a fragment with an unknown
# $connection_upgrade and an unrouted Live Assist topic; read with MAIN it is fine, and
# MAIN's own problems (the topic, the 10 s idle limit at line 9) are not the snippet's
SNIPPET = """\
location /gateway/ {
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_pass http://127.0.0.1:8080;
}
"""


def test_roots_lint_a_snippet_in_its_entry_point_and_report_only_its_findings(tmp_path):
    write(tmp_path, "nginx/nginx.conf", MAIN)
    write(tmp_path, "nginx/conf.d/fas.conf", SNIPPET)
    alone = wsp("check", "--format", "json", "nginx/conf.d/fas.conf", cwd=tmp_path)
    assert {"WSP003", "WSP301"} <= rules(alone) and alone.returncode == 1
    full = wsp("check", "--format", "json", "nginx/nginx.conf", cwd=tmp_path)
    assert {(f["rule"], f["path"], f["line"]) for f in json.loads(full.stdout)["findings"]} >= {
        ("WSP401", "nginx/nginx.conf", 9), ("WSP301", "nginx/nginx.conf", 7)}

    write(tmp_path, ".wsproxylint.toml", 'roots = ["nginx/nginx.conf"]\n')
    r = wsp("check", "--format", "json", "nginx/conf.d/fas.conf", cwd=tmp_path)
    doc = json.loads(r.stdout)
    assert sorted(f["path"] for f in doc["files"]) == ["nginx/conf.d/fas.conf", "nginx/nginx.conf"]
    # the 10 s limit cuts the snippet's own websocket route (its fix goes into the snippet's
    # location): it concerns the snippet; the unrouted topic does not
    assert {(f["rule"], f["path"], f["line"]) for f in doc["findings"]} == {("WSP401", "nginx/nginx.conf", 9)}

    # a problem the change brings in is reported at the snippet's line, in the root's context
    write(tmp_path, "nginx/conf.d/fas.conf", SNIPPET.replace("    proxy_set_header Upgrade $http_upgrade;\n", ""))
    doc = json.loads(wsp("check", "--format", "json", "nginx/conf.d/fas.conf", cwd=tmp_path).stdout)
    assert {(f["rule"], f["path"], f["line"]) for f in doc["findings"]} == {
        ("WSP101", "nginx/conf.d/fas.conf", 4), ("WSP401", "nginx/nginx.conf", 9)}


def test_roots_leave_files_they_do_not_include_alone(tmp_path):
    write(tmp_path, "nginx/nginx.conf", MAIN)
    write(tmp_path, "other/nginx.conf", BROKEN)
    write(tmp_path, ".wsproxylint.toml", 'roots = ["nginx/nginx.conf"]\n')
    doc = json.loads(wsp("check", "--format", "json", "other/nginx.conf", cwd=tmp_path).stdout)
    assert [f["path"] for f in doc["files"]] == ["other/nginx.conf"]
    assert "WSP101" in {f["rule"] for f in doc["findings"]}


# ----------------------------------------------------------------------------- keys from the dialect registry

@pytest.mark.parametrize("dialect", parsers.dialects(), ids=parsers.names())
def test_every_dialect_has_its_version_key_and_dialects_entry(tmp_path, dialect):
    path = write(tmp_path, ".wsproxylint.toml",
                 f'{dialect.version_name}-version = "1.2.3"\n[dialects]\n"*.inc" = "{dialect.name}"\n')
    s = config.load(str(path))
    assert s.proxy_versions == {dialect.name: "1.2.3"}
    assert s.dialects == [("*.inc", dialect.name)]


def test_unknown_key_and_dialect_name_the_registered_ones(tmp_path):
    with pytest.raises(config.ConfigError) as e:
        config.load(str(write(tmp_path, "a.toml", 'nginx_version = "1.22.1"\n')))
    assert all(f"{d.version_name}-version" in str(e.value) for d in parsers.dialects())
    with pytest.raises(config.ConfigError) as e:
        config.load(str(write(tmp_path, "b.toml", '[dialects]\n"*.inc" = "lighttpd"\n')))
    assert f"expected one of {', '.join(parsers.names())}, not 'lighttpd'" in str(e.value)

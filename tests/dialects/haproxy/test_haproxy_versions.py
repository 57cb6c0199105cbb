"""HAProxy keywords by version (parsers/haproxy/versions.py): refused from the version that
removed them, with that version said; a line only later versions refuse is a warning when
the version is assumed. Checked on the real binaries in tests/live/test_version_tables.py."""

from __future__ import annotations

import json

import pytest
from _util import write

CFG = """global
    maxconn 100
    {global_line}
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
    {defaults_line}
frontend fe
    bind :80
    {frontend_line}
    default_backend be
backend be
    {backend_line}
    server fas1 10.20.0.11:8080
"""


def findings(cli, tmp_path, where: str, line: str, *flags: str) -> list[dict]:
    lines = dict.fromkeys(("global_line", "defaults_line", "frontend_line", "backend_line"), "")
    lines[where] = line
    path = write(tmp_path, "haproxy.cfg", CFG.format(**lines))
    doc = json.loads(cli("check", path, "--format", "json", "--select", "WSP003", *flags).out)
    return doc["findings"]


@pytest.mark.parametrize(
    ("where", "line", "until"),
    [
        ("global_line", "nbproc 2", "2.5"),
        ("defaults_line", "option forceclose", "2.0"),
        ("defaults_line", "option http-tunnel", "2.1"),
        ("defaults_line", "option http_proxy", "2.5"),
        ("frontend_line", "monitor-net 10.0.0.0/8", "2.4"),
        ("frontend_line", "block if TRUE", "2.1"),
        ("backend_line", "redispatch", "2.1"),
    ],
)
def test_a_keyword_removed_before_2_6_is_an_error_even_when_the_version_is_assumed(cli, tmp_path, where, line, until):
    for flags in ((), ("--haproxy-version", "2.8.25")):
        found = findings(cli, tmp_path, where, line, *flags)
        assert [(f["severity"], f["symptom"]) for f in found] == [("error", "config-rejected")]
        assert f"not supported any more since HAProxy {until}" in found[0]["message"]
    assert findings(cli, tmp_path, where, line, "--haproxy-version", "1.8.30") == []


@pytest.mark.parametrize(
    ("where", "line"),
    [("frontend_line", "bind-process 1"), ("backend_line", r"option httpchk GET / HTTP/1.1\r\nHost:\ gw")],
)
def test_a_keyword_2_6_still_takes_is_a_warning_when_assumed(cli, tmp_path, where, line):
    assumed = findings(cli, tmp_path, where, line)
    assert [(f["severity"], f["symptom"]) for f in assumed] == [("warning", "config-rejected")]
    assert "refused from HAProxy 2.7 on" in assumed[0]["message"]
    assert findings(cli, tmp_path, where, line, "--haproxy-version", "2.6.12") == []
    newer = findings(cli, tmp_path, where, line, "--haproxy-version", "2.8.25")
    assert [(f["severity"], f["symptom"]) for f in newer] == [("error", "config-rejected")]


def test_a_plain_httpchk_is_no_finding(cli, tmp_path):
    assert findings(cli, tmp_path, "backend_line", "option httpchk GET /gateway/", "--haproxy-version", "3.0") == []

"""nginx directives by version (parsers/nginx/versions.py): refused below the version that
introduced them, accepted from it on, a warning naming that version when none is given.
The table itself is checked on the real binaries in tests/live/test_version_tables.py."""

from __future__ import annotations

import json

import pytest
from _util import write

CONF = """events {{}}
http {{
    upstream fas {{
        server 10.20.0.11:8080;
        {upstream}
    }}
    server {{
        listen 443 ssl;
        ssl_certificate /etc/ssl/certs/gw.crt;
        ssl_certificate_key /etc/ssl/private/gw.key;
        {server}
        location /gateway/ {{
            proxy_pass http://fas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }}
    }}
}}
"""


def rejected(cli, tmp_path, upstream: str = "", server: str = "", *flags: str) -> list[dict]:
    path = write(tmp_path, "nginx.conf", CONF.format(upstream=upstream, server=server))
    doc = json.loads(cli("check", path, "--format", "json", "--select", "WSP001,WSP003", *flags).out)
    return doc["findings"]


@pytest.mark.parametrize(
    ("upstream", "server", "since"),
    [
        ("", "http2 on;", "1.25.1"),
        ("keepalive 16 local;", "", "1.29.7"),
        ("keepalive 0;", "", "1.29.7"),
        ("resolver 127.0.0.53;", "", "1.27.3"),
        ("", "ssl_certificate_cache max=100;", "1.27.4"),
        ("", "early_hints $http2;", "1.29.0"),
    ],
)
def test_a_directive_is_refused_below_its_version_and_accepted_from_it(cli, tmp_path, upstream, server, since):
    before = rejected(cli, tmp_path, upstream, server, "--nginx-version", "1.22.1")
    assert [(f["rule"], f["severity"], f["symptom"]) for f in before] == [("WSP003", "error", "config-rejected")]
    assert f"needs nginx >= {since}" in before[0]["message"] and "nginx 1.22.1 refuses it" in before[0]["message"]
    assert rejected(cli, tmp_path, upstream, server, "--nginx-version", since) == []
    unknown = rejected(cli, tmp_path, upstream, server)
    assert [(f["severity"], f["symptom"]) for f in unknown] == [("warning", "config-rejected")]
    assert "pass --nginx-version" in unknown[0]["message"]


def test_keepalive_takes_one_or_two_arguments_on_every_version(cli, tmp_path):
    for value in ("keepalive;", "keepalive 8 local extra;"):
        for flags in ((), ("--nginx-version", "1.31.3")):
            found = rejected(cli, tmp_path, value, "", *flags)
            assert [(f["rule"], f["symptom"]) for f in found] == [("WSP001", "config-rejected")], (value, flags)


def test_http_version_2_to_the_backend_needs_1_29_4(cli, tmp_path):
    path = write(tmp_path, "nginx.conf", CONF.format(upstream="", server="").replace(
        "proxy_http_version 1.1;", "proxy_http_version 2;"))
    found = json.loads(cli("check", path, "--format", "json", "--select", "WSP003",
                           "--nginx-version", "1.28.0").out)["findings"]
    assert [f["message"].split(":")[0] for f in found] == ["`proxy_http_version 2` needs nginx >= 1.29.4"]

"""The version tables (parsers/nginx/versions.py, parsers/haproxy/versions.py) on the real
binaries: for every entry, a minimal config holding it goes through every installed build's
config test, and the build refuses it exactly when wsproxylint, told that build's version,
predicts config-rejected. An entry without a config here fails: the table only holds what
was checked on both sides."""

from __future__ import annotations

import json

import pytest
from _util import write
from support.fixtures import cannot_run, pki  # noqa: F401  (fixture)
from support.runners import BUILDS

from parsers.haproxy.versions import HTTPCHK_HEADERS, REMOVED
from parsers.nginx.versions import DIRECTIVES

NGINX = """events {{}}
http {{
    upstream fas {{
        server 127.0.0.1:8080;
        {upstream}
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {server}
        location /gateway/ {{
            proxy_pass http://fas;
            {location}
        }}
    }}
}}
"""
# entry -> (upstream, server, location) lines that hold it
NGINX_LINES = {
    "http2": ("", "http2 on;", ""),
    "proxy_pass_trailers": ("", "", "proxy_pass_trailers on;"),
    "ssl_certificate_cache": ("", "ssl_certificate_cache max=16;", ""),
    "proxy_ssl_certificate_cache": ("", "", "proxy_ssl_certificate_cache max=16;"),
    "keepalive_min_timeout": ("", "keepalive_min_timeout 1s;", ""),
    "early_hints": ("", "early_hints 1;", ""),
    "ssl_certificate_compression": ("", "ssl_certificate_compression off;", ""),
    "upstream resolver": ("resolver 127.0.0.1;", "", ""),
    "upstream server resolve": ("zone fas 64k; server 127.0.0.1:8081 resolve;", "resolver 127.0.0.1;", ""),
    "keepalive 0": ("keepalive 0;", "", ""),
    "keepalive N local": ("keepalive 8 local;", "", ""),
    "proxy_http_version 2": ("", "", "proxy_http_version 2;"),
    "nothing new": ("keepalive 8;", "", "proxy_http_version 1.1;"),
}
HAPROXY = """global
    maxconn 100
    {glob}
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    {defaults}
frontend fe
    bind 127.0.0.1:{port}
    {frontend}
    default_backend be
backend be
    {backend}
    server fas1 127.0.0.1:8080
"""
HAPROXY_LINES = {  # keyword -> (section, line)
    "option forceclose": ("defaults", "option forceclose"),
    "option http-tunnel": ("defaults", "option http-tunnel"),
    "block": ("frontend", "block if TRUE"),
    "redispatch": ("backend", "redispatch"),
    "monitor-net": ("frontend", "monitor-net 10.0.0.0/8"),
    "nbproc": ("glob", "nbproc 1"),
    "option http_proxy": ("defaults", "option http_proxy"),
    "bind-process": ("frontend", "bind-process 1"),
    "option httpchk (headers)": ("backend", r"option httpchk GET / HTTP/1.1\r\nHost:\ gw"),
    "nothing removed": ("backend", "option http-server-close"),
}


def test_every_table_entry_has_a_config_here():
    assert set(DIRECTIVES) <= set(NGINX_LINES)
    assert set(REMOVED) <= set(HAPROXY_LINES) and HTTPCHK_HEADERS is not None


def _cases(dialect: str, lines: dict) -> list:
    return [pytest.param(b, name, id=f"{name}@{'missing' if b.missing() else b.version()}")
            for name in lines for b in BUILDS[dialect]]


def _predicted(cli, path, dialect: str, flag: str, version: str) -> list[str]:
    doc = json.loads(cli("check", path, "--dialect", dialect, "--format", "json", flag, version).out)
    return [f["message"] for f in doc["findings"] if f["symptom"] == "config-rejected" and f["severity"] == "error"]


@pytest.mark.parametrize(("runner", "name"), _cases("nginx", NGINX_LINES))
def test_nginx_refuses_exactly_what_the_table_says(cli, tmp_path, pki, runner, name):  # noqa: F811
    if runner.missing():
        cannot_run(runner.missing())
    upstream, server, location = NGINX_LINES[name]
    path = write(tmp_path, "nginx.conf", NGINX.format(upstream=upstream, server=server, location=location,
                                                      port=20443, cert=pki.front.cert, key=pki.front.key))
    predicted = _predicted(cli, path, "nginx", "--nginx-version", runner.version())
    (tmp_path / "logs").mkdir()
    from support.runners.base import Rendered

    ok, output = runner.config_test(Rendered(tmp_path, path))
    assert ok != bool(predicted), f"{runner.label} config test {'passed' if ok else 'failed'}: {output}\n" \
                                  f"wsproxylint predicted: {predicted or 'no config-rejected'}"


@pytest.mark.parametrize(("runner", "name"), _cases("haproxy", HAPROXY_LINES))
def test_haproxy_refuses_exactly_what_the_table_says(cli, tmp_path, runner, name):
    if runner.missing():
        cannot_run(runner.missing())
    section, line = HAPROXY_LINES[name]
    parts = dict.fromkeys(("glob", "defaults", "frontend", "backend"), "")
    parts[section] = line
    path = write(tmp_path, "haproxy.cfg", HAPROXY.format(port=20080, **parts))
    predicted = _predicted(cli, path, "haproxy", "--haproxy-version", runner.version())
    from support.runners.base import Rendered

    ok, output = runner.config_test(Rendered(tmp_path, path))
    assert ok != bool(predicted), f"{runner.label} config test {'passed' if ok else 'failed'}: {output}\n" \
                                  f"wsproxylint predicted: {predicted or 'no config-rejected'}"

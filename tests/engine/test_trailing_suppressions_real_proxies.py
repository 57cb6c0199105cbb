"""nginx and HAProxy read a ``#`` after a directive as a comment (httpd does not: see
``tests/dialects/apache/test_apache_trailing_hash.py``), so a trailing suppression is a
suppression there. The real binaries' config tests say so, and wsproxylint honours it."""

from __future__ import annotations

import subprocess

import pytest
from _util import write
from support.probe_proxies import haproxy_binary, nginx_binary

from linter.core.options import Options
from linter.engine import lint

NGINX = """\
error_log {d}/error.log;
pid {d}/nginx.pid;
events {{}}
http {{
    access_log off;
    client_body_temp_path {d}/tmp;
    proxy_temp_path {d}/tmp;
    fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp;
    scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:18080;
        location /gateway/ {{
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 10s;  # wsproxylint: disable=WSP401 -- calls ping every 5 s
            proxy_pass http://127.0.0.1:8080;
        }}
        location /assistserver/ {{
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }}
    }}
}}
"""
HAPROXY = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 10s # wsproxylint: disable=WSP401 -- calls ping every 5 s
frontend fe
    bind 127.0.0.1:18080
    default_backend fas
backend fas
    server fas1 127.0.0.1:8080
"""


def _rules(path) -> set[str]:
    return {f.rule for f in lint([str(path)], Options()).findings}


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is needed for its config test")
def test_nginx_takes_a_trailing_comment_and_the_suppression_holds(tmp_path):
    (tmp_path / "tmp").mkdir()
    conf = write(tmp_path, "nginx.conf", NGINX.format(d=tmp_path))
    r = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert _rules(conf) == set()
    conf.write_text(NGINX.format(d=tmp_path).replace("  # wsproxylint: disable=WSP401 -- calls ping every 5 s", ""))
    assert _rules(conf) == {"WSP401"}


@pytest.mark.skipif(haproxy_binary() is None, reason="haproxy is needed for its config test")
def test_haproxy_takes_a_trailing_comment_and_the_suppression_holds(tmp_path):
    conf = write(tmp_path, "haproxy.cfg", HAPROXY)
    r = subprocess.run([haproxy_binary(), "-c", "-f", str(conf)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert _rules(conf) == set()
    conf.write_text(HAPROXY.replace(" # wsproxylint: disable=WSP401 -- calls ping every 5 s", ""))
    assert _rules(conf) == {"WSP401"}

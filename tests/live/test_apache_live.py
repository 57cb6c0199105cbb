"""What the real Apache httpd does with the cases the Apache interpreter models beyond the
reference notes, next to what wsproxylint says about the same rendered config: a TLS
``Listen`` skipped by an ``<IfModule>`` read before its ``LoadModule`` (the port stays
closed: refused, WSP204), and a ``RewriteRule`` without [PT] in a virtual host (a file
path: 404; no ProxyPass runs, a [P] rule proxies at once)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support.fixtures import cannot_run, pki  # noqa: F401  (fixtures)
from support.loopback import free_address
from support.probe_proxies import apache_binary, front_ports, render_apache, running_apache

from linter.core.options import Options
from linter.engine.runner import run

PLAIN, TLS = front_ports()


@pytest.fixture
def httpd():
    if apache_binary() is None:
        cannot_run("Apache httpd is not installed (Debian: apt-get install apache2)")


def _findings(conf) -> set[tuple[str, str | None]]:
    report = run([str(conf)], Options(dialect="apache"))
    assert not report.internal_errors
    return {(f.rule, f.symptom) for f in report.findings if f.severity in ("error", "warning")}


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback only)
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_tls_listen_skipped_by_ifmodule_is_refused(tmp_path, httpd, pki):  # noqa: F811
    front = free_address((PLAIN, TLS))
    # render_apache writes the LoadModule lines after the body: this <IfModule> is read first
    body = (f"Listen {front}:{PLAIN}\n<IfModule ssl_module>\n    Listen {front}:{TLS}\n</IfModule>\n"
            f"<VirtualHost {front}:{TLS}>\n    SSLEngine on\n    SSLCertificateFile {pki.front.cert}\n"
            f"    SSLCertificateKeyFile {pki.front.key}\n"
            "    ProxyPass /gateway/ http://127.0.0.1:1/gateway/ upgrade=websocket disablereuse=On\n"
            "</VirtualHost>\n")
    conf = render_apache(tmp_path / "httpd", body)
    assert ("WSP204", "refused") in _findings(conf)
    with running_apache(conf, [(front, PLAIN)]):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((front, TLS), timeout=3).close()

    # the same vhost with the Listen after the LoadModule lines: it opens, and no WSP204
    fixed = render_apache(tmp_path / "fixed", body.replace("<IfModule ssl_module>", "<IfModule !ssl_module>"))
    text = fixed.read_text().replace(f"<IfModule !ssl_module>\n    Listen {front}:{TLS}\n</IfModule>\n", "")
    fixed.write_text(text + f"Listen {front}:{TLS}\n")
    assert ("WSP204", "refused") not in _findings(fixed)
    with running_apache(fixed, [(front, PLAIN), (front, TLS)]):
        socket.create_connection((front, TLS), timeout=3).close()


def test_rewrite_without_pt_serves_a_file_and_p_proxies(tmp_path, httpd):
    front = free_address((PLAIN,))
    docs = Path(tempfile.mkdtemp(prefix="wsproxylint-docs-"))  # pytest's tmp dirs are 0700: httpd's user
    docs.chmod(0o755)  # could not search them and would answer 403 instead of the file lookup's 404
    # a dead backend answers 503, a file path that does not exist 404
    body = (f"Listen {front}:{PLAIN}\n<VirtualHost {front}:{PLAIN}>\n    DocumentRoot {docs}\n"
            "    RewriteEngine on\n"
            "    RewriteRule ^/gateway/(.*)$ /gw2/$1\n"
            "    RewriteRule ^/assistserver/(.*)$ http://127.0.0.1:1/assistserver/$1 [P]\n"
            "    RewriteRule ^/assistserver/(.*)$ /never/$1\n"
            "    ProxyPass /gateway/ http://127.0.0.1:1/gateway/ upgrade=websocket\n"
            "    ProxyPass /gw2/ http://127.0.0.1:1/gw2/ upgrade=websocket\n"
            "</VirtualHost>\n")
    conf = render_apache(tmp_path / "httpd", body, modules=("rewrite",))
    try:
        with running_apache(conf, [(front, PLAIN)]):
            assert _status(f"http://{front}:{PLAIN}/gateway/websocketcall") == 404
            assert _status(f"http://{front}:{PLAIN}/assistserver/topic") == 503
    finally:
        shutil.rmtree(docs, ignore_errors=True)
    found = _findings(conf)
    assert ("WSP301", "status:404") in found  # the Gateway URL falls to a file
    # the topic is proxied by the [P] rule (plain http://, no upgrade=): the upgrade is not forwarded
    report = run([str(conf)], Options(dialect="apache"))
    topic = {f.rule for f in report.findings if f.ws_path == "/assistserver/topic"}
    assert "WSP301" not in topic and "WSP101" in topic

"""``wsproxylint probe`` through the real Apache httpd and HAProxy in front of the FAS
stand-in, on loopback: the statuses and failures these proxies produce themselves (Apache's
500 for TLS to FAS's plain port, HAProxy's 503 without a backend, its bare close in
``mode tcp``, its idle cut without ``timeout tunnel``).

Each test also probes with ``--config`` on the config the proxy ran. Until the Apache and
HAProxy readers land, ``check`` skips those files and the probe says so; from the moment a
reader is there, the same tests demand that a finding of that dialect predicting the
observed symptom is listed first (the correlation is dialect-neutral: see
``order_findings``).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from support.fas import FasStandIn
from support.fixtures import cannot_run, fas, pki  # noqa: F401  (fixtures)
from support.loopback import free_address
from support.probe_proxies import (apache_binary, front_ports, haproxy_binary, render_apache, render_haproxy,
                                   running_apache, running_haproxy)

from linter.core.fas import GATEWAY_WS, WS_QUERY
from linter.app.probe import ProbeArgs, run_probe

PLAIN, _ = front_ports()


def probe(front: str, **kw) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    kw.setdefault("timeout", 8.0)
    url = f"ws://{front}:{PLAIN}{GATEWAY_WS}?{WS_QUERY[GATEWAY_WS]}"
    code = run_probe(ProbeArgs(url=url, format="json", **kw), out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def assert_correlated(doc: dict, stderr: str, conf: Path, dialect: str) -> None:
    """--config on ``conf``: the first finding is of this dialect and predicts the observed symptom."""
    findings = doc["config"]["findings"]
    assert findings, f"no finding on a {dialect} config that gives {doc['symptom']}"
    first = findings[0]
    assert first["dialect"] == dialect and first["symptom"] == doc["symptom"] and first["matches"], findings


# ----------------------------------------------------------------------------- Apache httpd

@pytest.fixture
def apache_ok() -> None:
    if apache_binary() is None:
        cannot_run("Apache httpd is not installed (Debian: apt-get install apache2)")


def apache_site(tmp_path: Path, fas: FasStandIn, proxy: str) -> tuple[str, Path]:
    front = free_address((PLAIN,))
    body = (f"Listen {front}:{PLAIN}\n"
            f"<VirtualHost {front}:{PLAIN}>\n"
            "    ServerName gw.example.com\n"
            f"{proxy.replace('{fas}', fas.hosts[0])}\n"
            "</VirtualHost>\n")
    return front, render_apache(tmp_path / "apache", body)


def test_apache_ok_with_upgrade_websocket(tmp_path, fas, apache_ok):
    front, conf = apache_site(tmp_path, fas, "    ProxyPass /gateway/ http://{fas}:8080/gateway/ upgrade=websocket")
    with running_apache(conf, [(front, PLAIN)]):
        code, doc, _ = probe(front, hold=0.5)
    assert code == 0 and doc["ok"], doc
    assert fas.exchanges[-1].status == 101


def test_apache_302_without_upgrade_websocket(tmp_path, fas, apache_ok):
    front, conf = apache_site(tmp_path, fas, "    ProxyPass /gateway/ http://{fas}:8080/gateway/")
    with running_apache(conf, [(front, PLAIN)]):
        code, doc, err = probe(front, config=str(conf))
    assert code == 1 and doc["symptom"] == "status:302", doc
    assert fas.exchanges[-1].status == 302
    assert_correlated(doc, err, conf, "apache")


def test_apache_500_for_tls_to_the_plain_port(tmp_path, fas, apache_ok):
    front, conf = apache_site(tmp_path, fas, "    SSLProxyEngine on\n"
                                             "    ProxyPass /gateway/ https://{fas}:8080/gateway/ upgrade=websocket")
    with running_apache(conf, [(front, PLAIN)]):
        code, doc, err = probe(front, config=str(conf))
    assert code == 1 and doc["symptom"] == "status:500", doc
    assert any("TLS between the proxy and FAS" in h for h in doc["hints"])
    assert_correlated(doc, err, conf, "apache")


# ----------------------------------------------------------------------------- HAProxy

@pytest.fixture
def haproxy_ok() -> None:
    if haproxy_binary() is None:
        cannot_run("HAProxy is not installed (Debian: apt-get install haproxy)")


def haproxy_site(tmp_path: Path, fas: FasStandIn, frontend: str, backend: str,
                 timeouts: str = "    timeout client 30s\n    timeout server 30s\n") -> tuple[str, Path]:
    front = free_address((PLAIN,))
    body = ("defaults\n    mode http\n    timeout connect 2s\n" + timeouts + "\n"
            f"frontend fe\n    bind {front}:{PLAIN}\n{frontend}\n\n"
            f"{backend.replace('{fas}', fas.hosts[0])}\n")
    return front, render_haproxy(tmp_path / "haproxy", body)


def test_haproxy_ok_in_http_mode(tmp_path, fas, haproxy_ok):
    front, conf = haproxy_site(tmp_path, fas, "    default_backend fas",
                               "backend fas\n    server fas1 {fas}:8080",
                               "    timeout client 30s\n    timeout server 30s\n    timeout tunnel 1h\n")
    with running_haproxy(conf, [(front, PLAIN)]):
        code, doc, _ = probe(front, hold=0.5, warm=True)
    assert code == 0 and doc["ok"], doc


def test_haproxy_503_when_no_backend_takes_the_websocket_url(tmp_path, fas, haproxy_ok):
    # Only the Live Assist prefix is routed: the Gateway's websocket URL falls to no backend
    front, conf = haproxy_site(tmp_path, fas, "    acl assist path_beg /assistserver/\n    use_backend fas if assist",
                               "backend fas\n    server fas1 {fas}:8080")
    with running_haproxy(conf, [(front, PLAIN)]):
        code, doc, err = probe(front, config=str(conf))
    assert code == 1 and doc["symptom"] == "status:503", doc
    assert not fas.exchanges
    assert_correlated(doc, err, conf, "haproxy")


def test_haproxy_reset_in_tcp_mode_toward_the_tls_port(tmp_path, fas, haproxy_ok):
    front, conf = haproxy_site(tmp_path, fas, "    mode tcp\n    default_backend fas",
                               "backend fas\n    mode tcp\n    server fas1 {fas}:8443")
    with running_haproxy(conf, [(front, PLAIN)]):
        code, doc, _ = probe(front)
    assert code == 1 and doc["symptom"] == "reset", doc
    assert doc["console"] == "net::ERR_CONNECTION_RESET"


def test_haproxy_idle_disconnect_without_timeout_tunnel(tmp_path, fas, haproxy_ok):
    front, conf = haproxy_site(tmp_path, fas, "    default_backend fas", "backend fas\n    server fas1 {fas}:8080",
                               "    timeout client 1s\n    timeout server 1s\n")
    with running_haproxy(conf, [(front, PLAIN)]):
        quick_code, quick, _ = probe(front)
        code, doc, err = probe(front, hold=2.5, config=str(conf))
    assert quick_code == 0, quick
    assert code == 1 and doc["symptom"] == "idle-disconnect", doc
    assert_correlated(doc, err, conf, "haproxy")

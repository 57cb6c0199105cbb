"""``wsproxylint probe`` over HTTP/2 as browsers use it, through the real HAProxy.

HAProxy (2.4 and later) advertises extended CONNECT on an h2 front, so a browser opens
wss:// as an RFC 8441 stream of the connection that carried the page. Behind it, FAS 2.5.2
and older answer 302 once the websocket lands on a backend connection that page requests
used; with ``--http1`` (the websocket on a connection of its own) the same gateway works.
The probe must say which protocol carried the websocket and tell the failure in the
console's words.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from support.fixtures import cannot_run, fas, legacy_fas, pki  # noqa: F401  (fixtures)
from support.loopback import free_address
from support.probe_proxies import front_ports, haproxy_binary, render_haproxy, running_haproxy

from linter.app.probe import H2_WS, HTTP1_WS, ProbeArgs, run_probe
from linter.core.fas import GATEWAY_WS, WS_QUERY

_, TLS = front_ports()


@pytest.fixture
def haproxy_ok() -> None:
    if haproxy_binary() is None:
        cannot_run("HAProxy is not installed (Debian: apt-get install haproxy)")


def h2_site(tmp_path: Path, pki, fas, alpn: str, backend_extra: str = "") -> tuple[str, Path]:
    front = free_address((TLS,))
    body = (
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n"
        "    timeout tunnel 1h\n\n"
        f"frontend fe\n    bind {front}:{TLS} ssl crt {pki.front.pem} {alpn}\n    default_backend fas\n\n"
        f"backend fas\n{backend_extra}    server fas1 {fas.hosts[0]}:8080\n"
    )
    return front, render_haproxy(tmp_path / "haproxy", body)


@pytest.fixture
def probe(monkeypatch, pki):
    """Probe the certificate's name (wss://gw.example.com), dialling the loopback front."""
    import linter.app.probe as probe_module

    def run(front: str, **kw) -> tuple[int, dict]:
        monkeypatch.setattr(probe_module, "resolve", lambda host, port, timeout: [front])
        out, err = io.StringIO(), io.StringIO()
        url = f"wss://gw.example.com:{TLS}{GATEWAY_WS}?{WS_QUERY[GATEWAY_WS]}"
        code = run_probe(ProbeArgs(url=url, format="json", ca=str(pki.ca.cert), timeout=8.0, **kw), out, err)
        return code, json.loads(out.getvalue())

    return run


def test_h2_front_carries_the_websocket_as_an_extended_connect_stream(tmp_path, pki, fas, haproxy_ok, probe):
    front, conf = h2_site(tmp_path, pki, fas, "alpn h2,http/1.1")
    with running_haproxy(conf, [(front, TLS)]):
        code, doc = probe(front)
    assert code == 0 and doc["ok"], doc
    attempt = doc["attempts"][0]
    assert attempt["protocol"] == H2_WS and attempt["status"] == 200, attempt
    assert [s["step"] for s in attempt["steps"]][-2:] == ["http", "echo"]
    assert fas.exchanges, "the websocket did not reach the stand-in"


def test_h2_after_page_streams_gets_302_from_legacy_fas_and_http1_does_not(  # (http-reuse safe, the default)
    tmp_path, pki, legacy_fas, haproxy_ok, probe):
    front, conf = h2_site(tmp_path, pki, legacy_fas, "alpn h2,http/1.1")
    with running_haproxy(conf, [(front, TLS)]):
        code1, doc1 = probe(front, http1=True, warm=True)
        code, doc = probe(front, warm=True)
    assert code == 1 and doc["symptom"] == "status:302", doc
    assert doc["attempts"][0]["protocol"] == H2_WS
    assert doc["console"] == "Error during WebSocket handshake: Unexpected response code: 302"
    assert code1 == 0 and doc1["attempts"][0]["protocol"] == HTTP1_WS, doc1


def test_front_without_h2_falls_back_to_http1_and_says_so(tmp_path, pki, fas, haproxy_ok, probe):
    front, conf = h2_site(tmp_path, pki, fas, "alpn http/1.1")
    with running_haproxy(conf, [(front, TLS)]):
        code, doc = probe(front)
    assert code == 0 and doc["attempts"][0]["protocol"] == HTTP1_WS, doc
    h2_step = next(s for s in doc["attempts"][0]["steps"] if s["step"] == "h2")
    assert "HTTP/1.1" in h2_step["detail"]

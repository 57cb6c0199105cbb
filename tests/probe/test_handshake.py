"""The browser-like handshake client (linter/app/handshake.py) against the FAS stand-in and
against deliberately broken one-shot servers: each failure gets the console's symptom."""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from support.fas import FasStandIn
from support.fixtures import fas, legacy_fas, pki  # noqa: F401  (fixtures)
from support.loopback import free_address

from linter.core.fas import ASSIST_TOPIC_WS, GATEWAY_WS, WS_QUERY
from linter.app.handshake import (
    BAD_ACCEPT,
    HeldConnection,
    PageError,
    Target,
    accept_for,
    handshake,
    warm_handshakes,
    warm_up,
)


def ws_target(fas: FasStandIn, path: str = GATEWAY_WS, tls: bool = False, **kw) -> Target:
    host = fas.hosts[0]
    port = fas.tls_port if tls else fas.plain_port
    scheme = "wss" if tls else "ws"
    kw.setdefault("address", (host, port))
    return Target(f"{scheme}://fas1.example.com:{port}{path}?{WS_QUERY[path]}", **kw)


def test_accept_value_from_rfc_6455_example():
    assert accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@pytest.mark.parametrize("path", [GATEWAY_WS, ASSIST_TOPIC_WS])
def test_plain_handshake_and_echo(fas, path):
    r = handshake(ws_target(fas, path))
    assert r.symptom == "ok", r.detail
    assert r.status == 101 and r.headers["sec-websocket-accept"]
    assert set(r.timings) >= {"tcp", "response", "echo"}
    ex = fas.exchanges[-1]
    assert ex.status == 101 and ex.target == f"{path}?{WS_QUERY[path]}"
    assert ex.headers["origin"] == "http://fas1.example.com:8080"
    assert ex.headers["host"] == "fas1.example.com:8080"


def test_tls_handshake_verifies_the_certificate(fas, pki):
    r = handshake(ws_target(fas, tls=True, ca_file=str(pki.ca.cert)))
    assert r.symptom == "ok", r.detail
    assert "tls" in r.timings
    # untrusted certificate: the browser's ERR_CERT_* is a TLS failure at the front
    untrusted = handshake(ws_target(fas, tls=True))
    assert untrusted.symptom == "tls-error" and "certificate" in untrusted.detail
    assert handshake(ws_target(fas, tls=True, insecure=True)).symptom == "ok"


def test_refused_when_nothing_listens(fas):
    addr = free_address()
    r = handshake(Target(f"ws://gw.example.com{GATEWAY_WS}", address=(addr, 8080), timeout=2))
    assert r.symptom == "refused", r.detail


def test_tls_to_the_plain_port_is_a_tls_error(fas):
    r = handshake(ws_target(fas, tls=True, insecure=True, address=(fas.hosts[0], fas.plain_port)))
    assert r.symptom == "tls-error", r.detail
    assert fas.exchanges[-1].status == 400  # the ClientHello was garbage to HTTP


def test_plain_to_the_tls_port_is_closed_without_response(fas):
    r = handshake(ws_target(fas, address=(fas.hosts[0], fas.tls_port), timeout=3))
    assert r.symptom == "reset", r.detail


@pytest.mark.parametrize("override", [{"Connection": "keep-alive"}, {"Upgrade": "h2c"},
                                      {"Sec-WebSocket-Version": "8"}, {"Sec-WebSocket-Key": "short"}])
def test_incomplete_upgrade_gets_302(fas, override):
    r = handshake(ws_target(fas), extra_headers=override)
    assert r.symptom == "status:302" and r.status == 302, r.detail
    assert fas.exchanges[-1].status == 302


def test_other_paths_are_pages_on_kept_alive_connections(fas):
    t = ws_target(fas).with_path("/")
    held, responses = warm_up(t, ["/gateway/adapter.js", "/assistserver/sdk/web/shared/js/assist.js"],
                              connections=2, requests_per_connection=3)
    try:
        assert [r.status for r in responses] == [200] * 6
        assert not any(c.closed for c in held)
        per_conn = {}
        for ex in fas.exchanges:
            per_conn.setdefault(ex.connection, []).append(ex.nth)
        assert sorted(per_conn.values()) == [[1, 2, 3], [1, 2, 3]]
    finally:
        for c in held:
            c.close()


def test_legacy_fas_refuses_an_upgrade_on_a_reused_connection(legacy_fas):
    t = ws_target(legacy_fas)
    assert handshake(t).symptom == "ok"  # first request of its connection
    conn = HeldConnection(t.with_path("/"))
    assert conn.get("/gateway/adapter.js").status == 200
    r = handshake(t, sock=conn.sock)
    assert r.symptom == "status:302", r.detail
    assert "reused" in legacy_fas.exchanges[-1].why


def test_current_fas_takes_an_upgrade_on_a_reused_connection(fas):
    t = ws_target(fas)
    conn = HeldConnection(t.with_path("/"))
    assert conn.get("/gateway/adapter.js").status == 200
    assert handshake(t, sock=conn.sock).symptom == "ok"


def test_quiet_call_survives_and_pings_are_answered(fas):
    r = handshake(ws_target(fas, ASSIST_TOPIC_WS), quiet=1.0, ping_interval=0.3)
    assert r.symptom == "ok", r.detail
    assert r.timings["quiet"] >= 1.0


# --- one-shot servers that break the handshake in ways FAS never does ----------------------

@pytest.fixture
def one_shot() -> Iterator[Callable[[Callable[[socket.socket, str], None]], tuple[str, int]]]:
    """Start a server that accepts one connection, reads the request, hands (sock, key) to
    the given behaviour."""
    threads: list[threading.Thread] = []
    socks: list[socket.socket] = []

    def start(behaviour: Callable[[socket.socket, str], None]) -> tuple[str, int]:
        srv = socket.socket()
        srv.bind((free_address(), 0))
        srv.listen(1)
        srv.settimeout(10)
        socks.append(srv)

        def serve() -> None:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                key = next(line.split(":", 1)[1].strip() for line in data.decode().split("\r\n")
                           if line.lower().startswith("sec-websocket-key:"))
                behaviour(conn, key)

        th = threading.Thread(target=serve, daemon=True)
        th.start()
        threads.append(th)
        return srv.getsockname()

    yield start
    for s in socks:
        s.close()
    for th in threads:
        th.join(5)


def _accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()


def _target(addr: tuple[str, int]) -> Target:
    return Target(f"ws://gw.example.com{GATEWAY_WS}", address=addr, timeout=3)


def test_101_without_accept_is_missing_accept(one_shot):
    addr = one_shot(lambda c, k: c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                           b"Connection: Upgrade\r\n\r\n"))
    assert handshake(_target(addr)).symptom == "missing-accept"


def test_101_with_a_wrong_accept_is_not_ok(one_shot):
    addr = one_shot(lambda c, k: c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                           b"Connection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n"))
    assert handshake(_target(addr)).symptom == BAD_ACCEPT


def test_101_without_upgrade_header(one_shot):
    addr = one_shot(lambda c, k: c.sendall(f"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                                           f"Sec-WebSocket-Accept: {_accept(k)}\r\n\r\n".encode()))
    r = handshake(_target(addr))
    assert r.symptom == "missing-accept" and "'Upgrade' header is missing" in r.detail


def test_closed_without_response_is_reset(one_shot):
    addr = one_shot(lambda c, k: None)
    r = handshake(_target(addr))
    assert r.symptom == "reset" and "no response" in r.detail


def test_cut_during_a_quiet_call_is_idle_disconnect(one_shot):
    def cut_after_a_second(c: socket.socket, k: str) -> None:
        c.sendall(f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Accept: {_accept(k)}\r\n\r\n".encode())
        threading.Event().wait(0.5)
    addr = one_shot(cut_after_a_second)
    r = handshake(_target(addr), quiet=2.0)
    assert r.symptom == "idle-disconnect", r.detail
    assert r.timings["quiet"] < 2.0


def test_page_error_carries_the_symptom(fas):
    with pytest.raises(PageError) as e:
        HeldConnection(Target("http://gw.example.com/", address=(free_address(), 8080), timeout=2))
    assert e.value.symptom == "refused"


def test_warm_rounds_hold_page_connections_open_then_open_the_websocket(legacy_fas):
    """Straight to the stand-in nothing is pooled, so even legacy FAS takes every round;
    the page connections stay open until the rounds are over."""
    results = warm_handshakes(ws_target(legacy_fas), ["/gateway/adapter.js"], rounds=2, connections=2)
    assert [r.symptom for r in results] == ["ok", "ok"]
    pages = [e for e in legacy_fas.exchanges if e.target == "/gateway/adapter.js"]
    assert len(pages) == 8 and len({e.connection for e in pages}) == 4

"""A browser's websocket over HTTP/2 (RFC 8441 extended CONNECT), for fronts that offer h2.

Chrome opens a secure websocket as a new stream of an HTTP/2 connection it already has to
the origin, when the server advertised ``SETTINGS_ENABLE_CONNECT_PROTOCOL`` (Chromium's
"WebSockets over HTTP/2" launch: "the client can open a new stream on the existing HTTP/2
connection"; without the setting it opens a new HTTP/1.1 connection). So the warm h2
scenario is: one h2 connection, page and script loads as its first streams, then the
websocket as a later stream on it; a few rounds on the same connection, as a page that
reconnects would. The result is classified in the contract's symptom words like the
HTTP/1.1 client's: 200 and an echoed frame is ``ok``, another status is ``status:NNN``.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.settings

from linter.app.handshake import (
    USER_AGENT,
    HandshakeResult,
    Target,
    encode_frame,
    handshake,
)

ECHO = b"wsproxylint h2 echo"


class _Closed(Exception):
    pass


@dataclass(slots=True)
class _Stream:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes = b""
    ended: bool = False
    reset: int | None = None


class H2Connection:
    """One TLS connection speaking h2, with blocking helpers for the scenario."""

    def __init__(self, target: Target) -> None:
        self.target = target
        sock = socket.create_connection(target.dial(), timeout=target.timeout)
        ctx = ssl.create_default_context(cafile=target.ca_file)
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        self.sock = ctx.wrap_socket(sock, server_hostname=target.hostname)
        self.alpn = self.sock.selected_alpn_protocol()
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.streams: dict[int, _Stream] = {}
        self.settings_seen = False
        self.closed: str | None = None
        if self.alpn == "h2":
            self.conn.initiate_connection()
            self._flush()
            self._pump(lambda: self.settings_seen)

    @property
    def extended_connect(self) -> bool:
        return bool(self.conn.remote_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL, 0))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the peer may have closed it already
            self.conn.close_connection()
            self._flush()
        try:
            self.sock.close()
        except OSError:
            pass

    def get(self, path: str) -> _Stream:
        sid = self._request([(":method", "GET"), (":scheme", "https"), (":path", path),
                             (":authority", self.target.host_value()), ("user-agent", USER_AGENT),
                             ("accept", "*/*")], end=True)
        self._pump(lambda: self.streams[sid].ended or self.streams[sid].reset is not None)
        return self.streams[sid]

    def websocket(self) -> HandshakeResult:
        t0 = time.monotonic()
        sid = self._request([(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"),
                             (":path", self.target.request_target), (":authority", self.target.host_value()),
                             ("sec-websocket-version", "13"), ("origin", self.target.origin_value()),
                             ("user-agent", USER_AGENT)], end=False)
        st = self.streams[sid]
        self._pump(lambda: st.status is not None or st.reset is not None or st.ended)
        timings = {"response": time.monotonic() - t0}
        if st.status is None:
            return HandshakeResult("reset", f"h2 stream {sid} reset ({st.reset}) before a response", timings=timings)
        if st.status != 200:
            return HandshakeResult(f"status:{st.status}", f"answered {st.status} on h2 stream {sid} "
                                   + (f"(Location: {st.headers['location']})" if "location" in st.headers else ""),
                                   status=st.status, headers=st.headers, timings=timings)
        self.conn.send_data(sid, encode_frame(0x1, ECHO))
        self._flush()
        self._pump(lambda: len(st.data) >= 2 + len(ECHO) or st.ended or st.reset is not None)
        # a server frame: FIN|text, unmasked length, payload
        if st.data[:1] == b"\x81" and st.data[2:2 + len(ECHO)] == ECHO:
            self.conn.reset_stream(sid)  # the call ends; the h2 connection stays for the next round
            self._flush()
            return HandshakeResult("ok", f"200 on h2 stream {sid} (extended CONNECT), echo received",
                                   status=200, headers=st.headers, timings=timings)
        return HandshakeResult("reset", f"200 on h2 stream {sid} but no echo (stream ended: {st.ended}, "
                               f"reset: {st.reset}, data: {st.data[:40]!r})", status=200, timings=timings)

    # -- mechanics --------------------------------------------------------------------
    def _request(self, headers: list[tuple[str, str]], end: bool) -> int:
        sid = self.conn.get_next_available_stream_id()
        self.streams[sid] = _Stream()
        self.conn.send_headers(sid, headers, end_stream=end)
        self._flush()
        return sid

    def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def _pump(self, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.target.timeout
        while not done():
            if self.closed:
                raise _Closed(self.closed)
            if time.monotonic() > deadline:
                raise TimeoutError("no answer on the h2 connection")
            try:
                data = self.sock.recv(65536)
            except (TimeoutError, ssl.SSLError, OSError) as e:
                raise _Closed(f"h2 connection failed: {e}") from None
            if not data:
                raise _Closed("the proxy closed the h2 connection")
            for ev in self.conn.receive_data(data):
                self._event(ev)
            self._flush()

    def _event(self, ev: h2.events.Event) -> None:
        if isinstance(ev, h2.events.RemoteSettingsChanged):
            self.settings_seen = True
        elif isinstance(ev, (h2.events.ResponseReceived, h2.events.InformationalResponseReceived)):
            st = self.streams.setdefault(ev.stream_id, _Stream())
            hdrs = {str(k): str(v) for k, v in ev.headers}
            if isinstance(ev, h2.events.ResponseReceived):
                st.status = int(hdrs.get(":status", "0"))
                st.headers = {k: v for k, v in hdrs.items() if not k.startswith(":")}
        elif isinstance(ev, h2.events.DataReceived):
            st = self.streams.setdefault(ev.stream_id, _Stream())
            st.data += ev.data
            self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            self.streams.setdefault(ev.stream_id, _Stream()).ended = True
        elif isinstance(ev, h2.events.StreamReset):
            self.streams.setdefault(ev.stream_id, _Stream()).reset = ev.error_code
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.closed = f"the proxy sent GOAWAY ({ev.error_code})"


def h2_warm_handshakes(target: Target, pages: list[str], rounds: int = 3,
                       settle: float = 0.0) -> list[HandshakeResult]:
    """Per round on one h2 connection: the pages as streams, then the websocket as a later
    stream. Where the front does not negotiate h2 or advertise extended CONNECT, a browser
    opens the websocket over a new HTTP/1.1 connection, and so does this (noted in detail)."""
    try:
        c = H2Connection(target)
    except (OSError, ssl.SSLError, _Closed, TimeoutError) as e:
        return [HandshakeResult("tls-error" if isinstance(e, ssl.SSLError) else "refused",
                                f"h2 connection failed: {e}")] * rounds
    results: list[HandshakeResult] = []
    try:
        for _ in range(rounds):
            if c.alpn != "h2" or not c.extended_connect:
                r = handshake(target)
                r.detail = (f"no {'h2' if c.alpn != 'h2' else 'extended CONNECT'} from the front: "
                            f"websocket over HTTP/1.1 as a browser does; {r.detail}")
                results.append(r)
                continue
            try:
                for p in pages:
                    c.get(p)
                if settle:
                    time.sleep(settle)
                results.append(c.websocket())
            except (_Closed, TimeoutError) as e:
                results.append(HandshakeResult("reset", str(e)))
                c.close()
                c = H2Connection(target)
    finally:
        c.close()
    return results

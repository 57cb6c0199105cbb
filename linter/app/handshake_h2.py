"""A browser's websocket over HTTP/2 (RFC 8441 extended CONNECT).

Chrome and Firefox offer h2 by ALPN on every https/wss connection. When the front answers
h2 and advertises ``SETTINGS_ENABLE_CONNECT_PROTOCOL``, a secure websocket is opened as a
new stream of the HTTP/2 connection the page already has to that origin (Chromium's
"WebSockets over HTTP/2": "the client can open a new stream on the existing HTTP/2
connection"); otherwise the browser opens a separate HTTP/1.1 connection, as
``linter/app/handshake.py`` does. This matters because on an h2 front the websocket is no
longer the first request of its client connection: a proxy may then hand it a backend
connection that carried page requests, which FAS 2.5.2 and older answer with 302.

The failures are told in the contract's words like the HTTP/1.1 client's: a non-2xx answer
is ``status:NNN``, a stream reset or GOAWAY before an answer is ``reset``; 200 with an
echoed frame is ``ok``.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.settings

from linter.app.handshake import (
    OK,
    USER_AGENT,
    HandshakeFailed,
    HandshakeResult,
    Target,
    connect,
    encode_frame,
)
from linter.core.symptoms import IDLE_DISCONNECT, RESET, status

H2 = "h2"
HTTP1 = "http/1.1"
ECHO = b"wsproxylint h2 echo"
# HTTP/2 error codes a reset carries (RFC 9113 section 7), as the report names them
_ERRORS = {
    0x0: "NO_ERROR",
    0x1: "PROTOCOL_ERROR",
    0x2: "INTERNAL_ERROR",
    0x7: "REFUSED_STREAM",
    0x8: "CANCEL",
    0xB: "ENHANCE_YOUR_CALM",
    0xD: "HTTP_1_1_REQUIRED",
}


class H2Closed(Exception):
    """The h2 connection ended (GOAWAY, close, timeout) while a stream waited."""


@dataclass(slots=True)
class H2Stream:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes = b""
    ended: bool = False
    reset: int | None = None


def error_name(code: int | None) -> str:
    return _ERRORS.get(code or 0, f"error {code}")


class H2Connection:
    """One TLS connection that offered h2, with blocking steps for a page's life on it.

    ``alpn`` says what the front chose; ``extended_connect`` whether it advertised RFC 8441.
    Raises ``HandshakeFailed`` (refused, tls-error) as ``connect`` does."""

    def __init__(self, target: Target, timings: dict[str, float] | None = None) -> None:
        self.target = target
        self.sock = connect(target, {} if timings is None else timings, alpn=[H2, HTTP1])
        self.alpn = self.sock.selected_alpn_protocol() if isinstance(self.sock, ssl.SSLSocket) else None
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.streams: dict[int, H2Stream] = {}
        self.settings_seen = False
        self.closed: str | None = None
        if self.alpn == H2:
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
        with contextlib.suppress(OSError):
            self.sock.close()

    def get(self, path: str) -> H2Stream:
        """A page or script load as the next stream."""
        sid = self._request(
            [
                (":method", "GET"),
                (":scheme", "https"),
                (":path", path),
                (":authority", self.target.host_value()),
                ("user-agent", USER_AGENT),
                ("accept", "*/*"),
            ],
            end=True,
        )
        self._pump(lambda: self.streams[sid].ended or self.streams[sid].reset is not None)
        return self.streams[sid]

    def websocket(self, quiet: float = 0.0, extra: dict[str, str] | None = None) -> HandshakeResult:
        """The websocket as an extended CONNECT stream; ``quiet``: hold it silent that many
        seconds before the echo, so an idle cut shows."""
        t0 = time.monotonic()
        headers = [
            (":method", "CONNECT"),
            (":protocol", "websocket"),
            (":scheme", "https"),
            (":path", self.target.request_target),
            (":authority", self.target.host_value()),
            ("sec-websocket-version", "13"),
            ("origin", self.target.origin_value()),
            ("user-agent", USER_AGENT),
        ]
        headers += [(k.lower(), v) for k, v in (extra or {}).items()]
        sid = self._request(headers, end=False)
        st = self.streams[sid]
        self._pump(lambda: st.status is not None or st.reset is not None or st.ended)
        timings = {"response": time.monotonic() - t0}
        if st.status is None:
            return HandshakeResult(
                RESET, f"h2 stream {sid} reset ({error_name(st.reset)}) before a response", timings=timings
            )
        if not 200 <= st.status < 300:
            where = f" (Location: {st.headers['location']})" if "location" in st.headers else ""
            return HandshakeResult(
                status(st.status),
                f"answered {st.status} on h2 stream {sid}{where}",
                status=st.status,
                headers=st.headers,
                timings=timings,
            )
        if quiet:
            t1 = time.monotonic()
            with contextlib.suppress(TimeoutError):
                self._pump(lambda: st.ended or st.reset is not None, limit=quiet)
            timings["quiet"] = time.monotonic() - t1
            if st.ended or st.reset is not None:
                return HandshakeResult(
                    IDLE_DISCONNECT,
                    f"the websocket stream {sid} was closed after {timings['quiet']:.1f} s of silence",
                    status=st.status,
                    headers=st.headers,
                    timings=timings,
                )
        t2 = time.monotonic()
        self.conn.send_data(sid, encode_frame(0x1, ECHO))
        self._flush()
        self._pump(lambda: len(st.data) >= 2 + len(ECHO) or st.ended or st.reset is not None)
        # a server frame: FIN|text, unmasked length, payload
        if st.data[:1] == b"\x81" and st.data[2 : 2 + len(ECHO)] == ECHO:
            timings["echo"] = time.monotonic() - t2
            self.conn.reset_stream(sid)  # the call ends; the h2 connection stays for the next round
            self._flush()
            return HandshakeResult(
                OK,
                f"{st.status} on h2 stream {sid} (extended CONNECT), echo received",
                status=st.status,
                headers=st.headers,
                timings=timings,
            )
        return HandshakeResult(
            RESET,
            f"{st.status} on h2 stream {sid} but no echo (stream ended: {st.ended}, reset: "
            f"{error_name(st.reset) if st.reset is not None else 'no'})",
            status=st.status,
            timings=timings,
        )

    # -- mechanics --------------------------------------------------------------------
    def _request(self, headers: list[tuple[str, str]], end: bool) -> int:
        sid = self.conn.get_next_available_stream_id()
        self.streams[sid] = H2Stream()
        self.conn.send_headers(sid, headers, end_stream=end)
        self._flush()
        return sid

    def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def _pump(self, done: Callable[[], bool], limit: float | None = None) -> None:
        deadline = time.monotonic() + (self.target.timeout if limit is None else limit)
        while not done():
            if self.closed:
                raise H2Closed(self.closed)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer on the h2 connection")
            self.sock.settimeout(min(left, self.target.timeout))
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            except (ssl.SSLError, OSError) as e:
                raise H2Closed(f"h2 connection failed: {e}") from None
            if not data:
                raise H2Closed("the proxy closed the h2 connection")
            for ev in self.conn.receive_data(data):
                self._event(ev)
            self._flush()

    def _event(self, ev: h2.events.Event) -> None:
        if isinstance(ev, h2.events.RemoteSettingsChanged):
            self.settings_seen = True
        elif isinstance(ev, h2.events.ResponseReceived):
            st = self.streams.setdefault(ev.stream_id, H2Stream())
            hdrs = {str(k): str(v) for k, v in ev.headers or ()}
            st.status = int(hdrs.get(":status", "0"))
            st.headers = {k: v for k, v in hdrs.items() if not k.startswith(":")}
        elif isinstance(ev, h2.events.DataReceived):
            st = self.streams.setdefault(ev.stream_id, H2Stream())
            st.data += ev.data or b""
            self.conn.acknowledge_received_data(ev.flow_controlled_length or 0, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            self.streams.setdefault(ev.stream_id, H2Stream()).ended = True
        elif isinstance(ev, h2.events.StreamReset):
            self.streams.setdefault(ev.stream_id, H2Stream()).reset = ev.error_code
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.closed = f"the proxy sent GOAWAY ({error_name(ev.error_code)})"


def h2_handshake(
    target: Target, pages: Sequence[str] = (), quiet: float = 0.0, extra: dict[str, str] | None = None
) -> tuple[HandshakeResult, str | None, bool]:
    """The websocket as a browser opens it on an h2-capable front: ``pages`` first as streams
    of the same connection (a page's own loads), then the extended CONNECT stream.

    Returns the result, the protocol the front chose by ALPN, and whether the websocket went
    over HTTP/2. When the front does not choose h2 or does not advertise extended CONNECT,
    that is ``False`` with an empty ``ok`` result: the caller opens HTTP/1.1 as a browser
    would."""
    timings: dict[str, float] = {}
    try:
        c = H2Connection(target, timings)
    except HandshakeFailed as f:
        return HandshakeResult(f.symptom, f.detail, timings=timings), None, False
    try:
        if c.alpn != H2 or not c.extended_connect:
            return HandshakeResult(OK, "", timings=timings), c.alpn, False
        for p in pages:
            c.get(p)
        r = c.websocket(quiet, extra)
        r.timings = {**timings, **r.timings}
        return r, H2, True
    except (H2Closed, TimeoutError, OSError) as e:
        return HandshakeResult(RESET, str(e), timings=timings), H2, True
    finally:
        c.close()

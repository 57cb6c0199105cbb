"""A browser-like WebSocket handshake, classified in the contract's symptom vocabulary.

The verification tests drive it through real proxies, and ``wsproxylint probe`` drives it
against a live gateway: both need to know what the *browser console* would show, not just
whether a socket opened. So every failure is mapped to the words findings use (``refused``,
``reset``, ``tls-error``, ``status:NNN``, ``missing-accept``, ``idle-disconnect``), and a
successful handshake is only ``ok`` once a masked text frame came back as its echo, which is
what a page's first message would need.

Standard library only (no runtime dependency), every network step bounded by a timeout.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import socket
import ssl
import struct
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from linter.core.symptoms import IDLE_DISCONNECT, MISSING_ACCEPT, REFUSED, RESET, TLS_ERROR, status

OK = "ok"
# Chrome: "Incorrect 'Sec-WebSocket-Accept' header value"; not a finding symptom (no config
# produces it), but a probe must not call it ok.
BAD_ACCEPT = "bad-accept"

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
MAX_HEAD = 64 * 1024
MAX_BODY = 4 * 1024 * 1024


def accept_for(key: str) -> str:
    """The Sec-WebSocket-Accept value a server must answer to ``key`` (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")


def new_key() -> str:
    return base64.b64encode(os.urandom(16)).decode("ascii")


@dataclass(slots=True)
class Target:
    """Where to connect and what to say: the URL the page opens, and optionally the
    address actually dialled (a proxy on a test port, a node behind a load balancer)."""

    url: str
    address: tuple[str, int] | None = None  # default: the URL's host and port
    host_header: str | None = None  # default: the URL's host[:port]
    sni: str | None = None  # default: the URL's host (none for an IP literal)
    ca_file: str | None = None
    insecure: bool = False
    origin: str | None = None  # default: https://<host> (or http:// for ws://)
    timeout: float = 5.0  # each step: connect, TLS, response, echo

    @property
    def tls(self) -> bool:
        return urlsplit(self.url).scheme in ("wss", "https")

    @property
    def hostname(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.url)
        return parts.port or (443 if self.tls else 80)

    @property
    def request_target(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def dial(self) -> tuple[str, int]:
        return self.address or (self.hostname, self.port)

    def host_value(self) -> str:
        if self.host_header:
            return self.host_header
        default = 443 if self.tls else 80
        name = self.hostname if ":" not in self.hostname else f"[{self.hostname}]"
        return name if self.port == default else f"{name}:{self.port}"

    def origin_value(self) -> str:
        if self.origin:
            return self.origin
        return f"{'https' if self.tls else 'http'}://{self.host_value()}"

    def with_path(self, path: str) -> Target:
        """The same endpoint, another URL (a page on the same site as the websocket)."""
        parts = urlsplit(self.url)
        scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
        return Target(
            f"{scheme}://{parts.netloc}{path}",
            self.address,
            self.host_header,
            self.sni,
            self.ca_file,
            self.insecure,
            self.origin,
            self.timeout,
        )


@dataclass(slots=True)
class HandshakeResult:
    """What the browser would see. ``symptom`` is ``ok`` or a contract symptom word."""

    symptom: str
    detail: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    # seconds per step that completed: tcp, tls, response, echo (and quiet: time held)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.symptom == OK


class HandshakeFailed(Exception):
    """A step failed before any answer; ``symptom`` is what the console shows."""

    def __init__(self, symptom: str, detail: str) -> None:
        super().__init__(detail)
        self.symptom = symptom
        self.detail = detail


def connect(target: Target, timings: dict[str, float] | None = None, alpn: list[str] | None = None) -> socket.socket:
    """TCP (and TLS) to the target; raises ``HandshakeFailed`` with the browser's symptom.
    ``alpn``: the protocols offered (default HTTP/1.1 only, the websocket's own connection)."""
    timings = {} if timings is None else timings
    t0 = time.monotonic()
    try:
        sock = socket.create_connection(target.dial(), timeout=target.timeout)
    except ConnectionRefusedError:
        raise HandshakeFailed(REFUSED, f"connection to {_fmt_addr(target.dial())} refused") from None
    except TimeoutError:
        raise HandshakeFailed(
            REFUSED, f"no answer to connect to {_fmt_addr(target.dial())} within {target.timeout:g} s"
        ) from None
    except OSError as e:
        raise HandshakeFailed(REFUSED, f"cannot connect to {_fmt_addr(target.dial())}: {e}") from None
    timings["tcp"] = time.monotonic() - t0
    if not target.tls:
        return sock
    t1 = time.monotonic()
    ctx = ssl.create_default_context(cafile=target.ca_file)
    if target.insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(alpn or ["http/1.1"])  # a browser's own websocket connection: HTTP/1.1
    # An IP literal is checked against the certificate's IP SANs and never sent as SNI.
    sni = target.sni if target.sni is not None else target.hostname
    try:
        tls = ctx.wrap_socket(sock, server_hostname=sni.strip("[]") or None)
    except ssl.SSLCertVerificationError as e:
        sock.close()
        raise HandshakeFailed(TLS_ERROR, f"certificate not accepted: {e.verify_message or e}") from None
    except (TimeoutError, ssl.SSLError, ConnectionResetError, BrokenPipeError, OSError) as e:
        sock.close()
        raise HandshakeFailed(TLS_ERROR, f"TLS handshake failed: {e}") from None
    timings["tls"] = time.monotonic() - t1
    return tls


def handshake(
    target: Target,
    *,
    echo: bool = True,
    quiet: float = 0.0,
    ping_interval: float | None = None,
    extra_headers: dict[str, str] | None = None,
    key: str | None = None,
    sock: socket.socket | None = None,
) -> HandshakeResult:
    """Open the websocket as a browser would, and say what the console would show.

    ``quiet``: after the 101, hold the connection for that many seconds sending nothing
    (or only a ping frame every ``ping_interval`` seconds, as the Live Assist client does),
    then send a frame: a connection cut meanwhile is ``idle-disconnect``. ``sock``: an
    already connected socket to use (it is closed on return).
    """
    timings: dict[str, float] = {}
    try:
        if sock is None:
            sock = connect(target, timings)
        return _handshake_on(sock, target, timings, echo, quiet, ping_interval, extra_headers or {}, key or new_key())
    except HandshakeFailed as f:
        return HandshakeResult(f.symptom, f.detail, timings=timings)
    finally:
        if sock is not None:
            _close(sock)


def _handshake_on(
    sock: socket.socket,
    target: Target,
    timings: dict[str, float],
    echo: bool,
    quiet: float,
    ping_interval: float | None,
    extra: dict[str, str],
    key: str,
) -> HandshakeResult:
    headers = {
        "Host": target.host_value(),
        "Connection": "Upgrade",
        "Pragma": "no-cache",
        "Cache-Control": "no-cache",
        "User-Agent": USER_AGENT,
        "Upgrade": "websocket",
        "Origin": target.origin_value(),
        "Sec-WebSocket-Version": "13",
        "Accept-Encoding": "gzip, deflate, br",
        "Accept-Language": "en-US,en;q=0.9",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
    }
    headers.update(extra)
    request = (
        f"GET {target.request_target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    )
    t0 = time.monotonic()
    _send(sock, request.encode("latin-1"), "sending the upgrade request")
    reader = _Reader(sock, target.timeout)
    code, reason, resp = reader.head("the upgrade response")
    timings["response"] = time.monotonic() - t0
    if code != 101:
        return HandshakeResult(
            status(code),
            f"answered {code} {reason}".rstrip() + (f" (Location: {resp['location']})" if "location" in resp else ""),
            code,
            resp,
            timings,
        )
    # The browser checks Upgrade, then Connection, then the accept value, and names the first
    # header missing; the contract has one symptom for "a 101 without a header it needs".
    if "websocket" not in resp.get("upgrade", "").lower():
        return HandshakeResult(
            MISSING_ACCEPT,
            "101 without 'Upgrade: websocket' (console: 'Upgrade' header is missing)",
            code,
            resp,
            timings,
        )
    if "upgrade" not in _tokens(resp.get("connection", "")):
        return HandshakeResult(
            MISSING_ACCEPT,
            "101 without 'Connection: Upgrade' (console: 'Connection' header is missing)",
            code,
            resp,
            timings,
        )
    if "sec-websocket-accept" not in resp:
        return HandshakeResult(
            MISSING_ACCEPT,
            "101 without Sec-WebSocket-Accept (console: 'Sec-WebSocket-Accept' header is missing)",
            code,
            resp,
            timings,
        )
    if resp["sec-websocket-accept"].strip() != accept_for(key):
        return HandshakeResult(
            BAD_ACCEPT,
            f"Sec-WebSocket-Accept {resp['sec-websocket-accept']!r} does not answer the key sent",
            code,
            resp,
            timings,
        )
    if quiet > 0:
        t1 = time.monotonic()
        cut = _hold(reader, quiet, ping_interval)
        timings["quiet"] = time.monotonic() - t1
        if cut is not None:
            return HandshakeResult(
                IDLE_DISCONNECT,
                f"connection closed after {timings['quiet']:.1f} s of silence ({cut})",
                code,
                resp,
                timings,
            )
    if echo:
        t2 = time.monotonic()
        payload = f"wsproxylint {os.urandom(4).hex()}".encode()
        try:
            _send(sock, encode_frame(0x1, payload), "sending a text frame")
            opcode, data = reader.frame(skip_control=True)
        except HandshakeFailed as f:
            symptom = IDLE_DISCONNECT if quiet > 0 else RESET
            return HandshakeResult(symptom, f"after the 101: {f.detail}", code, resp, timings)
        timings["echo"] = time.monotonic() - t2
        if opcode == 0x8:
            symptom = IDLE_DISCONNECT if quiet > 0 else RESET
            return HandshakeResult(symptom, f"server closed the websocket ({_close_reason(data)})", code, resp, timings)
        if data != payload:
            return HandshakeResult(RESET, f"echo differs: sent {payload!r}, got {data[:80]!r}", code, resp, timings)
        try:
            _send(sock, encode_frame(0x8, struct.pack("!H", 1000)), "closing")
        except HandshakeFailed:
            pass
    return HandshakeResult(
        OK, "101 with a correct Sec-WebSocket-Accept" + (", echo received" if echo else ""), code, resp, timings
    )


def _hold(reader: _Reader, seconds: float, ping_interval: float | None) -> str | None:
    """Stay on the open websocket; the reason it was cut, or None if it survived."""
    end = time.monotonic() + seconds
    next_ping = time.monotonic() + ping_interval if ping_interval else None
    while True:
        now = time.monotonic()
        if now >= end:
            return None
        wake = end if next_ping is None else min(end, next_ping)
        try:
            ready, _, _ = select.select([reader.sock], [], [], max(0.0, wake - now))
        except (OSError, ValueError) as e:
            return f"socket error {e}"
        if ready and not reader.buffered:
            try:
                chunk = reader.sock.recv(4096)
            except ssl.SSLWantReadError:
                continue
            except OSError as e:
                return f"socket error {e}"
            if not chunk:
                return "closed by the other side"
            reader.buf += chunk
        while reader.buffered:
            try:
                opcode, data = reader.frame(skip_control=False)
            except HandshakeFailed as f:
                return f.detail
            if opcode == 0x8:
                return f"close frame {_close_reason(data)}"
            # pong (our ping's answer) or an unsolicited frame: the call is alive
        if next_ping is not None and time.monotonic() >= next_ping:
            try:
                _send(reader.sock, encode_frame(0x9, b"keepalive"), "ping")
            except HandshakeFailed as f:
                return f.detail
            next_ping = time.monotonic() + (ping_interval or 0)


def encode_frame(opcode: int, payload: bytes, mask: bool = True) -> bytes:
    """One final frame; client frames are masked (RFC 6455 5.3)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class _Reader:
    """Buffered reads from one socket with a per-read deadline."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout
        self.buf = b""

    @property
    def buffered(self) -> bool:
        return bool(self.buf) or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0)

    def _fill(self, what: str) -> None:
        self.sock.settimeout(self.timeout)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise HandshakeFailed(RESET, f"no data within {self.timeout:g} s while reading {what}") from None
        except ssl.SSLError as e:
            raise HandshakeFailed(RESET, f"TLS error while reading {what}: {e}") from None
        except OSError as e:
            raise HandshakeFailed(RESET, f"connection reset while reading {what}: {e}") from None
        if not chunk:
            raise HandshakeFailed(
                RESET, f"connection closed while reading {what}" + ("" if self.buf else " (no response at all)")
            )
        self.buf += chunk

    def exact(self, n: int, what: str) -> bytes:
        while len(self.buf) < n:
            self._fill(what)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def head(self, what: str) -> tuple[int, str, dict[str, str]]:
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > MAX_HEAD:
                raise HandshakeFailed(RESET, f"{what}: response head larger than {MAX_HEAD} bytes")
            self._fill(what)
        raw, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise HandshakeFailed(RESET, f"{what}: not an HTTP response: {lines[0][:80]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                continue
            name = name.strip().lower()
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return int(parts[1]), parts[2] if len(parts) > 2 else "", headers

    def body(self, headers: dict[str, str], what: str) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            out = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill(what)
                line, self.buf = self.buf.split(b"\r\n", 1)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while b"\r\n" not in self.buf:
                        self._fill(what)
                    self.buf = self.buf.split(b"\r\n", 1)[1]
                    return out
                if len(out) + size > MAX_BODY:
                    raise HandshakeFailed(RESET, f"{what}: body larger than {MAX_BODY} bytes")
                out += self.exact(size + 2, what)[:-2]
        length = int(headers.get("content-length", "0") or 0)
        if length > MAX_BODY:
            raise HandshakeFailed(RESET, f"{what}: body larger than {MAX_BODY} bytes")
        return self.exact(length, what)

    def frame(self, skip_control: bool) -> tuple[int, bytes]:
        while True:
            b1, b2 = self.exact(2, "a websocket frame")
            n = b2 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self.exact(2, "a websocket frame"))[0]
            elif n == 127:
                n = struct.unpack("!Q", self.exact(8, "a websocket frame"))[0]
            if n > MAX_BODY:
                raise HandshakeFailed(RESET, "websocket frame too large")
            mask = self.exact(4, "a websocket frame") if b2 & 0x80 else b""
            data = self.exact(n, "a websocket frame")
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b1 & 0x0F
            if skip_control and opcode in (0x9, 0xA):
                if opcode == 0x9:
                    _send(self.sock, encode_frame(0xA, data), "pong")
                continue
            return opcode, data


@dataclass(slots=True)
class PageResponse:
    status: int
    headers: dict[str, str]
    body_length: int


class HeldConnection:
    """A browser tab's keep-alive connection: ordinary GETs, held open between them.

    Proxies pool backend connections behind such requests; the warm scenario loads pages
    and scripts this way, keeps the connections open, and only then opens the websocket.
    Errors raise ``ConnectionError`` with the symptom in its message (``.symptom``).
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        self.timings: dict[str, float] = {}
        try:
            self.sock = connect(target, self.timings)
        except HandshakeFailed as f:
            raise PageError(f.symptom, f.detail) from None
        self.reader = _Reader(self.sock, target.timeout)
        self.closed = False

    def get(self, path: str, headers: dict[str, str] | None = None) -> PageResponse:
        if self.closed:
            raise PageError(RESET, "connection already closed by the server")
        hdrs = {
            "Host": self.target.host_value(),
            "Connection": "keep-alive",
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "Accept-Encoding": "identity",
            "Accept-Language": "en-US,en;q=0.9",
            "Referer": self.target.origin_value() + "/",
        }
        hdrs.update(headers or {})
        req = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        try:
            _send(self.sock, req.encode("latin-1"), f"GET {path}")
            code, _, resp = self.reader.head(f"the response to GET {path}")
            body = self.reader.body(resp, f"the body of GET {path}") if code not in (204, 304) else b""
        except HandshakeFailed as f:
            self.close()
            raise PageError(f.symptom, f.detail) from None
        if "close" in _tokens(resp.get("connection", "")):
            self.close()
        return PageResponse(code, resp, len(body))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _close(self.sock)

    def __enter__(self) -> HeldConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PageError(ConnectionError):
    def __init__(self, symptom: str, detail: str) -> None:
        super().__init__(f"{symptom}: {detail}")
        self.symptom = symptom
        self.detail = detail


def warm_up(
    target: Target, paths: list[str], connections: int = 3, requests_per_connection: int = 2
) -> tuple[list[HeldConnection], list[PageResponse]]:
    """Open ``connections`` keep-alive connections and issue ``requests_per_connection``
    GETs on each, cycling through ``paths``; the connections are returned still open (close
    them, or use them as context managers). A connection that fails is closed and skipped:
    page loads are preparation, the websocket is what is judged."""
    held: list[HeldConnection] = []
    responses: list[PageResponse] = []
    i = 0
    for _ in range(connections):
        try:
            conn = HeldConnection(target)
        except PageError:
            continue
        held.append(conn)
        for _ in range(requests_per_connection):
            try:
                responses.append(conn.get(paths[i % len(paths)]))
            except PageError:
                break
            i += 1
    return held, responses


def warm_handshakes(
    target: Target,
    pages: list[str],
    rounds: int = 3,
    connections: int = 2,
    requests_per_connection: int = 2,
    settle: float = 0.0,
) -> list[HandshakeResult]:
    """The warm scenario: per round, page and script loads on new keep-alive connections that
    stay open (like browser tabs), then a websocket; one result per round. Rounds matter
    because each nginx worker and Apache child keeps its own backend pool. ``settle``: the
    pause between the last script and the websocket (a browser runs the SDK in between),
    which lets a proxy hand the page requests' backend connections back to its pool."""
    results: list[HandshakeResult] = []
    held: list[HeldConnection] = []
    try:
        for _ in range(rounds):
            conns, _ = warm_up(target.with_path("/"), pages, connections, requests_per_connection)
            held += conns
            if settle:
                time.sleep(settle)
            results.append(handshake(target))
    finally:
        for c in held:
            c.close()
    return results


def _send(sock: socket.socket, data: bytes, what: str) -> None:
    try:
        sock.sendall(data)
    except TimeoutError:
        raise HandshakeFailed(RESET, f"timed out {what}") from None
    except OSError as e:
        raise HandshakeFailed(RESET, f"connection reset {what}: {e}") from None


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


def _tokens(value: str) -> set[str]:
    return {t.strip().lower() for t in value.split(",") if t.strip()}


def _close_reason(data: bytes) -> str:
    if len(data) >= 2:
        return f"code {struct.unpack('!H', data[:2])[0]}"
    return "no code"


def _fmt_addr(addr: tuple[str, int]) -> str:
    host, port = addr
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

"""A FAS stand-in: what the proxies under test talk to instead of a CafeX gateway.

It behaves as FAS does where the verdicts depend on it (see linter/core/fas.py and
../shared/reference/observed.md):

- on the websocket URLs, a correct RFC 6455 upgrade (GET, HTTP/1.1, ``Upgrade: websocket``,
  ``Connection`` with the ``upgrade`` token, a 16-byte base64 key, version 13) gets 101 with
  the right ``Sec-WebSocket-Accept`` and then every data frame is echoed; anything short of
  that gets 302, which is what a browser behind a misconfigured proxy sees;
- ``legacy=True`` (FAS <= 2.5.2): an upgrade on a TCP connection that already carried a
  request is taken as a plain GET and answered 302;
- every other path answers 200 with a small body and keeps the connection alive, so proxies
  pool backend connections exactly as page and script loads make them do; but a websocket
  upgrade on a path FAS does not serve gets 404 (FAS has no websocket there), and one on a
  websocket URL whose query lost its ``appkey`` gets 403 (the key names the session);
- plain HTTP on the TLS port fails the TLS handshake; TLS on the plain port is garbage to an
  HTTP parser, answered ``400`` and closed.

It runs an asyncio loop in a background thread so that tests stay synchronous, and binds
the given loopback addresses (any of 127/8) on the FAS ports, so parallel test runs on one
machine never collide while the port numbers the linter reasons about stay real.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import ssl
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

from linter.core.fas import DEFAULT_WS_PATHS

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PLAIN_PORT = 8080
TLS_PORT = 8443
READ_TIMEOUT = 120.0  # an idle backend connection is dropped after this (FAS-like, long)


@dataclass(slots=True)
class Exchange:
    """One request as the stand-in saw it (for diagnosis in test failures)."""

    listener: str  # "127.1.2.3:8080"
    tls: bool
    connection: int  # id of the TCP connection
    nth: int  # 1 for the first request on that connection
    method: str
    target: str
    version: str
    headers: dict[str, str]
    status: int
    why: str = ""

    def line(self) -> str:
        return (f"{self.listener}{' tls' if self.tls else ''} conn#{self.connection} req#{self.nth} "
                f"{self.method} {self.target} {self.version} -> {self.status} {self.why}".rstrip())


@dataclass(slots=True)
class FasStandIn:
    """``hosts``: loopback addresses to bind; ``tls_cert``/``tls_key``: the 8443 identity
    (no TLS listener without them). Use as a context manager, or ``start()``/``stop()``."""

    hosts: tuple[str, ...]
    tls_cert: Path | None = None
    tls_key: Path | None = None
    legacy: bool = False
    # answer upgrades with a Sec-WebSocket-Accept computed from another key (a broken hop)
    wrong_accept: bool = False
    plain_port: int = PLAIN_PORT
    tls_port: int = TLS_PORT
    ws_paths: tuple[str, ...] = DEFAULT_WS_PATHS
    exchanges: list[Exchange] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _servers: list[asyncio.base_events.Server] = field(default_factory=list)
    _conn_ids: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    # -- life cycle -----------------------------------------------------------------------
    def start(self) -> FasStandIn:
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="fas-stand-in", daemon=True)
        self._thread.start()
        ready.wait(10)
        fut = asyncio.run_coroutine_threadsafe(self._listen(), loop)
        try:
            fut.result(10)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return
        async def close() -> None:
            for srv in self._servers:
                srv.close()
            for w in list(self._writers):
                w.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            # let the handlers run their cleanup, so no socket outlives the stand-in
            await asyncio.wait(tasks, timeout=2) if tasks else None
        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(5)
        except Exception:
            pass
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        if not loop.is_running():
            loop.close()
        self._servers.clear()
        self._loop = None

    def __enter__(self) -> FasStandIn:
        return self if self._loop is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(ready.set)
        self._loop.run_forever()

    async def _listen(self) -> None:
        ctx = None
        if self.tls_cert and self.tls_key:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(self.tls_cert), str(self.tls_key))
        for host in self.hosts:
            self._servers.append(await asyncio.start_server(
                functools.partial(self._serve, listener=f"{host}:{self.plain_port}", tls=False),
                host, self.plain_port, reuse_address=True))
            if ctx is not None:
                self._servers.append(await asyncio.start_server(
                    functools.partial(self._serve, listener=f"{host}:{self.tls_port}", tls=True),
                    host, self.tls_port, ssl=ctx, reuse_address=True, ssl_handshake_timeout=10))

    def log(self) -> str:
        """Every request seen so far, one per line (for assertion messages)."""
        with self._lock:
            return "\n".join(e.line() for e in self.exchanges) or "(no request reached the stand-in)"

    def clear(self) -> None:
        with self._lock:
            self.exchanges.clear()

    # -- HTTP -------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, listener: str,
                     tls: bool) -> None:
        with self._lock:
            self._conn_ids += 1
            conn = self._conn_ids
        nth = 0
        self._writers.add(writer)
        try:
            while True:
                try:
                    first = await asyncio.wait_for(reader.readexactly(1), READ_TIMEOUT)
                    if first == b"\x16":  # a TLS record (ClientHello) where HTTP was expected
                        head = first
                    else:
                        head = first + await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                        ConnectionError, ssl.SSLError):
                    return
                nth += 1
                parsed = _parse_head(head)
                if parsed is None:
                    # e.g. a TLS ClientHello on the plain port
                    self._record(Exchange(listener, tls, conn, nth, "?", "?", "?", {}, 400, "not HTTP"))
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    await writer.drain()
                    return
                method, target, version, headers = parsed
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                path, _, query = target.partition("?")
                upgrade = "websocket" in headers.get("upgrade", "").lower()
                refused = 0
                if upgrade and path not in self.ws_paths:
                    refused, why = 404, "websocket upgrade on a path FAS does not serve"
                elif upgrade and "appkey=" not in query:
                    refused, why = 403, "websocket upgrade without appkey in the query"
                if refused:
                    self._record(Exchange(listener, tls, conn, nth, method, target, version, headers, refused, why))
                    keep = _keep_alive(version, headers)
                    writer.write((f"HTTP/1.1 {refused} {'Not Found' if refused == 404 else 'Forbidden'}\r\n"
                                  "Content-Length: 0\r\n"
                                  f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode())
                elif path in self.ws_paths:
                    why = _upgrade_problem(method, version, headers)
                    if not why and self.legacy and nth > 1:
                        why = f"legacy FAS: upgrade on a reused connection (request {nth})"
                    if not why:
                        self._record(Exchange(listener, tls, conn, nth, method, target, version, headers, 101))
                        key = headers["sec-websocket-key"]
                        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
                        if self.wrong_accept:
                            accept = base64.b64encode(hashlib.sha1((key + "x" + GUID).encode()).digest()).decode()
                        writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                      f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
                        await writer.drain()
                        await _echo(reader, writer)
                        return
                    self._record(Exchange(listener, tls, conn, nth, method, target, version, headers, 302, why))
                    keep = _keep_alive(version, headers)
                    writer.write(("HTTP/1.1 302 Found\r\nLocation: /gateway/index.html\r\nContent-Length: 0\r\n"
                                  f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode())
                else:
                    self._record(Exchange(listener, tls, conn, nth, method, target, version, headers, 200))
                    keep = _keep_alive(version, headers)
                    body = f"/* FAS stand-in: {path} */\n".encode()
                    writer.write(("HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\nX-FAS-Stand-In: 1\r\n"
                                  f"Content-Length: {len(body)}\r\n"
                                  f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n").encode() + body)
                await writer.drain()
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            return
        except asyncio.CancelledError:
            return  # stop(): shutting down; ending normally keeps asyncio from logging it
        finally:
            self._writers.discard(writer)
            try:
                writer.close()
            except Exception:
                pass

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]] | None:
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        return None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            name = name.strip().lower()
            headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
    return parts[0], parts[1], parts[2], headers


def _tokens(value: str) -> set[str]:
    return {t.strip().lower() for t in value.split(",") if t.strip()}


def _upgrade_problem(method: str, version: str, headers: dict[str, str]) -> str:
    """Why this is not a correct websocket upgrade ('' when it is)."""
    if method != "GET":
        return f"method {method}"
    if version != "HTTP/1.1":
        return f"{version} request"
    if "websocket" not in _tokens(headers.get("upgrade", "")):
        return f"Upgrade: {headers.get('upgrade', '(none)')}"
    if "upgrade" not in _tokens(headers.get("connection", "")):
        return f"Connection: {headers.get('connection', '(none)')}"
    try:
        if len(base64.b64decode(headers.get("sec-websocket-key", ""), validate=True)) != 16:
            return "Sec-WebSocket-Key is not 16 bytes"
    except ValueError:
        return f"Sec-WebSocket-Key: {headers.get('sec-websocket-key')!r}"
    if headers.get("sec-websocket-version", "").strip() != "13":
        return f"Sec-WebSocket-Version: {headers.get('sec-websocket-version', '(none)')}"
    return ""


def _keep_alive(version: str, headers: dict[str, str]) -> bool:
    conn = _tokens(headers.get("connection", ""))
    if version == "HTTP/1.0":
        return "keep-alive" in conn
    return "close" not in conn


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Echo data frames back unmasked; answer pings; end on close. No idle limit of its own
    (READ_TIMEOUT aside): an idle-disconnect observed through a proxy is the proxy's."""
    while True:
        try:
            b1, b2 = await asyncio.wait_for(reader.readexactly(2), READ_TIMEOUT)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError):
            return
        n = b2 & 0x7F
        if n == 126:
            n = struct.unpack("!H", await reader.readexactly(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", await reader.readexactly(8))[0]
        mask = await reader.readexactly(4) if b2 & 0x80 else b""
        data = await reader.readexactly(n)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        opcode = b1 & 0x0F
        if opcode == 0x8:
            writer.write(_frame(0x8, data[:2]))
            await writer.drain()
            return
        if opcode == 0x9:
            writer.write(_frame(0xA, data))
        elif opcode in (0x1, 0x2):
            writer.write(_frame(opcode, data))
        await writer.drain()


def _frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, n])
    elif n < 1 << 16:
        head = bytes([0x80 | opcode, 126]) + struct.pack("!H", n)
    else:
        head = bytes([0x80 | opcode, 127]) + struct.pack("!Q", n)
    return head + payload

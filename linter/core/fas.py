"""What is known about CafeX FAS behind the proxy (see ../shared/reference/)."""

from __future__ import annotations

GATEWAY_WS = "/gateway/websocketcall"
ASSIST_TOPIC_WS = "/assistserver/topic"
DEFAULT_WS_PATHS = (GATEWAY_WS, ASSIST_TOPIC_WS)

# A query string the browser always sends; it must survive the proxy.
WS_QUERY = {GATEWAY_WS: "appkey=FWGW-example", ASSIST_TOPIC_WS: "appkey=t1&topic=t1&sessionId=s1"}

TLS_PORTS = frozenset({8443})
PLAIN_PORTS = frozenset({8080})

# FAS up to this version answers 302 to an upgrade on a reused TCP connection.
LAST_VERSION_WITHOUT_REUSE = (2, 5, 2)

# The Live Assist topic client pings every 10 s and waits 10 s for the pong, so an idle
# limit of 30 s or more never cuts it. The Gateway socket carries call signalling only
# (media flows elsewhere), so it can stay silent for a whole call: any limit shorter than
# the threshold below may cut a live call.
CLIENT_PING_INTERVAL = {ASSIST_TOPIC_WS: 10.0}
DEFAULT_IDLE_THRESHOLD = 300.0


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.strip().split("."):
        digits = "".join(ch for ch in p if ch.isdigit())
        if not digits:
            raise ValueError(f"not a version: {text!r}")
        parts.append(int(digits))
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def reuse_breaks(fas_version: str | None) -> bool | None:
    """True: this FAS answers 302 on reused connections; None: version unknown."""
    if not fas_version:
        return None
    return version_tuple(fas_version) <= LAST_VERSION_WITHOUT_REUSE


def idle_floor(ws_path: str, threshold: float) -> float:
    """The shortest idle limit that will not cut a quiet call on this URL."""
    ping = CLIENT_PING_INTERVAL.get(ws_path)
    if ping is not None:
        return min(threshold, 3 * ping)
    return threshold


def ws_base(ws_path: str) -> str:
    """The application prefix a websocket URL shares with page requests: /gateway/."""
    parts = ws_path.strip("/").split("/")
    return "/" + parts[0] + "/" if parts and parts[0] else "/"


# ---------------------------------------------------------------------------- named FAS backends
# `--fas-backend HOST[:PORT]|NAME`: for configs where neither a FAS port nor a FAS path
# says which backend is FAS (a catch-all route to FAS on port 80, an upstream named `app`).


def parse_fas_backend(text: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]:port`` or a backend name; ValueError when malformed."""
    text = text.strip()
    if not text:
        raise ValueError("empty")
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if not host or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            raise ValueError(f"not HOST[:PORT]: {text!r}")
        return host.lower(), int(rest[1:]) if rest else None
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"not HOST[:PORT]: {text!r}")
        return host.lower(), int(port)
    return text.lower(), None


def names_backend(specs: tuple[str, ...], name: str, servers: list[tuple[str, int | None]]) -> bool:
    """Does one of ``specs`` name this backend: its group name (upstream, backend, balancer),
    or one of its servers by host, and port when the spec gives one?"""
    if not specs:
        return False
    lowered = name.lower()
    for spec in specs:
        try:
            host, port = parse_fas_backend(spec)
        except ValueError:
            continue
        if port is None and host == lowered:
            return True
        for s_host, s_port in servers:
            if s_host.lower().strip("[]") == host and (port is None or s_port == port):
                return True
    return False

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

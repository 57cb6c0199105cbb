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

import ssl
import time

from linter.app.handshake import HandshakeFailed, HandshakeResult, Target, handshake
from linter.app.handshake_h2 import H2, H2Closed, H2Connection


def h2_warm_handshakes(target: Target, pages: list[str], rounds: int = 3,
                       settle: float = 0.0) -> list[HandshakeResult]:
    """Per round on one h2 connection: the pages as streams, then the websocket as a later
    stream. Where the front does not negotiate h2 or advertise extended CONNECT, a browser
    opens the websocket over a new HTTP/1.1 connection, and so does this (noted in detail)."""
    try:
        c = H2Connection(target)
    except HandshakeFailed as e:
        return [HandshakeResult(e.symptom, f"h2 connection failed: {e.detail}")] * rounds
    except (OSError, ssl.SSLError, H2Closed, TimeoutError) as e:
        return [HandshakeResult("tls-error" if isinstance(e, ssl.SSLError) else "refused",
                                f"h2 connection failed: {e}")] * rounds
    results: list[HandshakeResult] = []
    try:
        for _ in range(rounds):
            if c.alpn != H2 or not c.extended_connect:
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
            except (H2Closed, TimeoutError, OSError) as e:
                results.append(HandshakeResult("reset", str(e)))
                c.close()
                c = H2Connection(target)
    finally:
        c.close()
    return results

"""What the browser shows when the websocket fails: one entry per symptom, read by the
checks (the ids findings carry), the reporters (the console line under a finding),
``explain`` (the console text and the codes pasted text names it by) and ``probe`` (its
finer reasons, each with the console line the browser shows for it).

Ids are the contract's vocabulary (DESIGN.md): ``refused``, ``reset``, ``tls-error``,
``status:NNN``, ``missing-accept``, ``idle-disconnect``, ``config-rejected``; and the
symptoms no config can produce, which only ``explain`` and ``probe`` speak of.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

REFUSED = "refused"
RESET = "reset"
TLS_ERROR = "tls-error"
MISSING_ACCEPT = "missing-accept"
IDLE_DISCONNECT = "idle-disconnect"
CONFIG_REJECTED = "config-rejected"
# no config produces these: the client's side, DNS, the network
NAME_NOT_RESOLVED = "name-not-resolved"
NETWORK_CHANGED = "network-changed"
TIMED_OUT = "timed-out"

HANDSHAKE = "Error during WebSocket handshake: "


@dataclass(frozen=True, slots=True)
class Symptom:
    """One way the websocket fails, as the browser shows it."""

    id: str
    console: str  # the line the console shows
    # Chrome's net::ERR_* codes that name it, as users paste them
    codes: tuple[str, ...] = ()
    # the probe's finer reasons where the fixes differ, each with the console line it shows
    reasons: Mapping[str, str] = field(default_factory=dict)


@functools.lru_cache(maxsize=64)
def status(code: int | str) -> str:
    """One string per status, shared by every finding that names it (a fleet has thousands)."""
    return f"status:{code}"


_STATUS = re.compile(r"status:([1-5]\d\d)")

_TABLE = (
    Symptom(
        REFUSED,
        "net::ERR_CONNECTION_REFUSED",
        ("ERR_CONNECTION_REFUSED",),
        {"timeout": "net::ERR_CONNECTION_TIMED_OUT"},
    ),
    Symptom(
        RESET,
        "net::ERR_CONNECTION_RESET",
        (
            "ERR_CONNECTION_RESET",
            "ERR_CONNECTION_CLOSED",
            "ERR_EMPTY_RESPONSE",
            "ERR_CONNECTION_ABORTED",
            "ERR_INVALID_HTTP_RESPONSE",
        ),
    ),
    Symptom(
        TLS_ERROR,
        "net::ERR_SSL_PROTOCOL_ERROR",
        (
            "ERR_SSL_PROTOCOL_ERROR",
            "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
            "ERR_CERT_AUTHORITY_INVALID",
            "ERR_CERT_COMMON_NAME_INVALID",
            "ERR_CERT_DATE_INVALID",
            "ERR_WRONG_VERSION_NUMBER",
        ),
        {
            "protocol-error": "net::ERR_SSL_PROTOCOL_ERROR",
            "untrusted-certificate": "net::ERR_CERT_AUTHORITY_INVALID",
            "expired-certificate": "net::ERR_CERT_DATE_INVALID",
            "name-mismatch": "net::ERR_CERT_COMMON_NAME_INVALID",
        },
    ),
    Symptom(
        MISSING_ACCEPT,
        f"{HANDSHAKE}'Sec-WebSocket-Accept' header is missing",
        # Chrome names the first header of the 101 it rejects; the contract has one symptom for them
        reasons={
            "missing-accept": f"{HANDSHAKE}'Sec-WebSocket-Accept' header is missing",
            "incorrect-accept": f"{HANDSHAKE}Incorrect 'Sec-WebSocket-Accept' header value",
            "missing-upgrade": f"{HANDSHAKE}'Upgrade' header is missing",
            "missing-connection": f"{HANDSHAKE}'Connection' header is missing",
        },
    ),
    Symptom(IDLE_DISCONNECT, "the open websocket is closed after an idle timeout"),
    Symptom(CONFIG_REJECTED, "the proxy refuses this config, so the change never takes effect"),
    Symptom(NAME_NOT_RESOLVED, "net::ERR_NAME_NOT_RESOLVED", ("ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED")),
    Symptom(NETWORK_CHANGED, "net::ERR_NETWORK_CHANGED", ("ERR_NETWORK_CHANGED",)),
    Symptom(TIMED_OUT, "net::ERR_CONNECTION_TIMED_OUT", ("ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT")),
)
SYMPTOMS: Mapping[str, Symptom] = {s.id: s for s in _TABLE}


def get(symptom: str) -> Symptom | None:
    """The entry for a symptom id; every ``status:NNN`` has one."""
    entry = SYMPTOMS.get(symptom)
    if entry is None and _STATUS.fullmatch(symptom):
        entry = Symptom(symptom, console(symptom))
    return entry


def console(symptom: str, reason: str | None = None) -> str:
    """The console line for a symptom, or for its finer ``reason`` where it has one."""
    entry = SYMPTOMS.get(symptom)
    if entry is None:
        return f"{HANDSHAKE}Unexpected response code: {symptom[7:]}" if symptom.startswith("status:") else symptom
    return entry.reasons.get(reason, entry.console) if reason is not None else entry.console

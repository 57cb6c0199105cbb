"""Reporters: text for people, json per the contract, sarif for code scanning, github for
workflow annotations. Each is imported only when its format is asked for."""

from __future__ import annotations

import os

CONSOLE = {
    "refused": "net::ERR_CONNECTION_REFUSED",
    "reset": "net::ERR_CONNECTION_RESET",
    "tls-error": "net::ERR_SSL_PROTOCOL_ERROR",
    "missing-accept": "Error during WebSocket handshake: 'Sec-WebSocket-Accept' header is missing",
    "idle-disconnect": "the open websocket is closed after an idle timeout",
    "config-rejected": "the proxy refuses this config, so the change never takes effect",
}


def console_text(symptom: str | None) -> str | None:
    if symptom is None:
        return None
    if symptom.startswith("status:"):
        return f"Error during WebSocket handshake: Unexpected response code: {symptom[7:]}"
    return CONSOLE.get(symptom, symptom)


def display_path(path: str) -> str:
    """Paths as the user thinks of them: relative to the working directory when inside it."""
    if not os.path.isabs(path):
        return os.path.normpath(path)
    cwd = os.getcwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel

"""Run options shared by the runner, resolve and checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.core.fas import DEFAULT_IDLE_THRESHOLD, DEFAULT_WS_PATHS


@dataclass(slots=True)
class Options:
    """What a run is told about the world the config lives in (FAS and proxy versions, the websocket URLs)."""

    fas_version: str | None = None
    ws_paths: tuple[str, ...] = DEFAULT_WS_PATHS
    # proxy versions by dialect, e.g. {"nginx": "1.22.1"}
    proxy_versions: dict[str, str] = field(default_factory=dict)
    idle_threshold: float = DEFAULT_IDLE_THRESHOLD
    # backends the user names as FAS (`--fas-backend HOST[:PORT]|NAME`, see fas.names_backend)
    fas_backends: tuple[str, ...] = ()
    dialect: str = "auto"
    # settings-file patterns (see linter/app/settings.py): files not to read, and dialect per file
    exclude: tuple[str, ...] = ()
    dialect_overrides: tuple[tuple[str, str], ...] = ()
    # how stdin ("-") is shown and named for dialect detection
    stdin_name: str = "-"
    # the schemes clients open the websocket with ("ws", "wss"); empty: not said, so every
    # listener is judged and a plain listener that only redirects is a warning, not an error
    fronts: tuple[str, ...] = ()

    def judges(self, tls: bool) -> bool:
        """Are handshakes on a listener with (or without) TLS judged? A plain one only when
        clients may open ws:// (``--front wss`` alone says none do). A TLS listener always:
        one that serves FAS pages gets wss:// from the browsers that load them, whatever
        native clients do."""
        return tls or not self.fronts or "ws" in self.fronts

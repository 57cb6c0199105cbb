"""The fixes a check can ask for, named once; each dialect's advice words them.

A check names a ``Fix``; ``parsers/<dialect>/advice.py`` holds the text for every fix
that dialect's setups can need. A fix a dialect does not word is an error, never a key
echoed into a finding (tests/checks/test_fix_coverage.py proves every dialect words every
fix its rules' checks ask for).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from linter.core.tree import Loc


class Fix(enum.Enum):
    FORWARD_UPGRADE = "forward-upgrade"
    FORWARD_CONNECTION = "forward-connection"
    REPEAT_INHERITED = "repeat-inherited"
    HTTP11 = "http11"
    UNBLANK_REQUEST_HEADER = "unblank-request-header"
    FORWARD_REQUEST_HEADERS = "forward-request-headers"
    UNHIDE_RESPONSE_HEADER = "unhide-response-header"
    DISABLE_REUSE = "disable-reuse"
    SCHEME_FOR_TLS_PORT = "scheme-for-tls-port"
    SCHEME_FOR_PLAIN_PORT = "scheme-for-plain-port"
    ENABLE_BACKEND_TLS = "enable-backend-tls"
    CERTIFICATE_NAME_IP = "certificate-name-ip"
    CERTIFICATE_NAME_LABEL = "certificate-name-label"
    FRONT_TLS = "front-tls"
    OPEN_LISTENER = "open-listener"
    ROUTE_WS = "route-ws"
    NO_REDIRECT = "no-redirect"
    NO_TRAILING_SLASH = "no-trailing-slash"
    RAISE_IDLE_TIMEOUT = "raise-idle-timeout"
    FIX_SYNTAX = "fix-syntax"
    FIX_INCLUDE = "fix-include"
    FIX_REJECTED = "fix-rejected"
    KEEP_WS_PATH = "keep-ws-path"
    KEEP_QUERY = "keep-query"
    OPEN_WS_ACCESS = "open-ws-access"


class FixTexts:
    """A dialect's wording of fixes: ``TEXTS`` maps each ``Fix`` it supports to a template
    whose ``{names}`` the check's details fill; ``WHERE`` names the websocket route when
    the check gives none."""

    TEXTS: ClassVar[Mapping[Fix, str]] = {}
    WHERE: ClassVar[str] = "the websocket route"

    def fix(self, key: Fix, **details: str) -> str:
        text = self.TEXTS[key]  # a fix this dialect cannot word is a bug in the check or here
        details.setdefault("where", self.WHERE)
        return text.format(**details)  # a detail the template names and the check omits: a bug too


@dataclass(slots=True, frozen=True)
class Edit:
    """Replace the text between two points of one file (1-based lines, 0-based columns in
    characters) with ``text``: an insert when the points are equal, a deletion when
    ``text`` is empty. Edits touch only these characters, so comments, indentation and
    include structure elsewhere stay as the operator wrote them."""

    file: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    text: str

    def sort_key(self) -> tuple[str, int, int, int, int]:
        return (self.file, self.start_line, self.start_col, self.end_line, self.end_col)


@dataclass(slots=True)
class FixRequest:
    """What a check asks its dialect to change, in the model's terms: the ``Fix`` it named,
    its details, and the places the model knows (the dialect finds the words and columns in
    the text it read). ``certain`` is False when the verdict rests on a part of the
    configuration that was not read: such a fix is never safe."""

    key: Fix
    details: dict[str, str]
    at: Loc  # the finding's line
    route: Loc | None = None  # the block that selects the websocket URL
    proxy: Loc | None = None  # the line that hands the request to the backend
    setting: Loc | None = None  # the line whose value is wrong, if one sets it
    # lines of the same kind in force at an enclosing level (nginx's inherited headers)
    inherited: tuple[Loc, ...] = ()
    files: tuple[str, ...] = ()  # every file of the configuration, the entry point first
    certain: bool = True
    backend: Loc | None = None  # where the backend the route hands to is defined (an upstream block)
    # the other lines that hand a websocket URL of the same cause to the backend (a finding
    # that stands for several URLs: its fix covers all of them)
    also: tuple[Loc, ...] = ()
    ws_paths: tuple[str, ...] = ()  # every websocket URL of the run (a fix that exempts them names all)
    # the websocket's own route fills the backend's pool with page requests: a backend of its
    # own would be filled the same way (None: unknown, or not a reuse finding)
    route_fills_pool: bool | None = None


@dataclass(slots=True)
class FixEdits:
    """A fix as edits. ``safe``: the verdict is certain and the edits only add what the
    handshake needs (``check --fix`` applies it); otherwise it is shown and applied only with
    ``--unsafe-fixes``. ``note`` says what an unsafe fix changes beyond the websocket."""

    edits: tuple[Edit, ...]
    safe: bool
    note: str = ""
    files: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.files:
            self.files = tuple(sorted({e.file for e in self.edits}))


# a function returning a file's text (None when it cannot be read): the dialect reads
# through it, so the caller decides where texts come from (disk, stdin, a cache)
TextOf = Callable[[str], "str | None"]

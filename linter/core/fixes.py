"""The fixes a check can ask for, named once; each dialect's advice words them.

A check names a ``Fix``; ``parsers/<dialect>/advice.py`` holds the text for every fix
that dialect's setups can need. A fix a dialect does not word is an error, never a key
echoed into a finding (tests/checks/test_fix_coverage.py proves every dialect words every
fix its rules' checks ask for).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import ClassVar


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

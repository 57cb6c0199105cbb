"""What httpd does with a ``#`` after a directive's arguments.

httpd reads ``#`` as a comment only where it begins a line; later on a line it is a word
like any other, handed to the directive with the words after it. A comment written after
a directive (``ProxyPass /gateway/ ws://fas:8080/gateway/ # websocket``, or a
``# wsproxylint: disable=...``) therefore either makes httpd refuse the configuration or,
for a directive that takes any number of words or reads only its first (``On``/``Off``
flags), changes nothing visible while the comment is not one.

The refusals below were each observed with ``apache2 -t`` (httpd 2.4, Debian 12), the
message being httpd's own (AH00526 "Syntax error on line N"); a directive not listed is
not claimed to be refused. ``tests/dialects/apache/test_apache_trailing_hash.py`` runs the
real httpd on every entry.
"""

from __future__ import annotations

# directives httpd declares TAKE1: a second word is refused ("X takes one argument")
_TAKE1 = frozenset(
    {
        "timeout",
        "proxytimeout",
        "keepalivetimeout",
        "servername",
        "documentroot",
        "sslengine",
        "sslproxyverify",
        "sslcertificatefile",
        "sslcertificatekeyfile",
        "sslproxycacertificatefile",
    }
)
# directives with a bound on their words, and httpd's words for it
_AT_MOST = {
    "redirect": (3, "takes one, two or three arguments"),
    "proxypassreverse": (3, "takes one, two or three arguments"),
    "redirectmatch": (3, "takes two or three arguments"),
}
_PROXYPASS = frozenset({"proxypass", "proxypassmatch"})
_HEADERS = frozenset({"header", "requestheader"})
# mod_headers actions that take a value after the header name
_VALUED = frozenset({"set", "append", "add", "merge", "setifempty", "edit", "edit*"})


def trailing_hash(args: list[str]) -> int:
    """The index of the first argument that a ``#`` begins (-1: none)."""
    for i, a in enumerate(args):
        if a[:1] == "#":
            return i
    return -1


def refusal(name: str, args: list[str], at: int) -> str | None:
    """httpd's refusal of directive ``name`` (as written) given ``args`` whose words from
    ``at`` on are the comment, or None when httpd takes the line (or is not known to refuse)."""
    lname = name.lower()
    if lname in _TAKE1:
        return f"{name} takes one argument" if len(args) > 1 else None
    bound = _AT_MOST.get(lname)
    if bound is not None:
        return f"{name} {bound[1]}" if len(args) > bound[0] else None
    if lname in _PROXYPASS:
        # every word after the path and the URL must be a worker parameter key=value
        if at < 2:
            return None
        if "=" not in args[at]:
            return "Invalid ProxyPass|ProxyPassMatch parameter. Parameter must be in the form 'key=value'."
        return "ProxyPass unknown Worker parameter"
    if lname in _HEADERS:
        # [condition] action header [value] [expr|env=...] [early]: the comment taken as a
        # condition, an expression or a surplus word is refused; as the value it is taken
        first = 1 if lname == "header" and args[:1] and args[0].lower() in ("always", "onsuccess") else 0
        action = args[first].lower() if len(args) > first else ""
        value_at = first + 2 if action in _VALUED else -1
        if at <= first + 1 or at == value_at:
            return None
        return f"{name} does not take the words after the `#` (httpd: unknown parameter, or too many arguments)"
    return None

"""The fixes a check names, as edits on HAProxy's own text.

``http-reuse always``/``aggressive`` back to ``safe`` (what HAProxy does by default, which
never hands the first request of a client connection someone else's idle connection), and
``timeout tunnel`` next to the ``timeout`` line that cuts the quiet call (same section).
Removing or rewriting a header rule changes what other requests get: not safe.
"""

from __future__ import annotations

import re

from linter.core.fixes import Edit, Fix, FixEdits, FixRequest
from parsers.edit_text import Lines, Texts, hash_comment

_REUSE = re.compile(r"^http-reuse\s+(always|aggressive)\s*$")
_TIMEOUT = re.compile(r"^timeout\s+(client|server|tunnel)\s+(\S+)\s*$")
_HEADER_RULE = re.compile(r"^http-request\s+(del-header|set-header|replace-header)\s+Connection\b", re.I)


def _directive(lines: Lines, n: int) -> str:
    start, end = lines.code(n, hash_comment)
    return (lines.get(n) or "")[start:end]


def edits(req: FixRequest, texts: Texts) -> FixEdits | None:
    lines = texts(req.at.file)
    if lines is None:
        return None
    text = _directive(lines, req.at.line)
    if req.key is Fix.DISABLE_REUSE:
        m = _REUSE.match(text)
        if m is None:
            return None
        start, _ = lines.code(req.at.line, hash_comment)
        return FixEdits(
            (lines.replace_span(req.at.line, start, start + len(text), "http-reuse safe"),), safe=req.certain
        )
    if req.key is Fix.RAISE_IDLE_TIMEOUT:
        m = _TIMEOUT.match(text)
        if m is None:
            return None
        value = f"{req.details.get('threshold', '3600')}s"
        start, _ = lines.code(req.at.line, hash_comment)
        if m.group(1) == "tunnel":
            return FixEdits(
                (lines.replace_span(req.at.line, start + m.start(2), start + m.end(2), value),), safe=req.certain
            )
        return FixEdits((lines.insert_after(req.at.line, f"timeout tunnel {value}"),), safe=req.certain)
    if req.key is Fix.SCHEME_FOR_PLAIN_PORT and text.startswith("server "):
        return _no_ssl(lines, req, text)
    if req.key is Fix.SCHEME_FOR_TLS_PORT and text.startswith("server ") and " ssl" not in f" {text} ":
        return FixEdits(
            (_append(lines, req.at.line, "ssl verify none"),),
            safe=False,
            note="TLS without checking FAS's certificate: give `ca-file` instead where FAS has a CA",
        )
    if req.key is Fix.FRONT_TLS and text.startswith("bind "):
        return _bind_tls(lines, req, text)
    if req.key is Fix.NO_REDIRECT and _REDIRECT.match(text):
        return _exempt(lines, req, text)
    if req.key in (Fix.FORWARD_CONNECTION, Fix.FORWARD_UPGRADE) and _HEADER_RULE.match(text):
        return FixEdits(
            (lines.delete_line(req.at.line),),
            safe=False,
            note="removes a header rule that also applies to other requests",
        )
    return None


def _append(lines: Lines, n: int, words: str) -> Edit:
    _, end = lines.code(n, hash_comment)
    return Edit(lines.path, n, end, n, end, " " + words)


def _no_ssl(lines: Lines, req: FixRequest, text: str) -> FixEdits | None:
    """Plain HTTP toward FAS's plain port: ``ssl`` dropped from the server line, or
    ``no-ssl`` when it comes from ``default-server`` (which other servers may need)."""
    words = text.split()
    start, _ = lines.code(req.at.line, hash_comment)
    if "ssl" in words:
        m = re.search(r"\sssl(?=\s|$)", text)
        if m is None:
            return None
        return FixEdits(
            (Edit(lines.path, req.at.line, start + m.start(), req.at.line, start + m.end(), ""),), safe=req.certain
        )
    if "no-ssl" in words or not _default_server_ssl(lines, req.at.line):
        return None  # the TLS is not the server line's (e.g. the browser's own, relayed in mode tcp)
    return FixEdits((_append(lines, req.at.line, "no-ssl"),), safe=req.certain)


_SECTION = re.compile(
    r"^(defaults|frontend|backend|listen|global|resolvers|peers|userlist|program|cache|mailers|ring)\b"
)


def _default_server_ssl(lines: Lines, n: int) -> bool:
    """Does a ``default-server ... ssl`` apply to the server at line ``n``: in its own
    section, or in a ``defaults`` section before it?"""
    own = True
    for i in range(n - 1, 0, -1):
        text = _directive(lines, i)
        head = _SECTION.match(lines.get(i) or "")
        if head is not None:
            own = False
            if head.group(1) != "defaults":
                continue
        if (own or _in_defaults(lines, i)) and text.startswith("default-server ") and "ssl" in text.split():
            return True
    return False


def _in_defaults(lines: Lines, n: int) -> bool:
    for i in range(n, 0, -1):
        head = _SECTION.match(lines.get(i) or "")
        if head is not None:
            return head.group(1) == "defaults"
    return False


_CRT = re.compile(r"\s(crt|crt-list)\s")
_REDIRECT = re.compile(r"^(http-request\s+redirect|redirect)\s")


def _bind_tls(lines: Lines, req: FixRequest, text: str) -> FixEdits | None:
    """``ssl`` on a bind that names its certificate without it (HAProxy then accepts the
    certificate and speaks plain HTTP); for a bind without one, the certificate of another
    ``ssl`` bind of the same section, which may not be this address's: unsafe."""
    if "ssl" in text.split():
        return None
    start, _ = lines.code(req.at.line, hash_comment)
    m = _CRT.search(text)
    if m is not None:
        col = start + m.start()
        return FixEdits((Edit(lines.path, req.at.line, col, req.at.line, col, " ssl"),), safe=req.certain)
    for n in _section_lines(lines, req.at.line):
        other = _directive(lines, n)
        found = re.search(r"\s(crt|crt-list)\s+\S+", other)
        if other.startswith("bind ") and "ssl" in other.split() and found is not None:
            return FixEdits(
                (_append(lines, req.at.line, "ssl" + found.group(0)),),
                safe=False,
                note=f"uses the certificate of the bind at line {n}: check that it covers this address's names",
            )
    return None


def _section_lines(lines: Lines, n: int) -> list[int]:
    """The other lines of the section that holds line ``n``."""
    first = next((i for i in range(n, 0, -1) if _SECTION.match(lines.get(i) or "")), 1)
    last = next(
        (i - 1 for i in range(n + 1, len(lines.lines) + 1) if _SECTION.match(lines.get(i) or "")), len(lines.lines)
    )
    return [i for i in range(first + 1, last + 1) if i != n]


def _exempt(lines: Lines, req: FixRequest, text: str) -> FixEdits | None:
    """The websocket URLs taken out of a redirect rule's condition, so that they reach the
    backend the frontend routes them to (the check asks for this fix only when they then do).
    Each ``||`` term of an ``if`` gets ``!{ path_beg ... }`` (HAProxy has no parentheses); an
    ``unless`` gets ``|| { path_beg ... }``; a rule without a condition gets an ``unless``."""
    paths = req.ws_paths or (req.details.get("path", ""),)
    acl = "{ path_beg " + " ".join(p for p in paths if p) + " }"
    words = list(re.finditer(r"\S+", text))
    depth = 0
    cond = None
    for i, w in enumerate(words):
        if w.group() == "{":
            depth += 1
        elif w.group() == "}":
            depth -= 1
        elif depth == 0 and i >= 2 and w.group() in ("if", "unless"):
            cond = i
            break
    if cond is None:
        new = f"{text} unless {acl}"
    elif words[cond].group() == "unless":
        new = f"{text} || {acl}"
    else:
        cuts = [w.start() for w in words[cond + 1 :] if w.group() in ("||", "or")]
        new, last = "", 0
        for cut in [*cuts, len(text)]:
            new += text[last:cut].rstrip() + f" !{acl}" + (" " if cut < len(text) else "")
            last = cut
    start, end = lines.code(req.at.line, hash_comment)
    return FixEdits((lines.replace_span(req.at.line, start, end, new),), safe=req.certain)

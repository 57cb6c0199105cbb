"""The fixes a check names, as edits on nginx's own text.

Each fix changes or adds one directive where the model says (the websocket location's
``proxy_pass`` line, the line that sets a wrong value), indented like its neighbours, with
the comment after it kept. A location that has no ``proxy_set_header`` of its own inherits
the enclosing level's: adding one there would drop those, so the edit repeats them too.
"""

from __future__ import annotations

import re

from linter.core.fixes import Edit, Fix, FixEdits, FixRequest
from linter.core.tree import Loc
from parsers.edit_text import Lines, Texts, hash_comment

from .lex import lex_text

UPGRADE = "proxy_set_header Upgrade $http_upgrade;"
CONNECTION = "proxy_set_header Connection $connection_upgrade;"
MAP = ("map $http_upgrade $connection_upgrade {", "    default upgrade;", "    ''      close;", "}")
_DEFINES_MAP = re.compile(r"^\s*map\s+\S+\s+\$connection_upgrade\s*\{", re.M)
_HTTP_BLOCK = re.compile(r"^\s*http\s*\{\s*(#.*)?$")
_SCHEME = {
    Fix.SCHEME_FOR_TLS_PORT: (re.compile(r"\bhttp://"), "https://"),
    Fix.SCHEME_FOR_PLAIN_PORT: (re.compile(r"\bhttps://"), "http://"),
}
_LISTEN = re.compile(r"^(listen\s+[^;]*?)(\s*;)")


def edits(req: FixRequest, texts: Texts) -> FixEdits | None:
    key = req.key
    if key is Fix.FORWARD_UPGRADE:
        return _header(req, texts, UPGRADE)
    if key is Fix.FORWARD_CONNECTION:
        return _connection(req, texts)
    if key is Fix.REPEAT_INHERITED:
        return _repeat(req, texts)
    if key is Fix.HTTP11:
        return _setting(req, texts, "proxy_http_version 1.1;")
    if key is Fix.RAISE_IDLE_TIMEOUT:
        threshold = req.details.get("threshold", "3600")
        return _setting(req, texts, f"proxy_read_timeout {threshold}s;")
    if key in _SCHEME:
        return _scheme(req, texts)
    if key is Fix.FRONT_TLS:
        return _front_tls(req, texts)
    if key is Fix.NO_TRAILING_SLASH:
        return _no_trailing_slash(req, texts)
    if key is Fix.DISABLE_REUSE:
        return _split_upstream(req, texts)
    return None


def _lines(texts: Texts, loc: Loc | None) -> Lines | None:
    return None if loc is None else texts(loc.file)


def _directive(lines: Lines, n: int) -> str:
    start, end = lines.code(n, hash_comment)
    return (lines.get(n) or "")[start:end]


def _single(lines: Lines, n: int) -> bool:
    """The line holds whole directives only: no brace, so an edit stays in its block."""
    text = _directive(lines, n)
    return bool(text) and text.endswith(";") and "{" not in text and "}" not in text


def block_lines(lines: Lines, n: int) -> tuple[int, int] | None:
    """First and last line of the block that opens at line ``n`` (a ``location`` line), or
    at the first brace after it. Lexed from line ``n`` on, as far as the block goes: a run
    asks this for many findings in one big file."""
    if lines.get(n) is None:
        return None
    depth = 0
    opened = 0
    try:
        for tok, line, quoted in lex_text(lines.text, start=lines.start(n), first_line=n):
            if tok == "{" and not quoted:
                depth += 1
                opened = opened or line
            elif tok == "}" and not quoted:
                depth -= 1
                if depth == 0 and opened:
                    return opened, line
    except Exception:  # a file nginx would not load has no block to edit
        return None
    return None


def _outside(req: FixRequest, lines: Lines, locs: tuple[Loc, ...]) -> list[Loc]:
    """Of ``locs``, those not inside the route's block (set at an enclosing level)."""
    if req.route is None:
        return list(locs)
    span = block_lines(lines, req.route.line) if req.route.file == lines.path else None
    if span is None:
        return list(locs)
    return [x for x in locs if x.file != lines.path or not span[0] <= x.line <= span[1]]


def _after_proxy(req: FixRequest, texts: Texts, new: list[str], repeat: bool) -> list[Edit] | None:
    """Lines added after the route's proxy_pass; with ``repeat``, the header lines in force
    from an enclosing level come first (the location's own list replaces them)."""
    lines = _lines(texts, req.proxy)
    if lines is None or req.proxy is None or not _single(lines, req.proxy.line):
        return None
    added: list[str] = []
    if repeat:
        for loc in _outside(req, lines, req.inherited):
            other = texts(loc.file)
            if other is None or not _single(other, loc.line):
                return None
            added.append(_directive(other, loc.line))
    added += new
    pad = lines.indent(req.proxy.line)
    return [lines.insert_after(req.proxy.line, ("\n" + pad).join(added))]


def _replace_line(texts: Texts, loc: Loc, new: str) -> Edit | None:
    lines = texts(loc.file)
    if lines is None or not _single(lines, loc.line):
        return None
    start, end = lines.code(loc.line, hash_comment)
    if (lines.get(loc.line) or "")[start:end] == new:
        return None
    return lines.replace_span(loc.line, start, end, new)


def _header(req: FixRequest, texts: Texts, line: str, extra: list[Edit] | None = None) -> FixEdits | None:
    if req.setting is not None:
        edit = _replace_line(texts, req.setting, line)
        found = None if edit is None else [edit]
    else:
        found = _after_proxy(req, texts, [line], repeat=True)
    if not found:
        return None
    return FixEdits(tuple(found) + tuple(extra or ()), safe=req.certain)


def _connection(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``Connection: $connection_upgrade``, with the map that defines it when none does."""
    if texts.search(req.files, _DEFINES_MAP):
        return _header(req, texts, CONNECTION)
    entry = texts(req.files[0]) if req.files else None
    http = next((i + 1 for i, t in enumerate(entry.lines) if _HTTP_BLOCK.match(t)), None) if entry else None
    if entry is None or http is None:
        return None  # a fragment without the http block: where the map goes is not in what was read
    pad = entry.indent(http)
    inner = entry.indent(http + 1) if entry.get(http + 1) and entry.indent(http + 1) else pad + "    "
    _, eol = entry.end(http)
    block = eol.join(inner + t for t in MAP) + eol
    return _header(req, texts, CONNECTION, [Edit(entry.path, http + 1, 0, http + 1, 0, block)])


def _repeat(req: FixRequest, texts: Texts) -> FixEdits | None:
    """Copy the enclosing level's header lines that this block's own list drops, after it."""
    lines = texts(req.at.file)
    if lines is None or not _single(lines, req.at.line) or not req.inherited:
        return None
    copied = []
    for loc in req.inherited:
        other = texts(loc.file)
        if other is None or not _single(other, loc.line):
            return None
        copied.append(_directive(other, loc.line))
    pad = lines.indent(req.at.line)
    return FixEdits((lines.insert_after(req.at.line, ("\n" + pad).join(copied)),), safe=req.certain)


def _setting(req: FixRequest, texts: Texts, line: str) -> FixEdits | None:
    """Replace the setting where the route has it; else set it in the route itself (an
    enclosing level's value may serve other locations)."""
    if req.setting is not None:
        lines = texts(req.setting.file)
        inside = lines is not None and not _outside(req, lines, (req.setting,))
        if inside:
            edit = _replace_line(texts, req.setting, line)
            return None if edit is None else FixEdits((edit,), safe=req.certain)
    found = _after_proxy(req, texts, [line], repeat=False)
    return FixEdits(tuple(found), safe=req.certain) if found else None


def _scheme(req: FixRequest, texts: Texts) -> FixEdits | None:
    pattern, repl = _SCHEME[req.key]
    loc = req.proxy
    lines = _lines(texts, loc)
    if lines is None or loc is None or not _directive(lines, loc.line).startswith("proxy_pass "):
        return None
    edit = lines.sub_in_code(loc.line, pattern, repl, hash_comment)
    return None if edit is None else FixEdits((edit,), safe=req.certain)


def _front_tls(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``listen 443;`` -> ``listen 443 ssl;``: safe only where the server holds a
    certificate (nginx refuses ``ssl`` without one)."""
    lines = texts(req.at.file)
    if lines is None:
        return None
    text = _directive(lines, req.at.line)
    m = _LISTEN.match(text)
    if m is None or " ssl" in text:
        return None
    start, _ = lines.code(req.at.line, hash_comment)
    col = start + m.end(1)
    span = block_lines(lines, _enclosing_server(lines, req.at.line))
    has_cert = span is not None and any(
        _directive(lines, n).startswith("ssl_certificate ") for n in range(span[0], span[1] + 1)
    )
    return FixEdits(
        (Edit(lines.path, req.at.line, col, req.at.line, col, " ssl"),),
        safe=req.certain and has_cert,
        note="" if has_cert else "the server has no ssl_certificate: add one, or nginx refuses the listen",
    )


def _enclosing_server(lines: Lines, n: int) -> int:
    for i in range(n, 0, -1):
        if re.match(r"^\s*server\s*\{", lines.get(i) or ""):
            return i
    return n


_SLASHED = re.compile(r"^(location\s+)(\^~\s+)?(/\S*?)/(\s*\{)")
_URI_PART = re.compile(r"^proxy_pass\s+\S+://[^/\s;]+/")


def _no_trailing_slash(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``location /gateway/websocketcall/`` -> ``location /gateway/websocketcall``: the URL
    itself is then proxied by the same block instead of answered with nginx's automatic 301,
    and every longer URL still matches it. Safe only when the block's proxy_pass has no URI
    part: with one, nginx substitutes the (now shorter) prefix and the paths sent change."""
    lines = texts(req.at.file)
    if lines is None:
        return None
    text = _directive(lines, req.at.line)
    m = _SLASHED.match(text)
    if m is None or m.group(3) != req.details.get("path", m.group(3)):
        return None
    span = block_lines(lines, req.at.line)
    if span is None:
        return None
    passes = [
        _directive(lines, n) for n in range(span[0], span[1] + 1) if _directive(lines, n).startswith("proxy_pass ")
    ]
    start, _ = lines.code(req.at.line, hash_comment)
    col = start + m.end(3)
    return FixEdits(
        (Edit(lines.path, req.at.line, col, req.at.line, col + 1, ""),),
        safe=req.certain and len(passes) == 1 and not _URI_PART.match(passes[0]),
        note="" if passes and not _URI_PART.match(passes[0]) else "the proxy_pass URI part maps paths differently",
    )


_UPSTREAM = re.compile(r"^upstream\s+([^\s{]+)\s*\{$")
_POOL_LINE = re.compile(r"^keepalive(_\w+)?\s")  # keepalive, keepalive_requests/_time/_timeout
_ZONE = re.compile(r"^(zone\s+)(\S+)")


def _split_upstream(req: FixRequest, texts: Texts) -> FixEdits | None:
    """A copy of the upstream block without its keep-alive lines, for the websocket URLs only:
    their proxy_pass lines name the copy, the pages keep the pooled original. A pool that only
    ever carries upgrades never holds an idle connection (an upgraded connection is not given
    back), which is what FAS <= 2.5.2 needs. Unsafe: the two groups no longer share their
    servers' failure state, and nginx >= 1.29.7 keeps its default pool on the copy too. Not
    offered when page requests go through the websocket's own location (``location /gateway/``):
    they would fill the copy's pool as well."""
    if req.backend is None or req.proxy is None or req.route_fills_pool is not False:
        return None  # pages through the websocket's own location would fill the copy's pool too
    lines = texts(req.backend.file)
    if lines is None:
        return None
    m = _UPSTREAM.match(_directive(lines, req.backend.line))
    span = block_lines(lines, req.backend.line)
    if m is None or span is None or span[0] != req.backend.line or span[1] == span[0]:
        return None  # a one-line upstream block: nothing to copy line by line
    name = m.group(1)
    new = next(
        n
        for n in (f"{name}_ws", *(f"{name}_ws{i}" for i in range(2, 100)))
        if not texts.search(req.files, re.compile(rf"^\s*upstream\s+{re.escape(n)}\s*\{{", re.M))
    )
    body: list[str] = []
    for n in range(span[0] + 1, span[1]):
        raw = lines.get(n) or ""
        text = _directive(lines, n)
        if _POOL_LINE.match(text):
            continue
        zone = _ZONE.match(text)
        if zone is not None:  # a shared memory zone's name must be unique
            start, _ = lines.code(n, hash_comment)
            raw = raw[: start + zone.end(1)] + f"{new}_zone" + raw[start + zone.end(2) :]
        body.append(raw.rstrip("\r"))
    pad = lines.indent(req.backend.line)
    inner = next((lines.indent(n) for n in range(span[0] + 1, span[1]) if _directive(lines, n)), pad + "    ")
    block = "\n".join(
        [
            "",
            f"{pad}upstream {new} {{",
            f"{inner}# the websocket URLs only: no idle connections (FAS <= 2.5.2)",
            *body,
            pad + "}",
        ]
    )
    out = [lines.insert_after(span[1], block, indent="")]
    target = re.compile(rf"(?<=://){re.escape(name)}(?=[/;:\s]|$)")
    for loc in dict.fromkeys((req.proxy, *req.also)):
        other = texts(loc.file)
        if other is None or not _directive(other, loc.line).startswith("proxy_pass "):
            return None
        edit = other.sub_in_code(loc.line, target, new, hash_comment)
        if edit is None:
            return None  # a target written with variables: the edit would not reach it
        out.append(edit)
    return FixEdits(
        tuple(out),
        safe=False,
        note=f"a separate upstream {new} for the websocket URLs: the pages keep {name} and its pool",
    )

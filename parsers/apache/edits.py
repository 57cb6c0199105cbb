"""The fixes a check names, as edits on Apache httpd's own text.

Most websocket fixes in httpd are worker parameters: a key=value added to the ``ProxyPass``
line that the model says carries the websocket URL (``upgrade=websocket``,
``disablereuse=On``, ``timeout=``). A parameter only changes what that worker does, so
such a fix is safe; removing a line the operator wrote on purpose (``RequestHeader unset
Upgrade``, a hardening rule) is not.
"""

from __future__ import annotations

import re

from linter.core.fixes import Edit, Fix, FixEdits, FixRequest
from linter.core.tree import Loc
from parsers.edit_text import Lines, Texts

_PROXY_PASS = re.compile(r"^ProxyPass(Match)?\s", re.I)
_BALANCER = re.compile(r"\sbalancer://", re.I)
_HTTP_TARGET = re.compile(r"\shttps?://", re.I)
_SCHEME = {
    Fix.SCHEME_FOR_TLS_PORT: (re.compile(r"\b(http|ws)://", re.I), "\\1s://"),
    Fix.SCHEME_FOR_PLAIN_PORT: (re.compile(r"\b(http|ws)s://", re.I), "\\1://"),
}
_IP_TARGET = re.compile(r"\s\w+://(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])[:/\s]", re.I)
_ENGINE_ON = re.compile(r"^\s*SSLProxyEngine\s+on\b", re.I | re.M)
_SSL_LOADED = re.compile(r"^\s*LoadModule\s+ssl_module\b", re.I | re.M)
_DOWNGRADE = re.compile(r"^\s*SetEnv(If)?\b.*force-proxy-request-1\.0", re.I | re.M)


def _comment(line: str) -> int:
    """httpd has whole-line comments only: a ``#`` after a directive is one of its arguments."""
    return 0 if line.lstrip().startswith("#") else len(line)


def _directive(lines: Lines, n: int) -> str:
    start, end = lines.code(n, _comment)
    return (lines.get(n) or "")[start:end]


def edits(req: FixRequest, texts: Texts) -> FixEdits | None:
    key = req.key
    if key in (Fix.FORWARD_UPGRADE, Fix.FORWARD_CONNECTION, Fix.REPEAT_INHERITED):
        return _upgrade(req, texts)
    if key is Fix.DISABLE_REUSE:
        return _param(req, texts, "disablereuse", "On", balancer_ok=False)
    if key is Fix.RAISE_IDLE_TIMEOUT:
        return _param(req, texts, "timeout", req.details.get("threshold", "3600"), balancer_ok=False, raise_only=True)
    if key in _SCHEME:
        return _scheme(req, texts)
    if key is Fix.ENABLE_BACKEND_TLS:
        return _engine(req, texts)
    if key is Fix.FRONT_TLS:
        return _ssl_engine(req, texts)
    if key is Fix.HTTP11:
        return _no_downgrade(req, texts)
    if key is Fix.NO_REDIRECT:
        return _exempt(req, texts)
    return None


def _proxy_pass(texts: Texts, loc: Loc | None) -> tuple[Lines, int, str] | None:
    """The ProxyPass line at ``loc`` (one physical line), with its directive text."""
    if loc is None:
        return None
    lines = texts(loc.file)
    if lines is None:
        return None
    text = _directive(lines, loc.line)
    if not _PROXY_PASS.match(text) or text.endswith("\\"):
        return None
    return lines, loc.line, text


def _params(text: str) -> dict[str, str]:
    return {k.lower(): v for k, _, v in (w.partition("=") for w in text.split()[2:] if "=" in w)}


def _append(lines: Lines, n: int, word: str) -> Edit:
    _, end = lines.code(n, _comment)
    return Edit(lines.path, n, end, n, end, " " + word)


def _upgrade(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``upgrade=websocket`` on an http:// worker; where a RequestHeader line removes the
    Upgrade header instead, deleting that line is the fix, and it is not safe (it was
    written to stop h2c smuggling)."""
    lines = texts(req.setting.file) if req.setting is not None else None
    if (
        lines is not None
        and req.setting is not None
        and re.match(r"RequestHeader\s", _directive(lines, req.setting.line), re.I)
    ):
        return FixEdits(
            (lines.delete_line(req.setting.line),),
            safe=False,
            note="removes a RequestHeader rule (often h2c-smuggling hardening)",
        )
    found = _proxy_pass(texts, req.proxy)
    if found is None:
        return None
    lines, n, text = found
    params = _params(text)
    if "upgrade" in params or not _HTTP_TARGET.search(text) or _BALANCER.search(text):
        return None
    if texts.search(req.files, _DOWNGRADE):
        return None  # the downgrade is the cause, not the parameter
    return FixEdits((_append(lines, n, "upgrade=websocket"),), safe=req.certain)


def _param(
    req: FixRequest, texts: Texts, name: str, value: str, balancer_ok: bool, raise_only: bool = False
) -> FixEdits | None:
    # a worker's parameters count where the worker is defined: a later ProxyPass that shares
    # it (its URL has the earlier worker's as prefix) has its parameters ignored, so the
    # finding's own line, when it is that defining ProxyPass, is the one to change
    found = (_proxy_pass(texts, req.at) if name == "disablereuse" else None) or _proxy_pass(texts, req.proxy)
    if found is None:
        return None
    lines, n, text = found
    if not balancer_ok and _BALANCER.search(text):
        return None  # a balancer's members carry the parameter, in another section
    m = re.search(rf"(?<=\s){name}=(\S*)", text, re.I)
    start, _ = lines.code(n, _comment)
    if m is None:
        return FixEdits((_append(lines, n, f"{name}={value}"),), safe=req.certain)
    if m.group(1).lower() == value.lower():
        return None
    if raise_only:
        try:
            if float(m.group(1)) >= float(value):
                return None
        except ValueError:
            return None
    edit = Edit(lines.path, n, start + m.start(1), n, start + m.end(1), value)
    return FixEdits((edit,), safe=req.certain)


def _scheme(req: FixRequest, texts: Texts) -> FixEdits | None:
    """The scheme toward FAS's port; toward TLS it needs ``SSLProxyEngine on``, which the
    next round adds (WSP202 asks for it)."""
    found = _proxy_pass(texts, req.proxy)
    if found is None:
        return None
    lines, n, text = found
    pattern, repl = _SCHEME[req.key]
    edit = lines.sub_in_code(n, pattern, repl, _comment)
    if edit is None:
        return None
    if req.key is Fix.SCHEME_FOR_TLS_PORT and _IP_TARGET.search(text):
        # mod_ssl then checks FAS's certificate against the address, which it never matches
        # (no IP SANs: 500, seen live on bad-plain-to-8443.conf): one step, not the fix
        return FixEdits(
            (edit,),
            safe=False,
            note="FAS is addressed by IP: mod_ssl checks its certificate's names against it (500); use a "
            "host name the certificate carries, or SSLProxyCheckPeerName off",
        )
    return FixEdits((edit,), safe=req.certain)


def _engine(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``SSLProxyEngine on`` in the virtual host, before the route (a <Location> does not
    take it), when no file read turns it on already and mod_ssl is loaded."""
    if texts.search(req.files, _ENGINE_ON) or not texts.search(req.files, _SSL_LOADED):
        return None
    at = req.route or req.proxy
    if at is None:
        return None
    lines = texts(at.file)
    if lines is None:
        return None
    vhost = next((n for n in range(at.line, 0, -1) if re.match(r"\s*<VirtualHost\b", lines.get(n) or "", re.I)), None)
    if vhost is None:
        return None  # the server-wide setting: where it goes is the operator's choice
    # first in the virtual host: every route of it shares the one line
    return FixEdits((lines.insert_after(vhost, "SSLProxyEngine on", lines.indent(vhost + 1)),), safe=req.certain)


def _vhost_span(lines: Lines, n: int) -> tuple[int, int] | None:
    """The <VirtualHost> section around (or opening at) line ``n``."""
    start = next((i for i in range(n, 0, -1) if re.match(r"\s*<VirtualHost\b", lines.get(i) or "", re.I)), None)
    if start is None:
        return None
    end = next(
        (
            i
            for i in range(start + 1, len(lines.lines) + 1)
            if re.match(r"\s*</VirtualHost\s*>", lines.get(i) or "", re.I)
        ),
        None,
    )
    return None if end is None or end < n else (start, end)


def _ssl_engine(req: FixRequest, texts: Texts) -> FixEdits | None:
    """``SSLEngine on`` in a virtual host that already names its certificate and key, with
    mod_ssl loaded: what the operator meant by putting them there."""
    lines = texts(req.at.file)
    if lines is None:
        return None
    span = _vhost_span(lines, req.at.line)
    if span is None:
        return None
    body = [_directive(lines, i).lower() for i in range(span[0] + 1, span[1])]
    if any(b.startswith("sslengine ") for b in body):
        return None
    has_pair = any(b.startswith("sslcertificatefile ") for b in body) and any(
        b.startswith("sslcertificatekeyfile ") for b in body
    )
    ssl_loaded = texts.search(req.files, _SSL_LOADED)
    return FixEdits(
        (lines.insert_after(span[0], "SSLEngine on", lines.indent(span[0] + 1)),),
        safe=req.certain and has_pair and ssl_loaded,
        note="" if has_pair and ssl_loaded else "needs mod_ssl and SSLCertificateFile/SSLCertificateKeyFile",
    )


def _no_downgrade(req: FixRequest, texts: Texts) -> FixEdits | None:
    """Remove the ``SetEnv force-proxy-request-1.0`` line: the operator put it there for
    some backend, so it is not safe."""
    lines = texts(req.at.file)
    if lines is None:
        return None
    if not re.match(
        r"SetEnv(If\S*)?\s.*\b(force-proxy-request-1\.0|downgrade-1\.0)\b", _directive(lines, req.at.line), re.I
    ):
        return None
    return FixEdits((lines.delete_line(req.at.line),), safe=False, note="HTTP/1.1 toward every backend in its scope")


_STATUS = re.compile(r"^(permanent|temp|seeother|gone|\d{3})$", re.I)


def _exempt(req: FixRequest, texts: Texts) -> FixEdits | None:
    """The websocket URLs taken out of a redirect rule, so that they reach the ProxyPass or
    [P] rule that serves them (the check asks for this fix only when they then do): a
    ``RewriteCond %{REQUEST_URI} !^(...)`` first among the RewriteRule's conditions (first,
    so that an ``[OR]`` of the others cannot bypass it), or a lookahead after the ``^`` of an
    anchored ``RedirectMatch``. A prefix ``Redirect`` has no condition to narrow."""
    lines = texts(req.at.file)
    if lines is None:
        return None
    n = req.at.line
    text = _directive(lines, n)
    if text.endswith("\\"):
        return None
    paths = [p for p in req.ws_paths or (req.details.get("path", ""),) if p]
    alternatives = "|".join(re.escape(p) for p in paths)
    head = text.split(None, 1)[0].lower() if text else ""
    if head == "rewriterule":
        first = i = n  # the rule's first condition: comments and blank lines do not end them
        while i > 1:
            i -= 1
            above = _directive(lines, i).lower()
            if above.startswith("rewritecond "):
                first = i
            elif above:
                break
        cond = f"RewriteCond %{{REQUEST_URI}} !^({alternatives})"
        return FixEdits((lines.insert_before(first, cond, lines.indent(n)),), safe=req.certain)
    if head == "redirectmatch":
        words = list(re.finditer(r"\S+", text))
        regex = words[2] if len(words) > 2 and _STATUS.match(words[1].group()) else words[1] if len(words) > 1 else None
        if regex is None:
            return None
        anchor = 2 if regex.group().startswith('"^') else 1 if regex.group().startswith("^") else 0
        if not anchor:
            return None  # an unanchored pattern: a lookahead at its start would not exempt the URL
        start, _ = lines.code(n, _comment)
        col = start + regex.start() + anchor
        return FixEdits((Edit(lines.path, n, col, n, col, f"(?!{alternatives})"),), safe=req.certain)
    return None

"""``wsproxylint probe URL``: open the websocket as the browser would, and explain a failure.

Config is half the story: when a call already fails, the operator needs what the browser
sees (which step failed, what the console shows) and why, in the words of the console-error
table (``linter/app/console_errors.py``), and, given the proxy config, the line that predicts
exactly that symptom. The handshake itself is ``linter/app/handshake.py`` (shared with the
verification tests, so the probe and the tests classify the same way); this module adds
what a live diagnosis needs around it: name resolution as a step of its own (the browser's
``ERR_NAME_NOT_RESOLVED`` is not a connection failure), a reason for TLS failures (protocol,
untrusted, expired, name mismatch: the fixes differ), warm-up, repeats, and the report.

It is the only part of wsproxylint that touches the network, and only toward the URL given.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO
from urllib.parse import urlsplit

from linter.app.console_errors import Cause, for_symptom
from linter.app.handshake import BAD_ACCEPT, OK, HandshakeResult, HeldConnection, Target, handshake, warm_up
from linter.app.output import CliError, proxies, write
from linter.core import symptoms
from linter.core.fas import DEFAULT_WS_PATHS, PLAIN_PORTS, TLS_PORTS, ws_base
from linter.core.findings import Finding
from linter.core.symptoms import (
    IDLE_DISCONNECT,
    MISSING_ACCEPT,
    NAME_NOT_RESOLVED,
    REFUSED,
    RESET,
    TIMED_OUT,
    TLS_ERROR,
)

SCHEMES = ("ws", "wss")
# what carried the websocket, as the report names it
HTTP1_WS = "http/1.1"
H2_WS = "h2 (RFC 8441 extended CONNECT)"
FORMATS = ("text", "json")
WARM_CONNECTIONS = 3
WARM_REQUESTS = 2

# Why TLS failed at the front: each has its own console code in Chrome (the symptom
# table's reasons) and its own fix (reason -> cause, what to check).
TLS_REASONS: dict[str, tuple[str, str]] = {
    "protocol-error": (
        "No TLS handshake was possible: the port does not speak TLS (a listener without TLS, or FAS's plain "
        "port 8080), or it offers no protocol version or cipher the browser accepts",
        "The listener for this port has TLS enabled (nginx `listen ... ssl`, Apache `SSLEngine on`, HAProxy "
        "`bind ... ssl crt ...`) and allows TLS 1.2 or 1.3: `openssl s_client -connect HOST:PORT` must complete",
    ),
    "untrusted-certificate": (
        "The certificate does not chain to a CA the client trusts: self-signed, a private CA, or the "
        "intermediate certificates are not served",
        "Serve the full chain (leaf first, then the intermediates); for a private CA, install it on the clients "
        "(and probe with --ca FILE); TLS inspection on the client's network presents its own certificate",
    ),
    "expired-certificate": (
        "The certificate has expired, or is not valid yet",
        "Renew it and reload the proxy; check the clocks of the client and of the proxy host",
    ),
    "name-mismatch": (
        "The certificate served does not name the host in the URL",
        "Which certificate this listener serves for this name (SNI: server_name / ServerName / crt list) and its "
        "names: `openssl s_client -connect HOST:PORT -servername HOST | openssl x509 -noout -ext subjectAltName`",
    ),
}


def accept_reason(r: HandshakeResult) -> str | None:
    """Which header of a 101 the browser rejects, in the order Chrome checks them; None when
    the 101 is acceptable or the result is not a 101."""
    if r.status != 101:
        return None
    if r.symptom == BAD_ACCEPT:
        return "incorrect-accept"
    if r.symptom != MISSING_ACCEPT:
        return None
    if "websocket" not in r.headers.get("upgrade", "").lower():
        return "missing-upgrade"
    if "upgrade" not in {t.strip().lower() for t in r.headers.get("connection", "").split(",")}:
        return "missing-connection"
    return "missing-accept"


# The request headers linter/app/handshake.py sends, spelled as it spells them, so that a
# --header with the same name in any case replaces the browser's value instead of
# adding a second header.
HANDSHAKE_HEADERS = (
    "Host",
    "Connection",
    "Pragma",
    "Cache-Control",
    "User-Agent",
    "Upgrade",
    "Origin",
    "Sec-WebSocket-Version",
    "Accept-Encoding",
    "Accept-Language",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Extensions",
)


class ProbeUsageError(CliError):
    """Bad arguments: the message goes to stderr, exit status 2."""


@dataclass(slots=True)
class ProbeArgs:
    url: str
    origin: str | None = None
    header: list[str] = field(default_factory=list)
    ca: str | None = None
    insecure: bool = False
    hold: float = 0.0
    repeat: int = 1
    warm: bool = False
    timeout: float = 5.0
    format: str = "text"
    config: str | None = None
    http1: bool = False  # never offer h2 (the websocket's own HTTP/1.1 connection, as before)


@dataclass(slots=True)
class Step:
    """One step of an attempt as the report shows it; ``seconds`` is None when not timed."""

    name: str  # dns, warm, tcp, tls, http, upgrade, accept, hold, echo
    ok: bool
    seconds: float | None
    detail: str


@dataclass(slots=True)
class Attempt:
    number: int
    symptom: str | None  # contract vocabulary (+ name-not-resolved); None: the call works
    reason: str | None  # finer cause where the fixes differ (TLS, Accept); else None
    detail: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    protocol: str = HTTP1_WS  # what carried the websocket


@dataclass(slots=True)
class Outcome:
    url: str
    attempts: list[Attempt]
    symptom: str | None
    reason: str | None
    detail: str
    hints: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # matching ones first
    matching: int = 0  # how many of ``findings`` predict ``symptom``
    config_files: list[tuple[str, str]] = field(default_factory=list)
    config_notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.symptom is None


# ----------------------------------------------------------------------------- arguments


def validate(a: ProbeArgs) -> tuple[Target, dict[str, str]]:
    """The handshake target and extra headers, or ProbeUsageError."""
    parts = urlsplit(a.url)
    if parts.scheme not in SCHEMES:
        raise ProbeUsageError(f"URL: expected ws:// or wss://, not {a.url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ProbeUsageError(f"URL: bad port in {a.url!r}") from None
    if not parts.hostname:
        raise ProbeUsageError(f"URL: no host in {a.url!r}")
    del port
    if a.format not in FORMATS:
        raise ProbeUsageError(f"--format: expected text or json, not {a.format!r}")
    if a.repeat < 1:
        raise ProbeUsageError(f"--repeat: expected 1 or more, not {a.repeat}")
    if a.timeout <= 0:
        raise ProbeUsageError(f"--timeout: expected seconds > 0, not {a.timeout:g}")
    if a.hold < 0:
        raise ProbeUsageError(f"--hold: expected seconds >= 0, not {a.hold:g}")
    if a.ca is not None and not os.path.isfile(a.ca):
        raise ProbeUsageError(f"--ca: {a.ca}: no such file")
    if a.ca is not None and a.insecure:
        raise ProbeUsageError("--ca and --insecure exclude each other")
    if a.config is not None and not os.path.exists(a.config):
        raise ProbeUsageError(f"--config: {a.config}: no such file or directory")
    extra: dict[str, str] = {}
    for h in a.header:
        name, sep, value = h.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n") or "\n" in value or "\r" in value:
            raise ProbeUsageError(f"--header: expected 'Name: value', not {h!r}")
        canonical = {n.lower(): n for n in HANDSHAKE_HEADERS}.get(name.strip().lower(), name.strip())
        extra[canonical] = value.strip()
    target = Target(a.url, ca_file=a.ca, insecure=a.insecure, origin=a.origin, timeout=a.timeout)
    if a.ca is not None:
        import ssl

        try:
            ssl.create_default_context(cafile=a.ca)
        except (ssl.SSLError, OSError) as e:
            raise ProbeUsageError(f"--ca: {a.ca}: not a PEM certificate file ({e})") from None
    return target, extra


# ----------------------------------------------------------------------------- the probe


def resolve(host: str, port: int, timeout: float) -> list[str]:
    """The addresses the name resolves to, in the resolver's order (bounded by ``timeout``:
    getaddrinfo itself has none). Raises ``OSError`` with the resolver's reason."""
    if _is_address(host):
        return [host.strip("[]")]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        fut = pool.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
        try:
            infos = fut.result(timeout)
        except concurrent.futures.TimeoutError:
            raise OSError(f"no answer from the resolver within {timeout:g} s") from None
    finally:
        pool.shutdown(wait=False)
    out: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in out:
            out.append(addr)
    if not out:
        raise OSError("no address")
    return out


def probe(a: ProbeArgs) -> Outcome:
    target, extra = validate(a)
    attempts = [_attempt(i + 1, target, extra, a) for i in range(a.repeat)]
    failed = [t for t in attempts if t.symptom is not None]
    if failed:
        symptom = Counter(t.symptom for t in failed).most_common(1)[0][0]
        first = next(t for t in failed if t.symptom == symptom)
        reason, detail = first.reason, first.detail
    else:
        symptom, reason, detail = None, None, attempts[-1].detail
    out = Outcome(a.url, attempts, symptom, reason, detail)
    out.hints = _hints(out, target, a)
    if a.config is not None:
        _correlate(out, a.config, urlsplit(a.url).path or "/")
    return out


def _attempt(number: int, target: Target, extra: dict[str, str], a: ProbeArgs) -> Attempt:
    steps: list[Step] = []
    t0 = time.monotonic()
    try:
        addresses = resolve(target.hostname, target.port, a.timeout)
    except OSError as e:
        why = e.strerror if isinstance(e, socket.gaierror) and e.strerror else str(e)
        steps.append(Step("dns", False, time.monotonic() - t0, f"{target.hostname}: {why}"))
        return Attempt(number, NAME_NOT_RESOLVED, None, f"{target.hostname} does not resolve: {why}", steps=steps)
    literal = _is_address(target.hostname)
    steps.append(
        Step(
            "dns",
            True,
            time.monotonic() - t0,
            f"{target.hostname} is an address, no lookup"
            if literal
            else f"{target.hostname} -> {', '.join(addresses)}",
        )
    )

    result: HandshakeResult | None = None
    over_h2 = False
    tried: list[str] = []
    for addr in addresses:
        dialled = Target(
            target.url, (addr, target.port), None, None, target.ca_file, target.insecure, target.origin, target.timeout
        )
        tried.append(_fmt(addr, target.port))
        held: list[HeldConnection] = []
        try:
            if a.warm:
                t1 = time.monotonic()
                held, pages = warm_up(
                    dialled, [ws_base(urlsplit(target.url).path or "/")], WARM_CONNECTIONS, WARM_REQUESTS
                )
                codes = Counter(p.status for p in pages)
                summary = ", ".join(f"{n} x {c}" for c, n in sorted(codes.items())) or "no answer"
                steps.append(
                    Step(
                        "warm",
                        bool(pages),
                        time.monotonic() - t1,
                        f"{len(held)} keep-alive connection(s) held open, {len(pages)} page request(s) "
                        f"on {ws_base(urlsplit(target.url).path or '/')}: {summary}",
                    )
                )
            # a key given with --header is the one the Accept must answer
            headers = {k: v for k, v in extra.items() if k != "Sec-WebSocket-Key"}
            if target.tls and not a.http1:
                over_h2, result = _try_h2(dialled, steps, headers, a)
                if over_h2:
                    break
            result = handshake(dialled, quiet=a.hold, extra_headers=headers, key=extra.get("Sec-WebSocket-Key"))
        finally:
            for conn in held:
                conn.close()
        # the browser tries the next address only when this one cannot be reached
        if not (result.symptom == REFUSED and "tcp" not in result.timings):
            break
    assert result is not None
    if over_h2:
        return _read_h2(number, result, target, steps, tried, a)
    return _read(number, result, target, steps, tried, a)


def _try_h2(dialled: Target, steps: list[Step], headers: dict[str, str], a: ProbeArgs) -> tuple[bool, HandshakeResult]:
    """Offer h2 as a browser does on wss://; True when the websocket went over an h2
    stream (with --warm, after the page loads as earlier streams of that connection).
    Otherwise a step says why the browser would open HTTP/1.1 instead."""
    from linter.app.handshake_h2 import H2, h2_handshake  # the h2 package only for probes

    path = urlsplit(dialled.url).path or "/"
    pages = [ws_base(path)] * (WARM_CONNECTIONS * WARM_REQUESTS) if a.warm else []
    h2_headers = {k: v for k, v in headers.items() if k.lower() in ("origin", "cookie", "authorization")}
    t0 = time.monotonic()
    result, alpn, over_h2 = h2_handshake(dialled, pages, a.hold, h2_headers)
    if over_h2:
        if pages:
            steps.append(
                Step(
                    "warm",
                    True,
                    None,
                    f"{len(pages)} page request(s) on {ws_base(path)} as earlier "
                    "streams of the same h2 connection, as a page's own loads are",
                )
            )
        return True, result
    if alpn is not None or result.symptom == OK:
        why = "the front chose HTTP/1.1 (ALPN)" if alpn != H2 else "h2 without extended CONNECT (RFC 8441)"
        steps.append(
            Step(
                "h2",
                True,
                time.monotonic() - t0,
                f"{why}: the browser opens the websocket over HTTP/1.1 on a connection of its own",
            )
        )
    return False, result


def _read(
    number: int, r: HandshakeResult, target: Target, steps: list[Step], tried: list[str], a: ProbeArgs
) -> Attempt:
    """Turn the handshake's result into the report's steps, symptom and reason."""
    t = r.timings
    symptom: str | None = None if r.symptom == OK else r.symptom
    reason: str | None = None
    where = tried[-1]
    if "tcp" in t:
        steps.append(Step("tcp", True, t["tcp"], f"connected to {where}"))
    elif r.symptom == REFUSED:
        steps.append(Step("tcp", False, None, r.detail + (f" (tried {', '.join(tried)})" if len(tried) > 1 else "")))
        reason = "timeout" if "within" in r.detail else None
    if target.tls:
        if "tls" in t:
            steps.append(
                Step(
                    "tls",
                    True,
                    t["tls"],
                    "certificate not verified (--insecure)"
                    if target.insecure
                    else f"certificate valid for {target.hostname}",
                )
            )
        elif r.symptom == TLS_ERROR:
            reason = tls_reason(r.detail)
            steps.append(Step("tls", False, None, f"{r.detail} [{reason}]"))
    if "response" in t:
        steps.append(
            Step("http", r.status == 101, t["response"], "101 Switching Protocols" if r.status == 101 else r.detail)
        )
    elif r.symptom == RESET:
        steps.append(Step("http", False, None, r.detail))
    accept_problem = accept_reason(r)
    if r.status == 101:
        upgrade_ok = accept_problem not in ("missing-upgrade", "missing-connection")
        steps.append(
            Step(
                "upgrade",
                upgrade_ok,
                None,
                f"Upgrade: {r.headers.get('upgrade', '(none)')}, Connection: {r.headers.get('connection', '(none)')}",
            )
        )
        if upgrade_ok:
            if accept_problem == "missing-accept":
                steps.append(Step("accept", False, None, "no Sec-WebSocket-Accept header"))
            elif accept_problem == "incorrect-accept":
                steps.append(Step("accept", False, None, r.detail))
            else:
                steps.append(
                    Step(
                        "accept",
                        True,
                        None,
                        f"Sec-WebSocket-Accept {r.headers.get('sec-websocket-accept', '')} matches the key",
                    )
                )
    if accept_problem is not None:
        reason = accept_problem
        symptom = MISSING_ACCEPT
    if "quiet" in t:
        held_ok = r.symptom == OK or "echo" in t
        steps.append(
            Step(
                "hold",
                held_ok and symptom is None,
                t["quiet"],
                f"silent for {a.hold:g} s" + ("" if symptom is None else f": {r.detail}"),
            )
        )
    if "echo" in t:
        steps.append(Step("echo", True, t["echo"], "text frame sent and echoed back"))
    elif r.status == 101 and symptom is not None and reason is None and "quiet" not in t:
        steps.append(Step("echo", False, None, r.detail))
    return Attempt(number, symptom, reason, r.detail, r.status, dict(r.headers), steps)


def _read_h2(
    number: int, r: HandshakeResult, target: Target, steps: list[Step], tried: list[str], a: ProbeArgs
) -> Attempt:
    """The report's steps for a websocket opened as an h2 stream: no 101 and no Accept
    there; the answer is a status on the stream (2xx opens it) or a reset."""
    t = r.timings
    symptom: str | None = None if r.symptom == OK else r.symptom
    reason: str | None = None
    if "tcp" in t:
        steps.append(Step("tcp", True, t["tcp"], f"connected to {tried[-1]}"))
    if "tls" in t:
        who = "certificate not verified (--insecure)" if target.insecure else f"certificate valid for {target.hostname}"
        steps.append(Step("tls", True, t["tls"], f"{who}; ALPN h2, extended CONNECT advertised"))
    ok_status = r.status is not None and 200 <= r.status < 300
    if r.status is not None:
        steps.append(
            Step(
                "http",
                ok_status,
                t.get("response"),
                r.detail if not ok_status else f"{r.status} on the websocket stream (extended CONNECT accepted)",
            )
        )
    elif r.symptom == RESET:
        reason = "h2-stream-reset"
        steps.append(Step("http", False, t.get("response"), r.detail))
    if r.status == 501:
        reason = "h2-protocol-unsupported"
    if "quiet" in t:
        steps.append(
            Step(
                "hold",
                symptom is None,
                t["quiet"],
                f"silent for {a.hold:g} s" + ("" if symptom is None else f": {r.detail}"),
            )
        )
    if "echo" in t:
        steps.append(Step("echo", True, t["echo"], "text frame sent and echoed back"))
    elif ok_status and symptom is not None and "quiet" not in t:
        steps.append(Step("echo", False, None, r.detail))
    return Attempt(number, symptom, reason, r.detail, r.status, dict(r.headers), steps, protocol=H2_WS)


def tls_reason(detail: str) -> str:
    """Which of TLS_REASONS a handshake failure message (OpenSSL's words) is."""
    low = detail.lower()
    if "expired" in low or "not yet valid" in low:
        return "expired-certificate"
    if "mismatch" in low or "not valid for" in low:
        return "name-mismatch"
    if "certificate not accepted" in low or "certificate verify failed" in low:
        return "untrusted-certificate"
    return "protocol-error"


def _hints(out: Outcome, target: Target, a: ProbeArgs) -> list[str]:
    """What this observation adds to the table's general causes."""
    hints: list[str] = []
    port = target.port
    fails = [t for t in out.attempts if t.symptom is not None]
    if fails and len(fails) < len(out.attempts):
        hints.append(
            f"intermittent: {len(fails)} of {len(out.attempts)} attempts failed; look for a cause that "
            "depends on which backend or which pooled connection takes the request"
        )
    if out.symptom == REFUSED:
        if port in PLAIN_PORTS | TLS_PORTS:
            hints.append(
                f"port {port} is a FAS default port: this URL reaches FAS directly, not through a proxy; "
                f"is FAS running and listening on {target.hostname}:{port}?"
            )
        else:
            hints.append(
                f"nothing accepts connections on {target.hostname}:{port}: is the proxy running, and does "
                "it listen on this address and port?"
            )
    if out.symptom == TLS_ERROR and out.reason == "protocol-error" and port in PLAIN_PORTS:
        hints.append(f"port {port} is FAS's plain HTTP port: use ws:// for it, or the TLS port 8443")
    if out.symptom == "status:302":
        if a.warm:
            hints.append(
                "302 after --warm: if the same probe without --warm succeeds, the proxy sent the upgrade on "
                "a backend connection pooled by the page requests, which FAS 2.5.2 and earlier answer with "
                "302 (give the websocket URLs a backend without keep-alive, or upgrade FAS)"
            )
        else:
            hints.append(
                "FAS answers 302 when the upgrade reaches it without its Upgrade/Connection headers or "
                "as HTTP/1.0: check the proxy forwards both headers with HTTP/1.1 on this URL"
            )
    if out.symptom in ("status:500", "status:502"):
        hints.append(
            "500/502 on the upgrade: check the TLS between the proxy and FAS (https:// to 8443 only, "
            "plain http:// to 8080 only) and that FAS is up, in the proxy's error log"
        )
    if out.symptom == IDLE_DISCONNECT:
        hints.append(
            f"the call was cut during {a.hold:g} s of silence: an idle timeout shorter than that sits on "
            "the way (proxy read/tunnel timeout, load balancer or firewall idle limit)"
        )
    return hints


# ----------------------------------------------------------------------------- --config


def _correlate(out: Outcome, config: str, url_path: str) -> None:
    """Lint ``config`` in-process and order its findings: those predicting the observed
    symptom first (on the probed URL path first among them)."""
    from linter.core.options import Options
    from linter.engine.linting import lint
    from linter.engine.result import UsageError

    ws_paths = DEFAULT_WS_PATHS if url_path in DEFAULT_WS_PATHS else DEFAULT_WS_PATHS + (url_path,)
    try:
        report = lint([config], Options(ws_paths=ws_paths))
    except UsageError as e:
        raise ProbeUsageError(f"--config: {e}") from None
    out.findings, out.matching = order_findings(report.findings, out.symptom, url_path)
    out.config_files = list(report.files)
    out.config_notes = [f"skipped {p}: {why}" for p, why in report.skipped]
    out.config_notes += [f"internal error in {e.where}: {e.message}" for e in report.internal_errors]
    if not report.files and not report.skipped:
        out.config_notes.append(f"no {proxies()} config found in {config}")


def order_findings(findings: list[Finding], observed: str | None, url_path: str) -> tuple[list[Finding], int]:
    """Findings predicting the ``observed`` symptom first (those on the probed URL path
    first among them), then the rest in report order; and how many matched. Only the
    finding's symptom and ws_path count, so it is the same for every dialect. A lint-only
    rule's finding (its rule predicts no console error) never counts as a match."""
    from linter.app.console_errors import lint_only
    from linter.engine.registry import find_rule

    def live(f: Finding) -> bool:
        rule = find_rule(f.rule)
        return rule is None or not lint_only(rule)

    def matches(f: Finding) -> bool:
        return observed is not None and f.symptom == observed and live(f)

    def key(f: Finding) -> tuple:
        return (not matches(f), not f.concerns(url_path), *Finding.sort_key(f))

    matching = sum(1 for f in findings if matches(f))
    return sorted(findings, key=key), matching


# ----------------------------------------------------------------------------- reports


def console_line(symptom: str | None, reason: str | None) -> str | None:
    return None if symptom is None else symptoms.console(symptom, reason)


def causes(symptom: str | None, reason: str | None = None) -> tuple[Cause, ...]:
    entry = for_symptom(symptom) if symptom else None
    found = entry.causes if entry is not None else ()
    if symptom == REFUSED and reason == "timeout":  # the browser says TIMED_OUT: packets dropped
        timed_out = for_symptom(TIMED_OUT)
        found = (timed_out.causes if timed_out is not None else ()) + found
    return found


def ranked_causes(out: Outcome) -> list[Cause]:
    """The table's causes of the observed symptom; with ``--config``, those whose rules
    fired on this config first (the config is evidence for them)."""
    fired = {f.rule for f in out.findings[: out.matching]}
    found = list(causes(out.symptom, out.reason))
    if out.symptom == TLS_ERROR and out.reason in TLS_REASONS:
        title, check = TLS_REASONS[out.reason]
        if out.reason != "protocol-error":
            # a certificate was presented, so the listener does speak TLS: the causes about a
            # plain listener (and the rules that find one) do not apply
            found = [c for c in found if not c.rules and "plain" not in c.title.lower()]
        found.insert(0, Cause(title, check, ()))
    # the table's order is by the observed symptom; evidence in the config lifts a cause
    # within it, but never a lint-only rule above one that can cause a live failure
    return sorted(found, key=lambda c: (c.lint_only, not (set(c.rules) & fired)))


def render_json(out: Outcome) -> str:
    from linter import __version__

    doc: dict = {
        "version": 1,
        "tool": {"name": "wsproxylint", "version": __version__},
        "url": out.url,
        "ok": out.ok,
        "symptom": out.symptom,
        "reason": out.reason,
        "console": console_line(out.symptom, out.reason),
        "detail": out.detail,
        "attempts": [
            {
                "attempt": t.number,
                "ok": t.symptom is None,
                "symptom": t.symptom,
                "reason": t.reason,
                "detail": t.detail,
                "status": t.status,
                "protocol": t.protocol,
                "headers": t.headers,
                "steps": [
                    {
                        "step": s.name,
                        "ok": s.ok,
                        "seconds": None if s.seconds is None else round(s.seconds, 6),
                        "detail": s.detail,
                    }
                    for s in t.steps
                ],
            }
            for t in out.attempts
        ],
        "hints": out.hints,
        "causes": [{"title": c.title, "check": c.check, "rules": list(c.rules)} for c in ranked_causes(out)],
    }
    if out.config_files or out.config_notes or out.findings:
        from linter.app.report.json_report import files_doc, finding_doc

        doc["config"] = {
            "files": files_doc(out.config_files),
            "notes": out.config_notes,
            "matching": out.matching,
            "findings": [{**finding_doc(f), "matches": i < out.matching} for i, f in enumerate(out.findings)],
        }
    return json.dumps(doc, indent=2)


def render_text(out: Outcome) -> str:
    import textwrap

    lines = [f"probe {out.url}"]
    for t in out.attempts:
        if len(out.attempts) > 1:
            lines.append(f"attempt {t.number}: {'ok' if t.symptom is None else t.symptom}")
        for s in t.steps:
            secs = "" if s.seconds is None else f"{s.seconds * 1000:.1f} ms"
            lines.append(f"  {s.name:<8} {'ok  ' if s.ok else 'FAIL'} {secs:>10}  {s.detail}")
    carried = sorted({t.protocol for t in out.attempts})
    lines.append(f"websocket over {' and '.join(carried)}")
    if out.ok:
        lines.append(f"result: ok: the websocket opens and carries messages ({out.detail})")
        if out.findings:
            lines.append("")
            lines += _findings_text(out)
        return "\n".join(lines)
    n_failed = sum(1 for t in out.attempts if t.symptom is not None)
    count = f" in {n_failed} of {len(out.attempts)} attempts" if len(out.attempts) > 1 else ""
    reason = f" ({out.reason})" if out.reason else ""
    lines.append(f"result: {out.symptom}{reason}{count}: {out.detail}")
    lines.append(f"console: {console_line(out.symptom, out.reason)}")
    for h in out.hints:
        lines += textwrap.wrap(h, 92, initial_indent="note: ", subsequent_indent="      ")
    listed = [(c.title, c.check, c.rules) for c in ranked_causes(out)]
    if listed:
        lines.append("likely causes:")
    for i, (title, check, rules) in enumerate(listed, 1):
        lines += textwrap.wrap(title, 92, initial_indent=f"{i:>3}. ", subsequent_indent="     ")
        lines += textwrap.wrap(f"check: {check}", 92, initial_indent="     ", subsequent_indent="       ")
        lines.append(
            f"     detected in a config by {', '.join(rules)}"
            if rules
            else "     no config shows this: check it on the running system"
        )
    if out.config_files or out.config_notes or out.findings:
        lines.append("")
        lines += _findings_text(out)
    return "\n".join(lines)


def _findings_text(out: Outcome) -> list[str]:
    from linter.app.report.text import render
    from linter.engine.result import Report

    if out.symptom is not None:
        head = (
            f"config: {out.matching} finding(s) predict {out.symptom}, listed first:"
            if out.matching
            else f"config: no finding predicts {out.symptom}; all findings:"
        )
    else:
        head = "config findings:"
    lines = [head]
    for note in out.config_notes:
        lines.append(f"  {note}")
    body = render(Report(files=out.config_files, findings=out.findings))
    lines += body.splitlines()
    return lines


def run_probe(a: ProbeArgs, stdout: TextIO, stderr: TextIO) -> int:
    """``wsproxylint probe``: 0 the websocket works, 1 a diagnosed failure; bad usage raises
    ProbeUsageError (exit status 2)."""
    out = probe(a)
    write(stdout, render_json(out) if a.format == "json" else render_text(out))
    for note in out.config_notes:
        write(stderr, f"wsproxylint: {note}")
    return 0 if out.ok else 1


def _is_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _fmt(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

"""What a browser console error means: every known cause, config-side or not.

One table, used by ``wsproxylint explain`` and by ``wsproxylint probe``. Each entry is a
symptom of the contract's vocabulary (``status:302``, ``refused``, ...) plus symptoms no
config can produce (``name-not-resolved``, ``network-changed``), the text the console
shows (linter/core/symptoms.py, which also says which codes name it) and its causes.
Causes a config can show are derived from the rule registry: a
rule belongs under every symptom its ``console`` text names (read with the same matcher
that reads what a user pastes) and under the symptoms in its ``symptoms`` field, so a new
rule lands in the right place without editing this file. Causes no config can show (FAS
down, an expired session token, DNS, a network change) are written here.

Causes are ranked by the symptom observed: first the rules whose console text names it
first (they predict exactly this failure), then rules that name it among others, then the
causes no config can show, and last the rules whose console names no symptom at all
(lint-only rules such as a fragment's assumption: they say what the linter could not see,
never what broke a live call).

A console line that names no status or error code (Chrome's bare "WebSocket connection to
'wss://...' failed:", Firefox's "can't establish a connection") fits every connection-level
symptom; ``next_step`` then says where the browser shows the status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from linter.core import symptoms
from linter.core.rules import Rule
from linter.core.symptoms import SYMPTOMS
from linter.engine.registry import all_rules


@dataclass(frozen=True, slots=True)
class Cause:
    title: str  # one line an operator understands
    check: str  # what to check / do, operator words
    rules: tuple[str, ...]  # rule ids that detect it in a config (empty if none can)
    lint_only: bool = False  # a rule that predicts no console error of its own


@dataclass(frozen=True, slots=True)
class ConsoleError:
    symptom: str  # contract vocabulary: "status:302", "refused", ...
    console: str  # the text the browser console shows
    causes: tuple[Cause, ...]


# symptom -> the causes no rule can see in a config (the console text is the symptom table's)
_OUTSIDE: dict[str, tuple[Cause, ...]] = {
    "refused": (
        Cause(
            "Nothing listens on the host and port of the wss:// URL: the proxy is not running (or FAS, when "
            "the browser connects to it directly)",
            "On that host, `ss -ltnp` must show the port of the URL (443 by default for wss://); start the "
            "proxy or FAS and look at its log for why it stopped",
            (),
        ),
        Cause(
            "The proxy listens on another port or address than the URL uses",
            "Compare the port in the wss:// URL the web app uses with the proxy's listen/Listen/bind lines",
            (),
        ),
        Cause(
            "A firewall in front of the proxy rejects the port",
            "Try `curl -v https://HOST:PORT/` from the client's network; open the port on the firewall",
            (),
        ),
    ),
    "reset": (
        Cause(
            "The proxy closed the connection without an answer: its backend connection failed or timed out "
            "during the handshake",
            "Read the proxy's error log at the time of the failure; check FAS is up and reachable from the proxy",
            (),
        ),
        Cause(
            "FAS restarted or crashed while the handshake was under way",
            "Check FAS's logs and uptime around the time of the error; retry once it is up",
            (),
        ),
        Cause(
            "Something between the browser and the proxy (corporate proxy, antivirus, TLS inspection) cuts "
            "websocket connections",
            "Try from another network or with the antivirus' web shield off; ask for the host to be exempted",
            (),
        ),
    ),
    "tls-error": (
        Cause(
            "The browser speaks TLS (wss://) to a port that does not: the front listener is plain HTTP",
            "`openssl s_client -connect HOST:PORT` must complete a handshake; enable TLS on that listener",
            (),
        ),
        Cause(
            "The certificate or protocol set of the front listener is not acceptable to the browser",
            "Check the certificate chain and expiry (`openssl s_client -connect HOST:443 -servername HOST`) and "
            "that TLS 1.2 or 1.3 is enabled",
            (),
        ),
        Cause(
            "TLS inspection on the client's network breaks the handshake",
            "Try from another network; ask for the host to be exempted from inspection",
            (),
        ),
    ),
    "missing-accept": (
        Cause(
            "Another proxy, load balancer or CDN in front of this one answers the upgrade itself or strips "
            "response headers",
            "Send the handshake straight to this proxy (`wsproxylint probe`, or curl with the Upgrade headers) and "
            "compare with the answer through the public URL",
            (),
        ),
    ),
    "idle-disconnect": (
        Cause(
            "A load balancer, firewall or NAT between the browser and the proxy drops idle connections "
            "(cloud load balancers often default to 60 s)",
            "Find every hop's idle timeout and raise it above the longest silence of a call (minutes)",
            (),
        ),
    ),
    "config-rejected": (
        Cause(
            "The proxy was reloaded with a config it refuses and keeps running the old one",
            "Run `nginx -t`, `apachectl configtest` or `haproxy -c -f FILE` before reloading, and read its message",
            (),
        ),
    ),
    "name-not-resolved": (
        Cause(
            "The host name in the wss:// URL does not resolve from the client (no DNS record, split-horizon "
            "DNS, a typo in the gateway URL the web app is configured with)",
            "`nslookup HOST` from the client's network; compare the host with the one the web app is given",
            (),
        ),
    ),
    "network-changed": (
        Cause(
            "The client's network changed during the call (Wi-Fi to cable, VPN up or down, sleep); nothing on "
            "the server side",
            "Nothing to fix in the proxy: the SDK reconnects; if it happens often, look at the client's VPN or "
            "Wi-Fi roaming",
            (),
        ),
    ),
    "timed-out": (
        Cause(
            "Packets to the proxy are dropped: a firewall drops (rather than rejects) the port, or the host is "
            "down or unreachable",
            "`curl -v https://HOST:PORT/` from the client's network; check firewall rules and routing",
            (),
        ),
    ),
    "status:302": (
        Cause(
            "FAS answered a plain GET: something in front of this proxy (a load balancer, CDN or second proxy) "
            "drops the Upgrade headers, even though this config forwards them",
            "Probe each hop with the upgrade headers, starting from the one closest to FAS",
            (),
        ),
        Cause(
            "FAS redirects to a login or error page for this application",
            "Open the redirect target (Location header) in the proxy's access log or with curl -v",
            (),
        ),
    ),
    "status:403": (
        Cause(
            "FAS refuses the session: the session token is invalid or has expired, or the application key is "
            "not allowed",
            "Create a new session token (the web app's session provisioning) and retry; check FAS's log for "
            "the rejected token or appkey",
            (),
        ),
        Cause(
            "A web application firewall, or a proxy in front of this one, blocks the websocket URL",
            "Look in the WAF's and the front load balancer's logs for the websocket path (access rules in "
            "this proxy's config are WSP304's)",
            (),
        ),
    ),
    "status:404": (
        Cause(
            "The FAS application for this URL is not deployed or runs under another path",
            "On FAS, check the gateway (and Live Assist) applications are deployed and started",
            (),
        ),
    ),
    "status:400": (
        Cause(
            "A hop rejects the request: headers too large, a bad Host, or a handshake header changed on the way",
            "Read the access and error logs of each hop for the 400 and its reason",
            (),
        ),
    ),
    "status:500": (
        Cause(
            "FAS or the proxy failed internally while handling the upgrade",
            "Read the proxy's error log and FAS's log at the time of the error",
            (),
        ),
    ),
    "status:502": (
        Cause(
            "FAS is down or not reachable from the proxy (nginx answers 502)",
            "From the proxy host, `curl -v http://FAS:8080/` (or https://FAS:8443/); start FAS or fix the "
            "address and firewall",
            (),
        ),
    ),
    "status:503": (
        Cause(
            "FAS is restarting, or down, behind Apache or HAProxy (they answer 503 when no backend takes the "
            "connection)",
            "Wait for FAS to finish starting and retry; check FAS's uptime and the proxy's health checks",
            (),
        ),
        Cause(
            "HAProxy's health check marks every FAS server down",
            "`show servers state` on the HAProxy stats socket; check the health-check URL answers on FAS",
            (),
        ),
    ),
    "status:504": (
        Cause(
            "FAS did not answer the handshake in time (overloaded, or a firewall drops proxy-to-FAS packets)",
            "From the proxy host, time a request to FAS; check FAS's load and the network path",
            (),
        ),
    ),
    "status:200": (
        Cause(
            "Something answered the websocket URL with a page instead of upgrading: a static file, a "
            "single-page-app fallback, or a cache",
            "Request the websocket URL with curl -v and the Upgrade headers and see who answers",
            (),
        ),
    ),
}

_GENERIC_STATUS = (
    Cause(
        "A hop between the browser and FAS answered with this status instead of 101 Switching Protocols",
        "Request the websocket URL with the Upgrade headers (`wsproxylint probe URL`) and read each hop's logs",
        (),
    ),
)

# How pasted text (and each rule's ``console``) names a symptom.
_ERR = {code: s.id for s in SYMPTOMS.values() for code in s.codes}
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"sec-websocket-accept|incorrect .*accept|'connection' header|'upgrade' header", re.I),
        "missing-accept",
    ),
    (re.compile(r"\b1006\b|idle|closed after|quiet", re.I), "idle-disconnect"),
    (
        re.compile(
            r"closed before the connection is established|connection (was )?reset|"
            r"closed with no response|empty response",
            re.I,
        ),
        "reset",
    ),
    (re.compile(r"refuses (this|its) config|keeps its old config|config-rejected|\[emerg\]", re.I), "config-rejected"),
    (re.compile(r"refused", re.I), "refused"),
    (re.compile(r"\bssl\b|\btls\b|certificate", re.I), "tls-error"),
    (re.compile(r"not resolved|dns|name resolution", re.I), "name-not-resolved"),
    (re.compile(r"network changed", re.I), "network-changed"),
)
# Lines that say a websocket failed without saying how: Chrome's line with nothing after
# "failed:", Firefox's wording; and the symptoms such a line can stand for.
_NAMES_NOTHING = (
    re.compile(r"WebSocket connection to '[^']*' failed:?\s*$", re.I),
    re.compile(r"firefox can\S* establish a connection", re.I),
    re.compile(r"connection to \S+ was interrupted while the page was loading", re.I),
)
_CONNECTION_LEVEL = ("refused", "reset", "tls-error", "name-not-resolved", "timed-out")
_STATUS = re.compile(r"(?:response code|status(?: code)?|HTTP/\d(?:\.\d)?)\s*:?\s*([1-5]\d\d)\b", re.I)
_BARE_STATUS = re.compile(r"^\s*(?:status:)?([1-5]\d\d)\s*$")


def symptoms_in(text: str) -> list[str]:
    """The symptoms a piece of console text names, most specific first."""
    found: list[str] = []

    def add(s: str) -> None:
        if s not in found:
            found.append(s)

    bare = _BARE_STATUS.match(text)
    if bare:
        return [f"status:{bare.group(1)}"]
    if text.strip() in SYMPTOMS:
        return [text.strip()]
    for m in _STATUS.finditer(text):
        add(f"status:{m.group(1)}")
    if found:
        for m in re.finditer(r"\(or\s+([1-5]\d\d)\b", text):  # "... 301 (or 302)"
            add(f"status:{m.group(1)}")
    for code, symptom in _ERR.items():
        if code in text.upper():
            add(symptom)
    for pattern, symptom in _PATTERNS:
        if pattern.search(text):
            add(symptom)
    if not found and names_nothing(text):
        for s in _CONNECTION_LEVEL:
            add(s)
    return found


def names_nothing(text: str) -> bool:
    """A browser's failure line that names no status and no error code."""
    return any(p.search(text.strip()) for p in _NAMES_NOTHING) and not _STATUS.search(text)


def next_step(text: str) -> str | None:
    """Where to look next when the pasted line names no status or error code."""
    if not names_nothing(text) or any(code in text.upper() for code in _ERR):
        return None
    url = re.search(r"wss?://[^\s'\"…]+", text)
    probe = f"wsproxylint probe '{url.group(0)}'" if url else "wsproxylint probe URL"
    return (
        "This line names no status or error code, so any of these can be the cause. Next: in the browser's "
        "developer tools, Network tab, filter WS and select the websocket request: its status (302, 502, ...) "
        "or its failure text (net::ERR_...) names the cause; paste that into `wsproxylint explain`. Or run "
        f"`{probe}` from the same network to see which step fails."
    )


def rule_symptoms(rule: Rule) -> list[str]:
    """The symptoms a rule's findings may carry: those its console text names, plus its
    ``symptoms`` field where the registry has one."""
    out = symptoms_in(rule.console)
    for s in getattr(rule, "symptoms", ()) or ():
        if s not in out:
            out.append(s)
    return out


def lint_only(rule: Rule) -> bool:
    """A rule whose console text names no symptom: its findings say what the linter could
    not see, never what a live failure was."""
    return not symptoms_in(rule.console)


def _rule_cause(rule: Rule) -> Cause:
    return Cause(f"{rule.summary.rstrip('.')} ({rule.id} {rule.name})", rule.fix, (rule.id,), lint_only(rule))


OUTSIDE_RANK = 2


def _rank(rule: Rule, symptom: str) -> int:
    """0: the rule's console names this symptom first; 1: among others; 3: lint-only (the
    causes no config can show rank 2, between them)."""
    named = symptoms_in(rule.console)
    if not named:
        return 3
    return 0 if named[0] == symptom else 1


@lru_cache(maxsize=1)
def _table() -> dict[str, ConsoleError]:
    by_symptom: dict[str, list[Rule]] = {}
    for rule in all_rules():
        for s in rule_symptoms(rule):
            by_symptom.setdefault(s, []).append(rule)
    table: dict[str, ConsoleError] = {}
    for symptom in list(_OUTSIDE) + [s for s in by_symptom if s not in _OUTSIDE]:
        ranked = [(_rank(r, symptom), _rule_cause(r)) for r in by_symptom.get(symptom, ())]
        ranked += [(OUTSIDE_RANK, c) for c in _OUTSIDE.get(symptom, _GENERIC_STATUS)]
        causes = tuple(c for _, c in sorted(ranked, key=lambda rc: rc[0]))
        table[symptom] = ConsoleError(symptom, symptoms.console(symptom), causes)
    return table


def all_errors() -> list[ConsoleError]:
    return list(_table().values())


def for_symptom(symptom: str) -> ConsoleError | None:
    """The entry for a contract symptom; any ``status:NNN`` has one."""
    table = _table()
    if symptom in table:
        return table[symptom]
    m = re.fullmatch(r"status:([1-5]\d\d)", symptom)
    if m:
        return ConsoleError(symptom, symptoms.console(symptom), _GENERIC_STATUS)
    return None


def lookup(text: str) -> list[ConsoleError]:
    """Every entry that pasted text names: a whole console line, ``302``,
    ``ERR_CONNECTION_RESET``, ``Sec-WebSocket-Accept``..."""
    out = []
    for s in symptoms_in(text):
        entry = for_symptom(s)
        if entry is not None:
            out.append(entry)
    return out

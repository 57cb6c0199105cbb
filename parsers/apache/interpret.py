"""Interpret an Apache httpd 2.4 tree into the proxy model.

httpd semantics applied here, once:
- a ``<VirtualHost>`` inherits the main server's settings it does not set itself (SSL
  engines, timeouts, ``ProxyPreserveHost``, ``RequestHeader``/``Header``, ``SetEnv``,
  server-level ``ProxyPass`` and ``<Location>`` sections); rewrite rules are not inherited;
- routing, as one first-match table (orders checked on httpd 2.4.71): ``Require all
  denied`` and ``Redirect`` in ``<Location>`` first (they act in the access and fixup
  phases, whatever handler was chosen), then ``ProxyPass`` in ``<Location>`` sections (they
  merge in file order, so the *last* matching section's ProxyPass wins: the sections enter
  the table in reverse), then server-level ``ProxyPass``/``ProxyPassMatch`` in config order
  (``!`` exclusions included), then server-level ``Redirect``/``RedirectMatch`` (mod_proxy
  translates before mod_alias); server-level ``RewriteRule`` runs before all of them;
  ``ProxyPass``, ``<Location>`` and ``Redirect`` paths match whole segments;
- workers: one per ``ProxyPass`` URL (or ``<Proxy>``/``BalancerMember``), shared by a later
  URL that has an earlier worker's URL as prefix; pooled unless ``disablereuse=On``;
  a ``RewriteRule [P]`` target that no explicit worker covers uses a default worker, which
  never reuses connections;
- the upgrade (httpd >= 2.4.47): mod_proxy_http forwards ``Upgrade`` only on a ws:// or
  wss:// worker or one with ``upgrade=``, and writes ``Connection`` itself; before 2.4.47
  only mod_proxy_wstunnel's ws:// workers upgrade;
- the tunnel idle timeout: the larger (2.4.53+; the smaller before) of the server
  ``Timeout`` and the worker's ``timeout=`` / ``ProxyTimeout``.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from sys import intern

from linter.core.fas import version_tuple
from linter.core.model import (
    Backend,
    BackendTLS,
    Condition,
    ConfigProblem,
    FailureStatuses,
    Forward,
    Guard,
    HeaderOp,
    HiddenHeader,
    Listener,
    Literal,
    PathMatch,
    ProxyAction,
    ProxyModel,
    Refusal,
    Request,
    Respond,
    Rewrite,
    Route,
    RouteTable,
    ServeLocal,
    Server,
    Setting,
    Site,
    Step,
    Timeouts,
    UpstreamRequest,
    Value,
)
from linter.core.options import Options
from linter.core.tree import ConfigTree, Loc, Node, node_files

from ..common import Durations, ModelStart, compile_regex, port_number, split_hostport
from . import ASSUMED_VERSION, NAME
from .advice import ApacheAdvice
from .modules import TRUNK_ONLY
from .params import HEALTH_CHECK
from .params import rejected as rejected_params
from .read import ReaderFacts

UPGRADE_IN_PROXY_HTTP = (2, 4, 47)
TUNNEL_TIMEOUT_MAX = (2, 4, 53)
DEFAULT_TIMEOUT = 60.0
DEFAULT_POOL = 25  # ThreadsPerChild of the event MPM: mod_proxy's default hmax
_SCALARS = frozenset(
    {
        "sslengine",
        "sslproxyengine",
        "sslproxyverify",
        "sslproxycacertificatefile",
        "sslproxycacertificatepath",
        "sslproxycheckpeername",
        "sslproxycheckpeercn",
        "sslcertificatefile",
        "timeout",
        "proxytimeout",
        "proxypreservehost",
        "rewriteengine",
        "rewriteoptions",
    }
)
_REDIRECT_WORDS = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}
# every simple directive (lower case) this interpreter reads; the loader has the reader build
# no node for any other (sections are always built). A directive read here must be listed:
# tests/test_apache_fast_paths.py checks that the samples and the corpus give the same
# findings with and without this filter.
DIRECTIVES_READ = frozenset(
    _SCALARS
    | set(TRUNK_ONLY)
    | {
        "listen",
        "servername",
        "serveralias",
        "requestheader",
        "setenv",
        "unsetenv",
        "proxypass",
        "proxypassmatch",
        "proxyset",
        "balancermember",
        "require",
        "redirect",
        "redirectmatch",
        "redirectpermanent",
        "redirecttemp",
        "rewritecond",
        "rewriterule",
    }
)
_URL = re.compile(r"^([a-zA-Z][\w+.-]*)://(\[[^\]]+\](?::\d*)?|[^/:]*(?::[^/]*)?)(/.*)?$")
_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443, "balancer": None}
# values every proxied route of a fleet shares: one object each rather than one per route
# (the model is read, never changed, after interpretation)
_FORWARDED = Setting(True)
_HTTP11 = Setting("1.1")
_UPGRADE_HOP = frozenset({"upgrade"})
_NO_HOP: frozenset[str] = frozenset()
_TLS_SCHEMES = frozenset({"https", "wss"})
# directives whose key=value parameters httpd checks, as it names them in its messages
_PARAM_CARRIERS = {"proxypass": "ProxyPass", "proxypassmatch": "ProxyPassMatch"}
_HTTP_URL = re.compile(r"^https?://")
_READY = Setting(True)
_POOLED = Setting(
    DEFAULT_POOL, None, note="mod_proxy keeps backend connections for reuse unless the worker sets disablereuse=On"
)
_DEFAULT_WORKER_POOL = Setting(
    0,
    None,
    note="a RewriteRule [P] target with no ProxyPass worker uses httpd's "
    "default worker, which never reuses connections",
)
_WSTUNNEL_POOL = Setting(0, None, note="mod_proxy_wstunnel before 2.4.47 never pools")


def on(node: Node | None) -> bool:
    return bool(node and node.args and node.args[0].lower() in ("on", "1", "yes", "true"))


_TIME = Durations({"ms": 0.001, "s": 1}, bare="s", number=float, decimals=True)


def seconds(text: str) -> float | None:
    """httpd time: seconds, or with an ``ms`` suffix where a worker parameter allows it."""
    return _TIME.seconds(text.strip().lower())


def split_url(url: str) -> tuple[str, str, int | None, str]:
    """scheme, host, port, path of a backend URL (``balancer://name`` too)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in _DEFAULT_PORTS and not rest.startswith("[") and "\n" not in url:
        # the common case, without the regex: a known lower-case scheme, then host[:port] up
        # to the first "/", then the path, which is what _URL's groups give for such a URL
        slash = rest.find("/")
        hostport, path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    else:
        m = _URL.match(url)
        if not m:
            return "", url, None, ""
        scheme, hostport, path = m.group(1).lower(), m.group(2), m.group(3) or ""
    if hostport.startswith("[") or hostport.count(":") == 1:
        host, port_text = split_hostport(hostport)
    else:  # what _URL takes as host stops at the first colon, and the rest is the port
        host, _, port_text = hostport.partition(":")
    port = port_number(port_text, _DEFAULT_PORTS.get(scheme))
    return scheme, host.lower(), port, path


def is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+", host)) or ":" in host


@dataclass(slots=True)
class Worker:
    url: str
    scheme: str
    params: dict[str, str]
    loc: Loc
    backend: Backend
    members: list[Worker] = field(default_factory=list)  # a balancer's members
    # actions that use this worker, and whether proxy-initial-not-pooled was in force there
    initial_not_pooled: list[bool] = field(default_factory=list)
    # defined by a regex route (ProxyPassMatch, ProxyPass in <LocationMatch>): mod_proxy
    # matches such a worker's name as a pattern, so a later ProxyPass URL never shares it
    matchable: bool = False
    # a matchable worker's whole name, back-references ($1) included: what a request's URL
    # is compared with (the longest name that fits wins)
    pattern: str = ""


@dataclass(slots=True)
class Scope:
    """The settings in force for one server (main, or a virtual host over the main)."""

    scalars: dict[str, Node] = field(default_factory=dict)
    request_headers: list[Node] = field(default_factory=list)
    env: dict[str, Node] = field(default_factory=dict)
    proxypass: list[Node] = field(default_factory=list)
    redirects: list[Node] = field(default_factory=list)
    rewrites: list[Node] = field(default_factory=list)
    locations: list[Node] = field(default_factory=list)
    proxies: list[Node] = field(default_factory=list)  # <Proxy> sections

    def child(self, nodes: list[Node]) -> Scope:
        s = Scope(
            scalars=dict(self.scalars),
            request_headers=list(self.request_headers),
            env=dict(self.env),
            locations=list(self.locations),
            proxies=list(self.proxies),
        )
        own = Scope()
        own.absorb(nodes)
        s.scalars.update(own.scalars)
        s.request_headers += own.request_headers
        s.env.update(own.env)
        s.locations += own.locations
        s.proxies += own.proxies
        s.redirects = own.redirects + self.redirects
        # ProxyPassInherit On (default): the main server's ProxyPass lines follow the vhost's
        s.proxypass = own.proxypass + self.proxypass
        inherit = (
            "inherit" in " ".join(own.scalars["rewriteoptions"].args).lower()
            if "rewriteoptions" in own.scalars
            else False
        )
        s.rewrites = own.rewrites + (self.rewrites if inherit else [])
        if "rewriteengine" not in own.scalars:
            s.scalars.pop("rewriteengine", None)
        return s

    def absorb(self, nodes: list[Node]) -> None:
        for n in nodes:
            name = n.name
            if n.children is not None:
                if name in ("location", "locationmatch"):
                    self.locations.append(n)
                elif name in ("proxy", "proxymatch"):
                    self.proxies.append(n)
                continue
            if name in _SCALARS:
                self.scalars[name] = n
            elif name == "requestheader":
                self.request_headers.append(n)
            elif name == "setenv" and n.args:
                self.env[n.args[0].lower()] = n
            elif name == "unsetenv":
                for a in n.args:
                    self.env.pop(a.lower(), None)
            elif name in ("proxypass", "proxypassmatch"):
                self.proxypass.append(n)
            elif name in ("redirect", "redirectmatch", "redirectpermanent", "redirecttemp"):
                self.redirects.append(n)
            elif name in ("rewriterule", "rewritecond"):
                self.rewrites.append(n)


class ApacheConnection:
    """The Connection header mod_proxy_http writes itself: ``Upgrade`` when it forwards an
    upgrade, else ``close`` (HTTP/1.0, proxy-nokeepalive) or ``Keep-Alive``."""

    __slots__ = ("closes", "text", "upgrades", "unless")

    def __init__(self, upgrades: bool, closes: bool, unless: Condition | None = None) -> None:
        self.upgrades = upgrades
        self.closes = closes
        # a conditional `RequestHeader unset Upgrade`: the requests it holds for are no upgrade
        self.unless = unless
        self.text = "httpd writes Connection itself: Upgrade only when the worker forwards the upgrade"

    def evaluate(self, request: Request) -> str | None:
        if request.is_upgrade and self.upgrades and (self.unless is None or self.unless.evaluate(request) is not True):
            return "Upgrade"
        return "close" if self.closes else "Keep-Alive"


class HeaderValue:
    """A RequestHeader value: literal text, or a ``%{...}`` format that is not known here."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def evaluate(self, request: Request) -> str | None:
        if "%{" not in self.text:
            return self.text
        m = re.fullmatch(r"%\{HTTP_([A-Z0-9_]+)\}e|%\{([A-Za-z0-9-]+)\}i", self.text)
        if m:
            name = (m.group(1) or "").replace("_", "-").lower() or (m.group(2) or "").lower()
            return request.headers.get(name, "")
        return None


class RewriteConditions:
    """A RewriteRule's pattern and its RewriteCond lines, evaluated against a request."""

    __slots__ = ("conds", "rule_rx", "text")

    def __init__(
        self, rule_rx: re.Pattern[str] | None, conds: list[tuple[str, str, frozenset[str]]], text: str
    ) -> None:
        self.rule_rx = rule_rx
        self.conds = conds
        self.text = text

    def evaluate(self, request: Request) -> bool | None:
        if self.rule_rx is None:
            return None
        if not self.rule_rx.search(request.path):
            return False
        result: bool | None = True
        pending_or: bool | None = None
        for test, pattern, flags in self.conds:
            value = _cond(test, pattern, flags, request)
            if pending_or is not None:
                value = _or(pending_or, value)
                pending_or = None
            if "or" in flags or "ornext" in flags:
                pending_or = value
                continue
            result = _and(result, value)
        if pending_or is not None:
            result = _and(result, pending_or)
        return result


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def _server_var(name: str, request: Request) -> str | None:
    upper = name.upper()
    if upper.startswith("HTTP:"):
        return request.headers.get(name[5:].lower(), "")
    if upper.startswith("HTTP_") and upper not in ("HTTP_HOST",):
        return request.headers.get(upper[5:].replace("_", "-").lower(), "")
    # the one asked for, not a dict of all six per condition per plan
    if upper == "HTTPS":
        return "on" if request.scheme == "https" else "off"
    if upper == "REQUEST_SCHEME":
        return request.scheme
    if upper == "REQUEST_URI":
        return request.path
    if upper == "HTTP_HOST":
        return request.headers.get("host", "")
    if upper == "SERVER_PORT":
        return str(request.port) if request.port else None
    if upper == "QUERY_STRING":
        return request.query
    return None


_SERVER_VAR = re.compile(r"%\{([^}]+)\}")


def _cond(test: str, pattern: str, flags: frozenset[str], request: Request) -> bool | None:
    if test[:2] == "%{" and len(test) > 3 and test.find("}") == len(test) - 1:
        # the test is one variable (``%{HTTP:Upgrade}``, most conditions): what the
        # substitution below gives, without a closure and a re.sub per condition per plan
        found = _server_var(test[2:-1], request)
        if found is None or "$" in found:
            return None
        return _match_cond(found, pattern, flags)
    unknown = False

    def sub(m: re.Match[str]) -> str:
        nonlocal unknown
        v = _server_var(m.group(1), request)
        if v is None:
            unknown = True
            return ""
        return v

    value = _SERVER_VAR.sub(sub, test) if "%{" in test else test
    if unknown or "$" in value:
        return None
    return _match_cond(value, pattern, flags)


def _match_cond(value: str, pattern: str, flags: frozenset[str]) -> bool | None:
    negate = pattern.startswith("!")
    if negate:
        pattern = pattern[1:]
    if pattern[:1] in ("-", "<", ">") or pattern.startswith("=="):
        return None
    caseless = "nc" in flags or "nocase" in flags
    if pattern.startswith("="):
        want = pattern[1:].strip('"')
        hit = value.lower() == want.lower() if caseless else value == want
    else:
        rx = _compile(pattern, caseless)  # compiled once per pattern, not per request and plan
        if rx is None:
            return None
        try:
            hit = bool(rx.search(value))
        except (OverflowError, RecursionError):
            return None
    return hit != negate


@functools.lru_cache(maxsize=1024)
def _flags(text: str) -> frozenset[str]:
    """A RewriteRule's or RewriteCond's flags; one set per text (``[NC]``, ``[P,L]`` repeat
    in every virtual host of a fleet, and each RewriteCond keeps its set)."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return _NO_FLAGS
    return frozenset(f.strip().lower() for f in text[1:-1].split(",") if f.strip())


_NO_FLAGS: frozenset[str] = frozenset()


def _same_path(req: Request) -> str | None:
    return req.path


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, caseless: bool = False) -> re.Pattern[str] | None:
    """One compiled pattern per text: a fleet repeats the same ``<LocationMatch>`` and
    ``RewriteRule`` patterns in every virtual host (compiled objects are immutable)."""
    return compile_regex(pattern, re.IGNORECASE if caseless else 0)


class SegmentPrefix:
    """``<Location /x>``, ``ProxyPass /x`` and ``Redirect /x`` match /x, /x/ and /x/... but
    not /xy (a trailing slash in the path needs one in the URL). It stands in for a regex in
    ``PathMatch.regex`` (same ``search``), because compiling one regex per section made
    configs with thousands of virtual hosts slow."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def search(self, text: str) -> bool:
        p = self.path
        if p.endswith("/"):
            return text.startswith(p)
        return text == p or text.startswith(p + "/")


def _balancer_name(url: str) -> str:
    """``balancer://name/path`` -> ``balancer://name``, lower-case."""
    rest = url.lower()[len("balancer://") :]
    return "balancer://" + rest.split("/", 1)[0]


def _access_before_proxy(steps: list[Step], access: list[Step]) -> list[Step]:
    """A ``RewriteRule [P]`` hands the request to mod_proxy while translating, but httpd
    still runs the access checks of the ``<Location>`` sections before it proxies: the
    rule's guard meets them before it stops (observed on httpd 2.4.71: `Require all
    denied` in ``<Location /assistserver/>`` answered 403 to the topic websocket that a
    RewriteRule [P] proxied)."""
    out: list[Step] = []
    for s in steps:
        if isinstance(s, Guard) and s.steps:
            inner = list(s.steps)
            last = inner[-1]
            if isinstance(s.action, ProxyAction) and isinstance(last, Rewrite) and last.then == "stop":
                inner = [*inner[:-1], *access, last]
            else:
                inner = _access_before_proxy(inner, access)
            s = Guard(s.condition, inner, s.loc, action=s.action, label=s.label)
        out.append(s)
    return out


def _proxy_regex_section(sec: Node) -> bool:
    """Does a ProxyPass in this section take its path as a regex (see proxy_section_match)?"""
    if not sec.args or not (sec.name == "locationmatch" or (sec.args[0] == "~" and len(sec.args) > 1)):
        return False
    text = sec.args[-1]
    return "*" in text or "?" in text


def _worker_fits(url: str, name: str, matchable: bool) -> bool:
    """mod_proxy's test of a worker name against a request's URL: a prefix; in a regex
    route's name each ``$N`` stands for any text."""
    if not matchable or "$" not in name:
        return url.startswith(name)
    pieces = re.split(r"(?:\$\d)+", name)
    return re.match(".*".join(re.escape(p) for p in pieces), url, re.S) is not None


def _regex_route(directive: str, match: PathMatch | None) -> bool:
    """ProxyPassMatch, or a ProxyPass inside <LocationMatch> (which takes the section's
    regex as if it were a ProxyPassMatch)."""
    if directive == "proxypassmatch":
        return True
    return match is not None and match.kind == "pattern" and not isinstance(match.regex, SegmentPrefix)


def _forward(directive: str, url_path: str, match: PathMatch | None) -> Forward | None:
    """How mod_proxy writes the path it sends: ``ProxyPass path url`` (or a ``<Location
    path>`` with ``ProxyPass url``) puts the URL's path in place of the matched path;
    ``ProxyPassMatch`` substitutes the regex's groups into the URL, and appends the whole
    request path when the URL has no ``$N``. The query string is passed on either way."""
    if match is None:
        return None
    if directive == "proxypassmatch":
        rx = match.regex
        if rx is None or isinstance(rx, SegmentPrefix):
            return None

        def substituted(req: Request, rewritten: bool) -> tuple[str, str] | None:
            m = rx.search(req.path)
            if m is None:
                return None
            if not re.search(r"\$\d", url_path):
                return url_path + req.path, req.query
            groups = m.groups()
            path = re.sub(
                r"\$(\d)",
                lambda g: (groups[int(g.group(1)) - 1] or "") if 0 < int(g.group(1)) <= len(groups) else "",
                url_path,
            )
            return path or "/", req.query

        return substituted
    prefix = match.pattern
    if url_path == prefix:
        return None

    def replaced(req: Request, rewritten: bool) -> tuple[str, str] | None:
        if not req.path.startswith(prefix):
            return None
        return url_path + req.path[len(prefix) :], req.query

    return replaced


def _rewrite_forward(rx: re.Pattern[str] | None, subst: str, flags: frozenset[str]) -> Forward | None:
    """The path and query a ``RewriteRule ... [P]`` hands mod_proxy: its substitution's,
    with the request's query kept when the substitution has none, replaced when it has
    one (unless [QSA] appends it), dropped by [QSD] or a substitution ending in ``?``."""
    if rx is None or "%" in subst:
        return None
    groups = rx.groups

    def forward(req: Request, rewritten: bool) -> tuple[str, str] | None:
        m = rx.search(req.path)
        if m is None:
            return None
        text = re.sub(r"\$(\d)", lambda g: (m.group(int(g.group(1))) or "") if int(g.group(1)) <= groups else "", subst)
        if "$" in text or "://" not in text:
            return None
        rest = text.split("://", 1)[1]
        slash = rest.find("/")
        path, mark, args = (rest[slash:] if slash >= 0 else "/").partition("?")
        if "qsd" in flags or "qsdiscard" in flags:
            query = ""
        elif not mark:
            query = req.query
        elif "qsa" in flags or "qsappend" in flags:
            query = "&".join(q for q in (args, req.query) if q)
        else:
            query = args
        return path or "/", query

    return forward


def _requires(sec: Node) -> Refusal | bool | None:
    """A section's authorization: None when it has none (an earlier section's stays in
    force), False when it grants everyone, else the refusal it makes."""
    lines = [c for c in sec.children or () if c.name == "require" and c.args]
    if not lines:
        return None
    admits: list[str] = []
    status = 403
    denied_loc: Loc | None = None
    for c in lines:
        words = [a.lower() for a in c.args]
        negated = words[0] == "not"
        if negated:
            continue  # `Require not ...` only narrows another line
        if words == ["all", "granted"]:
            return False
        if words == ["all", "denied"]:
            denied_loc = denied_loc or c.loc
        elif words[0] in ("ip", "host", "forward-dns"):
            admits.append("clients from " + " ".join(c.args[1:]))
        elif words[0] == "local":
            admits.append("clients on this machine")
        elif words[0] in ("valid-user", "user", "group", "ldap-user", "ldap-group", "file-group"):
            admits.append("browsers that already hold credentials for this realm from a page of this host")
            status = 401
        else:
            admits.append(f"requests for which `Require {' '.join(c.args)}` holds")
    text = "; ".join("Require " + " ".join(c.args) for c in lines)
    return Refusal(status, denied_loc or lines[0].loc, text, admits=", or ".join(admits))


class LastAuthz:
    """Holds when this <Location>'s authorization is the one in force for the path: the
    section matches and no later section with authorization does."""

    __slots__ = ("own", "later", "where")

    def __init__(self, own: PathMatch, later: tuple[PathMatch, ...], where: str) -> None:
        self.own, self.later, self.where = own, later, where

    @property
    def text(self) -> str:
        return f"<Location {self.where}>"

    def evaluate(self, request: Request) -> bool | None:
        path = request.path
        return self.own.matches(path) and not any(m.matches(path) for m in self.later)


def location_regex(path: str) -> re.Pattern[str]:
    """The matcher of ``path``, where a PathMatch takes a regex."""
    return SegmentPrefix(path)  # type: ignore[return-value]


class ApacheInterpreter(ModelStart):
    dialect = NAME
    assumed_version = ASSUMED_VERSION

    def __init__(self, tree: ConfigTree, options: Options, consume: bool = False) -> None:
        facts = tree.facts
        if not isinstance(facts, ReaderFacts):
            raise TypeError("an Apache tree carries its reader's facts (parsers.apache.read.read)")
        super().__init__(tree, options, consume)
        self.skipped_listens = facts.skipped_listens
        self.assumed = facts.assumed
        self.vt = version_tuple(self.version)
        self.modules = facts.modules
        self.know_modules = facts.saw_loadmodule
        # (owner, url), a balancer member's (owner, url, file, line); a virtual host's are
        # replaced by their backends once it is interpreted (retire_workers)
        self.workers: dict[tuple, Worker | Backend] = {}
        self.made: list[tuple] = []  # keys of the workers the current virtual host made
        self.by_owner: dict[int, list[Worker]] = {}  # workers a server can share, in definition order
        self.default_workers: dict[tuple[str, str, int], Backend] = {}  # (target, file, line)
        self.listens: list[tuple[str, int | None, str, Loc]] = []
        self.checked: set[int] = set()
        # per server (cleared after each virtual host, whose nodes may then be freed): what
        # every route of the server shares, computed once. Keys are id()s of nodes and
        # scopes alive while the server is interpreted.
        self.header_ops: dict[int, HeaderOp | None] = {}
        self.memo: dict[tuple, object] = {}
        self.connections: dict[tuple[bool, bool, int], ApacheConnection] = {}
        self.missing_handlers: dict[frozenset[str], str] = {}  # by the workers' schemes
        self.balancers: dict[str, tuple[Loc, str]] = {}  # name: where first named, its lbmethod
        self.fragment = tree.is_fragment

    # ------------------------------------------------------------------ entry
    def run(self) -> ProxyModel:
        for loc, text, read in self.assumed:
            module = text[1:-1].split(None, 1)[1].strip() if len(text[1:-1].split(None, 1)) > 1 else "?"
            if read:
                what = (
                    f"read as if `{module.lstrip('!')}` were loaded; if the server does not load it, httpd "
                    "skips these lines and the verdicts here that rest on them do not hold"
                )
            else:
                what = (
                    f"skipped as if `{module.lstrip('!')}` were loaded; if the server does not load it, "
                    "httpd reads these lines and they may change the verdicts here"
                )
            self.problems.append(
                ConfigProblem(
                    "assumed",
                    f"`{text}` in a fragment: whether the module is loaded cannot be known from this file, so "
                    f"the section was {what}",
                    loc,
                    fix="lint this file with the main configuration that includes it (it says which modules are "
                    "loaded), or set `roots` in .wsproxylint.toml",
                )
            )
        nodes = self.tree.nodes
        self.check_everywhere(nodes)
        self.check_balancer_modules()
        main = Scope()
        main.absorb(nodes)
        for n in nodes:
            if n.name == "listen" and n.args:
                addr, port = split_listen(n.args[0])
                proto = n.args[1].lower() if len(n.args) > 1 else ("https" if port == 443 else "http")
                self.listens.append((addr, port, proto, n.loc))
        vhosts = [n for n in nodes if n.name == "virtualhost" and n.children is not None]
        sites: list[Site] = []
        main_id = 0
        self.define_workers(main_id, nodes, main)
        for v in vhosts:
            scope = main.child(v.children or [])
            self.define_workers(id(v), v.children or [], scope)
            sites.append(self.site(v, scope, id(v)))
            self.retire_workers(id(v))
            self.memo.clear()
            self.header_ops.clear()
            if self.consume:
                # the model holds what it needs (lines, words); the section's nodes are not
                # needed again, and a fleet's tree would otherwise stay alive beside its model
                v.children = []
            del scope
        self.mark_unopened(sites)
        covered = {lst.port for s in sites for lst in s.listeners}
        uncovered = [lp for lp in self.listens if lp[1] not in covered]
        # the main server answers on listeners no virtual host covers (all of them without vhosts)
        if (main.proxypass or main.locations or main.rewrites or main.redirects) and (uncovered or not vhosts):
            sites.append(self.main_site(main, uncovered, bool(vhosts)))
        self.finish_workers()
        backends = [w.backend if isinstance(w, Worker) else w for w in self.workers.values()] + list(
            self.default_workers.values()
        )
        return self.model(
            sites,
            backends,
            FailureStatuses(
                plain_to_tls_port="status:502",
                tls_to_plain_port="status:500",
                tls_not_ready="status:500",
                certificate_rejected="status:500",
            ),
            ApacheAdvice(),
        )

    def mark_unopened(self, sites: list[Site]) -> None:
        """A virtual host on an address no ``Listen`` opens is never served: httpd starts and
        the browser's connection is refused. Only a whole configuration says which ``Listen``
        lines exist, and only one that has some (else they are somewhere not read)."""
        if not self.whole or not self.listens:
            return
        for site in sites:
            for lst in site.listeners:
                if lst.port is None or any(_listen_covers(a, p, lst.address, lst.port) for a, p, _, _ in self.listens):
                    continue
                lst.opened = False
                skipped = next(
                    (
                        sk
                        for sk in self.skipped_listens
                        if _listen_covers(*split_listen(sk[1][0]), lst.address, lst.port)
                    ),
                    None,
                )
                if skipped is not None:
                    loc, _, cond_loc, cond_text = skipped
                    lst.opener = loc
                    where = f"{os.path.basename(cond_loc.file)} line {cond_loc.line}"
                    lst.not_opened = f"its `Listen` is inside `{cond_text}` ({where}), false where httpd reads it"
                    if cond_text[1:].lower().startswith("ifmodule"):
                        lst.not_opened += ": a module loaded later does not count"
                else:
                    lst.not_opened = f"no `Listen` directive opens port {lst.port}"

    def check_everywhere(self, nodes: list[Node]) -> None:
        # every node, depth first in file order (ConfigTree.walk's order), without building
        # the list of all of them (a fleet's tree is large)
        stack = [iter(self.tree.nodes)]
        while stack:
            for n in stack[-1]:
                name = n.name
                if name in TRUNK_ONLY or name == "location" or name == "locationmatch":
                    self.check_node(n)
                elif name in _PARAM_CARRIERS or name == "proxyset":
                    self.check_params(n, None)  # (a ProxySet without its URL: below)
                    self.note_balancer(n, None)
                elif name == "proxy" and n.children and n.args:
                    self.note_balancer(n, n.args[0])
                    for c in n.children:
                        if c.name == "proxyset":
                            self.note_balancer(c, n.args[0])
                        if c.name == "balancermember" or (
                            c.name == "proxyset" and not (c.args and _URL.match(c.args[0]))
                        ):
                            self.check_params(c, n.args[0])
                if n.children:
                    stack.append(iter(n.children))
                    break
            else:
                stack.pop()

    def note_balancer(self, n: Node, section_url: str | None) -> None:
        """A balancer httpd creates (a <Proxy balancer://>, a ProxyPass or ProxySet naming one),
        with the ``lbmethod=`` it is given: mod_proxy_balancer needs their providers at start."""
        urls = [a for a in n.args if a.lower().startswith("balancer://")]
        if section_url is not None and section_url.lower().startswith("balancer://"):
            urls.append(section_url)
        for url in urls:
            name = _balancer_name(url)
            first, method = self.balancers.get(name, (n.loc, "byrequests"))
            for a in n.args:
                if a.lower().startswith("lbmethod="):
                    method = a.split("=", 1)[1].lower()
            self.balancers[name] = (first, method)

    def check_balancer_modules(self) -> None:
        """With mod_proxy_balancer loaded, a balancer needs mod_slotmem_shm and the module of
        its lbmethod (byrequests by default): without them `apache2 -t` says Syntax OK and
        httpd refuses to start (AH01177, AH02432)."""
        if not self.know_modules or "proxy_balancer_module" not in self.modules:
            return
        needs_slotmem = "slotmem_shm_module" not in self.modules
        for name, (loc, method) in self.balancers.items():
            missing = []
            if needs_slotmem:
                missing.append(("slotmem_shm_module", "AH01177: Failed to lookup provider 'shm' for 'slotmem'"))
                needs_slotmem = False  # said once
            if f"lbmethod_{method}_module" not in self.modules:
                missing.append((f"lbmethod_{method}_module", f"AH02432: Cannot find LB Method: {method}"))
            for module, error in missing:
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f"{name} needs {module}, which is not loaded: `apache2 -t` says Syntax OK "
                        f"but httpd refuses to start ({error})",
                        loc,
                        fix=f"add `LoadModule {module} modules/mod_{module.removesuffix('_module')}.so` "
                        f"(Debian: `a2enmod {module.removesuffix('_module')}`)",
                    )
                )

    def check_params(self, n: Node, section_url: str | None) -> None:
        """A parameter httpd does not take in this place makes it refuse the config."""
        if n.name == "balancermember":
            url, params, balancer = "", n.args[1:], False
        elif n.name == "proxyset":
            if n.args and _URL.match(n.args[0]):
                url, params = n.args[0], n.args[1:]
            elif section_url is not None:
                url, params = section_url, n.args
            else:
                return
            balancer = url.lower().startswith("balancer://")
        else:  # ProxyPass / ProxyPassMatch: path, then target (in <Location>: target only)
            first_url = 0 if n.args and _URL.match(n.args[0]) else 1
            if len(n.args) <= first_url or not _URL.match(n.args[first_url]):
                return
            url, params = n.args[first_url], n.args[first_url + 1 :]
            balancer = url.lower().startswith("balancer://")
        # a '#' after the directive is text httpd reads as arguments: the trailing-comment
        # check (trailing.py) reports that line with its own fix
        params = list(itertools.takewhile(lambda a: not a.startswith("#"), params))
        if not params:
            return
        hcheck = not self.know_modules or HEALTH_CHECK in self.modules
        shown = _PARAM_CARRIERS.get(n.name, "BalancerMember" if n.name == "balancermember" else "ProxySet")
        message = rejected_params(shown, params, balancer, hcheck, url.rstrip("/"))
        if message is not None:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    message,
                    n.loc,
                    fix="put balancer parameters (lbmethod=, stickysession=, ...) on the ProxyPass or ProxySet "
                    "of the balancer:// and worker parameters (disablereuse=On, timeout=, upgrade=, ...) on "
                    "each BalancerMember or a ProxyPass to a host; on/off parameters take On or Off",
                )
            )

    def check_node(self, n: Node) -> None:
        if n.name in TRUNK_ONLY:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    f"Invalid command '{TRUNK_ONLY[n.name]}': it exists only in httpd trunk (2.5), not in any 2.4 "
                    "release, so httpd refuses to start",
                    n.loc,
                    fix="remove it; on 2.4 the tunnel idle timeout is the larger of `Timeout` and the worker's "
                    "`timeout=` (or `ProxyTimeout`)",
                )
            )
        elif n.name == "location" or n.name == "locationmatch":
            for c in n.children or []:
                if (
                    c.name in ("proxypass", "proxypassmatch")
                    and len(c.args) >= 2
                    and c.args[0].startswith("/")
                    and (c.args[1] == "!" or _URL.match(c.args[1]))
                ):
                    self.problems.append(
                        ConfigProblem(
                            "rejected",
                            "ProxyPass|ProxyPassMatch can not have a path when defined in a location",
                            c.loc,
                            fix="inside <Location> write `ProxyPass http://host:port/path/` without the "
                            "path argument (the section gives it)",
                        )
                    )

    # ------------------------------------------------------------------ workers
    def define_workers(self, owner: int, nodes: list[Node], scope: Scope) -> None:
        """Workers in the order httpd creates them (config order within the server)."""
        balancers: set[str] = set()  # the balancers this server has defined so far
        for n in nodes:
            if n.children is not None:
                if n.name in ("proxy", "proxymatch") and n.args:
                    if n.args[0].lower().startswith("balancer://"):
                        balancers.add(n.args[0].lower().rstrip("/"))
                    self.proxy_section(owner, n)
                elif n.name in ("location", "locationmatch"):
                    regex = _proxy_regex_section(n)
                    for c in n.children:
                        if c.name in ("proxypass", "proxypassmatch") and c.args and _URL.match(c.args[0]):
                            target = c.args[0]
                            w = self.worker(owner, target.split("$", 1)[0], _params(c.args[1:]), c.loc)
                            if regex and w.loc is c.loc:
                                self.match_worker(w, target, c.loc)
                continue
            if n.name == "proxyset" and n.args and n.args[0].lower().startswith("balancer://"):
                self.proxyset_balancer(n, balancers)
                continue
            if n.name == "balancermember" and len(n.args) >= 2 and n.args[0].lower().startswith("balancer://"):
                balancers.add(_balancer_name(n.args[0]))
                self.balancer_member(owner, n)
                continue
            if n.name in ("proxypass", "proxypassmatch") and len(n.args) >= 2 and _URL.match(n.args[1]):
                url = n.args[1]
                if url.lower().startswith("balancer://"):  # a ProxyPass creates the balancer it names
                    balancers.add(_balancer_name(url))
                if n.name == "proxypassmatch" and "$" in url:
                    url = url.split("$", 1)[0]
                w = self.worker(owner, url, _params(n.args[2:]), n.loc)
                if n.name == "proxypassmatch" and w.loc is n.loc:
                    self.match_worker(w, n.args[1], n.loc)

    def proxyset_balancer(self, n: Node, balancers: set[str]) -> None:
        """``ProxySet balancer://name ...`` outside a ``<Proxy>`` looks the balancer up while
        httpd reads the line, among those this server has defined above it (a
        ``<Proxy balancer://name>`` or a ProxyPass to it); another virtual host's does not
        count. Not found, httpd refuses to start (observed on 2.4.71: "ProxySet can not find
        'balancer://fas' Balancer." in a plain virtual host without the <Proxy> section)."""
        name = _balancer_name(n.args[0])
        if name in balancers:
            return
        self.problems.append(
            ConfigProblem(
                "rejected",
                f"ProxySet can not find '{n.args[0]}' Balancer: no <Proxy {n.args[0]}> or ProxyPass to it comes "
                "before this line in the same server, so httpd refuses to start",
                n.loc,
                fix=f"define <Proxy {n.args[0]}> with its members above this line in this virtual host, or put "
                "the ProxySet inside that section",
            )
        )

    def proxy_section(self, owner: int, n: Node) -> None:
        url = n.args[0]
        params: dict[str, str] = {}
        for c in n.children or []:
            if c.name == "proxyset":
                params.update(_params(c.args))
        if url.lower().startswith("balancer://"):
            w = self.worker(owner, url.rstrip("/"), params, n.loc, balancer=True)
            for c in n.children or []:
                if c.name == "balancermember" and c.args:
                    member_params = dict(params)
                    member_params.update(_params(c.args[1:]))
                    self.add_member(w, self.worker(owner, c.args[0], member_params, c.loc, member=True))
        elif _URL.match(url):
            self.worker(owner, url, params, n.loc, explicit_params=True)

    def balancer_member(self, owner: int, n: Node) -> None:
        """``BalancerMember balancer://name url ...`` outside a <Proxy> section: a member of
        that balancer all the same."""
        w = self.worker(owner, n.args[0].rstrip("/"), {}, n.loc, balancer=True)
        self.add_member(w, self.worker(owner, n.args[1], _params(n.args[2:]), n.loc, member=True))

    @staticmethod
    def add_member(balancer: Worker, member: Worker) -> None:
        balancer.members.append(member)
        balancer.backend.servers.extend(member.backend.servers)
        balancer.backend.pool = max((m.backend.pool for m in balancer.members), key=lambda s: s.value)

    def worker(
        self,
        owner: int,
        url: str,
        params: dict[str, str],
        loc: Loc,
        balancer: bool = False,
        member: bool = False,
        explicit_params: bool = False,
    ) -> Worker:
        key_url = url.lower()
        for w in self.shareable(owner):
            u = w.url
            if (
                not w.matchable
                and "#" not in u
                and (key_url == u or (key_url.startswith(u) and not balancer))
                and w.url.split("://")[0] == key_url.split("://")[0]
            ):
                if explicit_params:
                    w.params.update(params)
                    w.backend.pool = self.pool(w.params, loc)
                return w  # worker sharing: the earlier worker and its settings serve this URL
        scheme, host, port, _ = split_url(url)
        servers = [] if balancer else [Server(host, port, loc)]
        backend = Backend(name=url, servers=servers, loc=loc, pool=self.pool(params, loc, scheme), named=balancer)
        w = Worker(url=key_url, scheme=scheme, params=params, loc=loc, backend=backend)
        # (a line's file and number rather than its Loc: a Loc hashes in Python code)
        key = (owner, key_url) if not member else (owner, key_url, loc.file, loc.line)
        self.workers[key] = w
        if owner:
            self.made.append(key)
        if not member:
            self.by_owner.setdefault(owner, []).append(w)
        return w

    def shareable(self, owner: int) -> list[Worker]:
        """The workers a server's URL can share, in definition order: its own, then the main
        server's."""
        own = self.by_owner.get(owner, [])
        if not owner:
            return own
        main = self.by_owner.get(0, [])
        return own + main if main else own

    def pool(self, params: dict[str, str], loc: Loc, scheme: str = "http") -> Setting[int]:
        if params.get("disablereuse", "").lower() == "on" or params.get("enablereuse", "").lower() == "off":
            return Setting(0, loc)
        if scheme in ("ws", "wss") and self.vt < UPGRADE_IN_PROXY_HTTP:
            return _WSTUNNEL_POOL
        return _POOLED

    @staticmethod
    def match_worker(worker: Worker, target: str, loc: Loc) -> None:
        """A worker a regex route defines: no later ProxyPass URL shares it, and when its URL
        takes back-references ($1) it reuses no backend connection: every request through
        it, page or upgrade, opened a connection of its own (both observed on httpd 2.4.71
        with ProxyPassMatch and <LocationMatch>, FAS 2.5.2 stand-in, warm)."""
        worker.matchable = True
        worker.pattern = target.lower()
        if re.search(r"\$\d", target):
            worker.backend.pool = Setting(
                0, loc, note="a regex route's URL with back-references reuses no backend connection"
            )

    def serving_worker(self, owner: int, worker: Worker, target: str, match: PathMatch | None) -> Worker:
        """The worker that really serves a regex route's websocket request. mod_proxy picks
        it per request, by the longest worker name that fits the URL it built (the target
        with the request's path appended, or its back-references filled in), not by the
        line that routed it: a page ProxyPass whose URL is longer than the regex route's
        (``https://fas:8443/gateway/`` against ``https://fas:8443``) takes the websocket
        with its own parameters (observed on httpd 2.4.71: ``upgrade=websocket`` on the
        ProxyPassMatch line was then ignored and FAS got no Upgrade)."""
        probe = self.probe(match) if match is not None else None
        if not probe or match is None or match.regex is None:
            return worker
        if re.search(r"\$\d", target):
            m = match.regex.search(probe)
            if m is None:
                return worker
            groups = m.groups()
            url = re.sub(
                r"\$(\d)",
                lambda g: (groups[int(g.group(1)) - 1] or "") if 0 < int(g.group(1)) <= len(groups) else "",
                target,
            )
        else:
            url = target + probe
        url = url.lower()
        best, best_len = worker, -1
        for w in self.shareable(owner):
            name = w.pattern if w.matchable else w.url
            if len(name) > best_len and len(name) <= len(url) and _worker_fits(url, name, w.matchable):
                best, best_len = w, len(name)
        return best

    def find_worker(self, owner: int, url: str) -> Worker | None:
        key = url.lower()
        best: Worker | None = None
        for w in self.shareable(owner):
            if key.startswith(w.url) and (best is None or len(w.url) > len(best.url)):
                best = w
        return best

    def balancer_named(self, owner: int, name: str) -> Worker | None:
        """The balancer a server has under this name (its own, else the main server's). httpd
        keeps balancers by name, whatever path a ProxyPass gave and in whatever order the
        ProxyPass and the <Proxy> section that fills it come; the model may hold a member-less
        worker for the ProxyPass's URL beside the section's, so the one with members wins."""
        named = [w for w in self.shareable(owner) if w.url.startswith(name) and _balancer_name(w.url) == name]
        return next((w for w in named if w.members), named[0] if named else None)

    def finish_workers(self) -> None:
        for w in self.workers.values():
            if isinstance(w, Worker):
                self.finish_worker(w)

    @staticmethod
    def finish_worker(w: Worker) -> None:
        if w.initial_not_pooled and all(w.initial_not_pooled):
            w.backend.first_request_reuses = False

    def retire_workers(self, owner: int) -> None:
        """A virtual host's workers, once it is interpreted: finished and replaced by their
        backends (the model keeps those). No later server can share them (a server shares
        its own and the main server's), and on a fleet the Worker objects with their
        parameters would otherwise stay alive to the end of the interpretation. Their keys
        stay, so the backends keep their order."""
        self.by_owner.pop(owner, None)
        workers = self.workers
        for key in self.made:
            w = workers[key]
            if isinstance(w, Worker):  # (a key made twice is retired once)
                self.finish_worker(w)
                workers[key] = w.backend
        self.made.clear()

    # ------------------------------------------------------------------ sites
    def site(self, v: Node, scope: Scope, owner: int) -> Site:
        children = v.children or []
        names = [a for n in children if n.name in ("servername", "serveralias") for a in n.args]
        tls = on(scope.scalars.get("sslengine"))
        cert = scope.scalars.get("sslcertificatefile")
        listeners: list[Listener] = []
        for a in v.args:
            addr, port = split_listen(a)
            ports = [port] if port is not None else sorted({p for _, p, _, _ in self.listens if p}) or [80]
            for p in ports:
                listeners.append(
                    Listener(address=addr, port=p, tls=tls, loc=v.loc, tls_material=cert.loc if cert else None)
                )
        label = "<VirtualHost " + " ".join(v.args) + ">" + (f" {names[0]}" if names else "")
        site = Site(label=label, names=names, listeners=listeners, loc=v.loc)
        self.note_files(site, node_files([v]))
        self.fill_routes(site, scope, owner)
        return site

    def main_site(self, scope: Scope, listens, has_vhosts: bool) -> Site:
        tls = on(scope.scalars.get("sslengine"))
        cert = scope.scalars.get("sslcertificatefile")
        listeners = [
            Listener(
                address=a, port=p, tls=tls or proto == "https" and tls, loc=loc, tls_material=cert.loc if cert else None
            )
            for a, p, proto, loc in listens
        ]
        if not listeners:
            listeners = (
                [Listener("*", None, tls=tls, loc=None, unknown=True)]
                if not self.whole
                else [Listener("0.0.0.0", 80, tls=tls, loc=None)]
            )
        site = Site(label="main server", names=[], listeners=listeners, loc=Loc(self.tree.root_file, 1))
        self.fill_routes(site, scope, 0)
        return site

    # ------------------------------------------------------------------ routes
    def fill_routes(self, site: Site, scope: Scope, owner: int) -> None:
        site.steps = self.rewrite_steps(scope, owner) if on(scope.scalars.get("rewriteengine")) else []
        table = RouteTable(policy="first-match")
        loc_routes: list[Route] = []
        loc_redirects: list[Route] = []
        for sec in scope.locations:
            match = self.section_match(sec)
            if match is None:
                continue
            label = intern(f"<{'LocationMatch' if sec.name == 'locationmatch' else 'Location'} {' '.join(sec.args)}>")
            pass_match = self.proxy_section_match(sec, match)
            for c in sec.children or []:
                if c.name in ("proxypass", "proxypassmatch") and c.args:
                    route = Route(match=pass_match, loc=sec.loc, label=label)
                    if c.args[0] == "!":
                        route.action = None
                    elif _URL.match(c.args[0]):
                        route.action = self.proxy(owner, c.args[0], _params(c.args[1:]), c, scope, pass_match)
                    else:
                        continue
                    loc_routes.append(route)
                elif c.name in ("redirect", "redirectpermanent", "redirecttemp") and c.args:
                    loc_redirects.append(
                        Route(match=match, loc=sec.loc, label=label, action=self.redirect_action(c, in_location=True))
                    )
        access = self.access_steps(scope)
        if access:
            site.steps = [*_access_before_proxy(site.steps, access), *access]
        # a Redirect in a <Location> runs in the fixups and wins over any ProxyPass (httpd 2.4.71)
        table.routes.extend(loc_redirects)
        table.routes.extend(reversed(loc_routes))
        for n in scope.proxypass:
            found = self.proxypass_route(n, owner, scope)
            if found is not None:
                table.routes.append(found)
        for n in scope.redirects:
            found = self.redirect_route(n)
            if found is not None:
                table.routes.append(found)
        site.routes = table

    def proxy_section_match(self, sec: Node, match: PathMatch) -> PathMatch:
        """What a ProxyPass inside a regex section matches. mod_proxy takes the section's
        text as a regex only when it has a wildcard (``*`` or ``?``); otherwise as a plain
        path, as in a ``<Location>``, which a text such as ``^/(a|b)$`` never matches
        (observed on httpd 2.4.71: ``<LocationMatch "^/gateway/websocketcall$">`` proxied
        nothing, ``"^/gateway/websocketcal?l$"`` and ``"^/gateway/(.*)$"`` did). The section
        itself (its Require, RequestHeader) still matches as a regex."""
        if sec.name != "locationmatch" and not (sec.args and sec.args[0] == "~"):
            return match
        if _proxy_regex_section(sec):
            return match
        key = ("proxy-section", id(sec))
        found = self.memo.get(key)
        if found is None:
            text = sec.args[-1]
            found = self.memo[key] = PathMatch("pattern", text, regex=location_regex(text))
        return found  # type: ignore[return-value]

    def section_match(self, sec: Node) -> PathMatch | None:
        key = ("section", id(sec))
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        found = self.memo[key] = self._section_match(sec)
        return found

    def _section_match(self, sec: Node) -> PathMatch | None:
        if not sec.args:
            return None
        if sec.name == "locationmatch" or (sec.args[0] == "~" and len(sec.args) > 1):
            pattern = sec.args[-1]
            return PathMatch("pattern", pattern, regex=_compile(pattern))
        path = sec.args[0]
        if path in self.options.ws_paths:
            return PathMatch("exact", path)  # only the websocket itself comes here
        return PathMatch("pattern", path, regex=location_regex(path))

    def proxypass_route(self, n: Node, owner: int, scope: Scope) -> Route | None:
        if len(n.args) < 2:
            return None
        path, target = n.args[0], n.args[1]
        if n.name == "proxypassmatch":
            match = PathMatch("pattern", path, regex=_compile(path))
        elif path in self.options.ws_paths:
            # only the websocket itself comes here (a longer URL is not one FAS serves)
            match = PathMatch("exact", path)
        else:
            # whole path segments: /seg matches /seg and /seg/x, not /segx (httpd 2.4.71)
            match = PathMatch("pattern", path, regex=location_regex(path))
        label = intern(f"{'ProxyPassMatch' if n.name == 'proxypassmatch' else 'ProxyPass'} {path}")
        route = Route(match=match, loc=n.loc, label=label)
        if target == "!":
            return route
        if not _URL.match(target):
            return None
        route.action = self.proxy(owner, target, _params(n.args[2:]), n, scope, match)
        return route

    def redirect_route(self, n: Node) -> Route | None:
        args = n.args
        if n.name == "redirectmatch":
            rest = args[1:] if args and (args[0].isdigit() or args[0].lower() in _REDIRECT_WORDS) else args
            if not rest:
                return None
            return Route(
                match=PathMatch("pattern", rest[0], regex=_compile(rest[0])),
                loc=n.loc,
                label=f"RedirectMatch {rest[0]}",
                action=self.redirect_action(n),
            )
        rest = (
            args[1:]
            if args
            and (args[0].isdigit() or args[0].lower() in _REDIRECT_WORDS)
            and len(args) >= 2
            and args[1].startswith("/")
            else args
        )
        if not rest or not rest[0].startswith("/"):
            return None
        return Route(
            match=PathMatch("pattern", rest[0], regex=location_regex(rest[0])),
            loc=n.loc,
            label=f"Redirect {rest[0]}",
            action=self.redirect_action(n),
        )

    def redirect_action(self, n: Node, in_location: bool = False) -> Respond:
        args = n.args
        code = {"redirectpermanent": 301, "redirecttemp": 302}.get(n.name, 302)
        if args and args[0].isdigit():
            code = int(args[0])
        elif args and args[0].lower() in _REDIRECT_WORDS:
            code = _REDIRECT_WORDS[args[0].lower()]
        target = next((a for a in args if "://" in a), args[-1] if args else None)
        return Respond(code, n.loc, target=target)

    # ------------------------------------------------------------------ access (paths)
    def access_steps(self, scope: Scope) -> list[Step]:
        """The authorization of the <Location> sections, as refusals met after the rewrites.

        Sections merge in file order and, with the default ``AuthMerging Off``, the last
        matching section that has authorization directives replaces the earlier ones; the
        ``Require`` lines of one section are alternatives (any one grants). ``<Directory>``
        sections do not apply to proxied URLs."""
        sections = [
            (sec, m, rules)
            for sec, m in self.location_matches(scope)
            if m is not None and (rules := _requires(sec)) is not None
        ]
        steps: list[Step] = []
        for i, (sec, _, refusal) in enumerate(sections):
            if refusal is None or isinstance(refusal, bool):
                continue
            later = tuple(m for _, m, _ in sections[i + 1 :] if m is not None)
            own = sections[i][1]
            assert own is not None
            refusal.condition = LastAuthz(own, later, sec.args[-1] if sec.args else "")
            steps.append(refusal)
        return steps

    # ------------------------------------------------------------------ rewrite
    def rewrite_steps(self, scope: Scope, owner: int) -> list[Step]:
        out: list[Step] = []
        conds: list[tuple[str, str, frozenset[str]]] = []
        cond_text: list[str] = []
        for n in scope.rewrites:
            if n.name == "rewritecond":
                if len(n.args) >= 2:
                    cond_key = (n.args[0], n.args[1], _flags(n.args[2]) if len(n.args) > 2 else _NO_FLAGS)
                    conds.append(cond_key)
                    cond_text.append(" ".join(n.args))
                continue
            if len(n.args) < 2:
                conds, cond_text = [], []
                continue
            pattern, subst = n.args[0], n.args[1]
            flags = _flags(n.args[2]) if len(n.args) > 2 else _NO_FLAGS
            negate = pattern.startswith("!")
            rx = _compile(pattern[1:] if negate else pattern, "nc" in flags or "nocase" in flags)
            if negate:
                rx = None  # a negated pattern has no captures; judged unknown
            cond = RewriteConditions(rx, conds, intern(" ; ".join(cond_text + [f"RewriteRule {pattern}"])))
            conds, cond_text = [], []
            step = self.rewrite_step(n, rx, subst, flags, cond, owner, scope)
            if step is not None:
                out.append(step)
        return out

    def rewrite_step(
        self, n: Node, rx, subst: str, flags: frozenset[str], cond: RewriteConditions, owner: int, scope: Scope
    ) -> Step | None:
        redirect = next((f for f in flags if f == "r" or f.startswith(("r=", "redirect"))), None)
        if "f" in flags or "forbidden" in flags:
            return Guard(cond, [Respond(403, n.loc, reason="RewriteRule [F]")], n.loc)
        if "g" in flags or "gone" in flags:
            return Guard(cond, [Respond(410, n.loc, reason="RewriteRule [G]")], n.loc)
        if redirect is not None or (_HTTP_URL.match(subst) and "p" not in flags and "proxy" not in flags):
            code = 302
            if redirect is not None and "=" in redirect:
                word = redirect.split("=", 1)[1]
                code = int(word) if word.isdigit() else {"permanent": 301, "temp": 302, "seeother": 303}.get(word, 302)
            return Guard(cond, [Respond(code, n.loc, target=subst)], n.loc)
        if "p" in flags or "proxy" in flags:
            # mod_rewrite hands the request to mod_proxy before any ProxyPass is consulted,
            # and [P] implies [L]: no later RewriteRule runs
            action = self.proxy(owner, subst, {}, n, scope, None, rewrite=True)
            if isinstance(action, ProxyAction):
                action.forward = _rewrite_forward(rx, subst, flags)
            text = " ".join(n.args)
            return Guard(
                cond,
                [Rewrite(apply=_same_path, then="stop", loc=n.loc, text=text)],
                n.loc,
                action=action,
                label=f"RewriteRule {text}",
            )
        if subst == "-":
            return None

        def apply(req: Request, rx=rx, subst=subst) -> str | None:
            if rx is None:
                return None
            m = rx.search(req.path)
            if not m:
                return None
            text = re.sub(
                r"\$(\d)",
                lambda g: m.group(int(g.group(1))) or "" if int(g.group(1)) <= (rx.groups or 0) else "",
                subst,
            )
            if "%{" in text or "$" in text:
                return None
            return text.split("?", 1)[0] or "/"

        if "pt" in flags or "passthrough" in flags:
            return Rewrite(apply=apply, then="continue", loc=n.loc, text="RewriteRule " + " ".join(n.args))
        # without [PT], mod_rewrite maps the URL to a file itself and mod_proxy's ProxyPass never sees it
        return Guard(
            cond,
            [],
            n.loc,
            action=ServeLocal(
                404, n.loc, what="files (the RewriteRule maps the URL to a file path; add [PT] to pass it on)"
            ),
        )

    # ------------------------------------------------------------------ proxying
    def proxy(
        self,
        owner: int,
        target: str,
        params: dict[str, str],
        n: Node,
        scope: Scope,
        match: PathMatch | None,
        rewrite: bool = False,
    ):
        scheme, host, port, path = split_url(target)
        # the server's environment and request headers, copied only when a <Location> adds to
        # them (Header lines there are response headers: nothing here reads them)
        env = scope.env
        req_headers = scope.request_headers
        if match is not None and scope.locations:
            probe = self.probe(match) or ""  # once per route, not once per <Location>
            for sec, m in self.location_matches(scope) if probe else ():
                if m is not None and m.regex is not None and m.regex.search(probe):
                    for c in sec.children or []:
                        if c.name == "requestheader":
                            if req_headers is scope.request_headers:
                                req_headers = list(req_headers)
                            req_headers.append(c)
                        elif c.name == "setenv" and c.args:
                            if env is scope.env:
                                env = dict(env)
                            env[c.args[0].lower()] = c
        if scheme == "balancer":
            worker = self.balancer_named(owner, _balancer_name(target))
        elif rewrite:
            worker = self.find_worker(owner, target.split("$", 1)[0])
        else:
            worker = self.worker(owner, target.split("$", 1)[0] if "$" in target else target, params, n.loc)
            if _regex_route(n.name, match):
                if worker.loc is n.loc:
                    self.match_worker(worker, target, n.loc)
                worker = self.serving_worker(owner, worker, target, match)
        backend: Backend | None
        if worker is not None:
            backend = worker.backend
            wparams = worker.params  # read only here
            upgrade_schemes = {m.scheme for m in worker.members} if worker.members else {worker.scheme}
            if not upgrade_schemes:
                upgrade_schemes = {worker.scheme}
            worker.initial_not_pooled.append("proxy-initial-not-pooled" in env)
        else:
            default_key = (target, n.loc.file, n.loc.line)
            if "$" in host or not host:
                backend = None
            else:
                backend = self.default_workers.get(default_key)
                if backend is None:
                    backend = self.default_workers[default_key] = Backend(
                        name=target, servers=[Server(host, port, n.loc)], loc=n.loc, pool=_DEFAULT_WORKER_POOL
                    )
            wparams = {}
            upgrade_schemes = {scheme}
        if scheme in ("http", "https", "ws", "wss", "balancer") and self.know_modules:
            schemes_key = frozenset(upgrade_schemes | {scheme})
            missing = self.missing_handlers.get(schemes_key)
            if missing is None:
                missing = self.missing_handlers[schemes_key] = self.missing_handler(
                    upgrade_schemes, balancer=scheme == "balancer"
                )
            if missing:
                return Respond(
                    500,
                    n.loc,
                    reason=f"no module handles "
                    f"{'balancer' if missing == 'proxy_balancer_module' else '/'.join(sorted(upgrade_schemes))}:// "
                    f"({missing} is not loaded; AH01144)",
                )
        if scheme == "balancer":
            # balancers belong to the server that defines them (and the main server's to every
            # virtual host): observed on 2.4.71, a [P] to one this server does not have gets 500,
            # a ProxyPass (which creates it, empty) 503
            name = _balancer_name(target)
            if worker is None:
                return Respond(
                    500,
                    n.loc,
                    reason=f"no {name} in this server: a balancer another virtual host defines is not "
                    "this one's (define it here or in the main server)",
                )
            if not worker.members:
                return Respond(
                    503,
                    n.loc,
                    reason=f"{name} has no BalancerMember in this server (another virtual host's members "
                    "are not this one's)",
                )
        tls = not upgrade_schemes.isdisjoint(_TLS_SCHEMES)
        upgrades, why_not = self.upgrades(upgrade_schemes, wparams, worker)
        ops: list[HeaderOp] = []
        preserve = on(scope.scalars.get("proxypreservehost"))
        if not preserve:
            ops.append(
                HeaderOp(
                    "Host",
                    Literal(host or "backend-host"),
                    None,
                    note="httpd default: the backend's host (ProxyPreserveHost Off)",
                )
            )
        http10 = env.get("force-proxy-request-1.0") or env.get("downgrade-1.0")
        nokeepalive = env.get("proxy-nokeepalive")
        # the line whose worker settings are in force: an earlier ProxyPass whose URL is a
        # prefix of this one shares its worker, and this line's parameters are ignored
        # (httpd 2.4.71 initializes one worker for both)
        # (``is not``: a Loc compares in Python code, and a worker's line equal to this one
        # is this one, or the same line of a file read twice, which reads the same)
        decider = worker.loc if worker is not None and worker.loc is not n.loc and not worker.members else n.loc
        if not upgrades or http10:
            # mod_proxy_http drops Upgrade as hop-by-hop on this worker (or on an HTTP/1.0
            # request): the line that decides it is the one to change
            ops.append(HeaderOp("Upgrade", None, http10.loc if http10 else decider, note=why_not))
        unset_upgrade: Node | None = None
        unset_upgrade_if: tuple[Condition, Node] | None = None
        header_ops = self.header_ops
        for h in req_headers:
            if id(h) in header_ops:
                op = header_ops[id(h)]
            else:
                op = header_ops[id(h)] = _request_header_op(h)
            if op is None:
                continue
            if op.name.lower() == "upgrade":
                if op.value is None:
                    if op.condition is None:
                        unset_upgrade = h
                    else:  # the requests it holds for lose the upgrade, and Connection with it
                        unset_upgrade_if = (op.condition, h)
                    ops.append(op)
                continue  # mod_proxy_http decides on Upgrade itself; setting it changes nothing
            ops.append(op)
        conn_loc = (
            http10.loc
            if http10
            else unset_upgrade.loc
            if unset_upgrade is not None
            else (decider if not upgrades else unset_upgrade_if[1].loc if unset_upgrade_if is not None else None)
        )
        # without reuse (disablereuse=On, enablereuse=Off) httpd asks the backend to close
        no_reuse = wparams.get("disablereuse", "").lower() == "on" or wparams.get("enablereuse", "").lower() == "off"
        ops.append(
            self.connection_op(
                upgrades and unset_upgrade is None and not http10,
                bool(http10 or nokeepalive or no_reuse),
                conn_loc,
                why_not or "mod_proxy_http's own Connection header",
                unless=unset_upgrade_if[0] if unset_upgrade_if is not None else None,
            )
        )
        # `Header [always] unset Sec-WebSocket-Accept|Upgrade` does not touch the 101: on httpd
        # 2.4.71 in front of a backend answering 101, the browser still got all three headers
        hidden: tuple[HiddenHeader, ...] = ()
        up = UpstreamRequest(
            forward_client_headers=_FORWARDED,
            hop_by_hop_forwarded=_UPGRADE_HOP if upgrades and not http10 else _NO_HOP,
            ops=tuple(ops),
            empty_value_removes=True,
            ops_loc=None,
            http_version=Setting("1.0", http10.loc) if http10 else _HTTP11,
            hidden_response_headers=hidden,
        )
        memo = self.memo
        wt = wparams.get("timeout")
        # the worker's own line counts only when it sets timeout=; else every route of the
        # server has the same idle timeout
        idle_key = ("idle", id(scope), wt, worker.loc if worker is not None and wt is not None else None)
        timeouts = memo.get(idle_key)
        if not isinstance(timeouts, Timeouts):
            timeouts = Timeouts(idle=self.idle(scope, wparams, worker))
            memo[idle_key] = timeouts
        # a balancer's members are dialled by their own hosts: mod_ssl checks those names
        # (a BalancerMember by IP with SSLProxyCheckPeerName on gave 500, AH02411, on 2.4.71)
        member = worker.members[0] if worker is not None and worker.members else None
        if member is not None and member.backend.servers:
            tls_settings, ready = self.backend_tls(
                scope, member.backend.servers[0].host, tls, preserve, n, name_loc=member.loc
            )
        else:
            tls_settings, ready = self.backend_tls(scope, host, tls, preserve, n)
        action = ProxyAction(
            target=target,
            backend=backend,
            tls=tls,
            loc=n.loc,
            upstream=up,
            timeouts=timeouts,
            tls_settings=tls_settings,
            uri=path or None,
            outside=self.fragment,
            tls_ready=ready,
            forward=None
            if rewrite
            else _forward("proxypassmatch" if _regex_route(n.name, match) else n.name, path, match),
        )
        return action

    def connection_op(
        self, upgrades: bool, closes: bool, loc: Loc | None, note: str, unless: Condition | None = None
    ) -> HeaderOp:
        key = (upgrades, closes, id(unless))
        value = self.connections.get(key)
        if value is None:
            value = self.connections[key] = ApacheConnection(upgrades, closes, unless)
        return HeaderOp("Connection", value, loc, note=note)

    def covers(self, sec: Node, match: PathMatch) -> bool:
        """Does this <Location> apply to the URLs of a route (so its settings merge in)?"""
        probe = self.probe(match)
        return bool(probe and self.covers_probe(sec, probe))

    def probe(self, match: PathMatch) -> str | None:
        """A URL a route matches, to try the <Location> sections with: its own path, or for
        a regex the first websocket path it takes (None: none)."""
        if match.kind != "pattern" or not match.pattern.startswith("^"):
            return match.pattern
        for ws in self.options.ws_paths:
            if match.matches(ws):
                return ws
        return None

    def location_matches(self, scope: Scope) -> list[tuple[Node, PathMatch | None]]:
        """The server's <Location> sections with their matches, listed once per server."""
        key = ("locations", id(scope))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = [(sec, self.section_match(sec)) for sec in scope.locations]
        return found  # type: ignore[return-value]

    def covers_probe(self, sec: Node, probe: str) -> bool:
        m = self.section_match(sec)
        return bool(m is not None and m.regex is not None and m.regex.search(probe))

    def missing_handler(self, schemes: set[str], balancer: bool = False) -> str:
        """The module a request to these schemes needs and does not have (httpd answers 500,
        AH01144): a balancer:// route needs mod_proxy_balancer besides its members' modules."""
        need = {"proxy_balancer_module"} if balancer else set()
        for s in schemes:
            if s in ("http", "https"):
                need.add("proxy_http_module")
            elif s in ("ws", "wss"):
                need.add("proxy_http_module" if self.vt >= UPGRADE_IN_PROXY_HTTP else "proxy_wstunnel_module")
        if "proxy_module" not in self.modules:
            return "proxy_module"
        for m in sorted(need):
            if m == "proxy_http_module" and "ws" in "".join(schemes) and "proxy_wstunnel_module" in self.modules:
                continue
            if m not in self.modules:
                return m
        return ""

    def upgrades(self, schemes: set[str], params: dict[str, str], worker: Worker | None) -> tuple[bool, str]:
        if schemes & {"ws", "wss"}:
            return True, ""
        up = params.get("upgrade")
        if worker is not None and worker.members:
            ups = [m.params.get("upgrade") for m in worker.members]
            up = ups[0] if ups and all(u == ups[0] for u in ups) else up
        if up is not None:
            if self.vt < UPGRADE_IN_PROXY_HTTP:
                return False, f"httpd {self.version} ignores upgrade= on an http:// worker (2.4.47+ only)"
            if up.lower() in ("websocket", "*", "any") or "websocket" in up.lower().split(","):
                return True, ""
            return False, f"upgrade={up} does not name websocket"
        return False, "an http:// worker without upgrade=websocket strips Upgrade (hop-by-hop)"

    def idle(self, scope: Scope, params: dict[str, str], worker: Worker | None) -> Setting[float | None]:
        t_node = scope.scalars.get("timeout")
        server = seconds(t_node.args[0]) if t_node and t_node.args else None
        server_s = Setting(
            server if server is not None else DEFAULT_TIMEOUT, t_node.loc if server is not None and t_node else None
        )
        backend_s: Setting[float | None]
        wt = params.get("timeout")
        pt = scope.scalars.get("proxytimeout")
        if wt is not None and seconds(wt) is not None:
            backend_s = Setting(seconds(wt), worker.loc if worker else None)
        elif pt is not None and pt.args and seconds(pt.args[0]) is not None:
            backend_s = Setting(seconds(pt.args[0]), pt.loc)
        else:
            backend_s = Setting(server_s.value, server_s.loc)
        a, b = server_s, backend_s
        if self.vt >= TUNNEL_TIMEOUT_MAX:
            pick = a if (a.value or 0) > (b.value or 0) or (a.value == b.value and a.loc is not None) else b
            note = "the larger of Timeout and the backend timeout"
        else:
            pick = a if (a.value or 0) < (b.value or 0) or (a.value == b.value and a.loc is not None) else b
            note = "the smaller of Timeout and the backend timeout (before 2.4.53)"
        return Setting(pick.value, pick.loc, note=note)

    def backend_tls(self, scope: Scope, host: str, tls: bool, preserve: bool, n: Node, name_loc: Loc | None = None):
        key = ("tls", id(scope))
        known = self.memo.get(key)
        if known is None:  # one per server, shared by its routes
            verify = scope.scalars.get("sslproxyverify")
            ca = scope.scalars.get("sslproxycacertificatefile") or scope.scalars.get("sslproxycacertificatepath")
            require = bool(verify and verify.args and verify.args[0].lower() in ("require", "optional"))
            settings = BackendTLS(
                verify=Setting(require, verify.loc if verify else None),
                ca=Setting(ca.args[0] if ca and ca.args else None, ca.loc if ca else None),
            )
            known = self.memo[key] = (settings, verify, ca, require)
        settings, verify, ca, require = known  # type: ignore[misc]
        ready: Setting[bool] = _READY
        if not tls:
            return settings, ready
        settings = self.peer_name(scope, settings, host, preserve, n, name_loc)
        engine = scope.scalars.get("sslproxyengine")
        if self.know_modules and "ssl_module" not in self.modules:
            ready = Setting(False, n.loc, note="mod_ssl is not loaded, so mod_proxy cannot make TLS to the backend")
        elif not on(engine):
            ready = Setting(
                False,
                engine.loc if engine else None,
                note="SSLProxyEngine is not on for this server" + ("" if engine else " (its default is off)"),
            )
        elif require and ca is None:
            ready = Setting(
                False,
                verify.loc if verify else None,
                note="SSLProxyVerify require without SSLProxyCACertificateFile: no backend certificate can be verified",
            )
        return settings, ready

    def peer_name(
        self, scope: Scope, base: BackendTLS, host: str, preserve: bool, n: Node, name_loc: Loc | None = None
    ) -> BackendTLS:
        """The name mod_ssl requires in FAS's certificate, whether or not SSLProxyVerify is
        on (observed: a mismatch gave 500 without it): the host in the ProxyPass URL, or with
        ProxyPreserveHost On the browser's Host; none once SSLProxyCheckPeerName (or, unset,
        SSLProxyCheckPeerCN) is off. It ignores IP addresses in certificates (AH02411)."""
        key = ("peer-name", id(scope), host, preserve, n.loc, name_loc)
        known = self.memo.get(key)
        if known is None:
            peer = scope.scalars.get("sslproxycheckpeername")
            cn = scope.scalars.get("sslproxycheckpeercn")
            if _peer_check_off(peer, cn):
                off = peer if peer is not None else cn
                name: Setting[Value | None] = Setting(None, off.loc if off is not None else None)
            elif preserve:
                name = Setting(HeaderValue("%{Host}i"), None, note="ProxyPreserveHost On: the browser's Host")
            else:
                name = Setting(Literal(host), name_loc or n.loc)
            # mod_proxy sends the name it dials as SNI (the browser's Host when preserved), never an address
            sent: Value | None = HeaderValue("%{Host}i") if preserve else None if is_ip(host) else Literal(host)
            known = self.memo[key] = BackendTLS(
                verify=base.verify, ca=base.ca, name=name, ip_names=False, sni=Setting(sent, n.loc)
            )
        return known  # type: ignore[return-value]


def _peer_check_off(name: Node | None, cn: Node | None) -> bool:
    """mod_ssl checks the backend's name unless SSLProxyCheckPeerName is off, or, when it is
    not set at all, SSLProxyCheckPeerCN is off."""
    if name is not None and name.args:
        return name.args[0].lower() == "off"
    return bool(cn is not None and cn.args and cn.args[0].lower() == "off")


def _request_header_op(h: Node) -> HeaderOp | None:
    args = h.args
    if not args:
        return None
    action = args[0].lower()
    if action == "early":
        args = args[1:]
        action = args[0].lower() if args else ""
    if action == "unset" and len(args) >= 2:
        return HeaderOp(args[1], None, h.loc, condition=header_condition(args[2]) if len(args) > 2 else None)
    if action in ("set", "append", "merge", "add", "setifempty") and len(args) >= 3:
        name = args[1]
        if name.lower() == "connection":
            return None  # mod_proxy_http writes Connection itself
        if action == "setifempty":
            return None
        cond = header_condition(args[3]) if len(args) > 3 else None
        return HeaderOp(name, HeaderValue(args[2]), h.loc, condition=cond)
    return None


# ---------------------------------------------------------------------------- header conditions
# `RequestHeader unset Upgrade "expr=%{REQUEST_URI} =~ m#^/assistserver#"` or `env=[!]VAR`:
# mod_headers tests the condition on each request (fixups phase), so it is a fact on the op
# that the planning step evaluates per websocket URL, not a decision made here.

_EXPR_CMP = re.compile(
    r"""^\s*(?P<neg>!\s*)?%\{(?P<var>[^}]+)\}\s*(?P<op>==|!=|=~|!~|-strmatch|-strcmatch)\s*(?P<rhs>.+?)\s*$"""
)
_EXPR_REGEX = re.compile(r"^(?:m(?P<d>[^\w\s])(?P<a>.*)(?P=d)|/(?P<b>.*)/)(?P<flags>i?)$")


class HeaderCondition:
    """``env=[!]VAR`` or ``expr=`` with one comparison of a request variable (``==``,
    ``!=``, ``=~``, ``!~``, ``-strmatch``): what a browser's request decides. Anything else
    is unknown here (None), and the planning step then leaves the op out, as it does for
    any condition it cannot decide."""

    __slots__ = ("text", "_test")

    def __init__(self, text: str, test: Callable[[Request], bool | None]) -> None:
        self.text = text
        self._test = test

    def evaluate(self, request: Request) -> bool | None:
        return self._test(request)


def header_condition(text: str) -> HeaderCondition | None:
    """The condition argument of a RequestHeader line; None when there is none."""
    low = text.lower()
    if low.startswith("env="):
        name = text[4:]
        negated = name.startswith("!")
        var = name.lstrip("!").upper()

        def env(req: Request) -> bool | None:
            if var != "HTTPS":  # mod_ssl's, set on TLS connections; others need SetEnvIf
                return None
            return (req.scheme == "https") != negated

        return HeaderCondition(text, env)
    if not low.startswith("expr="):
        return None
    body = text[5:].strip()
    if len(body) >= 2 and body[0] == body[-1] and body[0] in "'\"":
        body = body[1:-1]
    m = _EXPR_CMP.match(body)
    if m is None:
        return HeaderCondition(text, lambda req: None)
    var, op, rhs, negated = m.group("var"), m.group("op"), m.group("rhs"), bool(m.group("neg"))
    if op in ("=~", "!~"):
        rm = _EXPR_REGEX.match(rhs)
        pattern = (rm.group("a") if rm.group("a") is not None else rm.group("b")) if rm else None
        rx = compile_regex(pattern, re.I if rm and rm.group("flags") else 0) if pattern is not None else None
        if rx is None:
            return HeaderCondition(text, lambda req: None)

        def regex(req: Request) -> bool | None:
            value = _server_var(var, req)
            if value is None:
                return None
            return (bool(rx.search(value)) == (op == "=~")) != negated

        return HeaderCondition(text, regex)
    want = rhs.strip("'\"")

    def compare(req: Request) -> bool | None:
        value = _server_var(var, req)
        if value is None:
            return None
        if op in ("==", "!="):
            hit = value == want
            return (hit == (op == "==")) != negated
        fold = op == "-strcmatch"
        hit = fnmatch.fnmatchcase(value.lower() if fold else value, want.lower() if fold else want)
        return hit != negated

    return HeaderCondition(text, compare)


def _params(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in args:
        if "=" in a:
            k, _, v = a.partition("=")
            out[k.lower()] = v
    return out


def split_listen(text: str) -> tuple[str, int | None]:
    if text.isdigit():
        return "0.0.0.0", int(text)
    host, port = split_hostport(text)
    if host in ("*", "_default_", ""):
        host = "0.0.0.0"
    return host, port_number(port)  # (none for "*")


def _listen_covers(listen_addr: str, listen_port: int | None, vhost_addr: str, vhost_port: int) -> bool:
    """Does a ``Listen`` socket receive connections a virtual host answers?"""
    if listen_port != vhost_port:
        return False
    wild = ("0.0.0.0", "::", "*")
    if listen_addr in wild or vhost_addr in wild or not is_ip(vhost_addr.strip("[]")):
        return True  # a host name resolves to an address this linter cannot know
    return listen_addr.lower() == vhost_addr.lower()


def interpret(tree: ConfigTree, options: Options, consume: bool = False) -> ProxyModel:
    """The proxy model of ``tree`` (read by ``read.read``, whose facts it carries). With
    ``consume``, the tree is the caller's to drop: each virtual host's nodes are freed once
    interpreted (the loader's choice; the tree is not usable afterwards)."""
    return ApacheInterpreter(tree, options, consume).run()

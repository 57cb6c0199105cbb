"""Interpret an HAProxy tree into the proxy model.

What HAProxy does with a browser's upgrade, as the model says it:

- ``defaults`` are applied once: a proxy takes the last ``defaults`` section before it, or
  the one its ``from`` names (defaults may chain with ``from``); a later ``defaults``
  starts afresh. ``default-server`` parameters come before each ``server`` line's own.
- ``mode http`` forwards Upgrade and Connection by itself (observed: no websocket setting
  is needed), so the headers FAS gets are the browser's, changed only by
  ``http-request del-header|set-header|replace-header|replace-value`` rules.
- Each frontend (or ``listen``) is one site with one catch-all route: its ``http-request``
  answers, then ``redirect`` rules, then the ``use_backend`` rules as guards that each hold
  only when no earlier one did (first match), then ``default_backend``; with none, HAProxy
  answers 503.
- Reuse: HAProxy keeps idle server connections unless ``http-reuse never`` or a closing
  connection mode (``option http-server-close``/``httpclose``); ``safe`` (the default since
  1.9) never hands the first request of a client connection someone else's idle connection,
  ``aggressive``/``always`` do; websockets over h2 (an ``ssl`` bind with ``alpn h2``, or no
  ``alpn`` on 2.8+) are never the first request.
- ``mode tcp`` end to end relays bytes: nothing in HTTP is read or changed, there is no
  connection reuse and no status of HAProxy's own. A relay fact (``ProxyAction.passthrough``)
  says so: header, version, reuse and redirect checks find nothing to judge there, while
  TLS-to-port mismatches (a bare close: ``reset``), front TLS, idle timeouts and routing by
  SNI or default still speak.
- Timeouts are milliseconds when no unit is given. Once a connection is upgraded,
  ``timeout tunnel`` replaces ``timeout client``/``server``; without it the shorter of those
  two cuts a quiet call.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from linter.core.fas import GATEWAY_WS, PLAIN_PORTS, TLS_PORTS, names_backend, version_tuple
from linter.core.model import (
    Action,
    Backend,
    BackendTLS,
    ConfigProblem,
    FailureStatuses,
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
    Server,
    Setting,
    Site,
    Step,
    Timeouts,
    UpstreamRequest,
    Value,
)
from linter.core.options import Options
from linter.core.tree import ConfigTree, Loc, Node

from ..common import REGEX_ERRORS, Durations, ModelStart, compile_regex, quiet_regex
from . import ASSUMED_VERSION, NAME
from .acl import (
    AclCondition,
    Always,
    FirstMatch,
    Ladder,
    NoneMatched,
    PickedBy,
    Term,
    acl_terms,
    parse_condition,
    parse_term,
    regex_search,
    with_file_values,
)
from .advice import HAProxyAdvice
from .maps import DynamicTarget, MapFile, dynamic_target, load_map
from .versions import refused

ASSUMED_TEXT = "2.6-3.0 (Debian 12 ships 2.6)"
REUSE_SAFE_SINCE = (1, 9, 0)
DEFAULT_ALPN_H2_SINCE = (2, 8, 0)
LISTEN_ADDRESS_REMOVED = (1, 6, 0)

STATUSES = FailureStatuses(
    plain_to_tls_port="status:502",
    tls_to_plain_port="status:503",
    tls_not_ready="status:503",
    certificate_rejected="status:503",
)
# A byte relay has no status to answer with: plain HTTP into FAS's TLS port ends in a bare
# close (observed), a browser's TLS passed through into FAS's plain port fails its TLS handshake.
RELAY_STATUSES = FailureStatuses(
    plain_to_tls_port="reset", tls_to_plain_port="tls-error", tls_not_ready="reset", certificate_rejected="reset"
)
# A relay whose bind terminates the browser's TLS (or takes it plain) has finished the
# browser's handshake before it dials FAS: its own failed TLS toward FAS's plain port is a
# bare close of a connection the browser already uses (observed on 2.6.12: reset).
TERMINATING_RELAY_STATUSES = FailureStatuses(
    plain_to_tls_port="reset", tls_to_plain_port="reset", tls_not_ready="reset", certificate_rejected="reset"
)


# one object for every route where the value cannot differ (nothing changes them once built)
_FORWARD = Setting(True)
_TLS_READY = Setting(True)
# one empty value for what most sections and routes of a fleet have none of (immutable, so
# nothing can add to what every holder shares)
_NO_LOCS: tuple[Loc, ...] = ()
_NO_STEPS: tuple[Step, ...] = ()
_NONE: tuple = ()
_NO_CHILDREN: list[Node] = []  # a consumed section's lines (the tree is not read again)
_NO_CA: Setting[str | None] = Setting(None)
# request headers of the upgrade that a `-m` header rule can hit
_REQUEST_HEADERS = ("Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Origin")
_FORWARDED_HOP = frozenset({"connection", "upgrade"})
# HAProxy 2.4+ (websockets over h2 turned into HTTP/1 upgrades) writes a Sec-WebSocket-Key of
# its own into an HTTP/1 upgrade that has none: a deleted key is replaced by a fresh one
# (observed with 2.6.12: FAS answers the new key, the browser rejects the Accept)
_WRITES_WS_KEY_SINCE = (2, 4, 0)
_WRITES_WS_KEY = frozenset({"sec-websocket-key"})
_ALL_HOP = frozenset({"connection", "upgrade", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"})
_CONN_RANK = {"keep-alive": 0, "server-close": 1, "close": 2}
_CONN_OPTIONS = {
    "option http-keep-alive": "keep-alive",
    "option http-server-close": "server-close",
    "option httpclose": "close",
    "option forceclose": "close",
}
# regex header rules removed in HAProxy 2.1, and what replaces them
LEGACY_RULES_REMOVED = (2, 1, 0)
_LEGACY_RULES = {
    "reqadd": "http-request add-header",
    "reqdel": "http-request del-header",
    "reqidel": "http-request del-header",
    "reqrep": "http-request replace-header",
    "reqirep": "http-request replace-header",
    "reqpass": "",
    "reqipass": "",
    "reqdeny": "http-request deny",
    "reqideny": "http-request deny",
    "reqallow": "http-request allow",
    "reqiallow": "http-request allow",
    "reqtarpit": "http-request tarpit",
    "reqitarpit": "http-request tarpit",
    "rspadd": "http-response add-header",
    "rspdel": "http-response del-header",
    "rspidel": "http-response del-header",
    "rsprep": "http-response replace-header",
    "rspirep": "http-response replace-header",
    "rspdeny": "http-response deny",
    "rspideny": "http-response deny",
}
# the rules http_rules() reads
_HTTP_RULES = frozenset(
    {
        "reqdel",
        "reqidel",
        "http-request del-header",
        "http-request set-header",
        "http-request replace-header",
        "http-request replace-value",
        "http-response del-header",
        "http-request redirect",
        "redirect",
        "http-request deny",
        "http-request tarpit",
        "http-request auth",
        "http-request return",
        "http-request reject",
        "http-request silent-drop",
        "tcp-request connection reject",
        "tcp-request content reject",
        "tcp-request session reject",
    }
    | {
        f"http-request {verb}"
        for verb in ("set-path", "replace-path", "replace-uri", "set-uri", "set-query", "set-pathq")
    }
)
_PATH_RULES = frozenset(
    f"http-request {verb}" for verb in ("set-path", "replace-path", "replace-uri", "set-uri", "set-query", "set-pathq")
)
_SERVER_PARAMS = frozenset({"ssl", "no-ssl", "verify", "ca-file", "verifyhost", "sni"})
_SNI_FETCHES = ("req.ssl_sni", "req_ssl_sni", "req.ssl_hello_type", "req_ssl_hello_type", "req.ssl_ver")
_SNI_FETCH_SET = frozenset(_SNI_FETCHES)  # (each holds "ssl": a line without it names none)


_server_of = attrgetter("server")  # (list(map(...)) sizes the list exactly; a comprehension over-allocates)


_TIME = Durations({"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400}, bare="ms")


def parse_time(text: str) -> float | None:
    """HAProxy time in seconds: a bare number is milliseconds [manual 2.5]."""
    return _TIME.seconds(text.strip())


def split_address(text: str) -> tuple[str, int | None] | None:
    """``addr:port``, ``:port``, ``[v6]:port``, ``ipv4@addr:port``; None for a socket path."""
    if "@" not in text and "[" not in text and text.count(":") == 1:
        host, _, port_text = text.partition(":")
        if port_text.isdigit():
            return host or "*", int(port_text)
    if "@" in text:
        family, _, text = text.partition("@")
        if family in ("unix", "abns", "fd", "sockpair", "uxst", "uxdg"):
            return None
    if text.startswith("/"):
        return None
    # not the shared split_hostport: HAProxy reads the port of an unbracketed IPv6
    # address after its last colon
    m = re.fullmatch(r"\[([^\]]*)\](?::(.*))?", text)
    if m:
        host, port_text = m.group(1), m.group(2) or ""
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    elif text.count(":") > 1:
        host, _, port_text = text.rpartition(":")
    else:
        host, port_text = text, ""
    port_text = port_text.lstrip("+-").split("-")[0]
    port = int(port_text) if port_text.isdigit() else None
    return host or "*", port


@dataclass(slots=True)
class Settings:
    """What a proxy section holds that ``defaults`` can give it: (value, where set)."""

    values: dict[str, tuple[str, Loc | None]] = field(default_factory=dict)
    default_server: list[tuple[list[str], Loc]] = field(default_factory=list)

    def copy(self) -> Settings:
        return Settings(dict(self.values), list(self.default_server))

    def get(self, key: str) -> tuple[str, Loc | None] | None:
        return self.values.get(key)

    def apply(self, n: Node) -> bool:
        """Take one line if it is an inheritable setting; False when it is not one."""
        name, args = n.name, n.args
        if name == "mode" and args:
            self.values["mode"] = (args[0], n.loc)
        elif name in _CONN_OPTIONS:
            self.values["conn"] = (_CONN_OPTIONS[name], n.loc)
        elif name.startswith("no option ") and ("option " + name[10:]) in _CONN_OPTIONS:
            current = self.values.get("conn")
            if current and current[0] == _CONN_OPTIONS["option " + name[10:]]:
                self.values["conn"] = ("keep-alive", n.loc)
        elif name == "http-reuse" and args:
            self.values["reuse"] = (args[0], n.loc)
        elif name in ("timeout client", "timeout server", "timeout tunnel") and args:
            self.values[name] = (args[0], n.loc)
        elif name in ("clitimeout", "srvtimeout") and args:
            self.values["timeout client" if name == "clitimeout" else "timeout server"] = (args[0], n.loc)
        elif name == "default-server":
            self.default_server.append((args, n.loc))
        elif name == "default_backend" and args:
            self.values["default_backend"] = (args[0], n.loc)
        else:
            return False
        return True


# the names Settings.apply takes (besides "no option ..."): other lines need not be offered
_INHERITABLE = frozenset(
    {
        "mode",
        "http-reuse",
        "timeout client",
        "timeout server",
        "timeout tunnel",
        "clitimeout",
        "srvtimeout",
        "default-server",
        "default_backend",
        *_CONN_OPTIONS,
    }
)
_DONE = (Node("", [], Loc("", 0)), Settings())  # a frontend already interpreted


@dataclass(slots=True)
class ServerLine:
    server: Server
    ssl: bool
    ssl_loc: Loc | None
    verify: str | None
    ca: str | None
    loc: Loc
    # the certificate check in force: verification on (per line or `ssl-server-verify`),
    # `verifyhost` and `sni` as written, with the line that set each
    verify_on: bool = False
    verifyhost: tuple[str, Loc] | None = None
    sni: tuple[str, Loc] | None = None


@dataclass(slots=True)
class BackendInfo:
    """A backend (or the backend half of a ``listen``) with what its routes need, kept
    until every frontend is interpreted: so only what routes read, not its section."""

    loc: Loc  # its section line
    # what its idle limit is made of (see idle): `timeout tunnel`, `timeout server`
    tunnel: tuple[str, Loc | None] | None
    server_timeout: tuple[str, Loc | None] | None
    backend: Backend
    first_server: ServerLine | None  # its TLS settings are what routes to it verify
    header_ops: Sequence[tuple[HeaderOp, object]]  # (op, condition or None)
    steps: Sequence[Step]
    hidden: Sequence[HiddenHeader]
    # in mode http (as set, or as assumed when the defaults were not read)
    http: bool = True
    # what routes to it verify (from its first server), built on first use
    tls_settings: BackendTLS | None = None
    # its header ops that apply to the upgrade, decided on first use
    kept_ops: list[HeaderOp] | None = None
    # the idle limit of the last frontend setting that reached it (frontends usually share
    # theirs through defaults): (the frontend's `timeout client` entry, limits)
    idle_for: tuple[object, Timeouts] | None = None
    # the frontend routes that reach it, how many of those close connections, and the first
    # closing mode (see front_connection_modes)
    routes: int = 0
    closing: int = 0
    first_closing: tuple[str, Loc | None] | None = None


class HAProxyInterpreter(ModelStart):
    dialect = NAME
    assumed_version = ASSUMED_VERSION

    def __init__(self, tree: ConfigTree, options: Options, consume: bool = False) -> None:
        super().__init__(tree, options, consume)
        try:
            self.vt = version_tuple(self.version)
        except ValueError:
            self.vt = version_tuple(ASSUMED_VERSION)
        self.backends: dict[str, BackendInfo] = {}
        self.server_counts: dict[str, int] = {}
        # map files read for dynamic use_backend rules (by config file and path), and the
        # unreadable ones already said
        self.maps: dict[str, MapFile] = {}
        self.maps_said: set[str] = set()
        self.global_flags: dict[str, Node] = {}
        # per frontend (cleared for each): its actions by (target, line), its route parts by target
        self.actions: dict[tuple, ProxyAction] = {}
        self.route_parts: dict[str, tuple[UpstreamRequest, Timeouts, BackendTLS, bool, bool]] = {}
        # built parts shared by equal inputs (see parts); the key objects are kept alive with them
        self.upstreams: dict[tuple, tuple[UpstreamRequest, list[HeaderOp], tuple[HiddenHeader, ...]]] = {}
        self.front_kept: tuple[object, list[HeaderOp]] = (None, [])
        # per backend name, the connection mode of each frontend route reaching it
        # (routes counted, how many of them close, the first closing mode)
        ws = options.ws_paths[0] if options.ws_paths else GATEWAY_WS
        self.probe = Request(
            ws,
            "",
            "https",
            {
                "host": "gw.example.com",
                "upgrade": "websocket",
                "connection": "Upgrade",
                "sec-websocket-key": "x",
                "sec-websocket-version": "13",
            },
        )

    # ------------------------------------------------------------------ entry
    def run(self) -> ProxyModel:
        named: dict[str, Settings] = {}
        current = Settings()
        proxies: list[tuple[Node, Settings]] = []
        self.problems.extend(refused(self.tree.nodes, self.vt, self.version_assumed))
        for sec in self.tree.nodes:
            if sec.name == "global":
                for c in sec.children or []:
                    self.global_flags[c.name] = c
                continue
            if sec.name not in ("defaults", "frontend", "backend", "listen"):
                continue
            # one pass over the lines: legacy rules said now (before the section's own
            # problems, as HAProxy reports them), inheritable settings applied below
            applicable: list[Node] = []
            legacy = self.vt >= LEGACY_RULES_REMOVED
            for c in sec.children or ():
                name = c.name
                if name in _INHERITABLE or "no option " in name:  # (a superset of what apply takes)
                    applicable.append(c)
                elif legacy and name in _LEGACY_RULES:
                    self.legacy_rule(c)
            base = current
            if "from" in sec.args:
                i = sec.args.index("from")
                parent = sec.args[i + 1] if i + 1 < len(sec.args) else ""
                if parent in named:
                    base = named[parent]
                else:
                    self.problems.append(
                        ConfigProblem(
                            "rejected",
                            f"{sec.name} {sec.args[0] if sec.args else ''} inherits from defaults "
                            f"'{parent}', which is not defined before it",
                            sec.loc,
                            certain=self.whole,
                            fix="define `defaults " + parent + "` above this section, or fix the name after `from`",
                        )
                    )
            if sec.name == "defaults":
                own = Settings() if "from" not in sec.args else base.copy()
                for c in applicable:
                    own.apply(c)
                current = own
                if sec.args and sec.args[0] != "from":
                    named[sec.args[0]] = own
                continue
            settings = base.copy()
            for c in applicable:
                settings.apply(c)
            proxies.append((sec, settings))
        if self.consume:
            # from here the proxies list holds what is still needed of the tree: a frontend
            # goes (section, lines and settings) once interpreted, a backend keeps only its
            # section line (its BackendInfo names it)
            self.tree.nodes = []
        for i, (sec, settings) in enumerate(proxies):
            if sec.name in ("backend", "listen"):
                self.backend_section(sec, settings)
                if self.consume and sec.name == "backend":
                    sec.children = _NO_CHILDREN
                    proxies[i] = _DONE
        sites: list[Site] = []
        for i, (sec, settings) in enumerate(proxies):
            if sec.name in ("frontend", "listen"):
                # the caches of actions and route parts are keyed by this section: none of
                # their entries can serve another frontend
                self.actions.clear()
                self.route_parts.clear()
                self.upstreams.clear()
                site = self.frontend_section(sec, settings)
                if site is not None:
                    sites.append(site)
                if self.consume:
                    sec.children = _NO_CHILDREN
                    proxies[i] = _DONE
        del proxies
        self.front_connection_modes()
        return self.model(
            sites,
            [b.backend for b in self.backends.values()],
            STATUSES,
            HAProxyAdvice(),
            version_text=ASSUMED_TEXT if self.version_assumed else None,
        )

    # ------------------------------------------------------------------ backends
    def backend_section(self, sec: Node, settings: Settings) -> None:
        name = sec.args[0] if sec.args else "(unnamed)"
        mode = settings.values.get("mode")
        servers: list[ServerLine] = []
        has_acl = has_rules = False
        for c in sec.children or ():
            cname = c.name
            if cname == "server" or cname == "server-template":
                if c.args:
                    line = self.server_line(c, settings)
                    if line is not None:
                        servers.append(line)
            elif cname == "acl":
                has_acl = True
            elif cname in _HTTP_RULES:
                has_rules = True
        self.server_counts[name] = len(servers)
        http = (mode[0] if mode else self.assumed_mode()) == "http"
        # (a fleet's backends mostly have no rules: their ACLs are not read, one empty list
        # stands for all their ops, steps and hidden headers)
        header_ops: Sequence[tuple[HeaderOp, object]] = _NONE
        steps: Sequence[Step] = _NONE
        hidden: Sequence[HiddenHeader] = _NONE
        if has_rules:
            header_ops, steps, hidden = self.http_rules(sec, self.acls(sec) if has_acl else {}, http=http)
            header_ops, steps, hidden = header_ops or _NONE, steps or _NONE, hidden or _NONE
        backend = Backend(name=name, servers=list(map(_server_of, servers)), loc=sec.loc, named=True)
        info = BackendInfo(
            sec.loc,
            settings.values.get("timeout tunnel"),
            settings.values.get("timeout server"),
            backend,
            servers[0] if servers else None,
            header_ops,
            steps,
            hidden,
            http=http,
        )
        self.reuse(info, settings)
        self.backends[name] = info

    @staticmethod
    def is_http(info: BackendInfo) -> bool:
        return info.http

    def assumed_mode(self) -> str:
        """A section with no ``mode`` anywhere: HAProxy's default is tcp; a fragment's
        defaults were not read, and FAS fronts are HTTP, so a fragment is taken as http."""
        return "tcp" if self.whole else "http"

    def server_line(self, n: Node, settings: Settings) -> ServerLine | None:
        if n.name == "server-template":
            addr_text = n.args[2] if len(n.args) > 2 else ""
            params = n.args[3:]
        else:
            addr_text = n.args[1] if len(n.args) > 1 else ""
            params = n.args[2:]
        addr = split_address(addr_text)
        if addr is None:
            return None
        host, port = addr
        ssl, ssl_loc, verify, ca = False, None, None, None
        verifyhost: tuple[str, Loc] | None = None
        sni: tuple[str, Loc] | None = None
        for args, loc in (*settings.default_server, (params, n.loc)):
            if not _SERVER_PARAMS.intersection(args):
                continue
            for i, a in enumerate(args):
                if a == "ssl":
                    ssl, ssl_loc = True, loc
                elif a == "no-ssl":
                    ssl, ssl_loc = False, loc
                elif a == "verify" and i + 1 < len(args):
                    verify = args[i + 1]
                elif a == "ca-file" and i + 1 < len(args):
                    ca = args[i + 1]
                elif a in ("verifyhost", "sni") and i + 1 < len(args):
                    if a == "verifyhost":
                        verifyhost = (args[i + 1], loc)
                    else:
                        sni = (args[i + 1], loc)
        global_verify = self.global_flags.get("ssl-server-verify")
        verify_off = verify == "none" or (
            verify is None and global_verify is not None and global_verify.args[:1] == ["none"]
        )
        line = ServerLine(
            Server(host, port, n.loc), ssl, ssl_loc, verify, ca, n.loc, ssl and not verify_off, verifyhost, sni
        )
        if ssl and not verify_off and not ca:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    f"'server {n.args[0]}' uses ssl with verification on (the default) but no ca-file: "
                    'HAProxy refuses to start ("verify is enabled by default but no CA file specified")',
                    n.loc,
                    related=[(ssl_loc, "ssl from default-server here")] if ssl_loc and ssl_loc != n.loc else [],
                    fix="add `ca-file /etc/ssl/certs/fas-ca.pem` (with `verify required`) to the server line, or, on a "
                    "trusted LAN only, `verify none`",
                )
            )
        return line

    def reuse(self, info: BackendInfo, s: Settings) -> None:
        """Whether idle server connections are kept, and who may take them."""
        if not info.http:
            info.backend.pool = Setting(0)
            return
        conn = s.values.get("conn")
        reuse = s.values.get("reuse")
        if conn and conn[0] != "keep-alive":
            info.backend.pool = Setting(0, conn[1])
            return
        if reuse is not None:
            mode, loc = reuse
            if mode == "never":
                # no idle connection is shared between client connections, but one stays with
                # the client connection that opened it: an h2 client's later streams (its
                # websocket after the page loads) take it, as an HTTP/1.1 client's own next
                # request would (observed on 2.6.12 with FAS 2.5.2: 302 over h2 once warm)
                info.backend.first_request_reuses = False
                info.backend.pool = Setting(
                    1,
                    loc,
                    note="http-reuse never: a server connection stays with the client connection that opened it",
                )
                return
            info.backend.first_request_reuses = mode in ("aggressive", "always")
            info.backend.pool = Setting(
                1,
                loc,
                note=sys.intern(
                    f"http-reuse {mode}: "
                    + (
                        "even the first request of a client connection may take an idle connection"
                        if info.backend.first_request_reuses
                        else "idle connections serve later requests of a connection"
                    )
                ),
            )
            return
        if self.vt < REUSE_SAFE_SINCE:
            info.backend.pool = Setting(
                0, None, note="HAProxy >= 1.9 keeps idle connections by default (http-reuse safe)"
            )
            return
        info.backend.pool = Setting(1, None, note="http-reuse safe, the default since HAProxy 1.9")
        info.backend.first_request_reuses = False

    # ------------------------------------------------------------------ rules
    def legacy_rule(self, c: Node) -> None:
        """``reqidel``/``rsprep`` and their kin: gone since 2.1, where HAProxy refuses them."""
        instead = _LEGACY_RULES[c.name]
        self.problems.append(
            ConfigProblem(
                "rejected",
                f"The '{c.name}' directive is not supported anymore since HAProxy 2.1"
                + (f" (use '{instead}')" if instead else ""),
                c.loc,
                fix=f"rewrite it as `{instead} ...`" if instead else "remove it",
            )
        )

    def acls(self, sec: Node) -> dict[str, Term | tuple[Term, ...]]:
        """Each ACL name's terms (declarations of one name are ORed), as tuples: a frontend's
        conditions keep them for the whole run."""
        out: dict[str, Term | tuple[Term, ...]] = {}
        for c in sec.children or []:
            if c.name == "acl" and len(c.args) >= 2:
                term = parse_term(c.args[1:])
                if term is not None and term.files:
                    term = self.file_patterns(term, c.loc)
                if term is not None:
                    name = c.args[0]
                    known = out.get(name)
                    out[name] = term if known is None else (*acl_terms(known), term)
        return out

    def condition(self, words: list[str], acls: dict[str, Term | tuple[Term, ...]]) -> AclCondition | None:
        for i, w in enumerate(words):
            if w in ("if", "unless"):
                return parse_condition(words[i:], acls, self.server_counts)
        return None

    @staticmethod
    def before_condition(words: list[str]) -> list[str]:
        for i, w in enumerate(words):
            if w in ("if", "unless"):
                return words[:i]
        return words

    def http_rules(self, sec: Node, acls: dict[str, Term | tuple[Term, ...]], http: bool):
        """Header ops (with their condition), answering steps, and hidden response headers."""
        ops: list[tuple[HeaderOp, object]] = []
        steps: list[Step] = []
        hidden: list[HiddenHeader] = []
        if not http:
            return ops, steps, hidden
        redirects: list[Step] = []
        for c in sec.children or []:
            name = c.name
            if name not in _HTTP_RULES:
                continue
            args = self.before_condition(c.args)
            cond = self.condition(c.args, acls)
            if name in ("reqdel", "reqidel") and args and self.vt < LEGACY_RULES_REMOVED:
                # HAProxy < 2.1: a regex over whole header lines ("Name: value")
                rx = compile_regex(args[0], re.I if name == "reqidel" else 0)
                if rx is None:
                    continue
                for h in _REQUEST_HEADERS:
                    if rx.search(f"{h}: {self.probe.headers.get(h.lower(), 'x')}"):
                        ops.append((HeaderOp(h, None, c.loc, condition=cond), cond))
            elif (
                name
                in (
                    "http-request del-header",
                    "http-request set-header",
                    "http-request replace-header",
                    "http-request replace-value",
                )
                and args
            ):
                if name == "http-request set-header" and self.empty_value_refused(args, c.loc):
                    continue
                for op in self.header_ops(name, args, c.loc):
                    op.condition = cond
                    ops.append((op, cond))
            elif name == "http-response del-header" and args and cond is None:
                # (a conditional response rule tests the response, which is not modelled)
                for header in self.matching_headers(args, ("Upgrade", "Connection", "Sec-WebSocket-Accept")):
                    # HAProxy's HTTP/1 layer writes its own Sec-WebSocket-Accept into a 101
                    # whose accept header a rule deleted, so that one never goes missing; a
                    # deleted Upgrade or Connection really is missing from the 101 (both
                    # observed with HAProxy 2.6.12 in front of a 101-answering backend)
                    if header.lower() != "sec-websocket-accept":
                        hidden.append(HiddenHeader(header, c.loc))
            elif name == "http-request redirect" or name == "redirect":
                step = self.redirect(args, c.loc)
                if step is not None:
                    (steps if name.startswith("http-request") else redirects).append(self.guarded(step, cond, c.loc))
            elif name in ("http-request deny", "http-request tarpit", "http-request auth"):
                steps.append(self.refusal(name, args, cond, c.loc))
            elif name in _PATH_RULES:
                rewrite = self.path_rewrite(name, args, c.loc)
                if rewrite is not None:
                    steps.append(rewrite if cond is None else Guard(condition=cond, steps=[rewrite], loc=c.loc))
            elif name in (
                "http-request return",
                "http-request reject",
                "http-request silent-drop",
            ):
                steps.append(self.guarded(self.answer(name, args, c.loc), cond, c.loc))
            elif name in ("tcp-request connection reject", "tcp-request content reject", "tcp-request session reject"):
                steps.append(self.guarded(Respond(None, c.loc, drop=True), cond, c.loc))
        return ops, steps + redirects, hidden

    def empty_value_refused(self, args: list[str], loc: Loc) -> bool:
        """``set-header NAME ""``: HAProxy wants a non-empty value and refuses the line
        (2.6.12: "expects exactly 2 arguments"), so blanking a header never loads."""
        if len(args) >= 2 and args[1] != "":
            return False
        self.problems.append(
            ConfigProblem(
                "rejected",
                f"'http-request set-header {args[0] if args else ''}' with an empty value: HAProxy refuses it "
                '("expects exactly 2 arguments")',
                loc,
                fix="to remove the header use `http-request del-header NAME`; on the websocket route, "
                "leave the browser's handshake headers alone",
            )
        )
        return True

    # ------------------------------------------------------------------ access and path (paths)
    def refusal(self, name: str, args: list[str], cond: AclCondition | None, loc: Loc) -> Refusal:
        """``deny``/``tarpit``/``auth`` as access rules: their condition (often on the
        client's address or credentials) says who is refused."""
        answer = self.answer(name, args, loc)
        text = " ".join([name, *args])
        return Refusal(answer.status or 403, loc, text, condition=cond)

    def path_rewrite(self, name: str, args: list[str], loc: Loc) -> Rewrite | None:
        """``set-path``, ``replace-path`` and the rules that rewrite the URI: the path (and
        query) FAS receives. A format with sample fetches (``%[...]``) other than the path
        itself cannot be known and is left out."""
        verb = name.split(" ", 1)[1]
        text = " ".join([name, *args])
        if verb in ("replace-path", "replace-uri"):
            if len(args) < 2:
                return None
            rx = compile_regex(args[0], 0)
            fmt = args[1]
            if rx is None or "%[" in fmt:
                return None
            repl = re.sub(r"\\(\d)", r"\\g<\1>", fmt)
            whole = verb == "replace-uri"

            def replaced(req: Request) -> str | None:
                subject = req.path + (f"?{req.query}" if whole and req.query else "")
                m = rx.search(subject)
                if m is None:
                    return None
                try:
                    return m.expand(repl)
                except (re.error, IndexError):
                    return None

            return Rewrite(apply=replaced, then="continue", loc=loc, text=text, whole_uri=whole)
        if not args:
            return None
        fmt = args[0]
        if "%[" in fmt.replace("%[path]", "").replace("%[query]", ""):
            return None

        def formatted(req: Request) -> str | None:
            value = fmt.replace("%[path]", req.path).replace("%[query]", req.query)
            if verb == "set-path":
                return value
            if verb == "set-query":
                return f"{req.path}?{value}"
            return value  # set-uri, set-pathq: the whole URI

        return Rewrite(apply=formatted, then="continue", loc=loc, text=text, whole_uri=verb != "set-path")

    def guarded(self, step: Respond, cond: AclCondition | None, loc: Loc) -> Step:
        if cond is None:
            return step
        return Guard(condition=cond, steps=[step], loc=loc)

    def answer(self, name: str, args: list[str], loc: Loc) -> Respond:
        status = {
            "http-request deny": 403,
            "http-request tarpit": 500,
            "http-request auth": 401,
            "http-request return": 200,
        }.get(name)
        drop = name in ("http-request reject", "http-request silent-drop")
        for i, a in enumerate(args):
            if a in ("deny_status", "status") and i + 1 < len(args) and args[i + 1].isdigit():
                status = int(args[i + 1])
        return Respond(None if drop else status, loc, drop=drop)

    def redirect(self, args: list[str], loc: Loc) -> Respond | None:
        if len(args) < 2:
            return None
        kind, target = args[0], args[1]
        code = 302
        for i, a in enumerate(args):
            if a == "code" and i + 1 < len(args) and args[i + 1].isdigit():
                code = int(args[i + 1])
        shown = {"scheme": f"{target}://<host><path>", "prefix": f"{target}<path>", "location": target}.get(
            kind, target
        )
        return Respond(code, loc, target=shown)

    def matching_headers(self, args: list[str], candidates: tuple[str, ...]) -> list[str]:
        name = args[0]
        method = args[args.index("-m") + 1] if "-m" in args and args.index("-m") + 1 < len(args) else None
        if method is None or method == "str":
            return [name]
        low = name.lower()
        out = []
        for c in candidates:
            cl = c.lower()
            if (
                (method == "beg" and cl.startswith(low))
                or (method == "end" and cl.endswith(low))
                or (method == "sub" and low in cl)
                or (method == "reg" and regex_search(name, c, re.I))
            ):
                out.append(c)
        return out

    def header_ops(self, name: str, args: list[str], loc: Loc) -> list[HeaderOp]:
        if name == "http-request del-header":
            return [HeaderOp(h, None, loc) for h in self.matching_headers(args, _REQUEST_HEADERS)]
        if name == "http-request set-header":
            value = args[1] if len(args) > 1 else ""
            return [HeaderOp(args[0], HAProxyValue(value), loc)]
        if len(args) >= 3:
            return [HeaderOp(args[0], Replace(args[0], args[1], args[2], name.endswith("value")), loc)]
        return []

    # ------------------------------------------------------------------ frontends
    def frontend_section(self, sec: Node, settings: Settings) -> Site | None:
        name = sec.args[0] if sec.args else "(unnamed)"
        label = f"{sec.name} {name}"
        mode_set = settings.values.get("mode")
        mode = mode_set[0] if mode_set else self.assumed_mode()
        http = mode == "http"
        acls = self.acls(sec)
        # one pass for the binds, the use_backend rules and the lines that may inspect SNI
        binds: list[Node] = []
        rules: list[tuple[str, AclCondition | Always, Loc]] = []
        inspected: list[str] = []
        for c in sec.children or ():
            cname = c.name
            if cname == "bind":
                binds.append(c)
            elif cname == "use_backend":
                if c.args:
                    cond = self.condition(c.args, acls)
                    rules.append((c.args[0], cond or Always(), c.loc))
                inspected.append(" ".join(c.args))
            elif cname == "tcp-request content accept" or cname == "tcp-request inspect-delay":
                inspected.append(" ".join(c.args))
        extra = sec.args[1 : sec.args.index("from")] if "from" in sec.args else sec.args[1:]
        if sec.name == "listen" and extra:
            if self.vt < LISTEN_ADDRESS_REMOVED:
                # `listen name addr:port`: the bind on the section line, as HAProxy < 1.6 read it
                binds.insert(0, Node("bind", extra, sec.loc))
            else:
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f"'listen' cannot handle unexpected argument '{extra[0]}': HAProxy 1.6 and later "
                        "refuse an address on the listen line (\"please use the 'bind' keyword for listening "
                        'addresses")',
                        sec.loc,
                        fix=f"move the address to its own line: `bind {extra[0]}`",
                    )
                )
        header_ops, steps, front_hidden = self.http_rules(sec, acls, http)

        default = settings.values.get("default_backend")
        targets: list[tuple[str, Loc]] = [(b, loc) for b, _, loc in rules]
        if default is not None:
            targets.append((default[0], default[1] or sec.loc))
        if sec.name == "listen" and default is None and name in self.backends:
            default = (name, sec.loc)
            targets.append(default)  # a listen's own servers

        sni = any(t.fetch in _SNI_FETCH_SET for terms in acls.values() for t in acl_terms(terms)) or any(
            any(f in text for f in _SNI_FETCHES) for text in inspected if "ssl" in text
        )
        listeners = self.listeners(binds, http, targets, sni)
        if not listeners:
            if self.whole:
                return None  # HAProxy ignores a frontend without bind (with a warning)
            listeners = [Listener("*", None, tls=False, loc=None, unknown=True)]
        # what a relay sends on is TLS when the browser's TLS passes through undecrypted; a
        # bind with `ssl crt` terminates it, and the server line alone decides
        front_tls = any(lst.tls_passthrough for lst in listeners)

        route_steps: list[Step] = list(steps)
        ladder = Ladder()
        for index, (target, rule_cond, loc) in enumerate(rules):
            dyn = self.dynamic_target(target, loc) if "%[" in target else None
            if dyn is not None:
                # one guard per backend the lookup can give, chosen per request in planning
                names = [n for n in dyn.names if n in self.backends]
                for name in names:
                    keys = dyn.keys_for(name)
                    shown = f"use_backend {dyn.text}: " + (
                        f"{', '.join(keys)} -> {name}" if keys else f"{name} (the map's default)"
                    )
                    action = self.action(sec, settings, http, name, loc, header_ops, front_hidden, front_tls)
                    route_steps.append(
                        Guard(PickedBy(ladder, index, name, shown), self.backend_steps(name, http), loc, action=action)
                    )
                ladder.rules.append((rule_cond, any(self.fas_like(n) for n in names)))
                ladder.picks[index] = self.picker(dyn)
                continue
            action = self.action(sec, settings, http, target, loc, header_ops, front_hidden, front_tls)
            route_steps.append(
                Guard(FirstMatch(ladder, index, rule_cond), self.backend_steps(target, http), loc, action=action)
            )
            ladder.rules.append((rule_cond, self.fas_like(target)))
        default_action: Action | None = None
        if default is not None:
            default_action = self.action(
                sec, settings, http, default[0], default[1] or sec.loc, header_ops, front_hidden, front_tls
            )
            bsteps = self.backend_steps(default[0], http)
            if bsteps:
                route_steps.append(Guard(NoneMatched(ladder), bsteps, default[1] or sec.loc, action=default_action))
        route = Route(
            match=PathMatch("prefix", "/"), loc=sec.loc, label=label, steps=tuple(route_steps), action=default_action
        )
        fallback = (
            None
            if default_action is not None
            else Respond(503, sec.loc, reason="no use_backend rule matches and there is no default_backend")
        )
        return Site(
            label=label,
            names=[],
            listeners=listeners,
            loc=sec.loc,
            routes=RouteTable([route], policy="first-match"),
            fallback=fallback,
        )

    def file_patterns(self, term: Term, loc: Loc) -> Term:
        """An ACL whose patterns come from files (``-f``, pfSense/OPNsense host lists): the
        files read as a map is (where written, else beside the configuration); one that
        cannot be read is said, and the ACL stays unknown."""
        values: list[str] = []
        for written, as_map in term.files:
            found = load_map(written, loc.file, self.maps, self.tree.root_file)
            if found.path is None:
                self.unreadable(written, found.error, loc, "which requests the ACL matches")
                return term
            values += [k for k, _ in found.entries] if as_map else [" ".join(kv).strip() for kv in found.entries]
        return with_file_values(term, values)

    def unreadable(self, written: str, error: str, loc: Loc, what: str) -> None:
        if written in self.maps_said:
            return
        self.maps_said.add(written)
        self.problems.append(
            ConfigProblem(
                "include",
                f"file {written} could not be read here ({error}): {what} is unknown, and HAProxy refuses "
                "to start if the file is missing on the proxy host too",
                loc,
                certain=False,
                fix="lint with the file beside the configuration (as it is named, or under the "
                "configuration's directory), or name FAS with --fas-backend",
            )
        )

    def dynamic_target(self, target: str, loc: Loc) -> DynamicTarget | None:
        """A ``use_backend %[...map(file)]`` whose map was read; a map that could not be read
        is said (HAProxy refuses to start without it), and the rule stays unknown."""
        dyn = dynamic_target(target, lambda written: load_map(written, loc.file, self.maps, self.tree.root_file))
        if dyn is None or dyn.map is None:
            return None
        if dyn.map.path is None:
            self.unreadable(dyn.map.written, dyn.map.error, loc, "which backend `use_backend` picks through it")
            return None
        return dyn

    def picker(self, dyn: DynamicTarget) -> Callable[[Request], str | None]:
        """The backend a request gets from a dynamic rule: None when the name it computes
        is no backend (HAProxy then applies default_backend)."""
        backends, servers, fas_like = self.backends, self.server_counts, self.fas_like

        def pick(request: Request) -> str | None:
            name = dyn.pick(request, servers, fas_like)
            return name if name is not None and name in backends else None

        return pick

    def fas_like(self, target: str) -> bool:
        """A backend on FAS's ports, or one the user named as FAS (``--fas-backend``)."""
        info = self.backends.get(target)
        if info is None:
            return False
        servers = info.backend.servers
        return any(s.port in TLS_PORTS or s.port in PLAIN_PORTS for s in servers) or names_backend(
            self.options.fas_backends, target, [(s.host, s.port) for s in servers]
        )

    def backend_steps(self, target: str, http: bool) -> Sequence[Step]:
        info = self.backends.get(target)
        # shared, not copied: nothing changes a guard's steps once built
        return info.steps if info is not None and http else _NO_STEPS

    def listeners(self, binds: list[Node], http: bool, targets: list[tuple[str, Loc]], sni: bool) -> list[Listener]:
        out: list[Listener] = []
        h2_workaround = "h2-workaround-bogus-websocket-clients" in self.global_flags
        relayed = [self.backends[t] for t, _ in targets if t in self.backends and not self.backends[t].http]
        to_tls_port = any(s.port in TLS_PORTS for info in relayed for s in info.backend.servers)
        # a tcp front chained to an http backend reads HTTP there: a relay only when none is
        byte_relay = not http and not any(t in self.backends and self.backends[t].http for t, _ in targets)
        for b in binds:
            if not b.args:
                continue
            params = b.args[1:]
            ssl = "ssl" in params
            crt = "crt" in params or "crt-list" in params or "default-crt" in params
            if ssl and not crt:
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f"no SSL certificate specified for bind '{b.args[0]}': HAProxy refuses to start",
                        b.loc,
                        fix="add `crt /etc/haproxy/certs/<site>.pem` (certificate and key in one file) to the bind",
                    )
                )
            at = params.index("alpn") + 1 if "alpn" in params else len(params)
            alpn = params[at] if at < len(params) else None
            if "no-alpn" in params:
                alpn = ""
            proto_h2 = "proto" in params and params[params.index("proto") + 1 : params.index("proto") + 2] == ["h2"]
            if alpn is not None:
                h2 = "h2" in alpn.split(",")
            else:
                h2 = self.vt >= DEFAULT_ALPN_H2_SINCE
            h2 = (ssl and h2) or proto_h2
            for part in b.args[0].split(","):
                addr = split_address(part)
                if addr is None:
                    continue
                host, port = addr
                tls = ssl
                passthrough = False
                if not ssl and not http and (relayed or not targets):
                    # a TCP relay carries the browser's TLS when it inspects SNI, listens on a
                    # TLS port, or feeds FAS's TLS port from a port that is not a plain one
                    tls = passthrough = sni or port in (443, 8443) or (to_tls_port and port not in (80, 8080))
                note = ""
                if ssl and alpn is None and not h2 and http and not h2_workaround and self.version_assumed:
                    note = (
                        "HAProxy 2.8+ offers h2 on an `ssl` bind without `alpn`, and websockets over h2 may take "
                        "idle connections (pass --haproxy-version, or set `alpn http/1.1`)"
                    )
                out.append(
                    Listener(
                        host,
                        port,
                        tls=tls,
                        loc=b.loc,
                        http2=h2 and http,
                        tls_material=b.loc if crt else None,
                        websocket_over_h2=bool(h2 and http and not h2_workaround),
                        websocket_over_h2_note=note,
                        tcp=byte_relay,
                        tls_passthrough=passthrough,
                    )
                )
        return out

    def action(
        self,
        sec: Node,
        settings: Settings,
        http: bool,
        target: str,
        loc: Loc,
        front_ops: list[tuple[HeaderOp, object]],
        front_hidden: list[HiddenHeader],
        front_tls: bool,
    ) -> ProxyAction:
        key = (target, id(loc))  # (the caches hold this frontend's entries only, see run)
        if key in self.actions:
            return self.actions[key]
        info = self.backends.get(target)
        if info is None:
            if "%[" not in target and self.whole:
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f"{sec.name} '{sec.args[0] if sec.args else ''}': unable to find required backend '{target}'",
                        loc,
                        fix=f"define `backend {target}`, or correct the name",
                    )
                )
            backend = (
                Backend(name=target, servers=[], loc=None, known=False, named=True) if "%[" not in target else None
            )
            up = UpstreamRequest(
                forward_client_headers=Setting(True),
                hop_by_hop_forwarded=_FORWARDED_HOP,
                ops=(),
                empty_value_removes=False,
                ops_loc=None,
            )
            act = ProxyAction(
                target=target,
                backend=backend,
                tls=False,
                loc=loc,
                upstream=up,
                timeouts=Timeouts(idle=Setting(None)),
                outside=not self.whole,
            )
            self.actions[key] = act
            return act
        shared = self.route_parts.get(target)
        if shared is None:
            shared = self.route_parts[target] = self.parts(
                sec, settings, http, target, info, loc, front_ops, front_hidden, front_tls
            )
        up, timeouts, tls_settings, tls, relay = shared
        act = ProxyAction(
            target=info.backend.name,
            backend=info.backend,
            tls=tls,
            loc=loc,
            upstream=up,
            timeouts=timeouts,
            tls_settings=tls_settings,
            outside=not self.whole,
            passthrough=relay,
            statuses=(RELAY_STATUSES if front_tls else TERMINATING_RELAY_STATUSES) if relay else None,
            unseen=_NO_LOCS,
            tls_ready=_TLS_READY,
        )
        self.actions[key] = act
        return act

    def parts(
        self,
        sec: Node,
        settings: Settings,
        http: bool,
        target: str,
        info: BackendInfo,
        loc: Loc,
        front_ops: list[tuple[HeaderOp, object]],
        front_hidden: list[HiddenHeader],
        front_tls: bool,
    ) -> tuple[UpstreamRequest, Timeouts, BackendTLS, bool, bool]:
        """What every route of one frontend to one backend shares (computed once per pair)."""
        back_http = self.is_http(info)
        if http and not back_http:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    f"http {sec.name} '{sec.args[0] if sec.args else ''}' uses tcp backend '{target}': "
                    'HAProxy refuses to start ("tries to use incompatible tcp backend")',
                    loc,
                    related=[(info.loc, "backend in mode tcp")],
                    fix=f"put `mode http` in backend {target}, or route to an http backend",
                )
            )
        relay = not http and not back_http
        ops: list[HeaderOp] = []
        if not relay:
            # the ops that apply to the probe, decided once per frontend and once per backend
            if http:
                if self.front_kept[0] is not front_ops:
                    self.front_kept = (front_ops, self.kept(front_ops))
                ops.extend(self.front_kept[1])
            if info.kept_ops is None:
                info.kept_ops = self.kept(info.header_ops)
            ops.extend(info.kept_ops)
        first = info.first_server
        tls = first.ssl if first is not None else False
        if relay:
            tls = front_tls if not tls else tls
        hidden = () if relay else (*info.hidden, *front_hidden) if http else tuple(info.hidden)
        # Equal parts are one object (nothing changes them once built): a frontend's routes
        # to its backends usually send the same ops, and the idle limit comes from the same
        # defaults lines, so a fleet does not hold a copy per route.
        up_key = (relay, tuple(map(id, ops)), tuple(map(id, hidden)))
        up = self.upstreams.get(up_key)
        if up is None:
            up = self.upstreams[up_key] = (
                UpstreamRequest(
                    forward_client_headers=_FORWARD,
                    hop_by_hop_forwarded=_ALL_HOP if relay else _FORWARDED_HOP,
                    ops=tuple(ops),
                    empty_value_removes=False,
                    ops_loc=None,
                    hidden_response_headers=hidden,
                    written_if_missing=_WRITES_WS_KEY if not relay and self.vt >= _WRITES_WS_KEY_SINCE else frozenset(),
                ),
                ops,
                hidden,
            )
        if info.tls_settings is None:
            info.tls_settings = BackendTLS() if first is None else server_tls(first)
        if not relay:
            mode = settings.values.get("conn")
            info.routes += 1
            if mode is not None and _CONN_RANK[mode[0]] > 0:
                info.closing += 1
                if info.first_closing is None:
                    info.first_closing = mode
        client = settings.values.get("timeout client")
        cached = info.idle_for
        if cached is None or cached[0] is not client:
            cached = info.idle_for = (client, Timeouts(idle=self.idle(client, info)))
        return up[0], cached[1], info.tls_settings, tls, relay

    @staticmethod
    def kept(ops: Sequence[tuple[HeaderOp, object]]) -> list[HeaderOp]:
        """The header ops of a section, each carrying its rule's condition: the planning
        step decides per websocket URL and request whether it applies, not this reading
        (one rule may break one URL and spare another)."""
        return [op for op, _ in ops]

    def front_connection_modes(self) -> None:
        """The connection mode in force is the stronger of frontend and backend [manual 4]:
        a backend keeps no idle connection when every frontend reaching it closes them."""
        for info in self.backends.values():
            if info.backend.pool.value and info.routes and info.closing == info.routes:
                assert info.first_closing is not None
                info.backend.pool = Setting(0, info.first_closing[1])

    def idle(self, client: tuple[str, Loc | None] | None, back: BackendInfo) -> Setting[float | None]:
        """The idle limit of an open tunnel: `timeout tunnel`, else the lower of the
        frontend's `timeout client` and the backend's `timeout server`."""
        tunnel = back.tunnel
        if tunnel is not None:
            return Setting(parse_time(tunnel[0]), tunnel[1], note="timeout tunnel")
        limits: list[tuple[float, Loc | None, str]] = []
        for got, key in ((client, "timeout client"), (back.server_timeout, "timeout server")):
            if got is not None:
                seconds = parse_time(got[0])
                if seconds is not None and seconds > 0:
                    limits.append((seconds, got[1], key))
        if not limits:
            return Setting(None)
        seconds, loc, key = min(limits, key=lambda x: x[0])
        return Setting(seconds, loc, note=sys.intern(f"{key} applies to the open tunnel: no timeout tunnel is set"))


def server_tls(line: ServerLine) -> BackendTLS:
    """How HAProxy checks FAS's certificate (observed on 2.6): with verification on it
    requires the `verifyhost` name, else the name sent by `sni`, else no name at all (an
    address alone is never compared); its host check reads DNS names only, so an IP
    address given there never matches. SNI is sent only with `sni`."""
    sni = SniValue(line.sni[0]) if line.sni else None
    if line.verifyhost:
        name: Setting[Value | None] = Setting(Literal(line.verifyhost[0]), line.verifyhost[1])
    elif line.sni:
        name = Setting(sni, line.sni[1])
    else:
        name = Setting(None)
    return BackendTLS(
        verify=Setting(line.verify_on, line.loc),
        ca=Setting(line.ca, line.loc) if line.ca else _NO_CA,
        name=name if line.verify_on else Setting(None),
        ip_names=False,
        sni=Setting(sni, line.sni[1]) if line.sni else Setting(None),
    )


@dataclass(slots=True, frozen=True)
class SniValue:
    """A server's `sni` expression: a constant (`str(...)`), the browser's Host (`req.hdr(host)`,
    `hdr(host)`, `ssl_fc_sni` on a front that terminates the browser's TLS), or unknown."""

    text: str

    def evaluate(self, request: Request) -> str | None:
        m = re.fullmatch(r"str\(([^()]*)\)", self.text)
        if m:
            return m.group(1)
        if re.fullmatch(r"(?:req\.)?hdr\(host\)(?:,lower)?|ssl_fc_sni", self.text, re.I):
            host = request.headers.get("host")
            return host.rsplit(":", 1)[0] if host and not host.endswith("]") else host
        return None


@dataclass(slots=True, frozen=True)
class HAProxyValue:
    """A ``set-header`` value: literal text, unknown when it holds a ``%[sample]``."""

    text: str

    def evaluate(self, request: Request) -> str | None:
        return None if "%" in self.text else self.text


@dataclass(slots=True, frozen=True)
class Replace:
    """``replace-header``/``replace-value``: a regex over the header's value(s)."""

    name: str
    regex: str
    replacement: str
    per_value: bool

    @property
    def text(self) -> str:
        return f"{self.regex} -> {self.replacement}"

    def evaluate(self, request: Request) -> str | None:
        value = request.headers.get(self.name.lower())
        if value is None or "%" in self.replacement:
            return value
        repl = re.sub(r"\\(\d)", r"\\g<\1>", self.replacement)
        try:
            with quiet_regex():
                return self._replace(value, repl)
        except REGEX_ERRORS:
            return None

    def _replace(self, value: str, repl: str) -> str:
        if self.per_value:
            return ", ".join(
                re.sub(f"^(?:{self.regex})$", repl, v.strip()) if re.fullmatch(self.regex, v.strip()) else v.strip()
                for v in value.split(",")
            )
        return re.sub(f"^(?:{self.regex})$", repl, value) if re.fullmatch(self.regex, value) else value


def interpret(tree: ConfigTree, options: Options, consume: bool = False) -> ProxyModel:
    """``consume``: the caller no longer needs the tree's section bodies (the loader)."""
    return HAProxyInterpreter(tree, options, consume).run()

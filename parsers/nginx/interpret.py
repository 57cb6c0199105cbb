"""Interpret an nginx tree into the proxy model.

nginx semantics applied here, once:
- ``proxy_set_header`` / ``proxy_hide_header`` are inherited from the enclosing level only
  when the current level has none of its own; scalars inherit unless redefined;
- location precedence (``=``, longest prefix, ``^~``, regexes in order, nesting) becomes a
  "most-specific" route table, and the automatic trailing-slash 301 becomes an exact route;
- server-level ``return``/``rewrite``/``if`` run before location selection;
- defaults that changed in nginx 1.29.7 (HTTP/1.1 upstream, no ``Connection: close``,
  keep-alive for ``upstream`` blocks) follow ``--nginx-version``, else the version Debian
  and Ubuntu LTS ship (< 1.29.7), with a note where 1.29.7+ would differ;
- ``stream {}`` servers are TCP relays (the handshake is the browser's and FAS's own), with
  upstream groups of their own; backend TLS checks ``proxy_ssl_name`` (default
  ``$proxy_host``, the upstream group's name) with DNS names only.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from linter.core.fas import PLAIN_PORTS, TLS_PORTS, version_tuple
from linter.core.model import (
    Backend,
    BackendTLS,
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
)
from linter.core.options import Options
from linter.core.tree import ConfigTree, Loc, Node, node_files

from .. import common
from ..common import Durations, ModelStart, port_number
from . import ASSUMED_VERSION, NAME
from .advice import NginxAdvice
from .variables import (
    Evaluator,
    IfCondition,
    MapDef,
    NginxValue,
    RegexCondition,
    compile_regex,
    is_builtin,
    named_captures,
    variables_in,
)
from .versions import too_new

NEW_DEFAULTS = (1, 29, 7)
NEW_DEFAULTS_TEXT = "1.29.7"

# Directives nginx rejects when repeated in one block ("is duplicate").
SCALARS = frozenset(
    {
        "proxy_pass",
        "proxy_http_version",
        "proxy_read_timeout",
        "proxy_send_timeout",
        "proxy_connect_timeout",
        "proxy_buffering",
        "proxy_request_buffering",
        "proxy_ssl_verify",
        "proxy_ssl_trusted_certificate",
        "proxy_ssl_server_name",
        "proxy_ssl_name",
        "proxy_pass_request_headers",
        "proxy_pass_request_body",
        "proxy_buffer_size",
        "proxy_buffers",
        "proxy_ssl_verify_depth",
        "proxy_next_upstream_tries",
        "proxy_intercept_errors",
        "client_max_body_size",
        "root",
        "alias",
        "keepalive_timeout",
        "send_timeout",
        "server_tokens",
        "keepalive",
        "keepalive_requests",
        "proxy_socket_keepalive",
        "ssl_protocols",
        "ssl_ciphers",
        "ssl_prefer_server_ciphers",
        "ssl_session_timeout",
        "ssl_session_cache",
        "client_body_timeout",
        "client_header_timeout",
        "index_off",
    }
)
_NONE: frozenset[str] = frozenset()
# stream {} settings a server takes from the stream block when it has none of its own
_STREAM_INHERITED = frozenset({"ssl_preread", "proxy_ssl", "proxy_ssl_verify", "proxy_timeout", "ssl_certificate"})
# a relay forwards every header as the browser wrote it
_ALL_HOP = frozenset({"connection", "upgrade", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"})
# a relay has no status of its own: plain bytes into FAS's TLS port end in a bare close, the
# browser's TLS relayed into its plain port fails the browser's handshake
STREAM_STATUSES = FailureStatuses(
    plain_to_tls_port="reset", tls_to_plain_port="tls-error", tls_not_ready="reset", certificate_rejected="reset"
)
# what a consumed block leaves in its parent's list (a name no directive has)
_RELEASED = Node("", [], Loc("", 0))
_INHERITED = frozenset(
    {
        "proxy_http_version",
        "proxy_read_timeout",
        "proxy_send_timeout",
        "proxy_pass_request_headers",
        "proxy_ssl_verify",
        "proxy_ssl_trusted_certificate",
        "proxy_ssl_name",
        "proxy_ssl_server_name",
        "ssl_certificate",
        "ssl",
        "http2",
        # the access phase (auth_basic and auth_request inherit like any scalar)
        "auth_basic",
        "auth_request",
        "satisfy",
    }
)
_LISTEN_PARAMS = frozenset(
    {
        "default_server",
        "default",
        "ssl",
        "http2",
        "http3",
        "quic",
        "spdy",
        "proxy_protocol",
        "reuseport",
        "deferred",
        "bind",
        "ipv6only",
        "backlog",
        "rcvbuf",
        "sndbuf",
        "accept_filter",
        "fastopen",
        "so_keepalive",
        "setfib",
        "multipath",
    }
)
_TIME_DIRECTIVES = frozenset({"proxy_read_timeout", "proxy_send_timeout", "proxy_connect_timeout"})
_OTHER_HANDLERS = {
    "fastcgi_pass": "a FastCGI backend",
    "uwsgi_pass": "a uwsgi backend",
    "scgi_pass": "an SCGI backend",
    "grpc_pass": "a gRPC backend",
    "memcached_pass": "memcached",
}
_VARIABLE_ARGS = {  # directive -> which args nginx compiles as strings with variables
    "proxy_set_header": slice(1, 2),
    "proxy_pass": slice(0, 1),
    "return": slice(0, 2),
    "rewrite": slice(1, 2),
    "set": slice(1, 2),
    "add_header": slice(1, 2),
    "proxy_ssl_name": slice(0, 1),
}
_DEFINERS = {
    "perl_set": 0,
    "js_set": 0,
    "set_by_lua": 0,
    "set_by_lua_block": 0,
    "set_by_lua_file": 0,
    "auth_request_set": 0,
    "set": 0,
    "set_real_ip_from": None,
}


# nginx time: "60", "60s", "1h 30m", "500ms"
_TIME = Durations(
    {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000},
    bare="s",
    number=float,
    compound=True,
)
# a fleet writes the same few timeouts in every server, and nginx's sums are the dearest to read
parse_time = functools.lru_cache(maxsize=1024)(_TIME.seconds)


@dataclass(slots=True, eq=False)
class Level:
    """The effective proxy settings at one block level."""

    headers: list[Node] = field(default_factory=list)
    headers_loc: Loc | None = None
    shadowed: list[Node] = field(default_factory=list)
    hidden: list[Node] = field(default_factory=list)
    scalars: dict[str, Node] = field(default_factory=dict)
    unseen: list[Loc] = field(default_factory=list)
    access: list[Node] = field(default_factory=list)  # allow/deny rules in force
    # the files of the directives read at this level and the levels above it
    files: frozenset[str] = frozenset()


class NginxInterpreter(ModelStart):
    dialect = NAME
    assumed_version = ASSUMED_VERSION

    def __init__(self, tree: ConfigTree, options: Options, consume: bool = False) -> None:
        super().__init__(tree, options, consume)
        self.new_defaults = version_tuple(self.version) >= NEW_DEFAULTS
        self.ev = Evaluator()
        self.upstreams: dict[str, Backend] = {}
        self.implicit: dict[str, Backend] = {}
        # stream {} upstreams: a namespace of their own, TCP groups without HTTP keep-alive
        self.stream_upstreams: dict[str, Backend] = {}
        # stream maps on the SNI name, by the variable they set: (names, upstream) per upstream
        self.stream_sni_maps: dict[str, list[tuple[list[str], str]]] = {}
        self.captures: set[str] = set()
        self.has_modules = False
        self.default_listeners: set[int] = set()
        self.time_checked: set[int] = set()
        self.has_cert: set[int] = set()
        # the current server's named locations (@name), for try_files fallbacks
        self.named: dict[str, Node] = {}
        self.named_level = Level()
        # the match of the location being read, whose prefix a proxy_pass URI part replaces
        self.route_match: PathMatch | None = None
        # With consume, each server's subtree is released once it is in the model; the
        # id()-keyed sets above stay sound: every node was allocated by the reader before
        # anything is released, so no live node can reuse a released node's id.
        # Immutable model parts that repeat across a fleet's servers (a location's match,
        # a header value's text, default settings), handed out once per distinct value: on a
        # fleet the copies would be a large part of the model.
        self.shared: dict[tuple, object] = {}
        # the same for parts that name a line (a server's own settings): kept for one server
        # only, so that these tables do not grow with the fleet
        self.local: dict[tuple, object] = {}

    # ------------------------------------------------------------------ entry
    def run(self) -> ProxyModel:
        nodes = self.tree.nodes
        self.problems.extend(too_new(nodes, self.version, self.version_assumed, self.tree.context))
        self.collect_definitions(nodes)
        self.check_variables()
        sites: list[Site] = []
        streams: list[Site] = []  # their certificates are their own (stream_server)
        ctx = self.tree.context
        if ctx == "main":
            root = Level()
            self.check_duplicates(nodes)
            for http in nodes:
                if http.name == "http" and http.children is not None:
                    sites.extend(self.http_block(http.children, root))
                elif http.name == "stream" and http.children is not None:
                    streams.extend(self.stream_block(http.children))
        elif ctx == "http":
            sites.extend(self.http_block(nodes, Level()))
        elif ctx == "server" and any(n.name in ("location", "listen", "server_name") for n in nodes):
            synthetic = Node("server", [], Loc(self.tree.root_file, 1), children=nodes)
            sites.append(self.server_block(synthetic, Level(), fragment=True))
        self.check_tls_certificates(sites)
        sites.extend(streams)
        backends = [*self.upstreams.values(), *self.implicit.values(), *self.stream_upstreams.values()]
        return self.model(
            sites,
            backends,
            FailureStatuses(plain_to_tls_port="status:502", tls_to_plain_port="status:502"),
            NginxAdvice(),
        )

    def one(self, key: tuple, make, local: bool = False):
        """The shared object for ``key``, made by ``make()`` the first time; ``local``: shared
        within the current server only (the key names a line)."""
        table = self.local if local else self.shared
        obj = table.get(key)
        if obj is None:
            obj = table[key] = make()
        return obj

    # ------------------------------------------------------------------ definitions
    def collect_definitions(self, nodes: list[Node]) -> None:
        stack = list(nodes)
        while stack:
            n = stack.pop()
            name = n.name
            if name == "map" and len(n.args) >= 2 and n.children is not None:
                self.ev.define_map(self.map_def(n))
                continue
            if name == "upstream" and n.args and n.children is not None:
                self.upstreams[n.args[0]] = self.upstream_def(n)
                continue
            if name == "stream" and n.children is not None:
                stack.extend(self.stream_definitions(n.children))
                continue
            if name == "set" and len(n.args) >= 2:
                self.ev.define_set(n.args[0].lstrip("$"), n.args[1])
            elif name in ("geo", "split_clients") and n.args:
                target = n.args[-1] if name == "split_clients" or len(n.args) > 1 else n.args[0]
                self.ev.defined.add(target.lstrip("$"))
            elif name in _DEFINERS and n.args and _DEFINERS[name] is not None:
                self.ev.defined.add(n.args[0].lstrip("$"))
            elif name == "load_module":
                self.has_modules = True
            elif name in ("location", "if", "rewrite", "server_name"):
                for a in n.args:
                    if "(?" in a:
                        self.captures.update(named_captures(a))
            if n.children:
                stack.extend(n.children)

    def map_def(self, n: Node) -> MapDef:
        m = MapDef(source=n.args[0], target=n.args[1].lstrip("$"), loc=n.loc)
        for e in n.children or []:
            if e.name == "hostnames":
                m.hostnames = True
                continue
            if e.name in ("volatile",):
                continue
            if e.name == "include" or not e.args:
                m.opaque = True
                continue
            key, value = e.name, e.args[0]
            if key == "default":
                m.default, m.default_loc = value, e.loc
            elif key.startswith("~"):
                caseless = key.startswith("~*")
                rx = compile_regex(key[2:] if caseless else key[1:], caseless)
                if rx is None:
                    m.opaque = True
                else:
                    m.patterns.append((rx, value))
                self.captures.update(named_captures(key))
            else:
                m.exact.setdefault(key.lstrip("\\").lower(), value)
        return m

    def upstream_def(self, n: Node) -> Backend:
        servers: list[Server] = []
        pool: Setting[int] | None = None
        scope = "backend"
        for d in n.children or []:
            if d.name == "server" and d.args:
                host, port = split_hostport(d.args[0], default_port=80)
                servers.append(Server(host, port, d.loc))
            elif d.name == "keepalive" and d.args:
                try:
                    pool = Setting(int(d.args[0]), d.loc)
                except ValueError:
                    pool = Setting(0, d.loc)
                if "local" in d.args[1:]:
                    scope = "route"
        if pool is None:
            if self.new_defaults:
                pool, scope = (
                    self.one(
                        ("pool default", 32),
                        lambda: Setting(
                            32,
                            None,
                            note=f"nginx >= {NEW_DEFAULTS_TEXT} caches 32 idle connections per worker for "
                            "every upstream block (keepalive 32 local)",
                        ),
                    ),
                    "route",
                )
            else:
                pool = self.one(
                    ("pool default", 0),
                    lambda: Setting(
                        0,
                        None,
                        note=f"on nginx >= {NEW_DEFAULTS_TEXT} this upstream block keeps connections "
                        "alive by default (keepalive 32 local)",
                    ),
                )
        self.check_duplicates(n.children or [])
        return Backend(name=n.args[0], servers=servers, loc=n.loc, pool=pool, pool_scope=scope, named=True)

    # ------------------------------------------------------------------ levels
    def level(self, parent: Level, children: list[Node]) -> Level:
        own_headers = [c for c in children if c.name == "proxy_set_header"]
        own_hidden = [c for c in children if c.name == "proxy_hide_header"]
        lvl = Level(
            headers=own_headers or parent.headers,
            headers_loc=own_headers[0].loc if own_headers else parent.headers_loc,
            shadowed=parent.headers if own_headers and parent.headers else ([] if own_headers else parent.shadowed),
            hidden=own_hidden or parent.hidden,
            scalars=dict(parent.scalars),
            unseen=list(parent.unseen),
            access=[c for c in children if c.name in ("allow", "deny")] or parent.access,
        )
        own = node_files([c for c in children if c.children is None], deep=False)
        lvl.files = parent.files | own if not own <= parent.files else parent.files
        for c in children:
            if (
                c.name in _TIME_DIRECTIVES
                and c.args
                and parse_time(c.args[0]) is None
                and id(c) not in self.time_checked
            ):
                self.time_checked.add(id(c))
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f'"{c.name}" directive invalid value',
                        c.loc,
                        fix="write a time such as `3600s`, `60m` or `1h` (units ms, s, m, h, d)",
                    )
                )
            if c.name in _INHERITED:
                lvl.scalars[c.name] = c
            elif c.name == "include" and c.children is None:
                lvl.unseen.append(c.loc)
        return lvl

    def http_block(self, children: list[Node], parent: Level) -> list[Site]:
        lvl = self.level(parent, children)
        self.check_duplicates(children)
        sites = []
        for i, s in enumerate(children):
            if s.name == "server" and s.children is not None:
                sites.append(self.server_block(s, lvl))
                self.local.clear()
                if self.consume:
                    children[i] = _RELEASED
            elif self.consume and s.name in ("upstream", "map"):
                children[i] = _RELEASED  # already in the model (collect_definitions)
        return sites

    # ------------------------------------------------------------------ stream {}
    def stream_block(self, children: list[Node]) -> list[Site]:
        """``stream {}`` servers relay TCP: nginx reads no HTTP there, so the websocket
        handshake is the browser's and FAS's own. Each server is a site whose one route
        hands every request to its ``proxy_pass``, a relay (``ProxyAction.passthrough``)."""
        outer = {c.name: c for c in children if c.name in _STREAM_INHERITED}
        sites = []
        for node in children:
            if node.name == "server" and node.children is not None:
                scalars = {**outer, **{c.name: c for c in node.children}}
                target = next((c.args[0] for c in node.children if c.name == "proxy_pass" and c.args), "")
                routes = self.stream_sni_maps.get(target)
                if routes is None:
                    sites.append(self.stream_server(node, scalars))
                    continue
                # one site per upstream the SNI name picks, as http's server_name does
                # (the server's own problems are said once, with its first site)
                for i, (names, value) in enumerate(routes):
                    sites.append(self.stream_server(node, scalars, value, names, names_after_first=i > 0))
        return sites

    def stream_sni_map(self, node: Node) -> None:
        """``map $ssl_preread_server_name $var { name upstream; ... default upstream; }``: the
        upstream each name the browser asks for (SNI) is relayed to, grouped by upstream
        (names ``[]``: every other name, the map's default). Regex entries are not followed:
        the names they take are not known here."""
        by_value: dict[str, list[str]] = {}
        default = ""
        for entry in node.children or []:
            if entry.name in ("hostnames", "volatile", "include") or not entry.args:
                continue
            if entry.name == "default":
                default = entry.args[0]
            elif not entry.name.startswith("~"):
                by_value.setdefault(entry.args[0], []).append(entry.name.lstrip("*."))
        routes = [(names, value) for value, names in by_value.items()]
        if default:
            routes.append(([], default))
        self.stream_sni_maps["$" + node.args[1].lstrip("$")] = routes

    def stream_definitions(self, children: list[Node]) -> list[Node]:
        """Take stream {}'s upstream groups into their own namespace; the rest is walked as usual."""
        rest = []
        for c in children:
            if c.name == "map" and len(c.args) == 2 and c.args[0] == "$ssl_preread_server_name" and c.children:
                self.stream_sni_map(c)
                rest.append(c)
            elif c.name == "upstream" and c.args and c.children is not None:
                servers = []
                for s in c.children:
                    if s.name == "server" and s.args:
                        host, port = split_hostport(s.args[0], default_port=0)
                        servers.append(Server(host.strip("[]"), port or None, s.loc))
                self.stream_upstreams[c.args[0]] = Backend(c.args[0], servers, c.loc, named=True)
            else:
                rest.append(c)
        return rest

    def stream_backend(self, target: str) -> Backend | None:
        if "$" in target:
            return None  # chosen per connection (a map on the SNI name, say): not known here
        known = self.stream_upstreams.get(target)
        if known is None:
            host, port = split_hostport(target, default_port=0)
            known = self.stream_upstreams[target] = Backend(
                target, [Server(host.strip("[]"), port or None, None)], None
            )
        return known

    def stream_server(
        self,
        node: Node,
        scalars: dict[str, Node],
        target: str | None = None,
        names: list[str] | None = None,
        names_after_first: bool = False,
    ) -> Site:
        """What reaches FAS is TLS when the server passes the browser's TLS through (no
        ``ssl`` on its listen: ``ssl_preread on``, a TLS port, or a relay into FAS's TLS port
        from a port that is not a plain one) or when ``proxy_ssl on`` makes its own; a
        ``listen ... ssl`` terminates the browser's TLS. ``proxy_timeout`` (10 minutes by
        default) cuts a quiet connection. ``target``/``names``: the upstream an SNI map picks
        for these names (one site per upstream of the map)."""
        children = node.children or []
        target_node = next((c for c in children if c.name == "proxy_pass" and c.args), None)
        preread = scalars.get("ssl_preread")
        proxy_ssl = scalars.get("proxy_ssl")
        to_tls = bool(proxy_ssl and proxy_ssl.args[:1] == ["on"])
        if target is None and target_node is not None:
            target = target_node.args[0]
        backend = self.stream_backend(target) if target is not None else None
        ports = [s.port for s in backend.servers] if backend is not None else []
        cert = scalars.get("ssl_certificate")
        listeners: list[Listener] = []
        for c in children:
            if c.name != "listen" or not c.args:
                continue
            host, port = split_listen(c.args[0])
            if "udp" in c.args[1:]:
                continue
            ssl = "ssl" in c.args[1:]
            carried = not ssl and (
                bool(preread and preread.args[:1] == ["on"])
                or port in (443, 8443)
                or (any(p in TLS_PORTS for p in ports) and port not in (80, *PLAIN_PORTS))
            )
            listeners.append(
                Listener(
                    host,
                    port,
                    tls=ssl or carried,
                    loc=c.loc,
                    tls_material=cert.loc if cert is not None and ssl else None,
                    tcp=True,
                    tls_passthrough=carried,
                )
            )
        label = f"stream server (line {node.loc.line})"
        if names is not None:
            label += f", SNI {' '.join(names)}" if names else ", SNI of any other name"
        site = Site(label=label, names=list(names or []), listeners=listeners, loc=node.loc)
        terminating = next((lst for lst in listeners if lst.tls and not lst.tls_passthrough), None)
        if terminating is not None and cert is None and not names_after_first:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    f'no "ssl_certificate" is defined for the "listen ... ssl" directive ({terminating.label})',
                    node.loc,
                    certain=self.whole,
                    related=[(terminating.loc, "TLS listener here")] if terminating.loc else [],
                    fix="add ssl_certificate and ssl_certificate_key to this stream server or to stream {}",
                )
            )
        if target_node is None:
            return site
        timeout = scalars.get("proxy_timeout")
        seconds = parse_time(timeout.args[0]) if timeout and timeout.args else 600.0
        idle: Setting[float | None] = Setting(600.0 if seconds is None else seconds, timeout.loc if timeout else None)
        verify = scalars.get("proxy_ssl_verify")
        verify_on = to_tls and bool(verify and verify.args[:1] == ["on"])
        action = ProxyAction(
            target=target or target_node.args[0],
            backend=backend,
            tls=to_tls or any(lst.tls_passthrough for lst in listeners),
            loc=target_node.loc,
            upstream=UpstreamRequest(
                forward_client_headers=Setting(True),
                hop_by_hop_forwarded=_ALL_HOP,
                ops=(),
                empty_value_removes=False,
                ops_loc=None,
            ),
            timeouts=Timeouts(idle=idle),
            tls_settings=BackendTLS(verify=Setting(verify_on, verify.loc if verify else None)),
            outside=self.tree.is_fragment,
            passthrough=True,
            statuses=STREAM_STATUSES,
        )
        site.routes = RouteTable(
            [Route(PathMatch("prefix", "/"), node.loc, "stream server", action=action)], policy="first-match"
        )
        return site

    # ------------------------------------------------------------------ servers
    def server_block(self, node: Node, parent: Level, fragment: bool = False) -> Site:
        children = node.children or []
        lvl = self.level(parent, children)
        self.check_duplicates(children)
        names = [a for n in children if n.name == "server_name" for a in n.args]
        listeners = self.listeners(children, lvl, fragment)
        label = "server " + (names[0] if names else "(no server_name)")
        site = Site(label=label, names=names, listeners=listeners, loc=node.loc)
        self.note_files(site, lvl.files | node_files([node], False))
        site.steps = self.steps(children, lvl)
        named: dict[str, Node] = {}
        for c in children:
            if c.name == "location" and c.args and c.args[0].startswith("@"):
                named[c.args[0]] = c
        self.named = named
        self.named_level = lvl
        site.routes = self.route_table(children, lvl)
        self.check_duplicate_locations(children)
        return site

    def listeners(self, children: list[Node], lvl: Level, fragment: bool) -> list[Listener]:
        ssl_on = "ssl" in lvl.scalars and lvl.scalars["ssl"].args[:1] == ["on"]
        # a certificate written in this server marks it as meant for TLS; one inherited from
        # http {} is shared by plain servers too and says nothing about this one
        cert = next((c for c in children if c.name == "ssl_certificate"), None)
        inherited_cert = lvl.scalars.get("ssl_certificate")
        http2_on = "http2" in lvl.scalars and lvl.scalars["http2"].args[:1] == ["on"]
        out: list[Listener] = []
        for c in children:
            if c.name != "listen" or not c.args:
                continue
            addr, port = split_listen(c.args[0])
            params = c.args[1:]
            for p in params:
                if p.split("=", 1)[0] not in _LISTEN_PARAMS:
                    self.problems.append(
                        ConfigProblem(
                            "rejected",
                            f'invalid parameter "{p}" in "listen"',
                            c.loc,
                            fix="remove the parameter, or add the `;` missing at the end of the listen line",
                        )
                    )
                    break  # nginx stops at the first
            lst = Listener(
                address=addr,
                port=port,
                tls="ssl" in params or ssl_on,
                loc=c.loc,
                http2="http2" in params or http2_on,
                tls_material=cert.loc if cert else None,
            )
            if inherited_cert is not None:
                self.has_cert.add(id(lst))
            if "default_server" in params or "default" in params:
                self.default_listeners.add(id(lst))
            out.append(lst)
        if not out:
            if fragment:
                out.append(
                    Listener("*", None, tls=ssl_on, loc=None, unknown=True, tls_material=cert.loc if cert else None)
                )
            else:
                out.append(Listener("0.0.0.0", 80, tls=ssl_on, loc=None, tls_material=cert.loc if cert else None))
        return out

    # ------------------------------------------------------------------ locations
    def route_table(self, children: list[Node], lvl: Level) -> RouteTable:
        table = RouteTable(policy="most-specific")
        for c in children:
            if c.name == "location" and c.args and c.children is not None and not c.args[0].startswith("@"):
                table.routes.append(self.route(c, lvl))
        # an exact or prefix location for the bare path stops nginx's automatic redirect
        exact = {r.match.pattern for r in table.routes if r.match.kind in ("exact", "prefix")}
        for r in list(table.routes):
            p = r.match.pattern
            if (
                r.match.kind == "prefix"
                and len(p) > 1
                and p.endswith("/")
                and isinstance(r.action, ProxyAction)
                and p[:-1] not in exact
            ):
                table.routes.append(
                    Route(
                        match=PathMatch("exact", p[:-1]),
                        loc=r.loc,
                        label=r.label,
                        action=Respond(
                            301,
                            r.loc,
                            target=p,
                            reason=sys.intern(f"nginx redirects {p[:-1]} to {p} because {r.label} ends with a slash"),
                        ),
                    )
                )
        return table

    def route(self, node: Node, parent: Level) -> Route:
        args = node.args
        mod, pattern = "", args[-1]
        if len(args) >= 2:
            mod = args[0]
        elif args[0][:2] in ("^~",) or args[0][:1] in ("=", "~"):
            m = re.match(r"^(\^~|=|~\*|~)(.*)$", args[0])
            if m:
                mod, pattern = m.group(1), m.group(2)
        children = node.children or []
        lvl = self.level(parent, children)
        self.check_duplicates(children)
        match = self.one(("match", mod, pattern), lambda: _path_match(mod, pattern))
        route = Route(match=match, loc=node.loc, label=sys.intern("location " + " ".join(args)))
        self.route_match = match
        # what it inherits is its site's (and an enclosing route's): the plan joins them
        self.note_files(route, node_files([node]))
        route.steps = self.steps(children, lvl)
        route.action = self.handler(children, lvl, regex_location=match.kind == "pattern")
        route.access = self.access_rules(lvl)
        nested = [c for c in children if c.name == "location"]
        if nested:
            route.children = self.route_table(children, lvl)
        return route

    def handler(self, children: list[Node], lvl: Level, regex_location: bool, named: tuple[str, ...] = ()):
        # access phase, before the content handler: a closed location answers itself
        for c in children:
            if c.name == "internal":
                return Respond(404, c.loc, reason="the location is internal: browsers get 404")
        for c in children:
            if c.name == "proxy_pass" and c.args:
                return self.proxy(c, lvl, uri_allowed=not regex_location)
        for c in children:
            if c.name in _OTHER_HANDLERS:
                return ServeLocal(404, c.loc, what=_OTHER_HANDLERS[c.name])
        for c in children:
            if c.name == "try_files" and c.args and c.args[-1].startswith("@"):
                target = self.named.get(c.args[-1])
                if target is not None:
                    if c.args[-1] in named:  # nginx gives up after 10 internal redirects: 500
                        return Respond(500, c.loc, reason=f"internal redirection cycle through {c.args[-1]}")
                    tl = self.level(self.named_level, target.children or [])
                    return self.handler(target.children or [], tl, regex_location=True, named=named + (c.args[-1],))
        return None

    # ------------------------------------------------------------------ rewrite phase
    def steps(self, children: list[Node], lvl: Level) -> Sequence[Step]:
        """The rewrite phase: return, rewrite and if, in order (they run before the content
        handler, and before location selection at server level)."""
        out: list[Step] = []
        for c in children:
            if c.name == "return" and c.args:
                out.append(self.respond(c))
            elif c.name == "rewrite" and len(c.args) >= 2:
                out.append(self.rewrite(c))
            elif c.name == "if" and c.children is not None:
                inner = c.children
                ilvl = self.level(lvl, inner)
                action = None
                for d in inner:
                    if d.name == "proxy_pass" and d.args:
                        action = self.proxy(d, ilvl, uri_allowed=False)
                out.append(Guard(IfCondition(list(c.args), self.ev), self.steps(inner, ilvl), c.loc, action=action))
        return out or ()  # most blocks have none: one shared empty tuple, not a list each

    def respond(self, n: Node) -> Respond:
        a = n.args
        if a[0].isdigit():
            code = int(a[0])
            target = a[1] if len(a) > 1 and code in (301, 302, 303, 307, 308) else None
            return Respond(code, n.loc, target=target, drop=code == 444)
        return Respond(302, n.loc, target=a[0])

    def rewrite(self, n: Node) -> Step:
        regex, repl = n.args[0], n.args[1]
        flag = n.args[2] if len(n.args) > 2 else ""
        rx = compile_regex(regex, caseless=False)
        absolute = repl.startswith(("http://", "https://", "$scheme"))
        if flag in ("redirect", "permanent") or absolute:
            code = 301 if flag == "permanent" else 302
            return Guard(RegexCondition(regex, rx), [Respond(code, n.loc, target=repl)], n.loc)
        ev = self.ev

        def apply(req: Request, rx=rx, repl=repl) -> str | None:
            if rx is None:
                return None
            m = rx.search(req.path)
            if not m:
                return None
            groups = {str(i): g or "" for i, g in enumerate(m.groups(), 1)}
            groups.update({k: v or "" for k, v in m.groupdict().items()})
            # captures ($1, $name, ${name}) first, then the config's variables
            text = re.sub(
                r"\$(?:\{(\w+)\}|(\d|[A-Za-z_]\w*))", lambda g: groups.get(g.group(1) or g.group(2), g.group(0)), repl
            )
            value = ev.evaluate(text, req)
            if value is None:
                return None
            # new arguments in the replacement come first and the request's are appended,
            # unless the replacement ends with "?" (nginx's way to drop them)
            path, mark, args = value.partition("?")
            if not mark:
                query = req.query
            elif not args:
                query = ""
            else:
                query = f"{args}&{req.query}" if req.query else args
            return f"{path or '/'}?{query}"

        then = {"last": "reroute", "break": "stop"}.get(flag, "continue")
        return Rewrite(apply=apply, then=then, loc=n.loc, text="rewrite " + " ".join(n.args), whole_uri=True)

    # ------------------------------------------------------------------ proxy_pass
    def proxy(self, n: Node, lvl: Level, uri_allowed: bool) -> ProxyAction:
        target = n.args[0]
        m = _TARGET.match(target)
        scheme, hostport, uri = (m.group(1).lower(), m.group(2), m.group(3)) if m else ("http", target, None)
        tls = scheme == "https"
        if uri is not None and not uri_allowed and "$" not in target:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    '"proxy_pass" cannot have URI part in location given by regular expression, '
                    'or inside named location, or inside "if" statement',
                    n.loc,
                    fix="drop the path from proxy_pass here (keep scheme, host and port), or use a prefix location",
                )
            )
        backend = self.backend_for(hostport, tls, n)
        up = self.upstream_request(lvl)
        read = lvl.scalars.get("proxy_read_timeout")
        seconds = parse_time(read.args[0]) if read and read.args else 60.0
        # an unreadable value is a load error reported elsewhere; judge the default meanwhile
        idle_value = 60.0 if seconds is None else seconds
        read_loc = read.loc if read else None
        timeouts = self.one(
            ("timeouts", idle_value, read_loc),
            lambda: Timeouts(idle=Setting(idle_value, read_loc)),
            local=read_loc is not None,
        )
        tls_settings = self.backend_tls(lvl, hostport)
        # nginx sets up backend TLS for https:// and for any proxy_pass with variables
        if (tls or "$" in target) and tls_settings.verify.value and not tls_settings.ca.value:
            self.problems.append(
                ConfigProblem(
                    "rejected",
                    "proxy_ssl_verify is on but no proxy_ssl_trusted_certificate is set: "
                    'nginx refuses to load ("no proxy_ssl_trusted_certificate for proxy_ssl_verify")',
                    tls_settings.verify.loc or n.loc,
                    related=[(n.loc, "TLS to the backend here")],
                    fix="add `proxy_ssl_trusted_certificate /path/to/fas-ca.pem;` next to proxy_ssl_verify, "
                    "or set `proxy_ssl_verify off;`",
                )
            )
        return ProxyAction(
            target=target,
            backend=backend,
            tls=tls,
            loc=n.loc,
            upstream=up,
            timeouts=timeouts,
            tls_settings=tls_settings,
            uri=uri,
            unseen=tuple(lvl.unseen),
            outside=self.tree.is_fragment,
            forward=self.forward(target, uri, uri_allowed),
        )

    def backend_tls(self, lvl: Level, hostport: str) -> BackendTLS:
        """How nginx checks FAS's certificate on this route. With ``proxy_ssl_verify on`` it
        requires ``proxy_ssl_name`` in the certificate, by default ``$proxy_host``: the
        upstream group's name when proxy_pass names an ``upstream{}`` block, else the host
        written in proxy_pass; its host check reads DNS names only (an IP never matches).
        SNI is sent only with ``proxy_ssl_server_name on``, and then carries that name."""
        verify = lvl.scalars.get("proxy_ssl_verify")
        ca = lvl.scalars.get("proxy_ssl_trusted_certificate")
        name_node = lvl.scalars.get("proxy_ssl_name")
        sni_node = lvl.scalars.get("proxy_ssl_server_name")
        verify_on = bool(verify and verify.args[:1] == ["on"])
        ca_value = ca.args[0] if ca and ca.args else None
        sni_on = bool(sni_node and sni_node.args[:1] == ["on"])
        label = False
        name_loc: Loc | None = None
        if name_node is not None and name_node.args:
            name_text: str | None = name_node.args[0]
            name_loc = name_node.loc
        elif "$" in hostport or hostport.startswith("unix:"):
            name_text = None  # $proxy_host of a variable target: not known here
        else:
            label = hostport in self.upstreams
            name_text = hostport if label else split_hostport(hostport, default_port=443)[0].strip("[]")
        key = ("backend-tls", verify_on, verify and verify.loc, ca_value, ca and ca.loc, name_text, name_loc, sni_on)

        def make() -> BackendTLS:
            value = None if name_text is None else NginxValue(name_text, self.ev)
            return BackendTLS(
                verify=Setting(verify_on, verify.loc if verify else None),
                ca=Setting(ca_value, ca.loc if ca else None),
                name=Setting(value if verify_on else None, name_loc),
                ip_names=False,
                name_is_label=label,
                sni=Setting(value if sni_on else None, sni_node.loc if sni_node else None),
            )

        return self.one(key, make, local=bool(verify or ca or name_node or sni_node))

    # ------------------------------------------------------------------ the path to FAS
    def forward(self, target: str, uri: str | None, uri_allowed: bool) -> Forward | None:
        """How proxy_pass writes the request line it sends (nginx's proxy module).

        With variables, the evaluated target's URI part, if any, replaces the request's
        whole URI, query string included (nothing is appended). A literal URI part
        replaces the part of the path the location matched, the query kept; but once a
        rewrite in the location changed the path, the URI part is ignored and the changed
        path goes as it is."""
        if "$" in target:
            ev = self.ev
            # a regex location's captures ($1, $name) are the variables most such targets use
            match = self.route_match if self.route_match is not None and self.route_match.kind == "pattern" else None

            def evaluated(req: Request, rewritten: bool) -> tuple[str, str] | None:
                text = target
                if match is not None and match.regex is not None:
                    m = match.regex.search(req.path)
                    if m is None:
                        return None
                    groups = {str(i): g or "" for i, g in enumerate(m.groups(), 1)}
                    groups.update({k: v or "" for k, v in m.groupdict().items()})
                    text = re.sub(
                        r"\$(?:\{(\w+)\}|(\d|[A-Za-z_]\w*))",
                        lambda g: groups.get(g.group(1) or g.group(2), g.group(0)),
                        text,
                    )
                value = ev.evaluate(text, req)
                if value is None:
                    return None
                m = _TARGET.match(value)
                if m is None:
                    return None
                if not m.group(3):
                    return req.path, req.query
                path, _, query = m.group(3).partition("?")
                return path, query

            return evaluated
        match = self.route_match
        if uri is None or not uri_allowed or match is None or match.kind == "pattern":
            return None
        prefix = match.pattern

        def substituted(req: Request, rewritten: bool) -> tuple[str, str] | None:
            if rewritten or not req.path.startswith(prefix):
                return req.path, req.query
            return uri + req.path[len(prefix) :], req.query

        return substituted

    # ------------------------------------------------------------------ access (paths)
    def access_rules(self, lvl: Level) -> Sequence[Refusal]:
        """The access phase in force at a level, as the refusals a request meets.

        allow/deny are tried in order and the first that matches the client decides, so
        a list ending in ``deny all`` lets in exactly the networks allowed before it;
        auth_basic asks for credentials (401); auth_request lets its subrequest decide;
        ``satisfy any`` lets a client through when either the address rules or the
        authentication pass."""
        out: list[Refusal] = []
        allowed: list[str] = []
        by_address: Refusal | None = None
        for n in lvl.access:
            who = n.args[0] if n.args else ""
            if n.name == "allow":
                if who == "all":
                    break
                allowed.append(who)
            elif who == "all":
                text = "; ".join(f"{a.name} {' '.join(a.args)}" for a in lvl.access[: lvl.access.index(n) + 1])
                admits = f"clients from {', '.join(allowed)}" if allowed else ""
                by_address = Refusal(403, n.loc, text, admits=admits)
                break
        basic = lvl.scalars.get("auth_basic")
        request = lvl.scalars.get("auth_request")
        by_auth: Refusal | None = None
        if basic is not None and basic.args and basic.args[0] != "off":
            by_auth = Refusal(
                401,
                basic.loc,
                f"auth_basic {basic.args[0]}",
                admits="browsers that already hold credentials for this realm from a page of this host",
            )
        elif request is not None and request.args and request.args[0] != "off":
            by_auth = Refusal(
                401,
                request.loc,
                f"auth_request {request.args[0]}",
                admits=f"requests the subrequest to {request.args[0]} accepts (it answers 401 or 403 otherwise)",
                decided_elsewhere=True,
            )
        satisfy = lvl.scalars.get("satisfy")
        if satisfy is not None and satisfy.args[:1] == ["any"] and by_address is not None and by_auth is not None:
            admits = f"{by_address.admits}, or {by_auth.admits}" if by_address.admits else by_auth.admits
            out.append(Refusal(by_auth.status, by_auth.loc, f"{by_address.text}; {by_auth.text}; satisfy any", admits))
            return tuple(out)
        if by_address is not None:
            out.append(by_address)
        if by_auth is not None:
            out.append(by_auth)
        return tuple(out) if out else ()

    def backend_for(self, hostport: str, tls: bool, n: Node) -> Backend | None:
        if "$" in hostport:
            # only a value fixed by `set` constants is known; anything from the request is not
            names = variables_in(hostport)
            if not all(self.ev.sets.get(v) is not None and v not in self.ev.maps for v in names):
                return None
            value = self.ev.evaluate(hostport, Request("/", "", "http", {}))
            if value is None:
                return None
            hostport = value
        if hostport in self.upstreams:
            return self.upstreams[hostport]
        host, port = split_hostport(hostport, default_port=443 if tls else 80)
        explicit_port = port_given(hostport)
        if (
            not explicit_port
            and not self.whole
            and not host.startswith("unix:")
            and "." not in host
            and host != "localhost"
        ):
            # a bare name in a fragment is most likely an upstream block defined elsewhere
            key = f"?{hostport}"
            if key not in self.implicit:
                self.implicit[key] = Backend(name=hostport, servers=[], loc=None, known=False, named=True)
            return self.implicit[key]
        key = f"{hostport}|{tls}|{n.loc}"  # inline: each proxy_pass line is its own backend
        if key not in self.implicit:
            self.implicit[key] = Backend(name=hostport, servers=[Server(host, port, n.loc)], loc=n.loc, pool=Setting(0))
        return self.implicit[key]

    def upstream_request(self, lvl: Level) -> UpstreamRequest:
        user = {h.args[0].lower() for h in lvl.headers if h.args}
        ops: list[HeaderOp] = []
        if "host" not in user:
            ops.append(HeaderOp("Host", Literal("backend-host"), None, note="nginx default: $proxy_host"))
        if "connection" not in user and not self.new_defaults:
            ops.append(
                HeaderOp("Connection", Literal("close"), None, note=f"nginx's default before {NEW_DEFAULTS_TEXT}")
            )
        for h in lvl.headers:
            if len(h.args) >= 2:
                ops.append(self.header_op(h))
        version = lvl.scalars.get("proxy_http_version")
        if version and version.args:
            http_version = self.one(
                ("setting", version.args[0], version.loc), lambda: Setting(version.args[0], version.loc), local=True
            )
        elif self.new_defaults:
            http_version = self.one(("setting", "1.1", None), lambda: Setting("1.1", None))
        else:
            http_version = self.one(
                ("http-1.0 default",),
                lambda: Setting("1.0", None, note=f"nginx >= {NEW_DEFAULTS_TEXT} sends HTTP/1.1 by default"),
            )
        forward = lvl.scalars.get("proxy_pass_request_headers")
        forwarding = not (forward and forward.args[:1] == ["off"])
        shadow_reason = ""
        if lvl.shadowed and lvl.headers_loc:
            line = lvl.headers_loc.line
            shadow_reason = self.one(
                ("shadow", line),
                lambda: (
                    f"the proxy_set_header at line {line} gives this block a header list of "
                    "its own, so nginx inherits none from the enclosing levels"
                ),
                local=True,
            )
        return UpstreamRequest(
            forward_client_headers=self.one(
                ("setting", forwarding, forward.loc if forward else None),
                lambda: Setting(forwarding, forward.loc if forward else None),
                local=forward is not None,
            ),
            hop_by_hop_forwarded=_NONE,
            ops=tuple(ops),
            empty_value_removes=True,
            ops_loc=lvl.headers_loc,
            shadowed=tuple(self.header_op(h) for h in lvl.shadowed if len(h.args) >= 2),
            shadow_reason=shadow_reason,
            http_version=http_version,
            # nginx writes `Connection: upgrade` on a 101 itself: hiding it changes nothing (observed)
            hidden_response_headers=tuple(
                HiddenHeader(h.args[0], h.loc) for h in lvl.hidden if h.args and h.args[0].lower() != "connection"
            ),
        )

    def header_op(self, h: Node) -> HeaderOp:
        value = self.one(("value", h.args[1]), lambda: NginxValue(h.args[1], self.ev))
        op = HeaderOp(h.args[0], value, h.loc)
        return op

    # ------------------------------------------------------------------ what nginx refuses
    def check_duplicates(self, children: list[Node]) -> None:
        seen: dict[str, Node] = {}
        for c in children:
            if c.name in SCALARS:
                first = seen.get(c.name)
                if first is None:
                    seen[c.name] = c
                    continue
                where = os.path.relpath(first.loc.file, os.path.dirname(os.path.abspath(self.tree.root_file)))
                how = "" if first.loc.file == c.loc.file else f" (first set in {where}:{first.loc.line})"
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f'"{c.name}" directive is duplicate{how}',
                        c.loc,
                        related=[(first.loc, f"{c.name} first set here")],
                        fix=f"keep one `{c.name}` in this block: remove it here or where it is first set",
                    )
                )

    def check_duplicate_locations(self, children: list[Node]) -> None:
        seen: dict[tuple, Node] = {}
        for c in children:
            if c.name == "location" and c.args and not c.args[0].startswith("~"):
                key = tuple(c.args)
                if key in seen:
                    self.problems.append(
                        ConfigProblem(
                            "rejected",
                            f'duplicate location "{c.args[-1]}"',
                            c.loc,
                            related=[(seen[key].loc, "first defined here")],
                            fix="merge the two location blocks into one",
                        )
                    )
                else:
                    seen[key] = c

    def check_tls_certificates(self, sites: list[Site]) -> None:
        """nginx refuses a TLS port whose default server has no certificate (other servers on
        the port borrow the default server's)."""
        defaults: dict[tuple, tuple[Site, Listener]] = {}
        for site in sites:
            for lst in site.listeners:
                if not lst.tls or lst.unknown:
                    continue
                key = (lst.address, lst.port)
                if key not in defaults or id(lst) in self.default_listeners:
                    if key in defaults and id(defaults[key][1]) in self.default_listeners:
                        continue
                    defaults[key] = (site, lst)
        for site, lst in defaults.values():
            if id(lst) not in self.has_cert:
                self.problems.append(
                    ConfigProblem(
                        "rejected",
                        f'no "ssl_certificate" is defined for the "listen ... ssl" directive '
                        f"({lst.label}, whose default server is {site.label})",
                        site.loc,
                        certain=self.whole,
                        related=[(lst.loc, "TLS listener here")] if lst.loc else [],
                        fix="add ssl_certificate and ssl_certificate_key to this server (the default server "
                        "of the port) or to http {}",
                    )
                )

    def check_variables(self) -> None:
        defined = self.ev.defined | self.captures
        unknown: dict[str, list[str]] = {}  # text -> its unknown variables (texts repeat in fleets)
        for n in self.tree.walk():
            sl = _VARIABLE_ARGS.get(n.name)
            if n.name == "if":
                texts = n.args[:1] + (n.args[2:3] if len(n.args) > 2 and n.args[1] in ("=", "!=") else [])
            elif n.name == "log_format":
                texts = n.args[1:]
            elif n.name == "map":
                texts = n.args[:1] + [e.args[0] for e in n.children or [] if e.args and e.name != "include"]
            elif sl is not None:
                texts = n.args[sl]
            else:
                continue
            for t in texts:
                if "$" not in t:
                    continue
                bad = unknown.get(t)
                if bad is None:
                    bad = unknown[t] = [v for v in variables_in(t) if v not in defined and not is_builtin(v)]
                for var in bad:
                    certain = self.whole and not self.has_modules
                    where = (
                        ""
                        if certain
                        else (
                            " here; its map or set may be in a file not read with this one"
                            if not self.whole
                            else "; a loaded module may define it"
                        )
                    )
                    fix = (
                        "add `map $http_upgrade $connection_upgrade { default upgrade; '' close; }` to http {}"
                        if var == "connection_upgrade"
                        else f"define ${var} with map or set in the http context, or use a built-in variable"
                    )
                    self.problems.append(
                        ConfigProblem(
                            "rejected",
                            f'unknown "{var}" variable: no map, set or module defines it{where}',
                            n.loc,
                            certain=certain,
                            fix=fix,
                        )
                    )


# scheme, host[:port] and the URI part of a proxy_pass target
_TARGET = re.compile(r"^([a-zA-Z][\w+.-]*)://(unix:[^:]*:?|\[[^\]]+\](?::[^/]*)?|[^/]*)(/.*)?$")


def split_listen(text: str) -> tuple[str, int | None]:
    if text.startswith("unix:"):
        return text, None
    if text.isdigit():
        return "0.0.0.0", int(text)
    host, port = split_hostport(text, default_port=80)
    if host == "*":
        host = "0.0.0.0"
    return host, port


def port_given(hostport: str) -> bool:
    if hostport.startswith("["):
        return "]:" in hostport
    return ":" in hostport and not hostport.startswith("unix:")


def split_hostport(text: str, default_port: int) -> tuple[str, int | None]:
    if text.startswith("unix:"):
        return text, None
    host, port = common.split_hostport(text)
    return host, port_number(port, default_port)


def _path_match(mod: str, pattern: str) -> PathMatch:
    if mod == "=":
        return PathMatch("exact", pattern)
    if mod == "^~":
        return PathMatch("prefix", pattern, stops_patterns=True)
    if mod in ("~", "~*"):
        return PathMatch("pattern", pattern, regex=compile_regex(pattern, caseless=mod == "~*"))
    return PathMatch("prefix", pattern)


def interpret(tree: ConfigTree, options: Options, consume: bool = False) -> ProxyModel:
    """The model of ``tree``; with ``consume`` the caller gives the tree up, and its
    server, upstream and map blocks are released as they are interpreted."""
    return NginxInterpreter(tree, options, consume).run()

"""The dialect-neutral proxy model.

An interpreter in ``parsers/<dialect>`` turns a common tree into this model, applying the
dialect's inheritance and precedence rules once, so nothing downstream needs to know which
proxy wrote the config. Every fact carries the location that established it (``loc``), or
None when it is the proxy's built-in default, because a finding must point at the line to
change or say that the default is the culprit.

Things that only the dialect can evaluate (an nginx ``map``, an Apache ``RewriteCond``, a
HAProxy ACL) enter the model as objects with an ``evaluate(request)`` method; the model
fixes their interface, the dialect supplies the behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from linter.core.fixes import Fix
from linter.core.tree import Loc, SourceFile

T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class Request:
    """A request as it arrives at a listener: the browser's upgrade, or a page request."""

    path: str
    query: str
    scheme: str  # "http" | "https"
    headers: Mapping[str, str]  # lower-case names; read-only
    port: int | None = None

    @property
    def is_upgrade(self) -> bool:
        return "upgrade" in self.headers


class Value(Protocol):
    """A header value or target as written; ``evaluate`` gives None when it cannot be known."""

    @property
    def text(self) -> str: ...

    def evaluate(self, request: Request) -> str | None: ...


class Condition(Protocol):
    @property
    def text(self) -> str: ...

    def evaluate(self, request: Request) -> bool | None: ...


@dataclass(slots=True, frozen=True)
class Literal:
    """A value with no variables in it."""

    text: str

    def evaluate(self, request: Request) -> str | None:
        return self.text


@dataclass(slots=True, unsafe_hash=True)
class Setting(Generic[T]):
    """A scalar setting in force: its value, where it was set (None: the proxy's default)
    and, when the value is a version-dependent default, how other versions differ.

    Treat it as immutable: interpreters share one Setting among many routes. Not
    ``frozen``: a frozen dataclass sets each field through ``object.__setattr__``, which
    made building one three times slower, and fleets build a dozen per site."""

    value: T
    loc: Loc | None = None
    note: str = ""


@dataclass(slots=True, eq=False)
class Listener:
    """A public address the proxy accepts connections on."""

    address: str
    port: int | None
    tls: bool
    loc: Loc | None
    http2: bool = False
    # where a certificate is configured for the sites on this listener (if anywhere)
    tls_material: Loc | None = None
    # a listener that cannot be known because the input is a fragment
    unknown: bool = False
    # browsers may open websockets as streams of a shared HTTP/2 connection here (RFC 8441),
    # so an upgrade is never the first request of its client connection
    websocket_over_h2: bool = False
    # when ``websocket_over_h2`` rests on an assumed proxy version: how other versions differ
    websocket_over_h2_note: str = ""
    # False when the proxy never opens this address although a site is configured on it
    # (nothing listens: the browser's connection is refused); ``opener`` is the line that
    # would have opened it, if one exists but is not in force, and ``not_opened`` says why
    opened: bool = True
    opener: Loc | None = None
    not_opened: str = ""
    # a TCP listener: the proxy relays its bytes without reading HTTP, so the handshake is
    # the browser's and FAS's own (no header, version or reuse fact applies on the way)
    tcp: bool = False
    # the browser's TLS goes through to the backend undecrypted (``tls`` says browsers may
    # speak TLS here; the proxy holds no certificate for it): what reaches the backend is
    # TLS whatever the server line says
    tls_passthrough: bool = False

    @property
    def label(self) -> str:
        if self.unknown:
            return "unknown listener (fragment)"
        addr = self.address if ":" not in self.address else f"[{self.address}]"
        port = "" if self.port is None else f":{self.port}"
        return f"{addr}{port}{' tls' if self.tls else ''}"


@dataclass(slots=True, eq=False)
class Server:
    """One upstream server address."""

    host: str
    port: int | None
    loc: Loc | None


@dataclass(slots=True, eq=False)
class Backend:
    """A group of upstream servers and how the proxy keeps connections to it."""

    name: str
    servers: list[Server]
    loc: Loc | None
    # idle connections kept for reuse (0: none); loc of the setting or of the group
    pool: Setting[int] = field(default_factory=lambda: Setting(0))
    # "backend": any route using this backend fills the pool; "route": only the same route
    pool_scope: str = "backend"
    # False when the definition is not in what was read (a fragment's named upstream)
    known: bool = True
    # declared by name (an upstream group) rather than written inline on the route
    named: bool = False
    # may the first request of a new client connection (a browser's websocket over
    # HTTP/1.1) take a pooled connection? nginx: yes; HAProxy "http-reuse safe": no
    first_request_reuses: bool = True


@dataclass(slots=True, eq=False)
class HeaderOp:
    """Set (``value``) or remove (``value`` None) one request header sent upstream.

    ``condition``: the op applies only to requests for which it holds (HAProxy's
    ``if``/``unless``, Apache's ``env=``/``expr=``). It is a fact, not a decision: the
    planning step evaluates it for each websocket URL and listener, because one rule can
    break one URL and spare another."""

    name: str
    value: Value | None
    loc: Loc | None
    note: str = ""
    condition: Condition | None = None


@dataclass(slots=True, eq=False)
class HiddenHeader:
    """A response header the proxy removes before the browser sees it."""

    name: str
    loc: Loc


@dataclass(slots=True, eq=False)
class UpstreamRequest:
    """What a route sends upstream, inheritance already applied."""

    # client headers forwarded at all
    forward_client_headers: Setting[bool]
    # hop-by-hop client headers (lower case) forwarded as they are, without any op
    hop_by_hop_forwarded: frozenset[str]
    # applied in order over the forwarded headers
    ops: tuple[HeaderOp, ...]
    # a header whose value evaluates to "" is not sent at all
    empty_value_removes: bool
    # the level whose header list is in force (None: defaults only)
    ops_loc: Loc | None
    # ops written at an enclosing level that do not apply here, and why
    shadowed: tuple[HeaderOp, ...] = ()
    shadow_reason: str = ""
    http_version: Setting[str] = field(default_factory=lambda: Setting("1.1"))
    # response headers removed from what the backend answers, as far as they really go
    # missing from a 101 (a proxy may re-add some itself)
    hidden_response_headers: tuple[HiddenHeader, ...] = ()
    # request headers (lower case) the proxy writes itself into an upgrade that lacks them
    # on the way out (HAProxy's HTTP/1 layer makes a fresh Sec-WebSocket-Key): removing one
    # does not stop the handshake at FAS, the browser then checks an answer to another key
    written_if_missing: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Timeouts:
    """Idle limits on an open tunnel, in seconds; ``None`` value means no limit."""

    idle: Setting[float | None]
    # a second limit that also applies (e.g. send side), if the dialect has one
    idle_other: Setting[float | None] | None = None


@dataclass(slots=True, eq=False)
class BackendTLS:
    """How the proxy checks the FAS certificate when it speaks TLS to it: what makes backend TLS load or fail."""

    verify: Setting[bool] = field(default_factory=lambda: Setting(False))
    ca: Setting[str | None] = field(default_factory=lambda: Setting(None))
    # the name the proxy requires in the backend's certificate (value None: it requires none,
    # e.g. verification off or the name check turned off). Each dialect says when a check
    # applies; a Value because a proxy may take the name from the request (the browser's Host)
    name: Setting[Value | None] = field(default_factory=lambda: Setting(None))
    # an IP address given as that name can match the certificate's IP addresses; False where
    # the proxy's host check reads DNS names only, so a certificate can never match an IP
    ip_names: bool = True
    # the name is the label the config gives a server group (its default when the target
    # names the group), not a host the backend is known by
    name_is_label: bool = False
    # the name sent as SNI to the backend (value None: no SNI)
    sni: Setting[Value | None] = field(default_factory=lambda: Setting(None))


@dataclass(slots=True, eq=False)
class ProxyAction:
    """The route hands the request to a backend."""

    target: str  # as written
    backend: Backend | None  # None: cannot be known (a variable)
    tls: bool
    loc: Loc
    upstream: UpstreamRequest
    timeouts: Timeouts
    tls_settings: BackendTLS = field(default_factory=BackendTLS)
    # the path part the target substitutes for the matched prefix, if any
    uri: str | None = None
    # includes on the way to this route that could not be read: facts they hold are unknown
    unseen: Sequence[Loc] = ()
    # enclosing levels were not read (a fragment): a setting absent here may be set there
    outside: bool = False
    # TLS toward the backend can actually be made (False e.g. when the module or engine
    # that makes the connection is off); loc: the setting or module line that decides
    tls_ready: Setting[bool] = field(default_factory=lambda: Setting(True))
    # the proxy relays the connection's bytes without reading HTTP (a TCP relay, e.g.
    # HAProxy `mode tcp` front and back): the upgrade reaches the backend untouched, no
    # backend connection is reused, and the proxy has no status of its own to answer with;
    # what still matters is TLS against the backend port, front TLS and idle limits
    passthrough: bool = False
    # what the browser sees when this route's backend connection fails, where it differs
    # from the proxy's usual answer (``ProxyModel.statuses``), e.g. a relay's bare close
    statuses: FailureStatuses | None = None
    # --- the request line FAS receives (the path part of the target, the query string)
    # how the target turns the request as the route saw it (path and query after the
    # proxy's rewrites) into the path and query sent upstream; None from it: cannot be
    # known. ``rewritten`` says a rewrite on the way changed the path (nginx then ignores
    # the URI part of proxy_pass). None: the path and query go as they are.
    forward: Forward | None = None


# (request as the route saw it, a rewrite changed the path) -> (path, query) sent upstream
Forward = Callable[[Request, bool], "tuple[str, str] | None"]


@dataclass(slots=True, eq=False)
class Refusal:
    """An access rule on the way to the backend: the proxy answers ``status`` itself
    (403 refused, 401 credentials asked, 500 a HAProxy tarpit) to every request it
    applies to, except the clients ``admits`` names.

    Access rules decide on the client (its address, its credentials), which the config
    cannot show, so the model keeps who still gets through rather than a yes or no: a
    check can then tell a closed URL from one open only to an intranet."""

    status: int
    loc: Loc
    text: str  # as written, e.g. "deny all", "Require ip 10.0.0.0/8"
    # who still gets through, in words ("clients from 10.0.0.0/8"); "" : nobody
    admits: str = ""
    # the rule applies only when this holds for the request (None: always); a condition
    # that cannot be decided statically (a client address, a credential) leaves the
    # refusal for some clients only
    condition: Condition | None = None
    # the outcome rests on something outside the config (an auth_request subrequest)
    decided_elsewhere: bool = False
    # set by planning: the condition could not be decided for the websocket request (it
    # tests the client), so the rule refuses only the clients it holds for
    only_when: str = ""


@dataclass(slots=True, eq=False)
class Respond:
    """The proxy answers itself: a status, a redirect or a dropped connection."""

    status: int | None
    loc: Loc
    target: str | None = None  # redirect target as written
    drop: bool = False  # closes the connection without a response
    reason: str = ""  # e.g. "automatic redirect to the URL with a trailing slash"


@dataclass(slots=True, eq=False)
class ServeLocal:
    """The proxy serves the request from its own files or handlers."""

    status: int
    loc: Loc
    what: str = "static files"


Action = ProxyAction | Respond | ServeLocal


@dataclass(slots=True, eq=False)
class Rewrite:
    """Changes the path; ``then`` is "continue", "reroute" (route selection again) or "stop"."""

    apply: Callable[[Request], str | None]
    then: str
    loc: Loc
    text: str = ""
    # ``apply`` gives the whole URI ("path?query"; no "?": the query is dropped), for
    # rewrites that set or drop the query string too
    whole_uri: bool = False


@dataclass(slots=True, eq=False)
class Guard:
    """Steps that run only when a condition holds; ``action`` replaces the route's action."""

    condition: Condition
    steps: Sequence[Step]
    loc: Loc
    action: Action | None = None
    # how the user wrote it, to name it where its action answers before any route
    label: str = ""


Step = Respond | Rewrite | Guard | Refusal


@dataclass(slots=True, eq=False)
class PathMatch:
    """How a route matches a path. ``kind``: "exact", "prefix" or "pattern"."""

    kind: str
    pattern: str
    regex: re.Pattern[str] | None = None
    # a prefix that, when it is the longest prefix match, skips pattern routes
    stops_patterns: bool = False

    def matches(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.pattern
        if self.kind == "prefix":
            return path.startswith(self.pattern)
        return bool(self.regex and self.regex.search(path))


@dataclass(slots=True, eq=False)
class Route:
    """A path-selected block of a site (location, Location, use_backend rule): what it does with a request."""

    match: PathMatch
    loc: Loc
    label: str  # as the user wrote it
    steps: Sequence[Step] = ()  # read-only: interpreters share one empty tuple
    action: Action | None = None
    children: RouteTable | None = None
    # access rules in force for requests this route handles (the interpreter has applied
    # the dialect's inheritance and merging); checked after the route's rewrite steps
    access: Sequence[Refusal] = ()


@dataclass(slots=True, eq=False)
class RouteTable:
    """Routes and the precedence that picks one for a path.

    ``policy``: "most-specific" (exact, then the longest prefix unless patterns are
    allowed to override it, then patterns in order, then that prefix), "first-match"
    (the first matching route in order) or "last-match" (the last matching route in
    order: sections that merge in file order, where the later one wins).
    """

    routes: list[Route] = field(default_factory=list)
    policy: str = "first-match"


@dataclass(slots=True, eq=False)
class Site:
    """A virtual host: the listeners it answers on and how it routes."""

    label: str
    names: list[str]
    listeners: list[Listener]
    loc: Loc
    steps: Sequence[Step] = ()  # before route selection
    routes: RouteTable = field(default_factory=RouteTable)
    # what answers a path no route matches
    fallback: Action | None = None


@dataclass(slots=True, eq=False)
class ConfigProblem:
    """A reason the proxy will refuse this configuration, or that it could not be read."""

    kind: str  # "syntax" | "include" | "rejected"
    message: str
    loc: Loc
    certain: bool = True
    related: list[tuple[Loc, str]] = field(default_factory=list)
    # what to change, in the dialect's words ("" : the rule's generic advice)
    fix: str = ""
    # None: error when certain, info when not; "warning" when it depends on a fact the config
    # does not show (the proxy version, not given: refused on the assumed one or on others)
    severity: str | None = None


@dataclass(slots=True, eq=False)
class FailureStatuses:
    """What the browser sees when the proxy itself fails, which differs per proxy."""

    plain_to_tls_port: str
    tls_to_plain_port: str
    # TLS to the backend requested but not possible (engine or module off)
    tls_not_ready: str = "status:500"
    # the backend's certificate is refused (its name does not match what the proxy checks)
    certificate_rejected: str = "status:502"


class Advice(Protocol):
    """Dialect wording for fixes: ``fix(key, **details)`` returns the text to show; a ``Fix``
    the dialect does not word raises ``KeyError``."""

    def fix(self, key: Fix, **details: str) -> str: ...


@dataclass(slots=True, eq=False)
class ProxyModel:
    """One configuration as the proxy will run it, in words no dialect owns: the only thing plans read."""

    dialect: str
    root_file: str
    sites: list[Site]
    backends: list[Backend]
    statuses: FailureStatuses
    advice: Advice
    problems: list[ConfigProblem] = field(default_factory=list)
    # every file read for this model, the entry point first
    files: list[str] = field(default_factory=list)
    # what was read is a fragment of a larger configuration
    fragment: bool = False
    # the proxy version the verdicts are for, and whether it was assumed
    proxy_version: str = ""
    version_assumed: bool = True
    # the files read, with their comments (suppressions) and, when not on disk, their text
    sources: list[SourceFile] = field(default_factory=list)
    # per route or site, the files whose lines that block reads (its own, the files included
    # into it, the enclosing levels it inherits from), where they are more than the file of
    # its ``loc``: a change in one of them concerns its findings. A map beside the blocks, not
    # a field of each: most blocks have no entry, and a field would make every Route larger
    block_files: dict[Route | Site, frozenset[str]] = field(default_factory=dict)

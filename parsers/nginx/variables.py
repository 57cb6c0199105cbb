"""nginx variables, ``map`` and ``if`` conditions, evaluated for a known request.

A plan asks "what does ``$connection_upgrade`` become for the browser's upgrade, and for a
page request?". Anything that depends on facts no config shows (client address, files on
disk, upstream answers) evaluates to None: unknown, and checks stay quiet about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from linter.core.model import Request
from linter.core.tree import Loc

from .. import common

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\d|[A-Za-z_]\w*))")
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_]\w*)>")
_NAMED_GROUP_P = re.compile(r"\(\?P<([A-Za-z_]\w*)>")

# nginx's own variables (http core, proxy, upstream, ssl, realip, ...), and prefixes.
BUILTIN = frozenset(
    """
arg_ args binary_remote_addr body_bytes_sent bytes_sent connection connection_requests
connection_time connections_active connections_reading connections_waiting connections_writing
content_length content_type cookie_ date_gmt date_local document_root document_uri fastcgi_path_info
fastcgi_script_name gzip_ratio host hostname http_ https is_args limit_rate limit_conn_status
limit_req_status msec nginx_version pid pipe proxy_add_x_forwarded_for proxy_host proxy_port
proxy_protocol_addr proxy_protocol_port proxy_protocol_server_addr proxy_protocol_server_port
query_string realip_remote_addr realip_remote_port realpath_root remote_addr remote_port
remote_user request request_body request_body_file request_completion request_filename request_id
request_length request_method request_time request_uri scheme secure_link secure_link_expires
sent_http_ sent_trailer_ server_addr server_name server_port server_protocol ssl_cipher ssl_ciphers
ssl_client_cert ssl_client_escaped_cert ssl_client_fingerprint ssl_client_i_dn ssl_client_raw_cert
ssl_client_s_dn ssl_client_serial ssl_client_v_end ssl_client_v_remain ssl_client_v_start
ssl_client_verify ssl_curve ssl_curves ssl_early_data ssl_protocol ssl_server_name ssl_session_id
ssl_session_reused status tcpinfo_rtt tcpinfo_rttvar tcpinfo_snd_cwnd tcpinfo_rcv_space time_iso8601
time_local uid_got uid_reset uid_set upstream_addr upstream_bytes_received upstream_bytes_sent
upstream_cache_status upstream_connect_time upstream_cookie_ upstream_header_time upstream_http_
upstream_queue_time upstream_response_length upstream_response_time upstream_status upstream_trailer_
uri geoip_ geoip2_ jwt_ invalid_referer modern_browser ancient_browser msie realip_ http2 http3
slice_range ssl_preread_ ssl_alpn_protocol ssl_ja3 ssl_sigalg ssl_client_sigalg memcached_key date_ embedded_ otel_
""".split()
)


_ADDED_BY_PROXIES = ("x-forwarded-", "x-real-ip", "forwarded", "x-client-", "x-original-", "cf-", "x-amzn-")


_BUILTIN_PREFIXES = tuple(sorted(p for p in BUILTIN if p.endswith("_")))


def is_builtin(name: str) -> bool:
    if name.isdigit():
        return True
    if name in BUILTIN:
        return True
    return name.startswith(_BUILTIN_PREFIXES)


def variables_in(text: str) -> list[str]:
    return [a or b for a, b in _VAR.findall(text)]


def named_captures(regex: str) -> list[str]:
    return _NAMED_GROUP.findall(regex) + _NAMED_GROUP_P.findall(regex)


def compile_regex(pattern: str, caseless: bool) -> re.Pattern[str] | None:
    """PCRE as nginx writes it, in Python's dialect; None when Python cannot take it."""
    return common.compile_regex(_NAMED_GROUP.sub(r"(?P<\1>", pattern), re.IGNORECASE if caseless else 0)


@dataclass(slots=True, eq=False)
class MapDef:
    """An nginx `map`, kept so header values built from it ($connection_upgrade) can be evaluated."""

    source: str
    target: str
    loc: Loc
    exact: dict[str, str] = field(default_factory=dict)  # lower-case keys
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    default: str = ""
    default_loc: Loc | None = None
    hostnames: bool = False
    # entries that could not be compiled or read: the result may be unknown
    opaque: bool = False


# Variables nginx derives from the request itself (or that are the same for every request
# the plans send: the client address, the method).
_REQUEST_VARIABLES: dict[str, Callable[[Request], str | None]] = {
    "scheme": lambda r: r.scheme,
    "https": lambda r: "on" if r.scheme == "https" else "",
    "uri": lambda r: r.path,
    "document_uri": lambda r: r.path,
    "request_uri": lambda r: r.path + ("?" + r.query if r.query else ""),
    "args": lambda r: r.query,
    "query_string": lambda r: r.query,
    "is_args": lambda r: "?" if r.query else "",
    "request_method": lambda r: "GET",
    "server_protocol": lambda r: "HTTP/1.1",
    "host": lambda r: r.headers.get("host", "").split(":")[0],
    "remote_addr": lambda r: "192.0.2.10",
    "proxy_add_x_forwarded_for": lambda r: "192.0.2.10",
    "server_port": lambda r: str(r.port) if r.port else None,
}


class Evaluator:
    """Evaluates nginx strings with variables for a request."""

    def __init__(self) -> None:
        self.maps: dict[str, MapDef] = {}
        self.sets: dict[str, str | None] = {}  # constant assignments; None: not constant
        self.defined: set[str] = set()

    def define_map(self, m: MapDef) -> None:
        self.maps[m.target] = m
        self.defined.add(m.target)

    def define_set(self, name: str, value: str) -> None:
        self.defined.add(name)
        if name in self.sets and self.sets[name] != value:
            self.sets[name] = None
        else:
            self.sets[name] = value if not variables_in(value) else None

    def evaluate(self, text: str, req: Request, depth: int = 0) -> str | None:
        if "$" not in text:
            return text
        if depth > 8:
            return None
        out: list[str] = []
        pos = 0
        for m in _VAR.finditer(text):
            out.append(text[pos : m.start()])
            pos = m.end()
            v = self.variable(m.group(1) or m.group(2), req, depth)
            if v is None:
                return None
            out.append(v)
        out.append(text[pos:])
        return "".join(out)

    def variable(self, name: str, req: Request, depth: int) -> str | None:
        if name in self.maps:
            return self.eval_map(self.maps[name], req, depth + 1)
        if name in self.sets:
            v = self.sets[name]
            return None if v is None else self.evaluate(v, req, depth + 1)
        if name.startswith("http_"):
            header = name[5:].replace("_", "-")
            if header in req.headers:
                return req.headers[header]
            # a load balancer in front may add these; browsers never send them
            return None if header.startswith(_ADDED_BY_PROXIES) else ""
        if name.startswith("arg_"):
            for part in req.query.split("&"):
                k, _, v = part.partition("=")
                if k == name[4:]:
                    return v
            return ""
        get = _REQUEST_VARIABLES.get(name)
        return get(req) if get is not None else None

    def eval_map(self, m: MapDef, req: Request, depth: int) -> str | None:
        src = self.evaluate(m.source, req, depth)
        if src is None or m.hostnames:
            return None
        hit = m.exact.get(src.lower())
        if hit is not None:
            return self.evaluate(hit, req, depth)
        for rx, value in m.patterns:
            mm = rx.search(src)
            if mm:
                if "$" in value:
                    return None if re.search(r"\$\d", value) else self.evaluate(value, req, depth)
                return value
        if m.opaque:
            return None
        return self.evaluate(m.default, req, depth)


@dataclass(slots=True, eq=False)
class NginxValue:
    """A header value as written, evaluated through the config's maps and sets."""

    text: str
    ev: Evaluator

    def evaluate(self, request: Request) -> str | None:
        return self.ev.evaluate(self.text, request)


@dataclass(slots=True, eq=False)
class IfCondition:
    """The condition of an ``if (...)`` block."""

    args: list[str]
    ev: Evaluator

    @property
    def text(self) -> str:
        return " ".join(self.args)

    def evaluate(self, request: Request) -> bool | None:
        a = self.args
        if not a:
            return None
        if a[0] in ("-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x"):
            return None  # depends on files on the server
        left = self.ev.evaluate(a[0], request)
        if left is None:
            return None
        if len(a) == 1:
            return left not in ("", "0")
        op, right = a[1], " ".join(a[2:])
        if op in ("=", "!="):
            r = self.ev.evaluate(right, request)
            if r is None:
                return None
            return (left == r) == (op == "=")
        if op in ("~", "~*", "!~", "!~*"):
            rx = compile_regex(right, caseless=op.endswith("*"))
            if rx is None:
                return None
            hit = bool(rx.search(left))
            return hit if not op.startswith("!") else not hit
        return None


@dataclass(slots=True, eq=False)
class RegexCondition:
    """A ``rewrite`` regex, as a condition on the path."""

    pattern: str
    rx: re.Pattern[str] | None

    @property
    def text(self) -> str:
        return self.pattern

    def evaluate(self, request: Request) -> bool | None:
        if self.rx is None:
            return None
        return bool(self.rx.search(request.path))

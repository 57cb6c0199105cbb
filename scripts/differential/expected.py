"""The disagreement classes already known and routed to a model fix (issue 16, item 2),
with the reason each happens. A class found on the CI's fixed seed that is not listed here
fails ``tests/live/test_differential.py``: a new disagreement is never silent. When a fix
lands, its entry goes; each entry names the minimal config found for it (found/)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Known:
    """A class: its dialect, the label's start, the choices a case must have to belong to it
    (those its minimal config kept), and why wsproxylint and the proxy disagree there."""

    dialect: str
    label: str
    needs: tuple[tuple[str, str], ...]
    why: str
    minimal: str = ""  # scripts/differential/found/...

    def covers(self, dialect: str, label: str, choices: Mapping[str, str]) -> bool:
        return (
            dialect == self.dialect and label.startswith(self.label) and all(choices.get(k) == v for k, v in self.needs)
        )


F = "scripts/differential/found/"
PATH_REWRITE = (
    "a URI part on the proxy target replaces the matched prefix, so FAS gets /websocketcall or /topic, "
    "not a websocket URL (the stand-in answers 200, FAS 404); the path that reaches FAS is not modelled"
)

EXPECTED_DISAGREEMENTS: tuple[Known, ...] = (
    # -- the name checked in FAS's certificate on re-encryption ---------------------------------
    Known(
        "nginx",
        "missed status:502",
        (("backend_tls", "tls-verify-group-name"),),
        "proxy_ssl_verify on without proxy_ssl_name: nginx checks FAS's certificate against the proxy_pass "
        "host, an upstream group's name or an IP (no IP SAN check), the handshake fails: 502",
        F + "nginx/backend-tls-verify-name",
    ),
    Known(
        "nginx",
        "other-symptom status:502",
        (("backend_tls", "tls-verify-group-name"),),
        "as above, where another finding predicts 302: the certificate check fails first (502)",
        F + "nginx/backend-tls-verify-name",
    ),
    Known(
        "apache",
        "other-symptom status:500",
        (("backend_tls", "tls-verify-name"), ("pool", "balancer")),
        "BalancerMember https://<IP>:8443 with SSLProxyVerify require and SSLProxyCheckPeerName on: httpd "
        "ignores IP SANs, 500 (AH02411) before anything the request headers do",
        F + "apache/balancer-member-ip-peer-name",
    ),
    # -- the path that reaches FAS ----------------------------------------------------------------
    Known(
        "nginx", "missed status:200", (("rewrite", "!strip-prefix"),), PATH_REWRITE, F + "nginx/path-rewritten-to-fas"
    ),
    Known(
        "nginx",
        "other-symptom status:200",
        (("rewrite", "!strip-prefix"),),
        PATH_REWRITE,
        F + "nginx/path-rewritten-to-fas",
    ),
    Known(
        "apache", "missed status:200", (("rewrite", "!strip-prefix"),), PATH_REWRITE, F + "apache/path-rewritten-to-fas"
    ),
    Known(
        "apache",
        "other-symptom status:200",
        (("rewrite", "!strip-prefix"),),
        PATH_REWRITE,
        F + "apache/path-rewritten-to-fas",
    ),
    # -- access rules on a websocket URL -----------------------------------------------------------
    Known(
        "apache",
        "missed status:401",
        (("access", "!basic-auth-gateway"),),
        "AuthType Basic + Require valid-user on the websocket URL's <Location>: the browser's websocket "
        "sends no credentials, 401; access rules are not modelled",
        F + "apache/basic-auth-on-websocket-url",
    ),
    Known(
        "haproxy",
        "missed status:401",
        (("access", "!auth-gateway"),),
        "http-request auth on the websocket URL: 401; access rules are not modelled",
        F + "haproxy/http-auth-on-websocket-url",
    ),
    # -- parameters by context (Apache balancer vs worker) ------------------------------------------
    Known(
        "apache",
        "missed-config-rejected",
        (("pool", "balancer"),),
        "worker parameters (upgrade=websocket, timeout=, disablereuse=) on a ProxyPass to balancer:// or in "
        "ProxySet of the balancer: httpd refuses to start ('ProxyPass unknown Balancer parameter')",
        F + "apache/balancer-worker-parameters",
    ),
    Known(
        "apache",
        "other-symptom status:503",
        (("pool", "balancer"), ("plain", "proxy")),
        "a balancer:// used in a virtual host where no <Proxy balancer://> defines it (balancers belong to "
        "the vhost that defines them): 503; the route is followed as if its members were there",
        F + "apache/balancer-not-defined-in-vhost",
    ),
    Known(
        "apache",
        "false-alarm WSP201",
        (("route", "proxypassmatch"), ("ws_form", "ws-scheme")),
        "a ws:// ProxyPassMatch is a worker of its own (every upgrade opens a new backend connection), as "
        "a ws:// ProxyPass is; WSP201 takes it for the pages' pooled worker",
        F + "apache/ws-proxypassmatch-own-worker",
    ),
    # -- TCP mode ------------------------------------------------------------------------------------
    Known(
        "haproxy",
        "false-alarm WSP202",
        (("front", "tcp-terminate"),),
        "TLS terminated by a mode tcp frontend (bind ... ssl crt) and plain TCP to FAS's 8080 works; WSP202 "
        "reads the TLS bind as TLS sent to the plain port",
        F + "haproxy/tcp-mode-tls-termination",
    ),
    Known(
        "haproxy",
        "other-symptom reset",
        (("front", "tcp-terminate"), ("backend_tls", "!ssl-to-8080")),
        "in mode tcp, a failed TLS toward FAS is a bare close for the browser (reset), not a tls-error",
        F + "haproxy/tcp-mode-ssl-to-plain-port",
    ),
    # -- map-file routing --------------------------------------------------------------------------
    Known(
        "haproxy",
        "unplanned-listener",
        (("routing", "map-path"),),
        "use_backend %[path,map_beg(FILE,default)]: map files are not read, the front gets no plan while it serves FAS",
        F + "haproxy/map-file-routing-path",
    ),
    Known(
        "haproxy",
        "unplanned-listener",
        (("routing", "map-host"),),
        "use_backend %[req.hdr(host),lower,word(1,:),map(FILE,default)]: as above, by host",
        F + "haproxy/map-file-routing-host",
    ),
    # -- one cause, several listeners ----------------------------------------------------------------
    Known(
        "haproxy",
        "missed status:302",
        (("reuse", "always"), ("plain", "serve")),
        "http-reuse always on a backend two frontends share, FAS 2.5.2: WSP201 names the TLS front only; "
        "the plain front that serves FAS breaks once warm too",
        F + "haproxy/reuse-finding-one-front-only",
    ),
)


def explained(dialect: str, label: str, choices: Mapping[str, str]) -> str | None:
    for k in EXPECTED_DISAGREEMENTS:
        if k.covers(dialect, label, choices):
            return k.why
    return None

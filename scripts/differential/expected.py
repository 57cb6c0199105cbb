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
    # -- found in the longer explorations (seed 200) --------------------------------------------
    Known(
        "nginx",
        "missed status:401",
        (("access", "!basic-auth-gateway"),),
        "auth_basic on the websocket URL's location: 401; access rules are not modelled",
        F + "nginx/basic-auth-on-websocket-url",
    ),
    Known(
        "apache",
        "other-symptom status:401",
        (("access", "!basic-auth-gateway"),),
        "as the 401 above, where another finding predicts 302: the auth answers first",
        F + "apache/basic-auth-on-websocket-url",
    ),
    Known(
        "apache",
        "false-alarm WSP201",
        (("pool", "balancer"), ("ws_form", "rewrite")),
        "RewriteRule [P] to a ws:// balancer: its members are workers of their own, not the pages' pool",
        F + "apache/rewrite-p-to-ws-balancer-own-worker",
    ),
    Known(
        "haproxy",
        "missed status:302",
        (("headers", "!cond-del-upgrade-topic"),),
        "http-request del-header Upgrade if { path_beg /assistserver/ }: the condition is decided once while "
        "interpreting, so the topic URL's 302 is not predicted",
        F + "haproxy/conditional-del-header",
    ),
    Known(
        "haproxy",
        "other-symptom reset h2-warm",
        (("front", "offload-h2"), ("backend_tls", "!plain-to-8443")),
        "plain HTTP to FAS's 8443 under an h2 front: the h2 stream is reset, not a 502",
        F + "haproxy/h2-plain-to-tls-port-reset",
    ),
    Known(
        "haproxy",
        "missed reset",
        (("front", "tcp-terminate"), ("backend_tls", "!plain-to-8443")),
        "TLS terminated in mode tcp, plain TCP to FAS's 8443: a bare close (reset), not predicted",
        F + "haproxy/tcp-mode-plain-to-tls-port",
    ),
)


def explained(dialect: str, label: str, choices: Mapping[str, str]) -> str | None:
    for k in EXPECTED_DISAGREEMENTS:
        if k.covers(dialect, label, choices):
            return k.why
    return None

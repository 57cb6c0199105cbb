"""The rule examples in haproxy words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not."""

from __future__ import annotations

from linter.core.rules import Example

EXAMPLES: dict[str, Example] = {
    "WSP001": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request set-header X-Env "prod
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request set-header X-Env "prod"
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP003": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8443 ssl
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem
""",
    ),
    "WSP101": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request del-header Upgrade
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP102": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    http-request set-header Connection close
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    option http-server-close
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP104": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request del-header Sec-WebSocket-Key
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP105": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    http-response del-header Upgrade
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    http-response del-header Server
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP201": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    http-reuse always
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    http-reuse safe
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP202": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8443
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem
""",
    ),
    "WSP203": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP301": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    use_backend fas if { path_beg /gateway/ }
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    use_backend fas if { path_beg /gateway/ /assistserver/ }
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP302": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[^/]$ }
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[^/]$ } !{ path_beg /gateway/ /assistserver/ }
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
    "WSP401": Example(
        bad="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
        good="""\
global
    log stdout local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1
    default_backend fas
backend fas
    server fas1 10.20.0.11:8080
""",
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP002": "HAProxy has no include directive: its files are given with -f",
    "WSP004": "HAProxy has no section whose effect depends on what the rest of the configuration loads",
    "WSP103": "HAProxy always speaks HTTP/1.1 (or h2) to its servers",
    "WSP204": "an HAProxy `bind` opens the address it names",
}

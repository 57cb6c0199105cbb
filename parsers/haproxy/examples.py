"""The rule examples in haproxy words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not. The building blocks below hold the correct
recipe once, so that each example shows only what it breaks."""

from __future__ import annotations

from linter.core.rules import Example


def haproxy_config(
    front: str = "",
    back: str = "",
    server: str = "server fas1 10.20.0.11:8080",
    defaults: str = "    timeout tunnel 1h\n",
    bind: str = "bind :443 ssl crt /etc/haproxy/certs/gw.pem alpn http/1.1",
) -> str:
    """A whole HAProxy config: one frontend, one FAS backend, plus ``front``/``back`` lines."""
    return (
        "global\n    log stdout local0\ndefaults\n    mode http\n    timeout connect 5s\n"
        f"    timeout client 30s\n    timeout server 30s\n{defaults}"
        f"frontend fe\n    {bind}\n{front}    default_backend fas\n"
        f"backend fas\n{back}    {server}\n"
    )


HAPROXY_GOOD = haproxy_config()


EXAMPLES: dict[str, Example] = {
    "WSP001": Example(
        bad=haproxy_config(front='    http-request set-header X-Env "prod\n'),
        good=haproxy_config(front='    http-request set-header X-Env "prod"\n'),
    ),
    "WSP003": Example(
        bad=haproxy_config(server="server fas1 10.20.0.11:8443 ssl"),
        good=haproxy_config(server="server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem"),
    ),
    "WSP005": Example(
        bad=(
            "defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n"
            "frontend fe\n    bind :80\n    use_backend app if { path_beg /app/ }\n"
            "backend app\n    server app1 10.20.0.12:3000\n"
        ),
        good=HAPROXY_GOOD,
    ),
    "WSP101": Example(
        bad=haproxy_config(front="    http-request del-header Upgrade\n"),
        good=HAPROXY_GOOD,
    ),
    "WSP102": Example(
        bad=haproxy_config(back="    http-request set-header Connection close\n"),
        good=haproxy_config(back="    option http-server-close\n"),
    ),
    "WSP104": Example(
        bad=haproxy_config(front="    http-request del-header Sec-WebSocket-Key\n"),
        good=HAPROXY_GOOD,
    ),
    "WSP105": Example(
        bad=haproxy_config(back="    http-response del-header Upgrade\n"),
        good=haproxy_config(back="    http-response del-header Server\n"),
    ),
    "WSP201": Example(
        bad=haproxy_config(back="    http-reuse always\n"),
        good=haproxy_config(back="    http-reuse safe\n"),
    ),
    "WSP202": Example(
        bad=haproxy_config(server="server fas1 10.20.0.11:8443"),
        good=haproxy_config(server="server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem"),
    ),
    "WSP205": Example(
        bad=haproxy_config(
            server="server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem "
            "verifyhost 10.20.0.11"
        ),
        good=haproxy_config(
            server="server fas1 10.20.0.11:8443 ssl verify required ca-file /etc/ssl/certs/fas-ca.pem "
            "verifyhost fas1.example.com"
        ),
    ),
    "WSP203": Example(
        bad=haproxy_config(bind="bind :443"),
        good=HAPROXY_GOOD,
    ),
    "WSP301": Example(
        bad=haproxy_config(front="    use_backend fas if { path_beg /gateway/ }\n").replace(
            "    default_backend fas\n", ""
        ),
        good=haproxy_config(front="    use_backend fas if { path_beg /gateway/ /assistserver/ }\n"),
    ),
    "WSP302": Example(
        bad=haproxy_config(front="    http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[^/]$ }\n"),
        good=haproxy_config(
            front="    http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[^/]$ } !{ path_beg /gateway/ /assistserver/ }\n"
        ),
    ),
    "WSP303": Example(
        bad=haproxy_config(front="    http-request replace-path ^/gateway(/.*)$ \\1\n"),
        good=haproxy_config(front="    http-request replace-path ^/fas(/.*)$ \\1\n"),
    ),
    "WSP304": Example(
        bad=haproxy_config(front="    http-request deny if { path_beg /assistserver/ } !{ src 10.0.0.0/8 }\n"),
        good=haproxy_config(front="    http-request deny if { path_beg /assistserver/agent/ } !{ src 10.0.0.0/8 }\n"),
    ),
    "WSP401": Example(
        bad=haproxy_config(defaults=""),
        good=HAPROXY_GOOD,
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP002": "HAProxy has no include directive: its files are given with -f",
    "WSP004": "HAProxy has no section whose effect depends on what the rest of the configuration loads",
    "WSP103": "HAProxy always speaks HTTP/1.1 (or h2) to its servers",
    "WSP204": "an HAProxy `bind` opens the address it names",
}

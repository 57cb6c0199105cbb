"""How to fix each problem, in nginx's words. Checks name the fix; this says it."""

from __future__ import annotations

from linter.core.fixes import Fix, FixTexts

_FIXES: dict[Fix, str] = {
    Fix.FORWARD_UPGRADE: "add `proxy_set_header Upgrade $http_upgrade;` to {where}",
    Fix.FORWARD_CONNECTION: "add `proxy_set_header Connection $connection_upgrade;` to {where}, with "
    "`map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}` in http {{}}",
    Fix.REPEAT_INHERITED: "repeat the inherited proxy_set_header lines (Upgrade and Connection) in {where}, "
    "or move this block's own proxy_set_header lines up to the enclosing level",
    Fix.HTTP11: "add `proxy_http_version 1.1;` to {where}",
    Fix.UNBLANK_REQUEST_HEADER: "remove the proxy_set_header line that empties {header}, so the browser's "
    "value is passed",
    Fix.FORWARD_REQUEST_HEADERS: "remove `proxy_pass_request_headers off;` from the websocket location",
    Fix.UNHIDE_RESPONSE_HEADER: "remove `proxy_hide_header {header};`",
    Fix.DISABLE_REUSE: "proxy the websocket URL through an upstream without keep-alive (a separate upstream "
    "block with `keepalive 0;` on nginx >= 1.29.7, none before, or `proxy_pass "
    "http://host:port` without an upstream block), or upgrade FAS beyond 2.5.2",
    Fix.SCHEME_FOR_TLS_PORT: "use `proxy_pass https://...` toward the TLS port {port}, "
    "or point at FAS's plain port 8080",
    Fix.SCHEME_FOR_PLAIN_PORT: "use `proxy_pass http://...` toward the plain port {port}, or point at FAS's "
    "TLS port 8443",
    Fix.ENABLE_BACKEND_TLS: "nginx always can make TLS to a backend; check the https:// target",
    Fix.CERTIFICATE_NAME_IP: "address FAS by a host name its certificate carries, or add `proxy_ssl_name "
    "<name in FAS's certificate>;` (with `proxy_ssl_server_name on;` to send it as SNI) next to proxy_ssl_verify",
    Fix.CERTIFICATE_NAME_LABEL: "add `proxy_ssl_name <name in FAS's certificate>;` (with `proxy_ssl_server_name "
    "on;` to send it as SNI) next to proxy_ssl_verify: by default nginx checks the upstream group's name {name}",
    Fix.FRONT_TLS: "add `ssl` to `listen {port}` (and keep ssl_certificate/ssl_certificate_key)",
    Fix.ROUTE_WS: "add `location {path} {{ proxy_pass http://<fas>:8080; proxy_http_version 1.1; "
    "proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }}`",
    Fix.NO_REDIRECT: "exempt the websocket URL from the redirect: serve `location = {path}` without it "
    "(or redirect only on the plain listener that browsers never use for wss://)",
    Fix.NO_TRAILING_SLASH: "use `location = {path}` (or a location without the trailing slash) for the websocket URL",
    Fix.RAISE_IDLE_TIMEOUT: "set `proxy_read_timeout {threshold}s;` (or more) in {where}",
    Fix.FIX_SYNTAX: "correct the syntax at this line; `nginx -t` shows the same error",
    Fix.FIX_INCLUDE: "make the included path exist relative to the main nginx.conf directory, or lint from "
    "the main config (the `roots` setting)",
    Fix.KEEP_WS_PATH: "drop the URI part from proxy_pass (`proxy_pass http://<fas>:8080;` passes the path "
    "as the browser sent it), or make it map back to {path} (`location /gateway/ {{ proxy_pass "
    "http://<fas>:8080/gateway/; }}`); remove a rewrite that changes the websocket URL",
    Fix.KEEP_QUERY: "keep the query string: with variables write `proxy_pass http://<fas>:8080$request_uri;` (or "
    "append `$is_args$args`), and do not end a rewrite replacement with `?`",
    Fix.OPEN_WS_ACCESS: "move the access rule off {where} for {path} (put it in a location for the pages it "
    "protects), or allow the networks the browsers come from",
    Fix.FIX_REJECTED: "correct the line; `nginx -t` shows the same error",
}


class NginxAdvice(FixTexts):
    """The fixes a check can ask of an nginx config, in its words (a listen always opens its port)."""

    TEXTS = _FIXES
    WHERE = "the websocket location"

"""How to fix each problem, in nginx's words. Checks name the fix; this says it."""

from __future__ import annotations

_FIXES = {
    "forward-upgrade": "add `proxy_set_header Upgrade $http_upgrade;` to {where}",
    "forward-connection": "add `proxy_set_header Connection $connection_upgrade;` to {where}, with "
    "`map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}` in http {{}}",
    "repeat-inherited": "repeat the inherited proxy_set_header lines (Upgrade and Connection) in {where}, "
    "or move this block's own proxy_set_header lines up to the enclosing level",
    "http11": "add `proxy_http_version 1.1;` to {where}",
    "unblank-request-header": "remove the proxy_set_header line that empties {header}, so the browser's "
    "value is passed",
    "forward-request-headers": "remove `proxy_pass_request_headers off;` from the websocket location",
    "unhide-response-header": "remove `proxy_hide_header {header};`",
    "disable-reuse": "proxy the websocket URL through an upstream without keep-alive (a separate upstream "
    "block with `keepalive 0;` on nginx >= 1.29.7, none before, or `proxy_pass "
    "http://host:port` without an upstream block), or upgrade FAS beyond 2.5.2",
    "scheme-for-tls-port": "use `proxy_pass https://...` toward the TLS port {port}, or point at FAS's plain port 8080",
    "scheme-for-plain-port": "use `proxy_pass http://...` toward the plain port {port}, or point at FAS's "
    "TLS port 8443",
    "enable-backend-tls": "nginx always can make TLS to a backend; check the https:// target",
    "front-tls": "add `ssl` to `listen {port}` (and keep ssl_certificate/ssl_certificate_key)",
    "route-ws": "add `location {path} {{ proxy_pass http://<fas>:8080; proxy_http_version 1.1; "
    "proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }}`",
    "no-redirect": "exempt the websocket URL from the redirect: serve `location = {path}` without it "
    "(or redirect only on the plain listener that browsers never use for wss://)",
    "no-trailing-slash": "use `location = {path}` (or a location without the trailing slash) for the websocket URL",
    "raise-idle-timeout": "set `proxy_read_timeout {threshold}s;` (or more) in {where}",
    "fix-syntax": "correct the syntax at this line; `nginx -t` shows the same error",
    "fix-include": "make the included path exist relative to the main nginx.conf directory, or lint from "
    "the main config (the `roots` setting)",
    "fix-rejected": "correct the line; `nginx -t` shows the same error",
}


class NginxAdvice:
    def fix(self, key: str, **details: str) -> str:
        text = _FIXES.get(key, key)
        details.setdefault("where", "the websocket location")
        try:
            return text.format(**details)
        except (KeyError, IndexError):
            return text

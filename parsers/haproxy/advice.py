"""How to fix each problem, in HAProxy's words. Checks name the fix; this says it."""

from __future__ import annotations

_FIXES = {
    "forward-upgrade": "remove the `http-request del-header`/`set-header` rule that touches Upgrade on {where}: "
    "in `mode http` HAProxy forwards the browser's Upgrade by itself",
    "forward-connection": "remove the `http-request del-header Connection` or `set-header Connection ...` rule on "
    "{where}: in `mode http` HAProxy forwards `Connection: upgrade` by itself",
    "repeat-inherited": "remove the header rule on {where}; HAProxy forwards the upgrade headers by itself",
    "http11": "drop `proto h2`/`alpn h2` from the server lines of the FAS backend (or add `ws h1`, 2.5+), so "
    "the websocket goes to FAS over HTTP/1.1",
    "unblank-request-header": "remove the `http-request` rule that removes or changes {header}",
    "forward-request-headers": "remove the rule that drops the request headers on the websocket route",
    "unhide-response-header": "remove `http-response del-header {header}` (or exempt the websocket URL from it)",
    "disable-reuse": "add `option http-server-close` and `http-reuse never` to the FAS backend (no idle server "
    "connection is then kept), keep websockets off h2 with `alpn http/1.1` on `ssl` binds "
    "(HAProxy 2.8+ offers h2 by default), or upgrade FAS beyond 2.5.2",
    "scheme-for-tls-port": "add `ssl verify required ca-file /etc/ssl/certs/fas-ca.pem` to the server line toward "
    "port {port}, or point it at FAS's plain port 8080",
    "scheme-for-plain-port": "remove `ssl` from the server line toward the plain port {port} (check "
    "`default-server` too), or point it at FAS's TLS port 8443",
    "enable-backend-tls": "HAProxy makes TLS to a server with `ssl` on its server line; check that server line",
    "front-tls": "add `ssl crt /etc/haproxy/certs/<site>.pem` to the `bind` on port {port} (or, for TLS "
    "passthrough in `mode tcp`, send it to FAS's TLS port 8443)",
    "route-ws": "route {path} to the FAS backend: `use_backend <fas> if {{ path_beg {path} }}` before the other "
    "use_backend rules, or make the FAS backend the `default_backend`",
    "no-redirect": "exempt the websocket URL from the redirect (add `!{{ path_beg {path} }}` to its condition), or "
    "redirect only on the plain frontend that browsers never use for wss://",
    "no-trailing-slash": "match the websocket URL without a trailing slash (`path_beg {path}`)",
    "raise-idle-timeout": "set `timeout tunnel {threshold}s` (or more) in the FAS backend or its defaults: once the "
    "connection is upgraded it replaces timeout client/server (a bare number is milliseconds)",
    "fix-syntax": "correct the syntax at this line; `haproxy -c -f <config>` shows the same error",
    "fix-include": "make the file readable, or lint the whole configuration (haproxy.cfg with its conf.d/)",
    "fix-rejected": "correct the line; `haproxy -c -f <config>` shows the same error",
}


class HAProxyAdvice:
    def fix(self, key: str, **details: str) -> str:
        text = _FIXES.get(key, key)
        details.setdefault("where", "the websocket route")
        try:
            return text.format(**details)
        except (KeyError, IndexError):
            return text

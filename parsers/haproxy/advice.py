"""How to fix each problem, in HAProxy's words. Checks name the fix; this says it."""

from __future__ import annotations

from linter.core.fixes import Fix, FixTexts

_FIXES: dict[Fix, str] = {
    Fix.FORWARD_UPGRADE: "remove the `http-request del-header`/`set-header` rule that touches Upgrade on {where}: "
    "in `mode http` HAProxy forwards the browser's Upgrade by itself",
    Fix.FORWARD_CONNECTION: "remove the `http-request del-header Connection` or `set-header Connection ...` rule on "
    "{where}: in `mode http` HAProxy forwards `Connection: upgrade` by itself",
    Fix.REPEAT_INHERITED: "remove the header rule on {where}; HAProxy forwards the upgrade headers by itself",
    Fix.HTTP11: "drop `proto h2`/`alpn h2` from the server lines of the FAS backend (or add `ws h1`, 2.5+), so "
    "the websocket goes to FAS over HTTP/1.1",
    Fix.UNBLANK_REQUEST_HEADER: "remove the `http-request` rule that removes or changes {header}",
    Fix.FORWARD_REQUEST_HEADERS: "remove the rule that drops the request headers on the websocket route",
    Fix.UNHIDE_RESPONSE_HEADER: "remove `http-response del-header {header}` (or exempt the websocket URL from it)",
    Fix.DISABLE_REUSE: "add `option http-server-close` and `http-reuse never` to the FAS backend (no idle server "
    "connection is then kept), keep websockets off h2 with `alpn http/1.1` on `ssl` binds "
    "(HAProxy 2.8+ offers h2 by default), or upgrade FAS beyond 2.5.2",
    Fix.SCHEME_FOR_TLS_PORT: "add `ssl verify required ca-file /etc/ssl/certs/fas-ca.pem` to the server line toward "
    "port {port}, or point it at FAS's plain port 8080",
    Fix.SCHEME_FOR_PLAIN_PORT: "remove `ssl` from the server line toward the plain port {port} (check "
    "`default-server` too), or point it at FAS's TLS port 8443",
    Fix.ENABLE_BACKEND_TLS: "HAProxy makes TLS to a server with `ssl` on its server line; check that server line",
    Fix.CERTIFICATE_NAME_IP: "give `verifyhost` (or `sni str(...)`) a host name FAS's certificate carries instead "
    "of the address {name}; without either HAProxy checks the certificate's chain but no name",
    Fix.CERTIFICATE_NAME_LABEL: "give `verifyhost` a host name FAS's certificate carries",
    Fix.FRONT_TLS: "add `ssl crt /etc/haproxy/certs/<site>.pem` to the `bind` on port {port} (or, for TLS "
    "passthrough in `mode tcp`, send it to FAS's TLS port 8443)",
    Fix.ROUTE_WS: "route {path} to the FAS backend: `use_backend <fas> if {{ path_beg {path} }}` before the other "
    "use_backend rules, or make the FAS backend the `default_backend`",
    Fix.NO_REDIRECT: "exempt the websocket URL from the redirect (add `!{{ path_beg {path} }}` to its condition), or "
    "redirect only on the plain frontend that browsers never use for wss://",
    Fix.NO_TRAILING_SLASH: "match the websocket URL without a trailing slash (`path_beg {path}`)",
    Fix.RAISE_IDLE_TIMEOUT: "set `timeout tunnel {threshold}s` (or more) in the FAS backend or its defaults: once the "
    "connection is upgraded it replaces timeout client/server (a bare number is milliseconds)",
    Fix.FIX_SYNTAX: "correct the syntax at this line; `haproxy -c -f <config>` shows the same error",
    Fix.FIX_INCLUDE: "make the file readable, or lint the whole configuration (haproxy.cfg with its conf.d/)",
    Fix.KEEP_WS_PATH: "do not rewrite {path} on its way to FAS: exclude it from the `http-request "
    "set-path`/`replace-path`/`set-uri` rule (`unless {{ path {path} }}`)",
    Fix.KEEP_QUERY: "keep the query string: use `set-path` (it keeps the query) rather than `set-uri`/"
    "`set-pathq`, and do not clear it with `set-query`",
    Fix.OPEN_WS_ACCESS: "exclude {path} from the rule (`unless {{ path {path} }}`), or allow the networks "
    "the browsers come from",
    Fix.FIX_REJECTED: "correct the line; `haproxy -c -f <config>` shows the same error",
}


class HAProxyAdvice(FixTexts):
    """Every fix a check can ask of an HAProxy config, in its words."""

    TEXTS = _FIXES

"""How to fix each problem, in Apache httpd's words. Checks name the fix; this says it."""

from __future__ import annotations

from linter.core.fixes import Fix, FixTexts

_FIXES: dict[Fix, str] = {
    Fix.FORWARD_UPGRADE: "add `upgrade=websocket` to the ProxyPass toward FAS used by {where} (httpd >= 2.4.47), "
    "or proxy the websocket URL with `ws://`; and remove any `RequestHeader unset Upgrade` "
    "in force there",
    Fix.FORWARD_CONNECTION: "httpd writes Connection itself: let it forward the upgrade with `upgrade=websocket` "
    "on the ProxyPass used by {where} (or a `ws://` target), and remove any "
    "`RequestHeader unset Upgrade` or `SetEnv force-proxy-request-1.0` in force there",
    Fix.REPEAT_INHERITED: "let the websocket ProxyPass forward the upgrade (`upgrade=websocket` or `ws://`)",
    Fix.HTTP11: "remove `SetEnv force-proxy-request-1.0` (and `downgrade-1.0`) from {where}: an upgrade needs "
    "HTTP/1.1 toward FAS",
    Fix.UNBLANK_REQUEST_HEADER: "remove the RequestHeader line that empties {header}, so the browser's value is passed",
    Fix.FORWARD_REQUEST_HEADERS: "pass the browser's request headers through unchanged",
    Fix.UNHIDE_RESPONSE_HEADER: "remove `Header unset {header}` (or limit it to non-websocket URLs)",
    Fix.DISABLE_REUSE: "add `disablereuse=On` to the ProxyPass of the worker that carries the websocket URL "
    "(behind a balancer: to each BalancerMember; httpd refuses it on the balancer's ProxyPass or ProxySet), "
    "or give the websocket URL a worker of its own that page "
    "requests never use (`ProxyPass /gateway/websocketcall ws://host:8080/gateway/websocketcall` "
    "before the /gateway/ line), or upgrade FAS beyond 2.5.2",
    Fix.SCHEME_FOR_TLS_PORT: "use `https://` (or `wss://`) toward the TLS port {port}, with `SSLProxyEngine on`, "
    "or point at FAS's plain port 8080",
    Fix.SCHEME_FOR_PLAIN_PORT: "use `http://` (with `upgrade=websocket`) or `ws://` toward the plain port {port}, "
    "or point at FAS's TLS port 8443",
    Fix.ENABLE_BACKEND_TLS: "add `SSLProxyEngine on` to the <VirtualHost> (mod_ssl loaded); with `SSLProxyVerify "
    "require` also `SSLProxyCACertificateFile /etc/ssl/certs/fas-ca.pem`; or "
    "offload TLS and proxy to http://fas:8080",
    Fix.CERTIFICATE_NAME_IP: "address FAS by a host name its certificate carries (`ProxyPass ... "
    "wss://fas.example.com:8443/...`), or use `ProxyPreserveHost On` with a FAS certificate for the public name, "
    "or on a trusted network `SSLProxyCheckPeerName off`",
    Fix.CERTIFICATE_NAME_LABEL: "address FAS by a host name its certificate carries",
    Fix.FRONT_TLS: "add `SSLEngine on` with SSLCertificateFile/SSLCertificateKeyFile to the <VirtualHost> "
    "on port {port}",
    Fix.OPEN_LISTENER: "add `Listen {port}` where it is always read (outside `<IfModule>`, or after the "
    "`LoadModule` it tests; on Debian `a2enmod ssl` makes ports.conf's `Listen 443` count)",
    Fix.ROUTE_WS: "add `ProxyPass {path} ws://<fas>:8080{path}` (or `http://... upgrade=websocket`) before any "
    "broader ProxyPass, and make sure no later <Location> overrides it",
    Fix.NO_REDIRECT: "exempt the websocket URL from the redirect (a `ProxyPass {path} ...` line is handled before "
    "Redirect; for RewriteRule add `RewriteCond %{{REQUEST_URI}} !^{path}`), or redirect only on "
    "the plain virtual host that browsers never use for wss://",
    Fix.NO_TRAILING_SLASH: "write the websocket URL without a trailing slash in ProxyPass/<Location>",
    Fix.RAISE_IDLE_TIMEOUT: "add `timeout={threshold}` to the ProxyPass used by {where} (httpd keeps a tunnel open "
    "for the larger of `Timeout` and the worker timeout), or raise `Timeout`",
    Fix.FIX_SYNTAX: "correct the syntax at this line; `apachectl configtest` shows the same error",
    Fix.FIX_INCLUDE: "make the included path exist relative to ServerRoot (the main config's directory here), or "
    "use IncludeOptional for a directory that may be empty",
    Fix.KEEP_WS_PATH: "make the ProxyPass URL keep the path: `ProxyPass /gateway/ http://<fas>:8080/gateway/` "
    "(path and URL end alike), or remove the rewrite that changes {path}",
    Fix.KEEP_QUERY: "keep the query string: do not end a RewriteRule substitution with `?`, drop [QSD], "
    "and add [QSA] when the substitution has its own query",
    Fix.OPEN_WS_ACCESS: "move the Require lines off the <Location> that covers {path} (`Require all granted` "
    "in a <Location {path}> after it), or grant the networks the browsers come from",
    Fix.FIX_REJECTED: "load the module that provides the directive (`a2enmod ...` / LoadModule) or remove the "
    "line; `apachectl configtest` shows the same error",
}


class ApacheAdvice(FixTexts):
    """Every fix a check can ask of an Apache httpd config, in its words."""

    TEXTS = _FIXES

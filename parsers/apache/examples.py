"""The rule examples in apache words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not. The building blocks below hold the correct
recipe once, so that each example shows only what it breaks."""

from __future__ import annotations

from linter.core.rules import Example


def apache_vhost(body: str, head: str = "<VirtualHost *:443>", tls: bool = True) -> str:
    """An Apache virtual host for the rule docs: TLS front (unless ``tls`` is False) plus ``body``."""
    front = (
        (
            "    SSLEngine on\n    SSLCertificateFile /etc/ssl/certs/gw.pem\n"
            "    SSLCertificateKeyFile /etc/ssl/private/gw.key\n"
        )
        if tls
        else ""
    )
    return f"{head}\n{front}{body}</VirtualHost>\n"


APACHE_WS = (
    "    Timeout 3600\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n"
    "    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On\n"
)


APACHE_GOOD = apache_vhost(APACHE_WS)


_APACHE_GUARDED = (
    "    <IfModule proxy_wstunnel_module>\n"
    "        ProxyPass /gateway/websocketcall ws://fas:8080/gateway/websocketcall\n"
    "    </IfModule>\n"
)
_APACHE_HEAD = (
    "LoadModule proxy_module modules/mod_proxy.so\n"
    "LoadModule proxy_http_module modules/mod_proxy_http.so\n"
    "LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n"
    "Listen 80\n"
    "<IfModule ssl_module>\n    Listen 443\n</IfModule>\n"
)
_APACHE_SSL = "LoadModule ssl_module modules/mod_ssl.so\n"


EXAMPLES: dict[str, Example] = {
    "WSP001": Example(
        bad="<VirtualHost *:80>\n    <Location /gateway/>\n        ProxyPass ws://fas:8080/gateway/\n</VirtualHost>\n",
        good="<VirtualHost *:80>\n    <Location /gateway/>\n        ProxyPass ws://fas:8080/gateway/\n    </Location>\n</VirtualHost>\n",
    ),
    "WSP002": Example(
        bad="<VirtualHost *:80>\n    Include missing/fas.conf\n</VirtualHost>\n",
        good="<VirtualHost *:80>\n    IncludeOptional conf.d/*.conf\n</VirtualHost>\n",
    ),
    "WSP003": Example(
        bad=apache_vhost(
            "    <Location /gateway/>\n        ProxyPass /gateway/ ws://fas:8080/gateway/\n    </Location>\n"
        ),
        good=apache_vhost("    <Location /gateway/>\n        ProxyPass ws://fas:8080/gateway/\n    </Location>\n"),
    ),
    "WSP004": Example(
        bad=apache_vhost(_APACHE_GUARDED + APACHE_WS),
        good=apache_vhost("    ProxyPass /gateway/websocketcall ws://fas:8080/gateway/websocketcall\n" + APACHE_WS),
    ),
    "WSP005": Example(
        bad=apache_vhost("    ProxyPass /app/ http://app:3000/app/\n"),
        good=apache_vhost(APACHE_WS),
    ),
    "WSP101": Example(
        bad=apache_vhost("    Timeout 3600\n    ProxyPass /gateway/ http://fas:8080/gateway/ disablereuse=On\n"),
        good=apache_vhost(
            "    Timeout 3600\n    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On\n"
        ),
    ),
    "WSP102": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    RequestHeader unset Upgrade\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n"
        ),
        good=apache_vhost("    Timeout 3600\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n"),
    ),
    "WSP103": Example(
        bad=apache_vhost("    SetEnv force-proxy-request-1.0 1\n" + APACHE_WS),
        good=APACHE_GOOD,
    ),
    "WSP104": Example(
        bad=apache_vhost("    RequestHeader unset Sec-WebSocket-Key\n" + APACHE_WS),
        good=APACHE_GOOD,
    ),
    "WSP201": Example(
        bad=apache_vhost("    Timeout 3600\n    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket\n"),
        good=apache_vhost(
            "    Timeout 3600\n    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On\n"
        ),
    ),
    "WSP202": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    ProxyPass /gateway/ https://fas.example.com:8443/gateway/ disablereuse=On\n"
        ),
        good=apache_vhost(
            "    Timeout 3600\n    SSLProxyEngine on\n    ProxyPass /gateway/ https://fas.example.com:8443/gateway/ upgrade=websocket disablereuse=On\n"
        ),
    ),
    "WSP205": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    SSLProxyEngine on\n    ProxyPass /gateway/ https://10.20.0.11:8443/gateway/ "
            "upgrade=websocket disablereuse=On\n"
        ),
        good=apache_vhost(
            "    Timeout 3600\n    SSLProxyEngine on\n    ProxyPass /gateway/ https://fas1.example.com:8443/gateway/ "
            "upgrade=websocket disablereuse=On\n"
        ),
    ),
    "WSP203": Example(
        bad=apache_vhost(APACHE_WS, tls=False),
        good=APACHE_GOOD,
    ),
    "WSP204": Example(
        bad=_APACHE_HEAD + _APACHE_SSL + apache_vhost(APACHE_WS),
        good=_APACHE_SSL + _APACHE_HEAD + apache_vhost(APACHE_WS),
    ),
    "WSP301": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    DocumentRoot /var/www/html\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n"
        ),
        good=APACHE_GOOD,
    ),
    "WSP302": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n    Redirect /assistserver/ https://assist.example.com/assistserver/\n"
        ),
        good=APACHE_GOOD,
    ),
    "WSP303": Example(
        bad=apache_vhost(
            "    Timeout 3600\n    ProxyPass /gateway ws://fas:8080/ disablereuse=On\n"
            "    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On\n"
        ),
        good=APACHE_GOOD,
    ),
    "WSP304": Example(
        bad=apache_vhost(APACHE_WS + "    <Location /assistserver/>\n        Require ip 10.0.0.0/8\n    </Location>\n"),
        good=apache_vhost(
            APACHE_WS + "    <Location /assistserver/agent/>\n        Require ip 10.0.0.0/8\n    </Location>\n"
        ),
    ),
    "WSP401": Example(
        bad=apache_vhost("    Timeout 30\n    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On\n"),
        good=APACHE_GOOD,
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP105": "httpd's `Header unset Sec-WebSocket-Accept` does not touch the 101 response (observed on 2.4.71)",
}

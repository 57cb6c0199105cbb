"""The rule examples in apache words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not."""

from __future__ import annotations

from linter.core.rules import Example

EXAMPLES: dict[str, Example] = {
    "WSP001": Example(
        bad="""\
<VirtualHost *:80>
    <Location /gateway/>
        ProxyPass ws://fas:8080/gateway/
</VirtualHost>
""",
        good="""\
<VirtualHost *:80>
    <Location /gateway/>
        ProxyPass ws://fas:8080/gateway/
    </Location>
</VirtualHost>
""",
    ),
    "WSP002": Example(
        bad="""\
<VirtualHost *:80>
    Include missing/fas.conf
</VirtualHost>
""",
        good="""\
<VirtualHost *:80>
    IncludeOptional conf.d/*.conf
</VirtualHost>
""",
    ),
    "WSP003": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    <Location /gateway/>
        ProxyPass /gateway/ ws://fas:8080/gateway/
    </Location>
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    <Location /gateway/>
        ProxyPass ws://fas:8080/gateway/
    </Location>
</VirtualHost>
""",
    ),
    "WSP004": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    <IfModule proxy_wstunnel_module>
        ProxyPass /gateway/websocketcall ws://fas:8080/gateway/websocketcall
    </IfModule>
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    ProxyPass /gateway/websocketcall ws://fas:8080/gateway/websocketcall
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP101": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ http://fas:8080/gateway/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On
</VirtualHost>
""",
    ),
    "WSP102": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    RequestHeader unset Upgrade
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP103": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    SetEnv force-proxy-request-1.0 1
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP104": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    RequestHeader unset Sec-WebSocket-Key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP201": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On
</VirtualHost>
""",
    ),
    "WSP202": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ https://fas.example.com:8443/gateway/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    SSLProxyEngine on
    ProxyPass /gateway/ https://fas.example.com:8443/gateway/ upgrade=websocket disablereuse=On
</VirtualHost>
""",
    ),
    "WSP203": Example(
        bad="""\
<VirtualHost *:443>
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP204": Example(
        bad="""\
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so
Listen 80
<IfModule ssl_module>
    Listen 443
</IfModule>
LoadModule ssl_module modules/mod_ssl.so
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
        good="""\
LoadModule ssl_module modules/mod_ssl.so
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so
Listen 80
<IfModule ssl_module>
    Listen 443
</IfModule>
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP301": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    DocumentRoot /var/www/html
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP302": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    Redirect /assistserver/ https://assist.example.com/assistserver/
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
    "WSP401": Example(
        bad="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 30
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
</VirtualHost>
""",
        good="""\
<VirtualHost *:443>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ ws://fas:8080/gateway/ disablereuse=On
    ProxyPass /assistserver/ ws://fas:8080/assistserver/ disablereuse=On
</VirtualHost>
""",
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP105": "httpd's `Header unset Sec-WebSocket-Accept` does not touch the 101 response (observed on 2.4.71)",
}

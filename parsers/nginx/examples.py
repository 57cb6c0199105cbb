"""The rule examples in nginx words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not. The building blocks below hold the correct
recipe once, so that each example shows only what it breaks."""

from __future__ import annotations

from linter.core.rules import Example

NGINX_WS_HEADERS = (
    "    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n"
    '    proxy_set_header Connection "upgrade";\n'
)


def nginx_location(body: str, head: str = "location /gateway/", target: str = "http://fas:8080") -> str:
    """A websocket location: the correct recipe plus ``body`` (or in place of it, see callers)."""
    return f"{head} {{\n    proxy_pass {target};\n{body}}}\n"


NGINX_GOOD = nginx_location(NGINX_WS_HEADERS)


EXAMPLES: dict[str, Example] = {
    "WSP001": Example(bad="server {\n    listen 80\n}\n", good="server {\n    listen 80;\n}\n"),
    "WSP002": Example(bad="http {\n    include missing/fas.conf;\n}\n", good="http {\n    include conf.d/*.conf;\n}\n"),
    "WSP003": Example(
        bad=(
            "http {\n    server {\n        location /gateway/ {\n            proxy_pass http://fas:8080;\n"
            "            proxy_set_header Connection $connection_upgrade;\n        }\n    }\n}\n"
        ),
        good=(
            "http {\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n"
            "        '' close;\n    }\n    server {\n        location /gateway/ {\n"
            "            proxy_pass http://fas:8080;\n"
            "            proxy_set_header Connection $connection_upgrade;\n        }\n    }\n}\n"
        ),
    ),
    "WSP005": Example(
        bad="server {\n    listen 443 ssl;\n    location /app/ {\n        proxy_pass http://app:3000;\n    }\n}\n",
        good="server {\n    listen 443 ssl;\n" + NGINX_GOOD + "}\n",
    ),
    "WSP101": Example(
        bad="location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n}\n",
        good=NGINX_GOOD,
    ),
    "WSP102": Example(
        bad=(
            "location /gateway/ {\n    proxy_pass http://fas:8080;\n    proxy_http_version 1.1;\n"
            '    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection "";\n}\n'
        ),
        good=NGINX_GOOD,
    ),
    "WSP103": Example(
        bad=(
            "location /gateway/ {\n    proxy_pass http://fas:8080;\n"
            '    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection "upgrade";\n}\n'
        ),
        good=NGINX_GOOD,
    ),
    "WSP104": Example(
        bad=nginx_location(NGINX_WS_HEADERS + '    proxy_set_header Sec-WebSocket-Key "";\n'),
        good=NGINX_GOOD,
    ),
    "WSP105": Example(
        bad=nginx_location(NGINX_WS_HEADERS + "    proxy_hide_header Sec-WebSocket-Accept;\n"),
        good=NGINX_GOOD,
    ),
    "WSP201": Example(
        bad=(
            "upstream fas {\n    server 10.0.0.5:8080;\n    keepalive 16;\n}\n"
            "server {\n    listen 80;\n    location /gateway/ {\n        proxy_pass http://fas;\n"
            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
            '        proxy_set_header Connection "upgrade";\n    }\n}\n'
        ),
        good=(
            "server {\n    listen 80;\n    location /gateway/ {\n        proxy_pass http://10.0.0.5:8080;\n"
            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
            '        proxy_set_header Connection "upgrade";\n    }\n}\n'
        ),
    ),
    "WSP202": Example(
        bad="location /gateway/ {\n    proxy_pass http://10.0.0.5:8443;\n}\n",
        good="location /gateway/ {\n    proxy_pass https://10.0.0.5:8443;\n}\n",
    ),
    "WSP205": Example(
        bad=(
            "upstream fas_tls {\n    server fas1.example.com:8443;\n}\n"
            "server {\n    listen 80;\n    location /gateway/ {\n        proxy_pass https://fas_tls;\n"
            "        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/ssl/certs/fas-ca.pem;\n"
            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
            '        proxy_set_header Connection "upgrade";\n    }\n}\n'
        ),
        good=(
            "upstream fas_tls {\n    server fas1.example.com:8443;\n}\n"
            "server {\n    listen 80;\n    location /gateway/ {\n        proxy_pass https://fas_tls;\n"
            "        proxy_ssl_verify on;\n        proxy_ssl_trusted_certificate /etc/ssl/certs/fas-ca.pem;\n"
            "        proxy_ssl_name fas1.example.com;\n        proxy_ssl_server_name on;\n"
            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
            '        proxy_set_header Connection "upgrade";\n    }\n}\n'
        ),
    ),
    "WSP203": Example(
        bad=(
            "server {\n    listen 443;\n    ssl_certificate /etc/ssl/gw.pem;\n"
            "    ssl_certificate_key /etc/ssl/gw.key;\n"
            "    location /gateway/ {\n        proxy_pass http://fas:8080;\n    }\n}\n"
        ),
        good=(
            "server {\n    listen 443 ssl;\n    ssl_certificate /etc/ssl/gw.pem;\n"
            "    ssl_certificate_key /etc/ssl/gw.key;\n"
            "    location /gateway/ {\n        proxy_pass http://fas:8080;\n    }\n}\n"
        ),
    ),
    "WSP301": Example(
        bad=(
            "server {\n    listen 80;\n    root /var/www;\n    location /gateway/ {\n"
            "        proxy_pass http://fas:8080;\n    }\n}\n"
        ),
        good=(
            "server {\n    listen 80;\n    root /var/www;\n    location /gateway/ {\n"
            "        proxy_pass http://fas:8080;\n    }\n    location /assistserver/ {\n"
            "        proxy_pass http://fas:8080;\n    }\n}\n"
        ),
    ),
    "WSP302": Example(
        bad=("location /gateway/websocketcall/ {\n    proxy_pass http://fas:8080;\n}\n"),
        good=("location = /gateway/websocketcall {\n    proxy_pass http://fas:8080;\n}\n"),
    ),
    "WSP303": Example(
        bad=nginx_location(NGINX_WS_HEADERS, target="http://fas:8080/"),
        good=nginx_location(NGINX_WS_HEADERS, target="http://fas:8080/gateway/"),
    ),
    "WSP304": Example(
        bad=nginx_location(NGINX_WS_HEADERS + "    allow 10.0.0.0/8;\n    deny all;\n"),
        good=nginx_location(
            NGINX_WS_HEADERS + "    location /gateway/admin/ {\n        allow 10.0.0.0/8;\n        deny all;\n"
            "        proxy_pass http://fas:8080;\n    }\n"
        ),
    ),
    "WSP401": Example(
        bad=NGINX_GOOD,
        good=nginx_location(NGINX_WS_HEADERS + "    proxy_read_timeout 3600s;\n"),
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP004": "nginx has no section whose effect depends on what the rest of the configuration loads",
    "WSP204": "an nginx `listen` opens its port wherever it is written",
}

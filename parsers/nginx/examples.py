"""The rule examples in nginx words: for each rule, a broken config it flags and the fixed one.

`wsproxylint rules`, docs/rules.md and SARIF show them, and tests/checks prove each: the bad one
is flagged by its rule and the good one is not."""

from __future__ import annotations

from linter.core.rules import Example

EXAMPLES: dict[str, Example] = {
    "WSP001": Example(
        bad="""\
server {
    listen 80
}
""",
        good="""\
server {
    listen 80;
}
""",
    ),
    "WSP002": Example(
        bad="""\
http {
    include missing/fas.conf;
}
""",
        good="""\
http {
    include conf.d/*.conf;
}
""",
    ),
    "WSP003": Example(
        bad="""\
http {
    server {
        location /gateway/ {
            proxy_pass http://fas:8080;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
""",
        good="""\
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
    server {
        location /gateway/ {
            proxy_pass http://fas:8080;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
""",
    ),
    "WSP101": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
    ),
    "WSP102": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "";
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
    ),
    "WSP103": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
    ),
    "WSP104": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Sec-WebSocket-Key "";
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
    ),
    "WSP105": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_hide_header Sec-WebSocket-Accept;
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
    ),
    "WSP201": Example(
        bad="""\
upstream fas {
    server 10.0.0.5:8080;
    keepalive 16;
}
server {
    listen 80;
    location /gateway/ {
        proxy_pass http://fas;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
""",
        good="""\
server {
    listen 80;
    location /gateway/ {
        proxy_pass http://10.0.0.5:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
""",
    ),
    "WSP202": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://10.0.0.5:8443;
}
""",
        good="""\
location /gateway/ {
    proxy_pass https://10.0.0.5:8443;
}
""",
    ),
    "WSP203": Example(
        bad="""\
server {
    listen 443;
    ssl_certificate /etc/ssl/gw.pem;
    ssl_certificate_key /etc/ssl/gw.key;
    location /gateway/ {
        proxy_pass http://fas:8080;
    }
}
""",
        good="""\
server {
    listen 443 ssl;
    ssl_certificate /etc/ssl/gw.pem;
    ssl_certificate_key /etc/ssl/gw.key;
    location /gateway/ {
        proxy_pass http://fas:8080;
    }
}
""",
    ),
    "WSP301": Example(
        bad="""\
server {
    listen 80;
    root /var/www;
    location /gateway/ {
        proxy_pass http://fas:8080;
    }
}
""",
        good="""\
server {
    listen 80;
    root /var/www;
    location /gateway/ {
        proxy_pass http://fas:8080;
    }
    location /assistserver/ {
        proxy_pass http://fas:8080;
    }
}
""",
    ),
    "WSP302": Example(
        bad="""\
location /gateway/websocketcall/ {
    proxy_pass http://fas:8080;
}
""",
        good="""\
location = /gateway/websocketcall {
    proxy_pass http://fas:8080;
}
""",
    ),
    "WSP401": Example(
        bad="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
""",
        good="""\
location /gateway/ {
    proxy_pass http://fas:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_read_timeout 3600s;
}
""",
    ),
}

# rules whose broken setup this proxy cannot express, and why
NOT_EXPRESSIBLE: dict[str, str] = {
    "WSP004": "nginx has no section whose effect depends on what the rest of the configuration loads",
    "WSP204": "an nginx `listen` opens its port wherever it is written",
}

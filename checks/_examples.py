"""Building blocks for the rule docs' examples, so the correct recipe is written once."""

NGINX_WS_HEADERS = (
    "    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n"
    '    proxy_set_header Connection "upgrade";\n'
)


def nginx_location(body: str, head: str = "location /gateway/", target: str = "http://fas:8080") -> str:
    """A websocket location: the correct recipe plus ``body`` (or in place of it, see callers)."""
    return f"{head} {{\n    proxy_pass {target};\n{body}}}\n"


NGINX_GOOD = nginx_location(NGINX_WS_HEADERS)


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

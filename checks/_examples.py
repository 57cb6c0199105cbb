"""Building blocks for the rule docs' examples, so the correct recipe is written once."""

NGINX_WS_HEADERS = ("    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n"
                    "    proxy_set_header Connection \"upgrade\";\n")


def nginx_location(body: str, head: str = "location /gateway/", target: str = "http://fas:8080") -> str:
    """A websocket location: the correct recipe plus ``body`` (or in place of it, see callers)."""
    return f"{head} {{\n    proxy_pass {target};\n{body}}}\n"


NGINX_GOOD = nginx_location(NGINX_WS_HEADERS)

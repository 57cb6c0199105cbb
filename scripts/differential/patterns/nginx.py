"""nginx in front of FAS, in the layouts operators deploy it with: Debian/Ubuntu
(sites-enabled, snippets, conf.d), RHEL (conf.d), one file, SWAG (site-confs + proxy.conf),
nginx-proxy (a generated conf.d/default.conf) and Nginx Proxy Manager (proxy_host/N.conf with
its websocket toggle). The blocks follow the nginx websocket proxying docs, the Mozilla TLS
generator and certbot's redirect server; each choice below is something real configs vary."""

from __future__ import annotations

from ..model import Choices, Files, Pattern, Point, args_line, front_for

POINTS = (
    Point("layout", ("debian", "rhel", "single", "swag", "nginx-proxy", "npm")),
    Point("fas", ("2.6.0", "unknown", "2.5.2")),
    Point("route", ("prefix", "root", "exact", "regex", "caret", "nested", "!exact-trailing-slash")),
    Point("ws_headers_at", ("location", "server", "http", "snippet")),
    Point("extra_header", ("none", "server-xfp", "!location-xfp-with-inherited-upgrade")),
    Point("connection", ("map-close", "map-empty", "literal-upgrade", "http-connection", "!literal-close")),
    Point("http_version", ("with-headers", "server", "http", "!missing")),
    Point("upstream", ("direct", "group", "group-pair", "keepalive-page-split", "name", "!keepalive-shared-empty")),
    Point("rewrite", ("none", "same-uri", "alias-rewrite", "!strip-prefix")),
    Point("front_tls", ("mozilla", "certbot", "http2", "!listen-443-no-ssl")),
    Point("plain", ("redirect", "none", "certbot-if", "proxy", "combined")),
    Point(
        "backend_tls",
        ("plain", "tls-noverify", "tls-verify-name", "tls-verify-group-name", "!plain-to-8443", "!tls-to-8080"),
    ),
    Point("timeout", ("location-1h", "default", "server-1h", "http-1d", "!short-8s")),
    Point("access", ("none", "allow-list", "!deny-assist", "!basic-auth-gateway")),
)

MOZILLA = """\
ssl_session_timeout 1d;
ssl_session_cache shared:MozSSL:10m;
ssl_session_tickets off;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384;
ssl_prefer_server_ciphers off;
"""
CERTBOT_OPTIONS = """\
# This file contains important security parameters (as certbot's options-ssl-nginx.conf).
ssl_session_cache shared:le_nginx_SSL:10m;
ssl_session_timeout 1440m;
ssl_session_tickets off;
ssl_protocols TLSv1.2 TLSv1.3;
ssl_prefer_server_ciphers off;
ssl_ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
"""
HTPASSWD = "operator:$apr1$Jp1dPz8S$2bNFEm1HxBlL7Z7qrzS4j/\n"
WS_URLS = ("/gateway/websocketcall", "/assistserver/topic")
PREFIXES = ("/gateway/", "/assistserver/")


def _indent(text: str, n: int) -> str:
    pad = " " * n
    return "".join(pad + line + "\n" if line.strip() else "\n" for line in text.strip("\n").split("\n"))


def build(c: Choices) -> Files:
    layout = c["layout"]
    files: Files = {}
    snippet_dir = {
        "debian": "snippets",
        "rhel": "default.d",
        "single": "snippets",
        "swag": "",
        "nginx-proxy": "",
        "npm": "conf.d/include",
    }[layout]

    def path(name: str) -> str:
        return f"{snippet_dir}/{name}" if snippet_dir else name

    # -- where FAS is ----------------------------------------------------------------------
    bt = c["backend_tls"]
    tls = bt in ("tls-noverify", "tls-verify-name", "tls-verify-group-name", "!tls-to-8080")
    port = 8080 if bt in ("plain", "!tls-to-8080") else 8443
    scheme = "https" if tls else "http"
    up = c["upstream"]
    http_top: list[str] = []
    group = {
        "group": "fas_gateway",
        "group-pair": "fas_cluster",
        "keepalive-page-split": "fas_pages",
        "!keepalive-shared-empty": "fas_pool",
    }.get(up)
    host = "fas.example.com" if up == "name" else "10.20.0.11"
    if group:
        servers = [f"server 10.20.0.11:{port} max_fails=3 fail_timeout=30s;"]
        if up == "group-pair":
            servers = ["ip_hash;", f"server 10.20.0.11:{port};", f"server 10.20.0.12:{port};"]
        if up in ("keepalive-page-split", "!keepalive-shared-empty"):
            servers.append("keepalive 16;")
        http_top.append(f"upstream {group} {{\n" + _indent("\n".join(servers), 4) + "}\n")
        if up == "keepalive-page-split":
            http_top.append(f"upstream fas_ws {{\n    server 10.20.0.11:{port};\n}}\n")
    page_target = f"{scheme}://{group}" if group else f"{scheme}://{host}:{port}"
    ws_target = f"{scheme}://fas_ws" if up == "keepalive-page-split" else page_target
    tls_lines: list[str] = []
    if tls:
        tls_lines.append("proxy_ssl_server_name on;")
        if bt == "tls-verify-name":
            tls_lines += [
                "proxy_ssl_verify on;",
                "proxy_ssl_trusted_certificate /etc/ssl/certs/fas-ca.pem;",
                "proxy_ssl_name fas.example.com;",
            ]
        elif bt == "tls-verify-group-name":
            tls_lines += ["proxy_ssl_verify on;", "proxy_ssl_trusted_certificate /etc/ssl/certs/fas-ca.pem;"]
        else:
            tls_lines.append("proxy_ssl_verify off;")

    # -- the websocket headers and where they sit ------------------------------------------
    conn = c["connection"]
    if conn in ("map-close", "map-empty"):
        empty = "close" if conn == "map-close" else "''"
        var = "$proxy_connection" if layout == "nginx-proxy" else "$connection_upgrade"
        http_top.insert(0, f"map $http_upgrade {var} {{\n    default upgrade;\n    ''      {empty};\n}}\n")
        conn_value = var
    else:
        conn_value = {
            "literal-upgrade": '"upgrade"',
            "http-connection": "$http_connection",
            "!literal-close": '"close"',
        }[conn]
    ws_lines = ["proxy_set_header Upgrade $http_upgrade;", f"proxy_set_header Connection {conn_value};"]
    hv = c["http_version"]
    version_line = "proxy_http_version 1.1;"
    at = c["ws_headers_at"]
    if layout in ("swag", "npm") and at == "location":
        at = "snippet"  # these layouts carry the proxy headers in an included file
    ws_block = ([version_line] if hv == "with-headers" else []) + ws_lines
    server_extra: list[str] = []
    http_extra: list[str] = []
    location_ws: list[str] = []
    if at == "location":
        location_ws = ws_block
    elif at == "server":
        server_extra += ws_block
    elif at == "http":
        http_extra += ws_block
    else:
        name = {"swag": "proxy.conf", "npm": "proxy.conf"}.get(layout, "fas-websocket.conf")
        files[path(name)] = (
            "\n".join(
                [
                    "# websocket proxying, included where FAS is proxied",
                    *ws_block,
                    "proxy_set_header Host $host;",
                    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                ]
            )
            + "\n"
        )
        location_ws = [f"include {path(name)};"]
    if hv == "server":
        server_extra.append(version_line)
    elif hv == "http":
        http_extra.append(version_line)

    xfp = "proxy_set_header X-Forwarded-Proto $scheme;"
    location_extra: list[str] = []
    if c["extra_header"] == "server-xfp":
        server_extra.append(xfp)
    elif c["extra_header"] == "!location-xfp-with-inherited-upgrade":
        location_extra.append(xfp)
        if at in ("location", "snippet"):
            # the trap needs headers inherited from above: move them up a level
            server_extra += [x for x in ws_block if x.startswith("proxy_set_header")]
            location_ws = [
                x for x in location_ws if not x.startswith("proxy_set_header") and not x.startswith("include")
            ]
            if hv == "with-headers":
                location_ws.append(version_line)

    tm = c["timeout"]
    loc_timeout: list[str] = []
    if tm == "location-1h":
        loc_timeout = ["proxy_read_timeout 3600s;", "proxy_send_timeout 3600s;"]
    elif tm == "server-1h":
        server_extra.append("proxy_read_timeout 1h;")
    elif tm == "http-1d":
        http_extra.append("proxy_read_timeout 1d;")
    elif tm == "!short-8s":
        loc_timeout = ["proxy_read_timeout 8s;"]

    rw = c["rewrite"]

    def target(prefix: str | None, base: str) -> str:
        if rw == "same-uri" and prefix:
            return f"{base}{prefix}"
        if rw == "same-uri":
            return f"{base}/"
        if rw == "!strip-prefix":
            return f"{base}/"
        return base

    acc = c["access"]

    def location(match: str, prefix: str | None, body_ws: bool, base: str, extra: list[str] = ()) -> str:
        lines = [*(location_ws if body_ws else []), *location_extra, *tls_lines, *loc_timeout, *extra]
        if up == "!keepalive-shared-empty" and not body_ws:
            lines = ["proxy_http_version 1.1;", 'proxy_set_header Connection "";', *lines]
        if acc == "!deny-assist" and (prefix or "").startswith("/assistserver"):
            lines.append("deny all;")
        if acc == "!basic-auth-gateway" and (prefix or "").startswith("/gateway"):
            lines += ['auth_basic "FAS gateway";', f"auth_basic_user_file {path('htpasswd')};"]
            files[path("htpasswd")] = HTPASSWD
        lines.append(f"proxy_pass {target(prefix, base)};")
        return f"location {match} {{\n" + _indent("\n".join(lines), 4) + "}\n"

    route = c["route"]
    locs: list[str] = []
    if rw == "alias-rewrite":
        locs.append("# old links to /fasgw/ keep working\nrewrite ^/fasgw/(.*)$ /$1 last;\n")
    if route == "root":
        locs.append(location("/", "/" if rw != "!strip-prefix" else None, True, ws_target))
        if rw == "!strip-prefix":
            locs[-1] = location("/gateway/", "/gateway/", True, ws_target)
            locs.append(location("/assistserver/", "/assistserver/", True, ws_target))
    elif route in ("prefix", "caret"):
        mod = "^~ " if route == "caret" else ""
        for p in PREFIXES:
            locs.append(location(f"{mod}{p}", p, True, ws_target))
        if route == "caret":
            locs.append(f"location ~* \\.(?:js|css|png|svg)$ {{\n    expires 1h;\n    proxy_pass {page_target};\n}}\n")
    elif route in ("exact", "!exact-trailing-slash", "regex"):
        if route == "regex":
            locs.append(location("~ ^/(gateway/websocketcall|assistserver/topic)$", None, True, ws_target))
        else:
            slash = "/" if route == "!exact-trailing-slash" else ""
            mod = "" if slash else "= "
            for u in WS_URLS:
                locs.append(location(f"{mod}{u}{slash}", u, True, ws_target))
        for p in PREFIXES:
            locs.append(location(p, p, False, page_target))
    elif route == "nested":
        for p, u in zip(PREFIXES, WS_URLS, strict=True):
            inner = location(u, u, True, ws_target)
            outer = [*location_extra, *tls_lines, f"proxy_pass {target(p, page_target)};"]
            if acc == "!deny-assist" and p.startswith("/assistserver"):
                outer.append("deny all;")
            if acc == "!basic-auth-gateway" and p.startswith("/gateway"):
                outer += ['auth_basic "FAS gateway";', f"auth_basic_user_file {path('htpasswd')};"]
                files[path("htpasswd")] = HTPASSWD
            locs.append(f"location {p} {{\n" + _indent("\n".join(outer) + "\n" + inner, 4) + "}\n")

    # -- servers ---------------------------------------------------------------------------
    ft = c["front_tls"]
    listen = {
        "mozilla": "listen 443 ssl;",
        "certbot": "listen 443 ssl; # managed by Certbot",
        "http2": "listen 443 ssl http2;",
        "!listen-443-no-ssl": "listen 443;",
    }[ft]
    if layout == "nginx-proxy" and ft == "mozilla":
        listen = "listen 443 ssl http2;"
    cert = [
        "ssl_certificate /etc/letsencrypt/live/gw.example.com/fullchain.pem; # managed by Certbot",
        "ssl_certificate_key /etc/letsencrypt/live/gw.example.com/privkey.pem; # managed by Certbot",
    ]
    if ft == "certbot":
        files[path("options-ssl-nginx.conf")] = CERTBOT_OPTIONS
        cert.append(f"include {path('options-ssl-nginx.conf')}; # managed by Certbot")
    else:
        files[path("ssl-params.conf")] = MOZILLA
        cert.append(f"include {path('ssl-params.conf')};")
    if acc == "allow-list":
        server_extra += ["allow 127.0.0.0/8;", "allow 10.0.0.0/8;", "allow 192.168.0.0/16;", "deny all;"]
    body = "\n".join(["server_name gw.example.com;", *cert, "", *server_extra, "", *locs])
    pl = c["plain"]
    servers: list[str] = []
    if pl == "combined":
        servers.append(
            "server {\n"
            + _indent(
                "listen 80;\n"
                + listen
                + "\n"
                + "if ($scheme = http) {\n    return 301 https://$host$request_uri;\n}\n"
                + body,
                4,
            )
            + "}\n"
        )
    else:
        servers.append("server {\n" + _indent(listen + "\n" + body, 4) + "}\n")
        if pl == "redirect":
            servers.append(
                "server {\n    listen 80;\n    server_name gw.example.com;\n"
                "    return 301 https://$host$request_uri;\n}\n"
            )
        elif pl == "certbot-if":
            servers.append(
                "server {\n    if ($host = gw.example.com) {\n        return 301 https://$host$request_uri;\n"
                "    } # managed by Certbot\n\n    listen 80;\n    server_name gw.example.com;\n"
                "    return 404; # managed by Certbot\n}\n"
            )
        elif pl == "proxy":
            plain_body = "\n".join(["server_name gw.example.com;", *server_extra, "", *locs])
            servers.append("server {\n" + _indent("listen 80;\n" + plain_body, 4) + "}\n")

    # -- files per layout ------------------------------------------------------------------
    http_common = [
        "sendfile on;",
        "tcp_nopush on;",
        "types_hash_max_size 2048;",
        "default_type application/octet-stream;",
        "access_log /var/log/nginx/access.log;",
        "error_log /var/log/nginx/error.log;",
        "gzip on;",
        *http_extra,
    ]
    head = args_line(c["fas"], front_for(c["plain"]))
    top = "".join(http_top)
    site = "".join(servers)
    if layout == "single":
        files["nginx.conf"] = (
            head + "# gateway proxy, all in one file\nevents {\n    worker_connections 1024;\n}\n\n"
            "http {\n" + _indent("\n".join(http_common) + "\n\n" + top + "\n" + site, 4) + "}\n"
        )
        return files
    includes = {
        # relative: resolved against the main config's directory, wherever the tree is linted
        "debian": ["include conf.d/*.conf;", "include sites-enabled/*;"],
        "rhel": ["include conf.d/*.conf;"],
        "swag": ["include http.d/*.conf;", "include site-confs/*.conf;"],
        "nginx-proxy": ["include conf.d/*.conf;"],
        "npm": ["include conf.d/*.conf;", "include proxy_host/*.conf;"],
    }[layout]
    files["nginx.conf"] = (
        head + "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\n\n"
        "events {\n    worker_connections 768;\n}\n\n"
        "http {\n" + _indent("\n".join(http_common + [""] + includes), 4) + "}\n"
    )
    if layout == "debian":
        files["conf.d/fas-upstream.conf"] = top or "# no upstream group: proxy_pass names FAS directly\n"
        files["sites-enabled/gateway"] = site
    elif layout == "rhel":
        files["conf.d/gateway.conf"] = top + "\n" + site
    elif layout == "swag":
        files["http.d/maps.conf"] = top or "# nothing at http level\n"
        files["site-confs/default.conf"] = "## Version 2024/07/16 - gateway\n" + site
    elif layout == "nginx-proxy":
        files["conf.d/default.conf"] = (
            "# nginx-proxy: generated from the running containers\n" + top + "\n# gw.example.com/\n" + site
        )
    elif layout == "npm":
        files["conf.d/default.conf"] = top or "# nothing at http level\n"
        rule = "# " + "-" * 60 + "\n"
        files["proxy_host/1.conf"] = rule + "# gw.example.com\n" + rule + "\n" + site
    return files


PATTERNS = (
    Pattern(
        "nginx-deployments",
        "nginx",
        POINTS,
        build,
        "Debian/RHEL/one-file/SWAG/nginx-proxy/NPM layouts of a FAS gateway",
    ),
)

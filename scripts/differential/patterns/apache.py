"""Apache httpd in front of FAS, in the layouts operators deploy it with: a Debian
``sites-enabled/`` vhost (run inside Debian's own main config), a RHEL ``httpd.conf`` with
``conf.d/``, and a control panel's generated vhost that includes per-domain files
(``userdata/...``, as cPanel/Plesk do). The websocket forms follow the mod_proxy
documentation (``upgrade=websocket``), the older mod_proxy_wstunnel ``ws://`` lines and the
mod_rewrite recipe many app docs still give; TLS blocks follow certbot and Mozilla."""

from __future__ import annotations

from ..model import Choices, Files, Pattern, Point, args_line, front_for

POINTS = (
    Point("layout", ("debian-site", "rhel", "control-panel")),
    Point("fas", ("2.6.0", "unknown", "2.5.2")),
    Point("ws_form", ("upgrade-param", "ws-scheme", "rewrite", "!none")),
    Point("route", ("proxypass", "location", "root", "proxypassmatch", "locationmatch", "!catch-all-first")),
    Point("pool", ("direct", "balancer", "disablereuse", "name")),
    Point("rewrite", ("none", "!strip-prefix")),
    Point(
        "backend_tls", ("plain", "tls-noverify", "tls-verify-name", "tls-verify-ip", "!tls-no-engine", "!plain-to-8443")
    ),
    Point("timeout", ("proxytimeout-1h", "default", "worker-timeout", "!short-8s")),
    Point("access", ("none", "require-granted", "require-ip", "!basic-auth-gateway", "!deny-assist")),
    Point("plain", ("redirect", "none", "certbot-rewrite", "proxy")),
    Point("preserve_host", ("on", "off")),
    Point("front_tls", ("mozilla", "certbot")),
    Point("hardening", ("none", "security-headers", "!unset-upgrade")),
)

MODULES = (
    "mpm_event",
    "authz_core",
    "authz_host",
    "authn_core",
    "authn_file",
    "authz_user",
    "auth_basic",
    "headers",
    "rewrite",
    "alias",
    "proxy",
    "proxy_http",
    "proxy_wstunnel",
    "proxy_balancer",
    "slotmem_shm",
    "lbmethod_byrequests",
    "socache_shmcb",
    "ssl",
)
SO = {"mpm_event": "mpm_event"}
HTPASSWD = "operator:$apr1$Jp1dPz8S$2bNFEm1HxBlL7Z7qrzS4j/\n"
WS_URLS = ("/gateway/websocketcall", "/assistserver/topic")
PREFIXES = ("/gateway/", "/assistserver/")


def _indent(text: str, n: int) -> str:
    pad = " " * n
    return "".join(pad + line + "\n" if line.strip() else "\n" for line in text.strip("\n").split("\n"))


def build(c: Choices) -> Files:
    layout = c["layout"]
    files: Files = {}
    bt = c["backend_tls"]
    tls = bt in ("tls-noverify", "tls-verify-name", "tls-verify-ip", "!tls-no-engine")
    port = 8443 if bt != "plain" else 8080
    host = "fas.example.com" if bt == "tls-verify-name" or c["pool"] == "name" else "10.20.0.11"
    http = "https" if tls else "http"
    ws = "wss" if tls else "ws"
    form = c["ws_form"]
    pool = c["pool"]
    strip = c["rewrite"] == "!strip-prefix"

    proxy_conf: list[str] = []  # the vhost's proxy settings, before the routes
    if tls:
        if bt != "!tls-no-engine":
            proxy_conf.append("SSLProxyEngine on")
        if bt in ("tls-verify-name", "tls-verify-ip"):
            proxy_conf += [
                "SSLProxyVerify require",
                "SSLProxyCACertificateFile /etc/pki/tls/certs/fas-ca.pem",
                "SSLProxyCheckPeerName on",
            ]
        else:
            proxy_conf += ["SSLProxyVerify none", "SSLProxyCheckPeerName off", "SSLProxyCheckPeerExpire off"]
    proxy_conf.append(f"ProxyPreserveHost {'On' if c['preserve_host'] == 'on' else 'Off'}")
    tm = c["timeout"]
    if tm == "proxytimeout-1h":
        proxy_conf.append("ProxyTimeout 3600")
    elif tm == "!short-8s":
        proxy_conf += ["Timeout 8", "ProxyTimeout 8"]
    params: list[str] = []
    if tm == "worker-timeout":
        params.append("timeout=3600")
    if pool == "disablereuse":
        params.append("disablereuse=On")

    def base(scheme: str) -> str:
        if pool == "balancer":
            return "balancer://fas" if scheme in ("http", "https") else "balancer://fasws"
        return f"{scheme}://{host}:{port}"

    if pool == "balancer":
        members = "\n".join(f"    BalancerMember {http}://10.20.0.1{i}:{port} route=fas{i}" for i in (1, 2))
        proxy_conf.insert(0, f'<Proxy "balancer://fas">\n{members}\n    ProxySet lbmethod=byrequests\n</Proxy>')
        if form == "ws-scheme":
            wsm = "\n".join(f"    BalancerMember {ws}://10.20.0.1{i}:{port} route=fas{i}" for i in (1, 2))
            proxy_conf.insert(1, f'<Proxy "balancer://fasws">\n{wsm}\n</Proxy>')

    up = " upgrade=websocket" if form == "upgrade-param" else ""
    p_params = (" " + " ".join(params)) if params and pool != "balancer" else ""

    def dest(prefix: str, scheme: str) -> str:
        return base(scheme) + ("/" if strip else prefix)

    routes: list[str] = []
    route = c["route"]
    ws_lines: list[str] = []
    if form == "ws-scheme":
        ws_lines = [f"ProxyPass {u} {base(ws)}{'/' + u.split('/')[-1] if strip else u}{p_params}" for u in WS_URLS]
    elif form == "rewrite":
        target = base(ws) if pool != "balancer" else "balancer://fasws"
        if pool == "balancer":
            wsm = "\n".join(f"    BalancerMember {ws}://10.20.0.1{i}:{port}" for i in (1, 2))
            proxy_conf.insert(1, f'<Proxy "balancer://fasws">\n{wsm}\n</Proxy>')
        ws_lines = [
            "RewriteEngine On",
            "RewriteCond %{HTTP:Upgrade} =websocket [NC]",
            "RewriteCond %{HTTP:Connection} upgrade [NC]",
            f'RewriteRule ^/?(gateway|assistserver)/(.*) "{target}/{"$2" if strip else "$1/$2"}" [P,L]',
        ]
    if route == "proxypass":
        routes += ws_lines + [
            f"ProxyPass {p} {dest(p, http)}{up}{p_params}\nProxyPassReverse {p} {dest(p, http)}" for p in PREFIXES
        ]
    elif route == "!catch-all-first":
        routes += (
            [f"ProxyPass / {base(http)}/{p_params}"]
            + ws_lines
            + [f"ProxyPass {p} {dest(p, http)}{up}{p_params}" for p in PREFIXES]
        )
    elif route == "root":
        if strip:  # a root route strips nothing: the mistake is the prefix routes' own
            routes += ws_lines + [f"ProxyPass {p} {dest(p, http)}{up}{p_params}" for p in PREFIXES]
        else:
            routes += ws_lines + [f"ProxyPass / {base(http)}/{up}{p_params}", f"ProxyPassReverse / {base(http)}/"]
    elif route == "location":
        routes += ws_lines
        for p in PREFIXES:
            routes.append(
                f"<Location {p}>\n    ProxyPass {dest(p, http)}{up}{p_params}\n"
                f"    ProxyPassReverse {dest(p, http)}\n</Location>"
            )
    elif route in ("proxypassmatch", "locationmatch"):
        routes += [x for x in ws_lines if not x.startswith("ProxyPass ")]
        ws_target = base(ws if form == "ws-scheme" else http)
        m_up = up if form != "ws-scheme" else ""
        if strip:  # the prefix dropped on the way: FAS gets /websocketcall, /topic
            regex, tail = "^/(gateway|assistserver)/(websocketcall|topic)$", "/$2"
        else:  # no back-reference: httpd appends the request's own path
            regex, tail = "^/(gateway/websocketcall|assistserver/topic)$", ""
        if route == "proxypassmatch":
            routes.append(f'ProxyPassMatch "{regex}" "{ws_target}{tail}"{m_up}{p_params}')
        else:
            routes.append(
                f'<LocationMatch "{regex}">\n    ProxyPass "{ws_target}{tail}"{m_up}{p_params}\n</LocationMatch>'
            )
        routes += [f"ProxyPass {p} {dest(p, http)}{p_params}" for p in PREFIXES]
    if pool == "balancer" and params:
        proxy_conf.append("ProxySet balancer://fas " + " ".join(params))

    acc = c["access"]
    access: list[str] = []
    if acc == "require-granted":
        access.append("<Location />\n    Require all granted\n</Location>")
    elif acc == "require-ip":
        access.append("<Location />\n    Require ip 127.0.0.0/8 10.0.0.0/8 192.168.0.0/16\n</Location>")
    elif acc == "!basic-auth-gateway":
        files["htpasswd" if layout != "debian-site" else ""] = HTPASSWD
        access.append(
            '<Location /gateway/>\n    AuthType Basic\n    AuthName "FAS gateway"\n'
            "    AuthUserFile /etc/httpd/conf/htpasswd\n    Require valid-user\n</Location>"
        )
    elif acc == "!deny-assist":
        access.append("<Location /assistserver/>\n    Require all denied\n</Location>")
    hard = c["hardening"]
    if hard == "security-headers":
        access.append(
            'Header always set Strict-Transport-Security "max-age=63072000"\n'
            "Header always set X-Content-Type-Options nosniff"
        )
    elif hard == "!unset-upgrade":
        access.append("# h2c smuggling hardening\nRequestHeader unset Upgrade")

    if c["front_tls"] == "certbot":
        tls_front = [
            "SSLCertificateFile /etc/letsencrypt/live/gw.example.com/fullchain.pem",
            "SSLCertificateKeyFile /etc/letsencrypt/live/gw.example.com/privkey.pem",
            "# options-ssl-apache.conf",
            "SSLProtocol all -SSLv2 -SSLv3 -TLSv1 -TLSv1.1",
            "SSLHonorCipherOrder off",
            "SSLSessionTickets off",
        ]
    else:
        tls_front = [
            "SSLCertificateFile /etc/ssl/certs/gw.example.com.crt",
            "SSLCertificateKeyFile /etc/ssl/private/gw.example.com.key",
            "SSLProtocol -all +TLSv1.2 +TLSv1.3",
            "SSLHonorCipherOrder off",
        ]
    body = "\n".join(proxy_conf + access + routes)
    ssl_vhost = (
        "<VirtualHost *:443>\n    ServerName gw.example.com\n    SSLEngine on\n"
        + _indent("\n".join(tls_front), 4)
        + "\n"
        + _indent(body, 4)
        + "</VirtualHost>\n"
    )
    plain = c["plain"]
    plain_vhost = ""
    if plain == "redirect":
        plain_vhost = (
            "<VirtualHost *:80>\n    ServerName gw.example.com\n"
            "    Redirect permanent / https://gw.example.com/\n</VirtualHost>\n"
        )
    elif plain == "certbot-rewrite":
        plain_vhost = (
            "<VirtualHost *:80>\n    ServerName gw.example.com\n    RewriteEngine on\n"
            "    RewriteCond %{SERVER_NAME} =gw.example.com\n"
            "    RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]\n</VirtualHost>\n"
        )
    elif plain == "proxy":
        plain_body = "\n".join([x for x in proxy_conf if not x.startswith("<Proxy")] + access + routes)
        plain_vhost = (
            "<VirtualHost *:80>\n    ServerName gw.example.com\n" + _indent(plain_body, 4) + "</VirtualHost>\n"
        )
    head = args_line(c["fas"], front_for(c["plain"]))
    if layout == "debian-site":
        files.pop("", None)
        if acc == "!basic-auth-gateway":
            ssl_vhost = ssl_vhost.replace("/etc/httpd/conf/htpasswd", "/etc/apache2/.htpasswd-unused")
        files["gateway.conf"] = (
            head + "# /etc/apache2/sites-available/gateway.conf (a2ensite gateway)\n" + plain_vhost + "\n" + ssl_vhost
        )
        return files
    mods = "".join(f"LoadModule {m}_module modules/mod_{m}.so\n" for m in MODULES)
    if layout == "rhel":
        files["httpd.conf"] = (
            head
            + 'ServerRoot "/etc/httpd"\nServerName gw.example.com\n'
            + "Listen 80\nListen 443 https\n"
            + mods
            + "User apache\nGroup apache\nErrorLog logs/error_log\n"
            "IncludeOptional conf.d/*.conf\n"
        )
        files["conf.d/gateway.conf"] = plain_vhost + "\n" + ssl_vhost
    else:  # control panel: the vhost is generated, the proxy rules live in an included file
        files["httpd.conf"] = (
            head
            + 'ServerRoot "/usr/local/apache"\nServerName gw.example.com\n'
            + "Listen 80\nListen 443\n"
            + mods
            + "ErrorLog logs/error_log\nInclude conf/vhosts/*.conf\n"
        )
        inc = "IncludeOptional conf/userdata/ssl/gw.example.com/*.conf"
        generated = (
            "<VirtualHost *:443>\n    ServerName gw.example.com\n    SSLEngine on\n"
            + _indent("\n".join(tls_front), 4)
            + f"    {inc}\n</VirtualHost>\n"
        )
        files["conf/vhosts/gw.example.com.conf"] = (
            "# generated by the panel: do not edit\n" + plain_vhost + "\n" + generated
        )
        files["conf/userdata/ssl/gw.example.com/fas-proxy.conf"] = "# custom include for gw.example.com\n" + body + "\n"
    if acc == "!basic-auth-gateway":
        files.pop("", None)
        where = "conf/htpasswd"
        files[where] = files.pop("htpasswd")
        for k in files:
            files[k] = files[k].replace("/etc/httpd/conf/htpasswd", where)
    return files


PATTERNS = (
    Pattern(
        "apache-deployments",
        "apache",
        POINTS,
        build,
        "Debian site / RHEL conf.d / control-panel include layouts of a FAS gateway",
    ),
)

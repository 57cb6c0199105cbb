"""HAProxy in front of FAS, in the layouts operators deploy it with: Debian/RHEL's single
``haproxy.cfg``, the ``-f haproxy.cfg -f conf.d/`` split, pfSense/OPNsense's generated
config (merged https frontend, ``backend NAME_ipvANY``, ACLs named by the GUI) and map-file
routing (``use_backend %[path,map_beg(...)]``, as generators and Kubernetes ingress
controllers write). TLS fronts follow the Mozilla generator; the TCP forms are the TLS
passthrough and TCP termination recipes."""

from __future__ import annotations

from ..model import Choices, Files, Pattern, Point, args_line, front_for

POINTS = (
    Point("layout", ("single", "conf.d", "pfsense")),
    Point("fas", ("2.6.0", "unknown", "2.5.2")),
    Point(
        "routing",
        ("default-backend", "acl-path", "acl-host", "acl-upgrade", "map-path", "map-host", "!acl-gateway-only"),
    ),
    Point("front", ("offload-h1", "offload-h2", "tcp-terminate", "tcp-passthrough", "!bind-443-no-ssl")),
    Point("backend_tls", ("plain", "tls-verify-none", "tls-ca-sni", "tls-ca-ip", "!plain-to-8443", "!ssl-to-8080")),
    Point("servers", ("one", "pair", "pair-cookie")),
    Point("timeout", ("defaults-tunnel", "backend-tunnel", "long-client-server", "!short-no-tunnel")),
    Point("headers", ("none", "forwarded", "cond-del-ext-topic", "!del-connection", "!cond-del-upgrade-topic")),
    Point("reuse", ("default", "safe", "never", "always", "aggressive")),
    Point("close_mode", ("default", "http-server-close", "!httpclose")),
    Point("plain", ("redirect", "none", "serve")),
    Point("access", ("none", "src-allow", "!deny-topic", "!auth-gateway")),
)

MOZILLA_GLOBAL = """\
    # generated 2024, Mozilla Guideline v5.7, HAProxy 2.6, intermediate configuration
    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384
    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
    ssl-default-bind-options prefer-client-ciphers no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets
"""


def build(c: Choices) -> Files:
    layout = c["layout"]
    files: Files = {}
    pf = layout == "pfsense"
    fe = "gw_https_merged" if pf else "fe_https"
    be = "fas_gateway_ipvANY" if pf else "be_fas"
    be_web = "web_default_ipvANY" if pf else "be_web"
    front = c["front"]
    tcp = front in ("tcp-terminate", "tcp-passthrough")
    bt = c["backend_tls"]
    if front == "tcp-passthrough":
        bt = "plain-to-8443-passthrough"  # the browser's TLS goes through to FAS's own port
    port = 8080 if bt in ("plain", "!ssl-to-8080") else 8443
    ssl = {
        "tls-verify-none": " ssl verify none",
        "tls-ca-sni": " ssl verify required ca-file /etc/haproxy/fas-ca.pem"
        " sni str(fas.example.com) verifyhost fas.example.com",
        "tls-ca-ip": " ssl verify required ca-file /etc/haproxy/fas-ca.pem",
        "!ssl-to-8080": " ssl verify none",
    }.get(bt, "")
    hosts = ["10.20.0.11"] if c["servers"] == "one" else ["10.20.0.11", "10.20.0.12"]
    server_lines = []
    for i, h in enumerate(hosts, 1):
        ck = f" cookie fas{i}" if c["servers"] == "pair-cookie" else ""
        server_lines.append(f"server fas{i} {h}:{port}{ssl} check inter 5s{ck}")

    # -- defaults and timeouts -------------------------------------------------------------
    tm = c["timeout"]
    client_server = {"long-client-server": "1h", "!short-no-tunnel": "8s"}.get(tm, "30s")
    defaults = [
        f"mode {'tcp' if tcp else 'http'}",
        "log global",
        "option dontlognull",
        "timeout connect 5s",
        f"timeout client {client_server}",
        f"timeout server {client_server}",
    ]
    if not tcp:
        defaults.insert(2, "option httplog")
    if tm == "defaults-tunnel":
        defaults.append("timeout tunnel 1h")
    if c["close_mode"] == "http-server-close" and not tcp:
        defaults.append("option http-server-close")

    # -- the backend -----------------------------------------------------------------------
    be_lines = ["balance roundrobin" if c["servers"] != "one" else "balance source"]
    if not tcp:
        be_lines.insert(0, "mode http")
        if c["servers"] == "pair-cookie":
            be_lines.append("cookie SERVERID insert indirect nocache")
        if c["reuse"] != "default":
            be_lines.append(f"http-reuse {c['reuse']}")
        if c["close_mode"] == "!httpclose":
            be_lines.append("option httpclose")
        hd = c["headers"]
        if hd == "forwarded":
            be_lines += ["option forwardfor", "http-request set-header X-Forwarded-Proto https"]
        elif hd == "!del-connection":
            be_lines.append("http-request del-header Connection")
        elif hd == "!cond-del-upgrade-topic":
            be_lines.append("http-request del-header Upgrade if { path_beg /assistserver/ }")
        elif hd == "cond-del-ext-topic":
            be_lines.append("http-request del-header Sec-WebSocket-Extensions if { path_beg /assistserver/ }")
    else:
        be_lines.insert(0, "mode tcp")
    if tm == "backend-tunnel":
        be_lines.append("timeout tunnel 1h")
    be_lines += server_lines
    backends = [f"backend {be}\n" + "".join(f"    {x}\n" for x in be_lines)]

    # -- routing ---------------------------------------------------------------------------
    rt = c["routing"] if not tcp else "default-backend"
    fe_lines: list[str] = []
    if not tcp:
        fe_lines.append("http-request set-header X-Forwarded-Proto https")
    acc = c["access"]
    userlist = ""
    if not tcp:
        if acc == "src-allow":
            fe_lines.append("http-request deny deny_status 403 if !{ src 127.0.0.0/8 10.0.0.0/8 192.168.0.0/16 }")
        elif acc == "!deny-topic":
            fe_lines.append("http-request deny if { path_beg /assistserver/topic }")
        elif acc == "!auth-gateway":
            userlist = "userlist gateway_users\n    user operator insecure-password changeme\n\n"
            fe_lines += [
                "acl auth_ok http_auth(gateway_users)",
                "http-request auth realm gateway if { path_beg /gateway/ } !auth_ok",
            ]
    web = False
    if rt == "default-backend":
        fe_lines.append(f"default_backend {be}")
    elif rt == "acl-path":
        fe_lines += [
            "acl is_fas path_beg /gateway/ /assistserver/",
            f"use_backend {be} if is_fas",
            f"default_backend {be_web}",
        ]
        web = True
    elif rt == "acl-host":
        name = "ACL1" if pf else "host_gw"
        fe_lines += [
            f"acl {name} hdr(host) -i gw.example.com",
            f"acl {name} hdr(host) -i gw.example.com:443",
            f"use_backend {be} if {name}",
            f"default_backend {be_web}",
        ]
        web = True
    elif rt == "acl-upgrade":
        fe_lines += [
            "acl is_websocket hdr(Upgrade) -i WebSocket",
            "acl is_fas path_beg /gateway/ /assistserver/",
            f"use_backend {be} if is_websocket",
            f"use_backend {be} if is_fas",
            f"default_backend {be_web}",
        ]
        web = True
    elif rt == "map-path":
        files["maps/paths.map"] = f"# path prefix -> backend\n/gateway/ {be}\n/assistserver/ {be}\n"
        fe_lines += [f"use_backend %[path,map_beg(/etc/haproxy/maps/paths.map,{be_web})]"]
        web = True
    elif rt == "map-host":
        files["maps/hosts.map"] = f"# host -> backend\ngw.example.com {be}\nwww.example.com {be_web}\n"
        fe_lines += [f"use_backend %[req.hdr(host),lower,word(1,:),map(/etc/haproxy/maps/hosts.map,{be_web})]"]
        web = True
    elif rt == "!acl-gateway-only":
        fe_lines += ["acl is_gateway path_beg /gateway/", f"use_backend {be} if is_gateway"]
    if web:
        backends.append(
            f"backend {be_web}\n    mode http\n    http-request return status 404 content-type text/plain"
            ' string "not here"\n'
        )

    if front in ("offload-h1", "offload-h2", "!bind-443-no-ssl"):
        alpn = "h2,http/1.1" if front == "offload-h2" else "http/1.1"
        bind = (
            "bind :443"
            if front == "!bind-443-no-ssl"
            else f"bind :443 ssl crt /etc/haproxy/certs/gw.example.com.pem alpn {alpn}"
        )
        if pf:
            bind = bind.replace("bind :443", "bind 0.0.0.0:443 name 0.0.0.0:443")
    elif front == "tcp-terminate":
        bind = "bind :443 ssl crt /etc/haproxy/certs/gw.example.com.pem"
    else:
        bind = "bind :443"
    frontends = [
        f"frontend {fe}\n    {bind}\n"
        + (f"    mode {'tcp' if tcp else 'http'}\n")
        + ("    option tcplog\n" if tcp else "")
        + "".join(f"    {x}\n" for x in fe_lines)
    ]
    pl = c["plain"]
    if pl == "redirect":
        frontends.append(
            "frontend fe_http\n    bind :80\n    mode http\n"
            "    http-request redirect scheme https code 301 unless { ssl_fc }\n"
        )
    elif pl == "serve" and not tcp:
        frontends.append(
            "frontend fe_http\n    bind :80\n    mode http\n"
            + "".join(f"    {x}\n" for x in fe_lines if "X-Forwarded-Proto" not in x)
        )

    glob = (
        "global\n    log /dev/log local0\n    maxconn 4096\n"
        "    stats socket /run/haproxy/admin.sock mode 660 level admin\n"
        + MOZILLA_GLOBAL
        + "    tune.ssl.default-dh-param 2048\n\n"
    )
    if pf:
        glob = glob.replace("maxconn 4096", "maxconn 1000\n    nbthread 1\n    hard-stop-after 15m")
    dflt = "defaults\n" + "".join(f"    {x}\n" for x in defaults) + "\n"
    head = args_line(c["fas"], front_for(c["plain"]))
    sections = userlist + "\n".join(frontends) + "\n" + "\n".join(backends)
    if layout == "conf.d":
        files["haproxy.cfg"] = head + "# haproxy -f /etc/haproxy/haproxy.cfg -f /etc/haproxy/conf.d/\n" + glob + dflt
        files["conf.d/10-gateway.cfg"] = "# FAS gateway\n" + sections
    else:
        banner = "# Automaticaly generated, dont edit manually.\n# Generated on: 2024-05-02 10:11\n" if pf else ""
        files["haproxy.cfg"] = head + banner + glob + dflt + sections
    return files


PATTERNS = (
    Pattern(
        "haproxy-deployments",
        "haproxy",
        POINTS,
        build,
        "single file / conf.d split / pfSense-generated / map-file routed FAS gateway",
    ),
)

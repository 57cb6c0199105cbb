"""Generate a realistic HAProxy fleet config: N sites, each with its own frontend, ACLs
and backends.

``haproxy.cfg`` holds ``global``, ``defaults``, a shared :80 frontend that redirects to
https, and per site a TLS frontend on its own port (host and path ACLs, ``use_backend``
rules for the Gateway websocket and the Live Assist topic, a default backend) plus three
backends (application pool, FAS gateway with ``timeout tunnel``, FAS over TLS). Every 10th
site carries an injected websocket bug (no ``timeout tunnel``, ``http-reuse always`` on
the websocket backend, TLS to the plain FAS port, an ACL that routes the websocket to the
application, a redirect on the websocket path).

Servers are IP addresses and the certificate lives in the output directory, so
``haproxy -c -f DIR/haproxy.cfg`` passes on the result.

    python -m benchmarks.gen_haproxy --sites 1000 --out /tmp/haproxy1000
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .gen_nginx import _certificate

BUGS = ("no-tunnel", "reuse-always", "tls-to-plain", "ws-to-app", "redirect-ws")


def _ip(i: int, last: int) -> str:
    return f"10.{(i >> 8) & 255}.{i & 255}.{last}"


def _bug(i: int) -> str | None:
    if i % 10 != 9:
        return None
    return BUGS[(i // 10) % len(BUGS)]


def head(root: Path) -> str:
    return f"""\
global
    log 127.0.0.1 local0
    maxconn 20000
    daemon
    pidfile {root}/run/haproxy.pid
    ssl-default-bind-options ssl-min-ver TLSv1.2
    tune.ssl.default-dh-param 2048

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s

frontend http-in
    bind 127.0.0.1:8000
    http-request redirect scheme https code 301 unless {{ ssl_fc }}

"""


def site(i: int, root: Path) -> str:
    bug = _bug(i)
    port = 20000 + i
    tunnel = "" if bug == "no-tunnel" else "    timeout tunnel 3600s\n"
    reuse = "    http-reuse always\n" if bug == "reuse-always" else "    http-reuse never\n"
    fas_tls = " ssl verify none" if bug == "tls-to-plain" else ""
    ws_target = f"app_{i}" if bug == "ws-to-app" else f"fas_{i}"
    redirect = ("    http-request redirect location /gateway/websocketcall/ code 302 "
                "if { path /gateway/websocketcall }\n" if bug == "redirect-ws" else "")
    return f"""\
frontend fe_site{i}
    bind 127.0.0.1:{port} ssl crt {root}/certs/site.pem alpn http/1.1
    acl host_site{i} hdr(host) -i site{i}.example.com www.site{i}.example.com
    acl is_gateway path_beg /gateway/
    acl is_topic path_beg /assistserver/topic
    acl is_assist path_beg /assistserver/
    acl is_upgrade hdr(upgrade) -i websocket
    acl is_health path /healthz
    http-request set-header X-Forwarded-Proto https
    http-request return status 200 content-type text/plain string ok if is_health
{redirect}    use_backend {ws_target} if host_site{i} is_gateway
    use_backend fas_tls_{i} if host_site{i} is_topic is_upgrade
    use_backend fas_tls_{i} if host_site{i} is_assist
    default_backend app_{i}

backend app_{i}
    balance roundrobin
    option httpchk GET /health
    http-reuse safe
    server app{i}a {_ip(i, 10)}:8000 check inter 5s
    server app{i}b {_ip(i, 11)}:8000 check inter 5s

backend fas_{i}
    balance source
{tunnel}{reuse}    server fas{i} {_ip(i, 20)}:8080{fas_tls} check

backend fas_tls_{i}
    timeout tunnel 3600s
    server fastls{i} {_ip(i, 21)}:8443 ssl verify none sni str(site{i}.example.com) check

"""


def generate(sites: int, out: Path) -> Path:
    out = out.resolve()
    for sub in ("run", "certs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _certificate(out / "certs")
    main = out / "haproxy.cfg"
    with open(main, "w") as f:
        f.write(head(out))
        for i in range(sites):
            f.write(site(i, out))
    return main


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    print(generate(a.sites, a.out))


if __name__ == "__main__":
    main()

"""Generate a realistic nginx fleet config: N sites in front of FAS.

Each site has two upstreams (an application pool with keepalive, and the FAS gateway),
an :80 server that redirects to https and an :443 TLS server with an ordinary proxied
location, the two FAS websocket locations (``/gateway/``, ``/assistserver/``), a static
regex location and an exact health check. Every 10th site carries an injected websocket
bug (missing Upgrade, missing Connection, keepalive pool on the websocket backend, a
location-level proxy_set_header that shadows the server's), so the checks do real work.
The shape follows the generator behind the anchors in
``shared/reference/linters.md`` section 5 (about 65 lines per site).

Upstream servers are IP addresses and certificate paths live inside the output
directory, so ``nginx -t -p DIR -c nginx.conf`` passes on the result.

    python -m benchmarks.gen_nginx --sites 1000 --out /tmp/ngx1000 [--layout split]
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

BUGS = ("no-upgrade", "no-connection", "pooled-ws", "shadowed-headers", "http10")


def _ip(i: int, last: int) -> str:
    return f"10.{(i >> 8) & 255}.{i & 255}.{last}"


def site_upstreams(i: int) -> str:
    bug = _bug(i)
    fas_pool = "    keepalive 8;\n" if bug == "pooled-ws" else ""
    return (
        f"upstream app_{i} {{\n"
        f"    server {_ip(i, 10)}:8000 max_fails=3 fail_timeout=10s;\n"
        f"    server {_ip(i, 11)}:8000 max_fails=3 fail_timeout=10s;\n"
        f"    keepalive 32;\n"
        f"}}\n"
        f"upstream fas_{i} {{\n"
        f"    server {_ip(i, 20)}:8080;\n"
        f"{fas_pool}"
        f"}}\n"
    )


def _bug(i: int) -> str | None:
    if i % 10 != 9:
        return None
    return BUGS[(i // 10) % len(BUGS)]


def site_servers(i: int) -> str:
    bug = _bug(i)
    name = f"site{i}.example.com"
    upgrade = "" if bug in ("no-upgrade", "shadowed-headers") else \
        "        proxy_set_header Upgrade $http_upgrade;\n"
    connection = "" if bug in ("no-connection", "shadowed-headers") else \
        "        proxy_set_header Connection $connection_upgrade;\n"
    # the shadowing bug: Upgrade/Connection set at server level, where a location that
    # sets any header of its own no longer inherits them
    server_ws = ("    proxy_set_header Upgrade $http_upgrade;\n"
                 "    proxy_set_header Connection $connection_upgrade;\n") if bug == "shadowed-headers" else ""
    version = "1.0" if bug == "http10" else "1.1"
    shadow = "        proxy_set_header X-Request-Id $request_id;\n" if bug == "shadowed-headers" else ""
    return (
        f"server {{\n"
        f"    listen 80;\n"
        f"    server_name {name} www.{name};\n"
        f"    location /.well-known/acme-challenge/ {{\n"
        f"        root html;\n"
        f"    }}\n"
        f"    location / {{\n"
        f"        return 301 https://$host$request_uri;\n"
        f"    }}\n"
        f"}}\n"
        f"server {{\n"
        f"    listen 443 ssl;\n"
        f"    server_name {name};\n"
        f"    ssl_certificate certs/site.crt;\n"
        f"    ssl_certificate_key certs/site.key;\n"
        f"    ssl_protocols TLSv1.2 TLSv1.3;\n"
        f"    ssl_session_cache shared:SSL:10m;\n"
        f"    add_header Strict-Transport-Security \"max-age=31536000\" always;\n"
        f"    access_log off;\n"
        f"    client_max_body_size 20m;\n"
        f"    proxy_set_header Host $host;\n"
        f"    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        f"    proxy_set_header X-Forwarded-Proto $scheme;\n"
        f"{server_ws}"
        f"\n"
        f"    location / {{\n"
        f"        proxy_pass http://app_{i};\n"
        f"        proxy_http_version 1.1;\n"
        f"        proxy_set_header Connection \"\";\n"
        f"        proxy_set_header Host $host;\n"
        f"        proxy_set_header X-Real-IP $remote_addr;\n"
        f"        proxy_read_timeout 30s;\n"
        f"    }}\n"
        f"    location /gateway/ {{\n"
        f"        proxy_pass http://fas_{i};\n"
        f"        proxy_http_version {version};\n"
        f"{upgrade}{connection}"
        f"        proxy_set_header Host $host;\n"
        f"{shadow}"
        f"        proxy_read_timeout 3600s;\n"
        f"        proxy_send_timeout 3600s;\n"
        f"        proxy_buffering off;\n"
        f"    }}\n"
        f"    location /assistserver/ {{\n"
        f"        proxy_pass http://{_ip(i, 21)}:8080;\n"
        f"        proxy_http_version 1.1;\n"
        f"        proxy_set_header Upgrade $http_upgrade;\n"
        f"        proxy_set_header Connection $connection_upgrade;\n"
        f"        proxy_set_header Host $host;\n"
        f"        proxy_read_timeout 3600s;\n"
        f"    }}\n"
        f"    location ~* \\.(css|js|png|svg|woff2?)$ {{\n"
        f"        root html;\n"
        f"        expires 7d;\n"
        f"        add_header Cache-Control \"public\";\n"
        f"    }}\n"
        f"    location = /healthz {{\n"
        f"        return 200 'ok';\n"
        f"    }}\n"
        f"}}\n"
    )


HEAD = """\
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;

events {
    worker_connections 1024;
}

http {
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    server_names_hash_max_size 65536;
    server_names_hash_bucket_size 128;
    variables_hash_max_size 2048;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    access_log off;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
    map $http_x_forwarded_proto $real_scheme {
        default $http_x_forwarded_proto;
        '' $scheme;
    }

"""


def generate(sites: int, out: Path, layout: str = "single") -> Path:
    """Write the config under ``out``; return the main file."""
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("logs", "tmp", "html", "certs"):
        (out / sub).mkdir(exist_ok=True)
    _certificate(out / "certs")
    main = out / "nginx.conf"
    if layout == "single":
        with open(main, "w") as f:
            f.write(HEAD)
            for i in range(sites):
                f.write(_indent(site_upstreams(i)))
                f.write(_indent(site_servers(i)))
            f.write("}\n")
    elif layout == "split":
        sites_dir = out / "sites-enabled"
        sites_dir.mkdir(exist_ok=True)
        for old in sites_dir.glob("*.conf"):
            old.unlink()
        for i in range(sites):
            (sites_dir / f"site{i:05d}.conf").write_text(site_upstreams(i) + site_servers(i))
        main.write_text(HEAD + "    include sites-enabled/*.conf;\n}\n")
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return main


def _indent(text: str) -> str:
    return "".join(("    " + line if line.strip() else line) for line in text.splitlines(True))


def _certificate(d: Path) -> None:
    """One self-signed certificate shared by every site (nginx -t loads it)."""
    crt, key = d / "site.crt", d / "site.key"
    if crt.exists() and key.exists():
        return
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                    "-subj", "/CN=bench.example.com", "-keyout", str(key), "-out", str(crt)],
                   check=True, capture_output=True)
    # HAProxy wants certificate and key in one file
    (d / "site.pem").write_bytes(crt.read_bytes() + key.read_bytes())
    os.chmod(key, 0o600)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--layout", choices=("single", "split"), default="single")
    a = ap.parse_args(argv)
    print(generate(a.sites, a.out, a.layout))


if __name__ == "__main__":
    main()

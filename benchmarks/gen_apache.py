"""Generate a realistic Apache httpd 2.4 fleet config in the Debian layout: N sites.

``apache2.conf``, ``ports.conf``, ``mods-enabled/*.load`` (the modules a FAS front needs),
``conf-enabled/`` and one ``sites-enabled/NNNNN-siteN.conf`` per site holding an :80
vhost that redirects to https and an :443 vhost that proxies the application, the Gateway
websocket (``ProxyPass ... upgrade=websocket``), the Live Assist topic (mod_rewrite to
``ws://``, the pre-2.4.47 recipe) and a balancer. Every 10th site carries an injected
websocket bug (no upgrade on the Gateway, http:// for the topic, a short ProxyTimeout,
backend TLS without SSLProxyEngine, a redirect on the websocket path).

Paths are absolute inside the output directory, so ``apache2 -t -d DIR -f DIR/apache2.conf``
passes on the result (as root; the certificate comes from the nginx generator).

    python -m benchmarks.gen_apache --sites 1000 --out /tmp/apache1000
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .gen_nginx import _certificate

MODULES = ("mpm_event", "authz_core", "authz_host", "headers", "rewrite", "ssl", "socache_shmcb", "proxy",
           "proxy_http", "proxy_wstunnel", "proxy_balancer", "slotmem_shm", "lbmethod_byrequests", "alias",
           "mime", "dir", "setenvif", "status")
MODULE_DIR = "/usr/lib/apache2/modules"
BUGS = ("no-upgrade", "topic-not-ws", "short-timeout", "tls-no-engine", "redirect-ws")


def _ip(i: int, last: int) -> str:
    return f"10.{(i >> 8) & 255}.{i & 255}.{last}"


def _bug(i: int) -> str | None:
    if i % 10 != 9:
        return None
    return BUGS[(i // 10) % len(BUGS)]


def site(i: int, root: Path) -> str:
    bug = _bug(i)
    name = f"site{i}.example.com"
    fas = _ip(i, 20)
    upgrade = "" if bug == "no-upgrade" else " upgrade=websocket"
    topic = "http" if bug == "topic-not-ws" else "ws"
    timeout = "    ProxyTimeout 30\n" if bug == "short-timeout" else "    ProxyTimeout 3600\n"
    engine = "" if bug == "tls-no-engine" else "    SSLProxyEngine on\n    SSLProxyVerify none\n" \
        "    SSLProxyCheckPeerName off\n"
    redirect = ("    RedirectMatch 302 ^/gateway/websocketcall$ /gateway/websocketcall/\n"
                if bug == "redirect-ws" else "")
    return f"""\
<VirtualHost *:80>
    ServerName {name}
    ServerAlias www.{name}
    ServerAdmin webmaster@{name}
    ErrorLog {root}/logs/error.log
    RewriteEngine On
    RewriteCond %{{HTTPS}} off
    RewriteRule ^/?(.*)$ https://%{{HTTP_HOST}}/$1 [R=301,L]
</VirtualHost>

<VirtualHost *:443>
    ServerName {name}
    DocumentRoot {root}/html
    SSLEngine on
    SSLCertificateFile {root}/certs/site.crt
    SSLCertificateKeyFile {root}/certs/site.key
    Header always set Strict-Transport-Security "max-age=31536000"
{engine}{timeout}    ProxyPreserveHost On
    ProxyRequests Off
    RequestHeader set X-Forwarded-Proto "https"
{redirect}
    <Proxy "balancer://app{i}">
        BalancerMember "http://{_ip(i, 10)}:8000" retry=5
        BalancerMember "http://{_ip(i, 11)}:8000" retry=5
        ProxySet lbmethod=byrequests
    </Proxy>

    ProxyPass "/gateway/websocketcall" "http://{fas}:8080/gateway/websocketcall"{upgrade}
    ProxyPassReverse "/gateway/websocketcall" "http://{fas}:8080/gateway/websocketcall"
    ProxyPass "/gateway/" "http://{fas}:8080/gateway/"
    ProxyPassReverse "/gateway/" "http://{fas}:8080/gateway/"

    RewriteEngine On
    RewriteCond %{{HTTP:Upgrade}} websocket [NC]
    RewriteCond %{{HTTP:Connection}} upgrade [NC]
    RewriteRule ^/assistserver/topic(.*)$ "{topic}://{_ip(i, 21)}:8080/assistserver/topic$1" [P,L]
    ProxyPass "/assistserver/" "https://{_ip(i, 21)}:8443/assistserver/"
    ProxyPassReverse "/assistserver/" "https://{_ip(i, 21)}:8443/assistserver/"

    <Location "/status">
        Require ip 127.0.0.1
    </Location>
    <LocationMatch "\\.(css|js|png|svg)$">
        Header set Cache-Control "public, max-age=604800"
    </LocationMatch>
    ProxyPass "/static/" "!"
    ProxyPass "/" "balancer://app{i}/"
    ProxyPassReverse "/" "balancer://app{i}/"
</VirtualHost>
"""


def main_conf(root: Path) -> str:
    return f"""\
# Debian layout, paths made absolute for a self-contained check
ServerRoot "{root}"
DefaultRuntimeDir {root}/run
PidFile {root}/run/apache2.pid
Timeout 300
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
User www-data
Group www-data
HostnameLookups Off
ErrorLog {root}/logs/error.log
LogLevel warn
ServerName bench.example.com

IncludeOptional mods-enabled/*.load
IncludeOptional mods-enabled/*.conf
Include ports.conf

<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<Directory {root}/html>
    Options Indexes FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>
AccessFileName .htaccess
<FilesMatch "^\\.ht">
    Require all denied
</FilesMatch>
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common

IncludeOptional conf-enabled/*.conf
IncludeOptional sites-enabled/*.conf
"""


PORTS = """\
Listen 80
<IfModule ssl_module>
    Listen 443
</IfModule>
"""

SECURITY = """\
ServerTokens Prod
ServerSignature Off
TraceEnable Off
"""


def generate(sites: int, out: Path) -> Path:
    out = out.resolve()
    for sub in ("logs", "run", "html", "certs", "mods-enabled", "conf-enabled", "sites-enabled"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    _certificate(out / "certs")
    for m in MODULES:
        (out / "mods-enabled" / f"{m}.load").write_text(f"LoadModule {m}_module {MODULE_DIR}/mod_{m}.so\n")
    (out / "mods-enabled" / "ssl.conf").write_text(
        "<IfModule mod_ssl.c>\n    SSLRandomSeed startup builtin\n    SSLProtocol all -SSLv3\n"
        f"    SSLSessionCache shmcb:{out}/run/ssl_scache(512000)\n</IfModule>\n")
    (out / "conf-enabled" / "security.conf").write_text(SECURITY)
    (out / "ports.conf").write_text(PORTS)
    sites_dir = out / "sites-enabled"
    for old in sites_dir.glob("*.conf"):
        old.unlink()
    for i in range(sites):
        (sites_dir / f"{i:05d}-site{i}.conf").write_text(site(i, out))
    main = out / "apache2.conf"
    main.write_text(main_conf(out))
    return main


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    print(generate(a.sites, a.out))


if __name__ == "__main__":
    main()

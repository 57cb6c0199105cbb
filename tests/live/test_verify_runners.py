"""The proxy runners themselves, on hand-written configs: each renders a config for loopback,
runs the proxy's own config test, starts the real proxy, carries a websocket through it to
the FAS stand-in on TLS and plain listeners, and stops it by pid. So a dialect's samples
plug into tests/live/test_verify_samples.py the day they land."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from _util import write
from support.fas import FasStandIn
from support.fixtures import Pki, cannot_run, pki  # noqa: F401  (fixture)
from support.loopback import free_address
from support.runners import RUNNERS
from support.runners.base import Env, Rendered, Unfaithful

from linter.core.fas import ASSIST_TOPIC_WS, GATEWAY_WS, WS_QUERY
from linter.app.handshake import Target, handshake, warm_up

GOOD = {
    "nginx": ("nginx.conf", """\
        user www-data;
        pid /run/nginx.pid;
        events {}
        http {
            access_log /var/log/nginx/access.log;
            map $http_upgrade $connection_upgrade { default upgrade; '' close; }
            server {
                listen 80;
                listen [::]:80;
                listen 443 ssl;
                server_name gw.example.com;
                ssl_certificate     /etc/ssl/certs/gw.example.com.crt;
                ssl_certificate_key /etc/ssl/private/gw.example.com.key;
                location / {
                    proxy_pass http://10.20.0.11:8080;
                    proxy_http_version 1.1;
                    proxy_set_header Host $host;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection $connection_upgrade;
                }
            }
        }
        """),
    "apache": ("apache2.conf", """\
        ServerRoot "/etc/apache2"
        User ${APACHE_RUN_USER}
        Group ${APACHE_RUN_GROUP}
        PidFile ${APACHE_PID_FILE}
        LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
        LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
        LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
        LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
        LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
        LoadModule socache_shmcb_module /usr/lib/apache2/modules/mod_socache_shmcb.so
        ErrorLog ${APACHE_LOG_DIR}/error.log
        ServerName gw.example.com
        Listen 80
        Listen 443
        SSLSessionCache shmcb:/var/run/apache2/ssl_scache(512000)
        <VirtualHost *:80>
            ProxyPass / http://10.20.0.11:8080/ upgrade=websocket
        </VirtualHost>
        <VirtualHost *:443>
            SSLEngine on
            SSLCertificateFile /etc/ssl/certs/gw.example.com.crt
            SSLCertificateKeyFile /etc/ssl/private/gw.example.com.key
            ProxyPass / http://10.20.0.11:8080/ upgrade=websocket
        </VirtualHost>
        """),
    "haproxy": ("haproxy.cfg", """\
        global
            log /dev/log local0
            chroot /var/lib/haproxy
            stats socket /run/haproxy/admin.sock mode 660 level admin
            user haproxy
            group haproxy
            daemon
        defaults
            mode http
            timeout connect 5s
            timeout client 30s
            timeout server 30s
            timeout tunnel 1h
        frontend fe
            bind :80
            bind :::443 v4v6 ssl crt /etc/haproxy/certs/gw.example.com.pem alpn http/1.1
            default_backend fas
        backend fas
            server fas1 10.20.0.11:8080
        """),
}

# what each proxy does with a config that forgets the websocket (observed.md): 302 from FAS
NO_UPGRADE = {
    "nginx": ("nginx.conf", """\
        events {}
        http {
            server {
                listen 443 ssl;
                ssl_certificate     /etc/ssl/certs/gw.example.com.crt;
                ssl_certificate_key /etc/ssl/private/gw.example.com.key;
                location / { proxy_pass http://10.20.0.11:8080; }
            }
        }
        """),
    "apache": ("apache2.conf", """\
        LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
        LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
        LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
        LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
        LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
        ServerName gw.example.com
        Listen 443
        <VirtualHost *:443>
            SSLEngine on
            SSLCertificateFile /etc/ssl/certs/gw.example.com.crt
            SSLCertificateKeyFile /etc/ssl/private/gw.example.com.key
            ProxyPass / http://10.20.0.11:8080/
        </VirtualHost>
        """),
    "haproxy": ("haproxy.cfg", """\
        defaults
            mode http
            timeout connect 5s
            timeout client 30s
            timeout server 30s
        frontend fe
            bind :443 ssl crt /etc/haproxy/certs/gw.example.com.pem
            http-request set-header Connection close
            default_backend fas
        backend fas
            server fas1 10.20.0.11:8080
        """),
}

BROKEN = {
    "nginx": ("nginx.conf", "events {}\nhttp {\n    server {\n        listen 80\n    }\n}\n"),
    "apache": ("apache2.conf", ("LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
                                "Listen 80\n<VirtualHost *:80>\n    ProxyPass / http://10.20.0.11:8080/\n")),
    "haproxy": ("haproxy.cfg", "frontend fe\n    bind :80\n    mode http\n    use_backend\n"),
}

DIALECTS = sorted(RUNNERS)


def _runner(dialect: str):
    runner = RUNNERS[dialect]
    missing = runner.missing()
    if missing:
        cannot_run(missing)
    return runner


def _render(dialect: str, conf: tuple[str, str], tmp_path: Path, pki: Pki, backends: tuple[str, ...]) -> Rendered:
    sample = tmp_path / "sample"
    write(sample, conf[0], conf[1])
    env = Env(backends, free_address(), pki.front.cert, pki.front.key, pki.front.pem, pki.ca.cert)
    work = tmp_path / "work"
    work.mkdir()
    work.chmod(0o755)
    return _runner(dialect).render(sample / conf[0], work, env)


def _target(rendered: Rendered, port: int, path: str, pki: Pki) -> Target:
    front = next(f for f in rendered.fronts if f.port == port)
    scheme = "wss" if front.browser_tls else "ws"
    return Target(f"{scheme}://gw.example.com{path}?{WS_QUERY[path]}", address=(front.address, front.rendered_port),
                  ca_file=str(pki.ca.cert))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("dialect", DIALECTS)
def test_runner_renders_tests_starts_proxies_and_stops(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    backends = (free_address(), free_address())
    rendered = _render(dialect, GOOD[dialect], tmp_path, pki, backends)
    assert {(f.port, f.browser_tls) for f in rendered.fronts} == {(80, False), (443, True)}
    original = (tmp_path / "sample" / GOOD[dialect][0]).read_text()
    assert "10.20.0.11" in original and backends[0] not in original  # the sample itself is untouched
    ok, output = RUNNERS[dialect].config_test(rendered)
    assert ok, output
    leaf = pki.backend(backends)
    with FasStandIn(backends, leaf.cert, leaf.key) as fas:
        proxy = RUNNERS[dialect].start(rendered)
        try:
            for port in (80, 443):
                for path in (GATEWAY_WS, ASSIST_TOPIC_WS):
                    target = _target(rendered, port, path, pki)
                    held, pages = warm_up(target.with_path("/"), ["/gateway/adapter.js"], 1, 2)
                    for c in held:
                        c.close()
                    assert [p.status for p in pages] == [200, 200]
                    r = handshake(target)
                    assert r.symptom == "ok", f"{dialect} :{port} {path}: {r.detail}\n{fas.log()}"
            assert any(e.status == 101 and e.target.startswith(ASSIST_TOPIC_WS) for e in fas.exchanges)
        finally:
            RUNNERS[dialect].stop(proxy)
    assert not _alive(proxy.pid)
    front = rendered.fronts[0]
    with pytest.raises(OSError):
        socket.create_connection((front.address, front.rendered_port), timeout=1).close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_runner_sees_the_302_of_a_config_without_websocket_support(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    backends = (free_address(),)
    rendered = _render(dialect, NO_UPGRADE[dialect], tmp_path, pki, backends)
    ok, output = RUNNERS[dialect].config_test(rendered)
    assert ok, output
    leaf = pki.backend(backends)
    with FasStandIn(backends, leaf.cert, leaf.key) as fas:
        proxy = RUNNERS[dialect].start(rendered)
        try:
            r = handshake(_target(rendered, 443, GATEWAY_WS, pki))
        finally:
            RUNNERS[dialect].stop(proxy)
    assert r.symptom == "status:302", f"{r.detail}\n{fas.log()}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_runner_config_test_rejects_a_broken_config(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    rendered = _render(dialect, BROKEN[dialect], tmp_path, pki, (free_address(),))
    ok, output = RUNNERS[dialect].config_test(rendered)
    assert not ok and output


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_backend_left_unrendered_is_refused(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    """Never dial the network: a FAS address the rendering missed stops the run."""
    rendered = _render(dialect, GOOD[dialect], tmp_path, pki, (free_address(),))
    entry = rendered.entry
    entry.write_text(entry.read_text() + "\n# real FAS below\n" + {
        "nginx": "# server 10.20.0.11:8080;\nstream { server { listen 9; proxy_pass 10.20.0.12:8443; } }\n",
        "apache": "Define FAS 10.20.0.12:8443\n",
        "haproxy": "backend other\n    server fas2 10.20.0.12:8443\n"}[dialect])
    with pytest.raises(Unfaithful, match="10.20.0.12:8443"):
        RUNNERS[dialect].start(rendered)


@pytest.mark.parametrize("dialect", ["nginx", "haproxy"])
def test_fragment_is_reported_unfaithful(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    fragment = {"nginx": ("site.conf", "server {\n    listen 80;\n}\n"),
                "haproxy": ("haproxy.cfg", "backend fas\n    server fas1 10.20.0.11:8080\n")}[dialect]
    with pytest.raises(Unfaithful, match="fragment"):
        _render(dialect, fragment, tmp_path, pki, (free_address(),))


def test_apache_fragment_runs_as_the_only_site_of_debians_main_config(tmp_path: Path, pki: Pki):  # noqa: F811
    """A vhost fragment is what goes into sites-enabled/: it runs in the installed
    /etc/apache2/apache2.conf with the modules its directives and schemes need enabled."""
    if not Path("/etc/apache2/apache2.conf").is_file():
        cannot_run("Debian's /etc/apache2 (apache2 package) is not installed")
    fragment = ("site.conf", ("<VirtualHost *:443>\n    SSLEngine on\n"
                              "    SSLCertificateFile /etc/ssl/certs/gw.example.com.crt\n"
                              "    SSLCertificateKeyFile /etc/ssl/private/gw.example.com.key\n"
                              "    RequestHeader set X-Forwarded-Proto https\n"
                              "    ProxyPass / http://10.20.0.11:8080/ upgrade=websocket\n</VirtualHost>\n"))
    rendered = _render("apache", fragment, tmp_path, pki, (free_address(),))
    tree = rendered.entry.parent
    assert rendered.entry.name == "apache2.conf" and "IncludeOptional sites-enabled/*.conf" in rendered.entry.read_text()
    assert [p.name for p in (tree / "sites-enabled").iterdir()] == ["site.conf"]
    enabled = {p.name for p in (tree / "mods-enabled").iterdir()}
    # the fragment's own needs, their Debian dependencies, and Debian's default set
    assert {"proxy.load", "proxy_http.load", "ssl.load", "ssl.conf", "socache_shmcb.load", "headers.load",
            "mpm_event.load", "reqtimeout.load"} <= enabled
    assert "proxy_wstunnel.load" not in enabled
    assert rendered.scope == {443} and {f.port for f in rendered.fronts} >= {80, 443}
    ok, out = RUNNERS["apache"].config_test(rendered)
    assert ok, out


def test_haproxy_server_port_from_an_environment_variable_is_rendered(tmp_path: Path, pki: Pki):  # noqa: F811
    """``"10.20.0.11:${FAS_PORT}"`` (setenv in global) points at the stand-in; left as
    written it would dial the real 10.20.0.11."""
    stand_in = free_address()
    conf = ("haproxy.cfg", ("global\n    setenv FAS_PORT 8080\ndefaults\n    mode http\n    timeout connect 5s\n"
                            "    timeout client 30s\n    timeout server 30s\nfrontend fe\n    bind :80\n"
                            '    default_backend be\nbackend be\n    server fas1 "10.20.0.11:${FAS_PORT}"\n'))
    rendered = _render("haproxy", conf, tmp_path, pki, (stand_in,))
    assert f'server fas1 "{stand_in}:${{FAS_PORT}}"' in rendered.entry.read_text()
    RUNNERS["haproxy"].check_rendered(rendered)
    rendered.entry.write_text(rendered.entry.read_text() + 'backend other\n    server fas2 "10.20.0.12:${PORT2}"\n')
    with pytest.raises(Unfaithful, match="10.20.0.12"):
        RUNNERS["haproxy"].check_rendered(rendered)


@pytest.mark.parametrize("dialect", ["nginx", "apache"])
def test_absolute_includes_of_the_system_tree_stay_in_the_sample(dialect: str, tmp_path: Path, pki: Pki):  # noqa: F811
    """A sample tree that includes /etc/nginx/... or /etc/apache2/... must read its own copy,
    never the machine's configuration."""
    name, text = GOOD[dialect]
    line = {"nginx": "include /etc/nginx/conf.d/*.conf;\n",
            "apache": "IncludeOptional /etc/apache2/conf-enabled/*.conf\n"}[dialect]
    sample = tmp_path / "sample" / "tree"
    write(sample, name, text.replace("events {}", "events {}\n" + line) if dialect == "nginx" else line + text)
    write(sample, {"nginx": "conf.d/x.conf", "apache": "conf-enabled/x.conf"}[dialect],
          {"nginx": "# included\n", "apache": "# included\n"}[dialect])
    env = Env((free_address(),), free_address(), pki.front.cert, pki.front.key, pki.front.pem, pki.ca.cert)
    work = tmp_path / "work"
    work.mkdir()
    rendered = _runner(dialect).render(sample, work, env)
    rendered_text = rendered.entry.read_text()
    assert "/etc/nginx/" not in rendered_text and "/etc/apache2/" not in rendered_text
    assert str(rendered.entry.parent) + "/" in rendered_text
    ok, output = RUNNERS[dialect].config_test(rendered)
    assert ok, output


def test_nginx_verifying_fas_by_name_keeps_the_name(tmp_path: Path, pki: Pki):  # noqa: F811
    """With ``proxy_ssl_verify on`` nginx checks FAS's certificate against the proxy_pass host:
    rendered as an address, the check would fail (502) where the sample, run for real, works."""
    from support.runners.base import can_use_private_hosts

    if can_use_private_hosts() is not None:
        cannot_run(can_use_private_hosts() or "")
    conf = ("nginx.conf", """\
        events {}
        http {
            server {
                listen 443 ssl;
                ssl_certificate     /etc/ssl/certs/gw.example.com.crt;
                ssl_certificate_key /etc/ssl/private/gw.example.com.key;
                location / {
                    proxy_pass https://fas.example.com:8443;
                    proxy_ssl_verify on;
                    proxy_ssl_trusted_certificate /etc/ssl/certs/fas-ca.pem;
                    proxy_http_version 1.1;
                    proxy_set_header Upgrade $http_upgrade;
                    proxy_set_header Connection "upgrade";
                }
            }
        }
        """)
    backends = (free_address(),)
    rendered = _render("nginx", conf, tmp_path, pki, backends)
    assert "https://fas.example.com:8443" in rendered.entry.read_text()
    assert rendered.hosts == {"fas.example.com": backends[0]}
    leaf = pki.backend(backends)
    with FasStandIn(backends, leaf.cert, leaf.key) as fas:
        proxy = RUNNERS["nginx"].start(rendered)
        try:
            r = handshake(_target(rendered, 443, GATEWAY_WS, pki))
        finally:
            RUNNERS["nginx"].stop(proxy)
    assert r.symptom == "ok", f"{r.detail}\n{fas.log()}"
    assert not _alive(proxy.pid)

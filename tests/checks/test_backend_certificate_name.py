"""WSP205 and the backend-TLS facts it reads: the name each proxy requires in FAS's
certificate (nginx proxy_ssl_name / $proxy_host, Apache's ProxyPass host or preserved Host,
HAProxy verifyhost / sni), whether SNI is sent, and the TCP listener facts (a TLS bind in
mode tcp terminates, a bare one passes the browser's TLS through)."""

from __future__ import annotations

from pathlib import Path

from _util import load, write

from checks import backend_certificate_name, backend_tls_mismatch
from linter.core.fas import GATEWAY_WS
from linter.core.options import Options
from linter.core.resolve import build_plans

NGINX_HEAD = "events {}\nhttp {\n"
NGINX_SERVER = (
    "server {{\n  listen 443 ssl;\n  ssl_certificate /c.pem;\n  ssl_certificate_key /k.pem;\n{server}"
    "  location /gateway/ {{\n    proxy_pass {target};\n{loc}"
    "    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n"
    '    proxy_set_header Connection "upgrade";\n  }}\n}}\n'
)
VERIFY = "    proxy_ssl_verify on;\n    proxy_ssl_trusted_certificate /ca.pem;\n"


def _plans(tmp_path: Path, dialect: str, name: str, text: str):
    options = Options(dialect=dialect)
    return build_plans(load(dialect, write(tmp_path, name, text), options), options)


def _gateway(plans):
    return next(p for p in plans.plans if p.ws_path == GATEWAY_WS)


def _wsp205(plans) -> list:
    return list(backend_certificate_name.check(plans))


def _nginx(tmp_path: Path, target: str, loc: str = VERIFY, server: str = "", upstreams: str = ""):
    text = NGINX_HEAD + upstreams + NGINX_SERVER.format(server=server, target=target, loc=loc) + "}\n"
    return _plans(tmp_path, "nginx", "nginx.conf", text)


GROUP = "upstream fas_backend {\n  server fas1.example.com:8443;\n}\n"


def test_nginx_checks_the_upstream_group_name_by_default(tmp_path: Path) -> None:
    plans = _nginx(tmp_path, "https://fas_backend", upstreams=GROUP)
    tls = _gateway(plans).proxy.tls_settings
    assert tls.name.value is not None and tls.name.value.evaluate(_gateway(plans).request) == "fas_backend"
    assert tls.name_is_label and tls.name.loc is None and tls.sni.value is None
    found = _wsp205(plans)
    assert {f.symptom for f in found} == {"status:502"} and "fas_backend" in found[0].message
    assert "proxy_ssl_name" in (found[0].fix or "")


def test_nginx_proxy_ssl_name_inherited_from_the_server_replaces_the_group_name(tmp_path: Path) -> None:
    server = "  proxy_ssl_name fas.example.com;\n  proxy_ssl_server_name on;\n"
    plans = _nginx(tmp_path, "https://fas_backend", server=server, upstreams=GROUP)
    tls = _gateway(plans).proxy.tls_settings
    req = _gateway(plans).request
    assert tls.name.value.evaluate(req) == "fas.example.com" and not tls.name_is_label
    assert tls.sni.value is not None and tls.sni.value.evaluate(req) == "fas.example.com"
    assert _wsp205(plans) == []


def test_nginx_ip_target_is_flagged_only_when_verifying(tmp_path: Path) -> None:
    found = _wsp205(_nginx(tmp_path, "https://10.20.0.11:8443"))
    assert found and "10.20.0.11" in found[0].message and found[0].symptom == "status:502"
    plans = _nginx(tmp_path, "https://10.20.0.11:8443", loc="")
    assert _gateway(plans).proxy.tls_settings.name.value is None
    assert _wsp205(plans) == []


def test_nginx_host_name_target_and_dotted_group_are_not_flagged(tmp_path: Path) -> None:
    assert _wsp205(_nginx(tmp_path, "https://fas1.example.com:8443")) == []
    dotted = "upstream fas.internal.example.com {\n  server 10.20.0.11:8443;\n}\n"
    assert _wsp205(_nginx(tmp_path, "https://fas.internal.example.com", upstreams=dotted)) == []


HAPROXY = (
    "defaults\n  mode http\n  timeout connect 5s\n  timeout client 1h\n  timeout server 1h\n{glob}"
    "frontend fe\n  bind :443 ssl crt /c.pem\n  default_backend be\n"
    "backend be\n{default}  server fas1 10.20.0.11:8443 {params}\n"
)


def _haproxy(tmp_path: Path, params: str, default: str = "", glob: str = ""):
    text = HAPROXY.format(params=params, default=default, glob=glob)
    return _plans(tmp_path, "haproxy", "haproxy.cfg", text)


def test_haproxy_checks_no_name_without_verifyhost_or_sni(tmp_path: Path) -> None:
    plans = _haproxy(tmp_path, "ssl verify required ca-file /ca.pem")
    tls = _gateway(plans).proxy.tls_settings
    assert tls.verify.value and tls.name.value is None and tls.sni.value is None
    assert _wsp205(plans) == []


def test_haproxy_verifyhost_from_default_server_and_sni(tmp_path: Path) -> None:
    default = "  default-server verify required verifyhost 10.20.0.11\n"
    plans = _haproxy(tmp_path, "ssl ca-file /ca.pem", default=default)
    found = _wsp205(plans)
    assert found and found[0].symptom == "status:503"
    plans = _haproxy(tmp_path, "ssl verify required ca-file /ca.pem sni str(fas1.example.com)")
    tls = _gateway(plans).proxy.tls_settings
    req = _gateway(plans).request
    assert tls.name.value.evaluate(req) == "fas1.example.com" == tls.sni.value.evaluate(req)
    assert _wsp205(plans) == []
    # the browser's Host as SNI: checked per request, a name, so not judged
    plans = _haproxy(tmp_path, "ssl verify required ca-file /ca.pem sni req.hdr(host)")
    assert _gateway(plans).proxy.tls_settings.name.value.evaluate(_gateway(plans).request)
    assert _wsp205(plans) == []


def test_haproxy_no_name_check_when_verification_is_off(tmp_path: Path) -> None:
    assert _wsp205(_haproxy(tmp_path, "ssl verify none verifyhost 10.20.0.11")) == []
    plans = _haproxy(tmp_path, "ssl verifyhost 10.20.0.11", glob="global\n  ssl-server-verify none\n")
    assert not _gateway(plans).proxy.tls_settings.verify.value
    assert _wsp205(plans) == []


APACHE = (
    "LoadModule proxy_module /m/mod_proxy.so\nLoadModule proxy_http_module /m/mod_proxy_http.so\n"
    "LoadModule ssl_module /m/mod_ssl.so\nListen 443\n<VirtualHost *:443>\n  ServerName gw.example.com\n"
    "  SSLEngine on\n  SSLCertificateFile /c.pem\n  SSLCertificateKeyFile /k.pem\n  SSLProxyEngine on\n"
    "  Timeout 3600\n{extra}  ProxyPass /gateway/ wss://{host}:8443/gateway/ disablereuse=On\n</VirtualHost>\n"
)


def _apache(tmp_path: Path, host: str, extra: str = ""):
    return _plans(tmp_path, "apache", "apache2.conf", APACHE.format(host=host, extra=extra))


def test_apache_checks_the_proxypass_host_even_without_sslproxyverify(tmp_path: Path) -> None:
    found = _wsp205(_apache(tmp_path, "10.20.0.11"))
    assert found and found[0].symptom == "status:500"
    # the same fault is no longer WSP202's
    assert list(backend_tls_mismatch.check(_apache(tmp_path, "10.20.0.11"))) == []
    assert _wsp205(_apache(tmp_path, "fas1.example.com")) == []


def test_apache_preserved_host_or_peer_check_off_is_not_flagged(tmp_path: Path) -> None:
    plans = _apache(tmp_path, "10.20.0.11", extra="  ProxyPreserveHost On\n")
    plan = _gateway(plans)
    assert plan.proxy.tls_settings.name.value.evaluate(plan.request) == plan.request.headers.get("host")
    assert _wsp205(plans) == []
    for off in ("  SSLProxyCheckPeerName off\n", "  SSLProxyCheckPeerCN off\n"):
        assert _wsp205(_apache(tmp_path, "10.20.0.11", extra=off)) == []
    # SSLProxyCheckPeerName on wins over CN off
    on = "  SSLProxyCheckPeerName on\n  SSLProxyCheckPeerCN off\n"
    assert _wsp205(_apache(tmp_path, "10.20.0.11", extra=on))


TCP = (
    "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 1h\n  timeout server 1h\n"
    "frontend fe\n  bind :443{bind}\n  default_backend be\nbackend be\n  server fas1 10.20.0.11:{port}\n"
)


def test_tcp_bind_with_ssl_terminates_and_bare_tcp_bind_passes_tls_through(tmp_path: Path) -> None:
    terminated = _plans(tmp_path, "haproxy", "t.cfg", TCP.format(bind=" ssl crt /c.pem", port=8080))
    plan = _gateway(terminated)
    assert plan.listener.tcp and plan.listener.tls and not plan.listener.tls_passthrough
    assert plan.proxy.passthrough and not plan.proxy.tls
    assert list(backend_tls_mismatch.check(terminated)) == []
    to_tls = _plans(tmp_path, "haproxy", "u.cfg", TCP.format(bind=" ssl crt /c.pem", port=8443))
    assert {f.symptom for f in backend_tls_mismatch.check(to_tls)} == {"reset"}
    passed = _plans(tmp_path, "haproxy", "p.cfg", TCP.format(bind="", port=8443))
    plan = _gateway(passed)
    assert plan.listener.tcp and plan.listener.tls_passthrough and plan.proxy.tls
    assert list(backend_tls_mismatch.check(passed)) == []
    # the browser's TLS passed through to the plain port: its handshake fails
    wrong = _plans(tmp_path, "haproxy", "w.cfg", TCP.format(bind="", port=8080))
    assert {f.symptom for f in backend_tls_mismatch.check(wrong)} == {"tls-error"}


STREAM = (
    "load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {{}}\nstream {{\n"
    "  upstream fas_tls {{\n    server 10.20.0.11:{port};\n  }}\n"
    "  server {{\n    listen {listen};\n{extra}    proxy_pass {target};\n  }}\n}}\n"
)
CERTS = "    ssl_certificate /c.pem;\n    ssl_certificate_key /k.pem;\n"


def _stream(tmp_path: Path, listen: str, port: int = 8443, extra: str = "", target: str = "fas_tls"):
    text = STREAM.format(listen=listen, port=port, extra=extra, target=target)
    return _plans(tmp_path, "nginx", "nginx.conf", text)


def test_nginx_stream_server_is_a_relay_whose_tls_is_passed_through_or_terminated(tmp_path: Path) -> None:
    passed = _stream(tmp_path, "443", extra="    ssl_preread on;\n")
    plan = _gateway(passed)
    assert plan.listener.tcp and plan.listener.tls_passthrough and plan.listener.tls
    assert plan.proxy.passthrough and plan.proxy.tls and plan.proxy.backend.pool.value == 0
    assert plan.proxy.timeouts.idle.value == 600.0  # proxy_timeout's default
    assert list(backend_tls_mismatch.check(passed)) == []
    assert {f.symptom for f in backend_tls_mismatch.check(_stream(tmp_path, "443", port=8080))} == {"tls-error"}
    terminated = _stream(tmp_path, "443 ssl", port=8080, extra=CERTS)
    plan = _gateway(terminated)
    assert plan.listener.tls and not plan.listener.tls_passthrough and not plan.proxy.tls
    assert list(backend_tls_mismatch.check(terminated)) == []
    assert {f.symptom for f in backend_tls_mismatch.check(_stream(tmp_path, "443 ssl", extra=CERTS))} == {"reset"}
    # proxy_ssl on makes TLS of its own toward 8443
    assert list(backend_tls_mismatch.check(_stream(tmp_path, "443 ssl", extra=CERTS + "    proxy_ssl on;\n"))) == []


def test_nginx_stream_plain_port_to_tls_port_and_missing_certificate(tmp_path: Path) -> None:
    plain = _stream(tmp_path, "80")
    assert not _gateway(plain).listener.tls
    assert {f.symptom for f in backend_tls_mismatch.check(plain)} == {"reset"}
    rejected = _stream(tmp_path, "443 ssl", port=8080)
    assert any("ssl_certificate" in p.message for p in rejected.model.problems)
    # a target chosen per connection is not known: nothing to judge
    relay = _stream(tmp_path, "443", target="$fas_pool").model.sites[0].routes.routes[0].action
    assert relay is not None and relay.passthrough and relay.backend is None


def test_nginx_stream_upstreams_are_their_own_namespace(tmp_path: Path) -> None:
    text = (
        "events {}\nhttp {\n  upstream fas_tls {\n    server 10.20.0.12:8080;\n    keepalive 8;\n  }\n}\n"
        "stream {\n  upstream fas_tls {\n    server 10.20.0.11:8443;\n  }\n"
        "  server {\n    listen 443;\n    proxy_pass fas_tls;\n  }\n}\n"
    )
    plan = _gateway(_plans(tmp_path, "nginx", "nginx.conf", text))
    assert [s.port for s in plan.proxy.backend.servers] == [8443] and plan.proxy.backend.pool.value == 0


def test_tcp_front_chained_to_an_http_backend_is_no_byte_relay(tmp_path: Path) -> None:
    text = TCP.format(bind=" ssl crt /c.pem", port=8080).replace("backend be\n", "backend be\n  mode http\n")
    plan = _gateway(_plans(tmp_path, "haproxy", "h.cfg", text))
    assert not plan.listener.tcp and not plan.proxy.passthrough

"""Which Apache listeners really open: a virtual host on a port no ``Listen`` in force opens
is never served (httpd starts; the browser's connection is refused, reference/observed.md),
and only a whole configuration can say so."""

from __future__ import annotations

from pathlib import Path

from _util import write

from linter.core.fas import DEFAULT_WS_PATHS
from linter.core.options import Options
from linter.engine.runner import run
from _util import load as _load

MODS = "/usr/lib/apache2/modules"
LOADS = "".join(f"LoadModule {m}_module {MODS}/mod_{m}.so\n" for m in ("proxy", "proxy_http"))
SSL = f"LoadModule ssl_module {MODS}/mod_ssl.so\n"
VHOST = """\
<VirtualHost {addr}>
    SSLEngine on
    SSLCertificateFile /etc/ssl/certs/gw.pem
    SSLCertificateKeyFile /etc/ssl/private/gw.key
    Timeout 3600
    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On
    ProxyPass /assistserver/ http://fas:8080/assistserver/ upgrade=websocket disablereuse=On
</VirtualHost>
"""


def listeners(path: Path):
    model = _load("apache", path, Options())
    return [lst for s in model.sites for lst in s.listeners]


def findings(path: Path) -> list[tuple[str, int, str | None, str]]:
    """WSP204 findings; each must name every websocket URL (the browser is refused on all)."""
    report = run([str(path)], Options(dialect="apache"))
    found = [(f.rule, f.loc.line, f.symptom, f.severity, f.ws_paths) for f in report.findings if f.rule == "WSP204"]
    assert all(x[4] == DEFAULT_WS_PATHS for x in found), found
    return sorted(x[:4] for x in found)


def test_listen_in_ifmodule_read_before_its_loadmodule_never_opens(tmp_path):
    p = write(tmp_path, "httpd.conf", LOADS + "Listen 80\n<IfModule ssl_module>\n    Listen 443\n</IfModule>\n"
              + SSL + VHOST.format(addr="*:443"))
    [lst] = listeners(p)
    assert not lst.opened
    assert lst.opener is not None and lst.opener.line == 5
    assert "<IfModule ssl_module>" in lst.not_opened and "httpd.conf line 4" in lst.not_opened
    assert findings(p) == [("WSP204", 8, "refused", "error")]


def test_loadmodule_first_opens_the_listener(tmp_path):
    p = write(tmp_path, "httpd.conf", LOADS + SSL + "Listen 80\n<IfModule ssl_module>\n    Listen 443\n</IfModule>\n"
              + VHOST.format(addr="*:443"))
    assert [lst.opened for lst in listeners(p)] == [True]
    assert findings(p) == []


def test_no_listen_for_the_port_at_all(tmp_path):
    p = write(tmp_path, "httpd.conf", LOADS + SSL + "Listen 80\nListen 443\n" + VHOST.format(addr="*:8443"))
    [lst] = listeners(p)
    assert not lst.opened and lst.opener is None and "no `Listen`" in lst.not_opened
    assert findings(p) == [("WSP204", 6, "refused", "error")]


def test_listen_addresses_must_meet(tmp_path):
    p = write(tmp_path, "httpd.conf", LOADS + SSL + "Listen 10.0.0.1:443\n"
              + VHOST.format(addr="10.0.0.2:443") + VHOST.format(addr="10.0.0.1:443")
              + VHOST.format(addr="gw.example.com:443") + VHOST.format(addr="*:443"))
    # a host name resolves to an address that cannot be known here: given the benefit of the doubt
    assert [lst.opened for lst in listeners(p)] == [False, True, True, True]


def test_a_fragment_never_says_a_listener_is_closed(tmp_path):
    p = write(tmp_path, "sites-enabled/fas.conf", VHOST.format(addr="*:443"))
    assert [lst.opened for lst in listeners(p)] == [True]
    assert findings(p) == []


def test_an_unread_include_makes_it_a_warning(tmp_path):
    p = write(tmp_path, "httpd.conf", LOADS + SSL + "Listen 80\nInclude conf/missing.conf\n"
              + VHOST.format(addr="*:443"))
    assert [(r, s, sev) for r, _, s, sev in findings(p)] == [("WSP204", "refused", "warning")]

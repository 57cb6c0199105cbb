"""A fragment (one site file) does not say which modules the server loads (issue 4): a
directive of a module not loaded in what was read is never an error there, and an
``<IfModule>`` is unknown: its content is read as if the module were loaded (the author
wrote it for a server that runs), with a warning (WSP004) when websocket lines are at stake."""

from __future__ import annotations

from pathlib import Path

from _util import write

from linter.core.options import Options
from linter.engine.runner import run
from _util import load as _load
from parsers.apache.read import read

MODS = "/usr/lib/apache2/modules"
WS = """\
    ProxyPass /gateway/ http://fas:8080/gateway/ upgrade=websocket disablereuse=On timeout=3600
    ProxyPass /assistserver/ http://fas:8080/assistserver/ upgrade=websocket disablereuse=On timeout=3600
"""


def findings(path: Path) -> list[tuple[str, int, str]]:
    report = run([str(path)], Options(dialect="apache"))
    assert not report.internal_errors
    return sorted((f.rule, f.loc.line, f.severity) for f in report.findings)


def test_directive_of_a_module_not_loaded_is_no_error_in_a_fragment(tmp_path):
    body = "<VirtualHost *:80>\n    RequestHeader set X-Forwarded-Proto http\n" + WS + "</VirtualHost>\n"
    frag = write(tmp_path, "sites-enabled/fas.conf", body)
    assert findings(frag) == []
    # the same lines in a main configuration that never loads mod_headers: httpd refuses it
    main = write(tmp_path, "httpd.conf", f"LoadModule proxy_module {MODS}/mod_proxy.so\n"
                 f"LoadModule proxy_http_module {MODS}/mod_proxy_http.so\nListen 80\n" + body)
    assert ("WSP003", 5, "error") in findings(main)


def test_ifmodule_in_a_fragment_is_read_with_a_warning_when_websocket_lines_depend_on_it(tmp_path):
    frag = write(tmp_path, "sites-enabled/fas.conf", "<VirtualHost *:80>\n"
                 "    <IfModule proxy_wstunnel_module>\n"
                 "        ProxyPass /gateway/websocketcall ws://fas:8080/gateway/websocketcall timeout=3600\n"
                 "    </IfModule>\n"
                 "    <IfModule !headers_module>\n"
                 "        RequestHeader unset Upgrade\n"
                 "    </IfModule>\n"
                 "    <IfModule mod_ssl.c>\n"
                 "        SSLProxyEngine on\n"
                 "    </IfModule>\n"
                 "    <IfModule version_module>\n"
                 "        ProxyTimeout 3600\n"
                 "    </IfModule>\n"
                 + WS + "</VirtualHost>\n")
    tree = read(str(frag), "2.4.62")
    reader = tree.facts
    inside = [n.name for n in tree.walk()]
    assert "requestheader" not in inside and inside.count("proxypass") == 3 and "sslproxyengine" in inside
    assert [(loc.line, read_it) for loc, _, read_it in reader.assumed] == [(2, True), (5, False)]
    # the ws:// line in the section answers the Gateway URL, as read
    model = _load("apache", frag, Options())
    assert [r.label for r in model.sites[0].routes.routes][0] == "ProxyPass /gateway/websocketcall"
    # a warning at each unknown section with websocket lines in it, never an error;
    # mod_ssl's section holds none, version_module is compiled in (known)
    assert findings(frag) == [("WSP004", 2, "warning"), ("WSP004", 5, "warning")]


def test_ifmodule_in_a_whole_config_is_known(tmp_path):
    main = write(tmp_path, "httpd.conf", f"LoadModule proxy_module {MODS}/mod_proxy.so\n"
                 f"LoadModule proxy_http_module {MODS}/mod_proxy_http.so\nListen 80\n<VirtualHost *:80>\n"
                 "    <IfModule proxy_http_module>\n" + WS + "    </IfModule>\n</VirtualHost>\n")
    assert [f for f in findings(main) if f[0] == "WSP004"] == []
    assert read(str(main), "2.4.62").facts.assumed == []


def test_no_warning_where_no_site_fronts_fas(tmp_path):
    frag = write(tmp_path, "sites-enabled/blog.conf", "<VirtualHost *:80>\n    <IfModule mod_rewrite.c>\n"
                 "        RewriteEngine on\n        RewriteRule ^/old$ /new [R=301]\n    </IfModule>\n</VirtualHost>\n")
    assert findings(frag) == []

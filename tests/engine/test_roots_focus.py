"""The ``roots`` focus of ``lint()``: a file handed over keeps the findings of the blocks it
is part of (the snippet included into the location whose websocket it breaks, the site
file on the include chain of a snippet's line), not those of blocks it has no part in; a
root handed over reports its whole configuration."""

from __future__ import annotations

from pathlib import Path

from _util import write

from linter.core.options import Options
from linter.engine import lint

NGINX = """\
events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    include sites/*.conf;
}
"""
GATEWAY = """\
server {
    listen 80;
    location /gateway/ {
        include snippets/websocket.conf;
        proxy_pass http://127.0.0.1:8080;
    }
    location /assistserver/ {
        include snippets/topic.conf;
        proxy_pass http://127.0.0.1:8080;
    }
    location /static/ {
        include snippets/static.conf;
        proxy_pass http://127.0.0.1:8080;
    }
}
"""
WEBSOCKET = """\
proxy_http_version 1.1;
proxy_set_header Connection $connection_upgrade;
proxy_read_timeout 1h;
"""
TOPIC = """\
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_read_timeout 20s;
"""


def _tree(tmp_path: Path) -> Path:
    write(tmp_path, "nginx/nginx.conf", NGINX)
    write(tmp_path, "nginx/sites/gw.conf", GATEWAY)
    write(tmp_path, "nginx/snippets/websocket.conf", WEBSOCKET)  # no Upgrade
    write(tmp_path, "nginx/snippets/topic.conf", TOPIC)  # a 20 s idle limit at line 4
    write(tmp_path, "nginx/snippets/static.conf", "expires 1h;\n")
    return tmp_path / "nginx"


def _found(paths: list[Path], root: Path) -> set[tuple[str, str, int]]:
    report = lint([str(p) for p in paths], Options(), roots=[str(root / "nginx.conf")])
    return {(f.rule, str(Path(f.loc.file).relative_to(root)), f.loc.line) for f in report.findings}


def test_a_snippet_keeps_the_findings_of_the_location_that_includes_it(tmp_path):
    nginx = _tree(tmp_path)
    # the missing header has no line in the snippet: the finding is at the location's proxy_pass
    assert _found([nginx / "snippets/websocket.conf"], nginx) == {("WSP101", "sites/gw.conf", 5)}
    assert _found([nginx / "snippets/topic.conf"], nginx) == {("WSP401", "snippets/topic.conf", 4)}


def test_a_file_no_websocket_reads_is_not_blamed(tmp_path):
    nginx = _tree(tmp_path)
    assert _found([nginx / "snippets/static.conf"], nginx) == set()


def test_a_site_file_keeps_what_its_includes_break(tmp_path):
    nginx = _tree(tmp_path)
    # the 20 s limit stands in a snippet; the site file handed over is on its include chain
    assert _found([nginx / "sites/gw.conf"], nginx) == {
        ("WSP101", "sites/gw.conf", 5),
        ("WSP401", "snippets/topic.conf", 4),
    }


def test_a_root_handed_over_reports_its_whole_configuration(tmp_path):
    nginx = _tree(tmp_path)
    whole = {("WSP101", "sites/gw.conf", 5), ("WSP401", "snippets/topic.conf", 4)}
    assert _found([nginx / "nginx.conf"], nginx) == whole
    assert _found([nginx / "nginx.conf", nginx / "snippets/static.conf"], nginx) == whole
    plain = lint([str(nginx)], Options(), roots=[str(nginx / "nginx.conf")])
    assert {(f.rule, f.loc.line) for f in plain.findings} == {("WSP101", 5), ("WSP401", 4)}


APACHE = """\
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
Listen 80
Timeout 3600
<VirtualHost *:80>
    ServerName gw.example.com
    Include fas/websocket.conf
    ProxyPass / http://127.0.0.1:8080/
</VirtualHost>
"""


def test_apache_a_snippet_that_loses_its_proxypass_keeps_the_catch_all_finding(tmp_path):
    write(tmp_path, "apache2/apache2.conf", APACHE)
    ws = "ProxyPass /gateway/websocketcall ws://127.0.0.1:8080/gateway/websocketcall\n"
    topic = "ProxyPass /assistserver/topic ws://127.0.0.1:8080/assistserver/topic\n"
    snippet = write(tmp_path, "apache2/fas/websocket.conf", ws + topic)
    root = [str(tmp_path / "apache2/apache2.conf")]
    assert lint([str(snippet)], Options(), roots=root).findings == []
    write(tmp_path, "apache2/fas/websocket.conf", topic)
    found = {(f.rule, Path(f.loc.file).name, f.loc.line) for f in lint([str(snippet)], Options(), roots=root).findings}
    # the websocket URL now falls to the vhost's catch-all ProxyPass, which does not upgrade
    assert ("WSP101", "apache2.conf", 8) in found

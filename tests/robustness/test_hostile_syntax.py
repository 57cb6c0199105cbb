"""Every kind of nginx syntax error is a finding at a line, and nginx refuses each file.

Each case is checked against ``nginx -t`` (the file must fail there too). Where nginx
names a line past the one to change, the finding points at the line to change: a
missing ";" at the directive that lacks it, an unterminated quote where it opens, an
unclosed block at the file's last line (nginx: one past it).
"""

from __future__ import annotations

import pytest
from _hostile import MAIN, NGINX, hits, messages, nginx_t, wsp

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")

# name: (config, (rule, line, message), the line nginx -t names)
CASES = {
    "missing-semicolon": (MAIN.replace("proxy_http_version 1.1;", "proxy_http_version 1.1", 1),
                          ("WSP001", 7, 'invalid number of arguments in "proxy_http_version" directive'), 8),
    "unterminated-quote": (MAIN.replace('Connection "upgrade";', 'Connection "upgrade;', 1),
                           ("WSP001", 9, 'invalid number of arguments in "proxy_set_header" directive'), 16),
    "brace-instead-of-semicolon": (MAIN.replace("listen 80;", "listen 80 {", 1),
                                   ("WSP001", 4, 'directive "listen" is not terminated by ";"'), 4),
    "extra-close": (MAIN + "}\n", ("WSP001", 21, 'unexpected "}"'), 21),
    "unclosed-block": (MAIN.rsplit("}", 1)[0], ("WSP001", 19, 'unexpected end of file, expecting "}"'), 20),
    "not-allowed-here": (MAIN.replace("listen 80;", "listen 80;\n        worker_processes 2;", 1),
                         ("WSP001", 5, '"worker_processes" directive is not allowed here'), 5),
    "argument-count": (MAIN.replace("proxy_http_version 1.1;", "proxy_http_version;", 1),
                       ("WSP001", 7, 'invalid number of arguments in "proxy_http_version" directive'), 7),
    "location-without-uri": (MAIN.replace("location /assistserver/topic {", "location {", 1),
                             ("WSP001", 12, 'invalid number of arguments in "location" directive'), 12),
    "block-without-name": (MAIN.replace("listen 80;", "listen 80;\n        { }", 1),
                           ("WSP001", 5, 'unexpected "{"'), 5),
    "semicolon-alone": (MAIN.replace("listen 80;", "listen 80;\n        ;", 1), ("WSP001", 5, 'unexpected ";"'), 5),
    "semicolon-after-block": (MAIN.replace("        location /assistserver/topic {",
                                           "        location /x { return 200; };\n"
                                           "        location /assistserver/topic {", 1),
                              ("WSP001", 12, 'unexpected ";"'), 12),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_syntax_error_kinds(tmp_path, name):
    text, (rule, line, message), nginx_line = CASES[name]
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    ok, err, at = nginx_t(conf)
    assert (ok, at) == (False, nginx_line), err
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    found = hits(r)
    # the first finding is nginx's error; an error that unbalances the braces may bring a
    # second one (the end of file reached inside a block)
    assert found[0] == (rule, "nginx.conf", line, "error")
    assert messages(r, rule)[0] == message
    assert len(found) == (2 if name == "brace-instead-of-semicolon" else 1), found

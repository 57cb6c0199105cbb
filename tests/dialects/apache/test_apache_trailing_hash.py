"""A comment after an Apache directive: httpd reads the ``#`` and what follows as arguments.
Every refusal ``parsers/apache/trailing.py`` claims, and a sample of the lines it does not
claim, run through the real ``apache2 -t``: httpd must refuse exactly the lines the reader
reports as config-rejected, with the words the finding quotes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _util import write

from linter.core.options import Options
from linter.engine import lint
from parsers.apache.trailing import refusal, trailing_hash

APACHE2 = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
MODULES = "/usr/lib/apache2/modules"

SUPPRESSION = "# wsproxylint: disable=WSP101 -- reason"
# (directive line without the comment, whether httpd refuses it with the comment after it)
LINES = [
    ('ProxyPass "/gateway/" "ws://127.0.0.1:8080/gateway/"', True),
    ("ProxyPass /gateway/ http://127.0.0.1:8080/gateway/ upgrade=websocket", True),
    ("ProxyPassMatch ^/gateway/(.*)$ ws://127.0.0.1:8080/gateway/$1", True),
    ("ProxyPassReverse /gateway/ http://127.0.0.1:8080/gateway/", True),
    ("RequestHeader unset Upgrade", True),
    ("RequestHeader set X-Forwarded-Proto https", True),
    ("Header always unset Sec-WebSocket-Accept", True),
    ("Timeout 3600", True),
    ("ProxyTimeout 3600", True),
    ("KeepAliveTimeout 5", True),
    ("ServerName gw.example.com", True),
    ("SSLProxyVerify none", True),
    ("Redirect 301 /old/ https://gw.example.com/new/", True),
    ("RedirectMatch 301 ^/old/ https://gw.example.com/new/", True),
    # taken: flags read one word, lists take any number, mod_rewrite ignores the rest
    ("ProxyPreserveHost On", False),
    ("SSLProxyEngine on", False),
    ("ServerAlias www.example.com", False),
    ("RewriteEngine On", False),
    ("RewriteRule ^/old/ /new/ [L]", False),
]
MAIN = """\
LoadModule mpm_event_module {m}/mod_mpm_event.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule proxy_module {m}/mod_proxy.so
LoadModule proxy_http_module {m}/mod_proxy_http.so
LoadModule headers_module {m}/mod_headers.so
LoadModule rewrite_module {m}/mod_rewrite.so
LoadModule alias_module {m}/mod_alias.so
LoadModule ssl_module {m}/mod_ssl.so
ServerName localhost
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
Listen 127.0.0.1:18080
<VirtualHost *:18080>
    {line}
</VirtualHost>
"""


def _refused(line: str) -> str | None:
    name, *args = line.split()
    args = [a.strip('"') for a in args] + SUPPRESSION.split()
    return refusal(name, args, trailing_hash(args))


@pytest.mark.parametrize(
    ("line", "refused"), LINES, ids=[line.split()[0] + str(i) for i, (line, _) in enumerate(LINES)]
)
def test_the_reader_claims_what_httpd_refuses(line, refused):
    assert (_refused(line) is not None) == refused


@pytest.mark.skipif(not (APACHE2 and os.path.isdir(MODULES)), reason="apache2 is needed for its config test")
@pytest.mark.parametrize(
    ("line", "refused"), LINES, ids=[line.split()[0] + str(i) for i, (line, _) in enumerate(LINES)]
)
def test_httpd_agrees(tmp_path, line, refused):
    conf = write(tmp_path, "apache2.conf", MAIN.format(m=MODULES, d=tmp_path, line=f"{line} {SUPPRESSION}"))
    r = subprocess.run(
        [APACHE2, "-t", "-f", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/sbin:/usr/bin:/bin", "APACHE_RUN_DIR": str(tmp_path)},
    )
    assert (r.returncode != 0) == refused, r.stderr
    claimed = _refused(line)
    if refused:
        assert "Syntax error on line 14" in r.stderr, r.stderr
        if "does not take" not in (claimed or ""):  # mod_headers words it by the words given
            assert claimed in r.stderr, r.stderr
    # the same line with the comment on the line before: a comment, and httpd takes it
    conf.write_text(MAIN.format(m=MODULES, d=tmp_path, line=f"{SUPPRESSION}\n    {line}"))
    r = subprocess.run(
        [APACHE2, "-t", "-f", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/sbin:/usr/bin:/bin", "APACHE_RUN_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr


def test_lint_reports_the_refusal_or_the_misplaced_suppression(tmp_path):
    conf = write(
        tmp_path,
        "apache2.conf",
        MAIN.format(
            m=MODULES,
            d=tmp_path,
            line="\n    ".join(
                [
                    f"ProxyPass /gateway/ http://127.0.0.1:8080/gateway/ upgrade=websocket {SUPPRESSION}",
                    f"ProxyPreserveHost On {SUPPRESSION}",
                    'Header set X-Note "#not-a-comment"',
                ]
            ),
        ),
    )
    found = {(f.rule, f.loc.line): f for f in lint([str(conf)], Options()).findings}
    refused = found[("WSP003", 14)]
    assert refused.symptom == "config-rejected" and "line before" not in refused.message
    assert re.search(r"put the comment on a line of its own before", refused.fix)
    assert ("WSP900", 14) not in found  # the refusal says it
    assert "put it on the line before" in found[("WSP900", 15)].message
    assert not any(line == 16 for _, line in found)


def test_a_suppression_on_the_line_before_works(tmp_path):
    body = MAIN.format(m=MODULES, d=tmp_path, line="ProxyPass /gateway/ http://127.0.0.1:8080/gateway/")
    conf = write(tmp_path, "apache2.conf", body)
    assert any(f.rule == "WSP101" for f in lint([str(conf)], Options()).findings)
    Path(conf).write_text(body.replace("    ProxyPass", f"    {SUPPRESSION}\n    ProxyPass"))
    assert not any(f.rule in ("WSP101", "WSP900", "WSP003") for f in lint([str(conf)], Options()).findings)

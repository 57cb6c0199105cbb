"""The forms of a fix that the bad samples do not show, each written as operators write
it: HAProxy redirect conditions (none, ``if`` with ``||`` terms, ``unless``), a bind that
borrows another bind's certificate (the Apache RewriteCond form is bad-rewrite-trailing-slash).
Each fixed config must lint clean of the rule and pass the real proxy's config test."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.fixtures import cannot_run

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = """\
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind 127.0.0.1:18443 ssl crt {pem} alpn http/1.1
    {rule}
    default_backend be
backend be
    option http-server-close
    server s1 127.0.0.1:8080
"""
ACL = "{ path_beg /gateway/websocketcall /assistserver/topic }"


def _haproxy_accepts(cfg: Path) -> None:
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(exe).exists():
        cannot_run("haproxy is not installed")
    proc = subprocess.run([exe, "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture
def pem(tmp_path: Path) -> Path:
    key, crt = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
         "-days", "1", "-subj", "/CN=gw.example.com"],
        check=True, capture_output=True, timeout=60,
    )
    out = tmp_path / "gw.pem"
    out.write_text(crt.read_text() + key.read_text())
    return out


@pytest.mark.parametrize(
    ("rule", "fixed"),
    [
        ("http-request redirect scheme https code 301",
         f"http-request redirect scheme https code 301 unless {ACL}"),
        ("http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[^/]$ } || { hdr(host) -m beg old. }",
         f"http-request redirect location %[path]/ code 301 if {{ path_reg ^/[^.]*[^/]$ }} !{ACL} "
         f"|| {{ hdr(host) -m beg old. }} !{ACL}"),
        ("http-request redirect prefix /x code 302 unless { path_beg /static }",
         f"http-request redirect prefix /x code 302 unless {{ path_beg /static }} || {ACL}"),
    ],
    ids=["no-condition", "if-or", "unless"],
)
def test_haproxy_redirect_exempts_the_websocket_urls(cli, tmp_path, pem, rule, fixed):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(HAPROXY.format(pem=pem, rule=rule + "  # the site's rule"))
    assert "WSP302" in cli("check", cfg).out
    r = cli("check", cfg, "--fix")
    assert "fixed 1 finding" in r.err, r.err
    assert f"    {fixed}  # the site's rule\n" in cfg.read_text()
    assert "WSP302" not in cli("check", cfg).out
    _haproxy_accepts(cfg)


def test_haproxy_bind_borrows_a_certificate_only_as_an_unsafe_fix(cli, tmp_path, pem):
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(
        HAPROXY.format(pem=pem, rule="bind 127.0.0.1:19443").replace(
            "bind 127.0.0.1:18443 ssl crt", "bind 127.0.0.1:18444 ssl crt"
        ).replace("bind 127.0.0.1:19443", "bind 127.0.0.1:443")
    )
    r = cli("check", cfg, "--fix")
    assert "fixed 0 findings" in r.err, r.err
    r = cli("check", cfg, "--fix", "--unsafe-fixes")
    assert f"    bind 127.0.0.1:443 ssl crt {pem}\n" in cfg.read_text()
    assert "WSP203" not in cli("check", cfg).out
    _haproxy_accepts(cfg)


@pytest.mark.parametrize(
    "sample",
    ["apache/bad-https-redirect-front-unsaid.conf", "haproxy/bad-https-redirect-front-unsaid.cfg",
     "nginx/bad-https-redirect-front-unsaid.conf"],
)
def test_a_plain_listener_that_only_redirects_to_https_gets_no_exemption(cli, sample):
    """Exempting the websocket URLs from that redirect would leave them with no route at all
    (the listener proxies nothing): the WSP302 warning carries no edit, safe or not."""
    path = ROOT / "samples" / sample
    findings = json.loads(cli("check", path, "--format", "json").out)["findings"]
    assert [f for f in findings if f["rule"] == "WSP302"], findings
    assert not [f for f in findings if f["rule"] == "WSP302" and "fix_edits" in f]
    r = cli("check", path, "--diff", "--unsafe-fixes", "--select", "WSP302")
    assert r.code == 0 and r.out == "", r.out

"""Inputs users have besides files: stdin (``-``) and ``nginx -T`` dumps, whose sections are
files with their own paths and line numbers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _util import write

from parsers.nginx.dump import is_dump, split

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

MAIN = """\
events {}
http {
    include conf.d/*.conf;
}
"""
# WSP101 at line 5 (proxy_pass without Upgrade)
SITE = """\
# the gateway site
server {
    listen 127.0.0.1:18080;
    location /gateway/ {
        proxy_pass http://127.0.0.1:8080;
    }
}
"""


def test_split_keeps_paths_order_and_line_numbers():
    dump = ("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
            "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include conf.d/*.conf;\n}\n\n"
            "# configuration file /etc/nginx/conf.d/a.conf:\n" + SITE + "\n"
            "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")
    assert is_dump(dump)
    files = split(dump)
    assert list(files) == ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/a.conf"]
    assert files["/etc/nginx/conf.d/a.conf"].splitlines()[4] == "        proxy_pass http://127.0.0.1:8080;"
    assert not is_dump(MAIN)


def _real_dump(tmp_path: Path) -> str:
    if not os.path.exists(NGINX):
        pytest.skip("nginx not installed")
    write(tmp_path, "srv/nginx.conf", MAIN)
    write(tmp_path, "srv/conf.d/gw.conf", SITE)
    (tmp_path / "srv" / "logs").mkdir()
    srv = tmp_path / "srv"
    r = subprocess.run([NGINX, "-T", "-p", str(srv), "-c", str(srv / "nginx.conf"), "-e", "/dev/stderr"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_real_nginx_dump_on_stdin_points_at_original_paths_and_lines(cli, tmp_path):
    dump = _real_dump(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = cli("check", "--format", "json", "-", cwd=elsewhere, stdin=dump)
    doc = json.loads(r.out)
    gw = str(tmp_path / "srv" / "conf.d" / "gw.conf")
    assert sorted(f["path"] for f in doc["files"]) == sorted([str(tmp_path / "srv" / "nginx.conf"), gw])
    assert ("WSP101", gw, 5) in {(f["rule"], f["path"], f["line"]) for f in doc["findings"]}
    assert r.code == 1


def test_dump_file_is_read_from_the_dump_not_the_disk(cli, tmp_path):
    dump = _real_dump(tmp_path)
    # the disk now differs from what nginx dumped: the dump wins
    write(tmp_path, "srv/conf.d/gw.conf", "# changed\n" * 20)
    write(tmp_path, "nginx-T.txt", dump)
    r = cli("check", "--format", "text", "nginx-T.txt", cwd=tmp_path)
    assert "srv/conf.d/gw.conf:5: error WSP101" in r.out
    assert "      5 | proxy_pass http://127.0.0.1:8080;" in r.out  # the source line from the dump


def test_dump_includes_do_not_reach_the_disk(cli, tmp_path):
    dump = "# configuration file /nonexistent/nginx.conf:\nevents {}\nhttp {\n    include /etc/*.conf;\n}\n"
    r = cli("check", "--format", "json", "-", cwd=tmp_path, stdin=dump)
    doc = json.loads(r.out)
    assert [f["path"] for f in doc["files"]] == ["/nonexistent/nginx.conf"]


def test_stdin_with_name_and_dialect_detection(cli, tmp_path):
    text = MAIN.replace("include conf.d/*.conf;", SITE.replace("\n", "\n    "))
    r = cli("check", "--format", "json", "-", cwd=tmp_path, stdin=text)
    doc = json.loads(r.out)
    assert doc["files"] == [{"path": "-", "dialect": "nginx"}]
    assert {f["path"] for f in doc["findings"]} == {"-"}
    named = json.loads(cli("check", "--format", "json", "--stdin-filename", "conf/gw.conf", "-", cwd=tmp_path,
                           stdin=text).out)
    assert named["files"] == [{"path": "conf/gw.conf", "dialect": "nginx"}]
    assert {f["path"] for f in named["findings"]} == {"conf/gw.conf"}


def test_stdin_relative_includes_read_from_disk(cli, tmp_path):
    write(tmp_path, "conf.d/gw.conf", SITE)
    r = cli("check", "--format", "text", "-", cwd=tmp_path, stdin=MAIN)
    assert "conf.d/gw.conf:5: error WSP101" in r.out
    assert "      5 | proxy_pass http://127.0.0.1:8080;" in r.out


def test_stdin_unknown_dialect_and_twice_are_usage_errors(cli, tmp_path):
    r = cli("check", "-", cwd=tmp_path, stdin="hello\n")
    assert r.code == 2 and "--dialect" in r.err
    r = cli("check", "-", "-", cwd=tmp_path, stdin=MAIN)
    assert r.code == 2 and "once" in r.err

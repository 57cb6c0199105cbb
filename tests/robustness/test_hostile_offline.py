"""Read-only and offline: ``check`` over a tree changes nothing in it and opens no socket.

The CLI runs in a subprocess under tests/_audit_driver.py, whose audit hook
(``sys.addaudithook``) logs every socket event, every process start, every open for
writing and every remove/rename/chmod/utime under the tree, whatever library would do
it. The tests demand an empty log, and compare the tree before and after: the same
entries, the same bytes, the same mtimes and modes. The last test proves the guard can
fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from _hostile import DRIVER, MAIN, ROOT, doc, wsp

SAMPLES = ROOT / "samples"


def snapshot(tree: Path) -> dict[str, tuple]:
    """Every entry under ``tree`` (symlinks not followed): kind, mode, mtime, content hash."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if p.is_symlink():
                out[str(p.relative_to(tree))] = ("link", os.readlink(p), st.st_mtime_ns)
            elif p.is_file():
                out[str(p.relative_to(tree))] = ("file", st.st_mode, st.st_mtime_ns,
                                                  hashlib.sha256(p.read_bytes()).hexdigest())
            else:
                out[str(p.relative_to(tree))] = ("other", st.st_mode, st.st_mtime_ns)
    return out


def hostile_tree(tmp_path: Path) -> Path:
    """The project's samples plus the awkward: a cycle, a symlink loop, a FIFO, a
    directory named like a config, an unreadable-looking binary, a BOM, a broken file."""
    tree = tmp_path / "tree"
    shutil.copytree(SAMPLES, tree / "samples", symlinks=True)
    (tree / "nginx.conf").write_text(MAIN.replace("http {", "http {\n    include conf.d/*.conf;\n"
                                                  "    include loop.conf;\n    include fifo.conf;"))
    (tree / "conf.d").mkdir()
    (tree / "conf.d" / "cycle.conf").write_text("include nginx.conf;\n")
    (tree / "conf.d" / "dir.conf").mkdir()
    (tree / "conf.d" / "bom.conf").write_bytes(b"\xef\xbb\xbfserver { listen 81; }\n")
    (tree / "conf.d" / "broken.conf").write_text("server {\n    listen 82\n")
    os.symlink("loop2.conf", tree / "loop.conf")
    os.symlink("loop.conf", tree / "loop2.conf")
    os.mkfifo(tree / "fifo.conf")
    (tree / "blob.bin").write_bytes(bytes(range(256)) * 64)
    # the same for Apache and HAProxy
    ap = tree / "apache"
    (ap / "conf.d").mkdir(parents=True)
    (ap / "httpd.conf").write_text("Include conf.d/*.conf\nInclude fifo.conf\nInclude conf.d\n"
                                   "<VirtualHost *:80>\n    ServerName a\n</Location>\n")
    (ap / "conf.d" / "cycle.conf").write_text("Include httpd.conf\n")
    (ap / "conf.d" / "bom.conf").write_bytes(b"\xef\xbb\xbfServerName b\n")
    os.mkfifo(ap / "fifo.conf")
    hp = tree / "haproxy"
    (hp / "conf.d" / "dir.cfg").mkdir(parents=True)
    (hp / "haproxy.cfg").write_text("global\n    maxconn 10\ndefaults\n    mode http\nfrontend f\n    bind :80\n"
                                    "    default_backend b\nbackend b\n    server s 10.0.0.1:8080\n.endif\n")
    os.mkfifo(hp / "conf.d" / "fifo.cfg")
    (hp / "conf.d" / "bom.cfg").write_bytes(b"\xef\xbb\xbfbackend c\n")
    # mtimes in the past, so a rewrite with the same bytes would still show
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.utime(p, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return tree


def test_check_writes_nothing_and_opens_no_socket(tmp_path):
    tree = hostile_tree(tmp_path)
    before = snapshot(tree)
    log = tmp_path / "audit.log"
    for fmt in ("json", "text"):
        r = wsp("check", "--format", fmt, ".", cwd=tree, timeout=120,
                driver=("--log", str(log), "--tree", str(tree)))
        assert r.returncode == 1  # the samples' broken configs fail the run
        assert "internal error" not in r.stderr
    assert log.read_text() == ""
    assert snapshot(tree) == before
    assert len(doc(wsp("check", "--format", "json", ".", cwd=tree, timeout=120))["files"]) > 40


def test_check_of_one_file_with_includes_writes_nothing(tmp_path):
    tree = hostile_tree(tmp_path)
    before = snapshot(tree)
    log = tmp_path / "audit.log"
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tree, timeout=60,
            driver=("--log", str(log), "--tree", str(tree)))
    assert r.returncode == 1
    assert {f["rule"] for f in doc(r)["findings"]} == {"WSP001", "WSP002"}
    assert log.read_text() == ""
    assert snapshot(tree) == before


def test_check_of_apache_and_haproxy_entry_points_writes_nothing(tmp_path):
    tree = hostile_tree(tmp_path)
    before = snapshot(tree)
    log = tmp_path / "audit.log"
    for entry, rules in (("apache/httpd.conf", {"WSP001", "WSP002"}), ("haproxy/haproxy.cfg", {"WSP001"})):
        r = wsp("check", "--format", "json", entry, cwd=tree, timeout=60,
                driver=("--log", str(log), "--tree", str(tree)))
        assert r.returncode == 1, r.stderr
        assert rules <= {f["rule"] for f in doc(r)["findings"]}
    assert log.read_text() == ""
    assert snapshot(tree) == before


def test_the_guard_sees_sockets_writes_and_changes(tmp_path):
    """The audit driver must be able to fail: a socket, a write, a chmod and a process
    start in the same process are all logged, and a snapshot sees a touched file."""
    tree = tmp_path / "tree"
    tree.mkdir()
    target = tree / "x.conf"
    target.write_text("a")
    log = tmp_path / "audit.log"
    code = ("import socket, os, subprocess\n"
            "socket.socket().close()\n"
            f"open({str(target)!r}, 'a').close()\n"
            f"os.close(os.open({str(target)!r}, os.O_WRONLY))\n"
            f"os.chmod({str(target)!r}, 0o600)\n"
            "subprocess.run(['true'])\n")
    script = tmp_path / "bad.py"
    script.write_text(code)
    runner = tmp_path / "run_bad.py"
    runner.write_text(
        "import runpy, sys\n"
        f"sys.argv = [{str(DRIVER)!r}, '--log', {str(log)!r}, '--tree', {str(tree)!r}, '--', 'x']\n"
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('drv', {str(DRIVER)!r})\n"
        "drv = importlib.util.module_from_spec(spec); spec.loader.exec_module(drv)\n"
        "drv.runpy.run_module = lambda *a, **k: runpy.run_path(" + repr(str(script)) + ")\n"
        "drv.main(sys.argv[1:])\n")
    before = snapshot(tree)
    out = subprocess.run([sys.executable, str(runner)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    events = [line.split("\t")[0] for line in log.read_text().splitlines()]
    assert "socket.__new__" in events
    assert events.count("open-for-write") == 2
    assert "os.chmod" in events
    assert "subprocess.Popen" in events
    assert snapshot(tree) != before

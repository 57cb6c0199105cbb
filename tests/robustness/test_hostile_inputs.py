"""Hostile and broken input through the CLI: a clear outcome, never a traceback, never a hang.

Each case pins the exact outcome: exit status, the finding or message with its file and
line, and (through ``_hostile.wsp``) that no traceback reached stdout or stderr. Where the
verdict rests on what nginx itself does with such a file, ``nginx -t`` is run on it too.
Cases that are the runner's (discovery, unreadable and vanishing files, internal errors)
hold for every dialect; the file contents here are nginx because nginx is the dialect
that is read today.
"""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from _hostile import MAIN, NGINX, doc, hits, messages, nginx_t, stderr_lines, wsp

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")

SERVER_BAD = "server {\n    listen 80;\n    server_name a\n}\n"  # the ";" after "a" is missing


def main_including(tmp_path: Path, include: str) -> Path:
    p = tmp_path / "nginx.conf"
    p.write_text(f"events {{}}\nhttp {{\n    include {include};\n}}\n")
    return p


# ----------------------------------------------------------------------------- encodings and bytes

def test_empty_file_with_dialect_is_clean(tmp_path):
    (tmp_path / "site.conf").write_bytes(b"")
    r = wsp("check", "--format", "json", "--dialect", "nginx", "site.conf", cwd=tmp_path)
    assert r.returncode == 0
    assert doc(r)["files"] == [{"path": "site.conf", "dialect": "nginx"}]
    assert hits(r) == []


def test_empty_file_without_dialect_is_a_usage_error(tmp_path):
    (tmp_path / "site.conf").write_bytes(b"")
    r = wsp("check", "site.conf", cwd=tmp_path)
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: site.conf: cannot tell which proxy this config is for; pass --dialect"]


def test_binary_file_forced_nginx_is_a_syntax_finding(tmp_path):
    data = random.Random(8).randbytes(64 * 1024)
    (tmp_path / "blob.conf").write_bytes(data)
    r = wsp("check", "--format", "json", "--dialect", "nginx", "blob.conf", cwd=tmp_path)
    assert r.returncode == 1
    found = hits(r)
    assert [(rule, path) for rule, path, _, _ in found] == [("WSP001", "blob.conf")]
    assert 1 <= found[0][2] <= data.count(b"\n") + 1


def test_binary_file_in_a_directory_is_not_taken_for_a_config(tmp_path):
    (tmp_path / "blob.bin").write_bytes(random.Random(9).randbytes(64 * 1024))
    (tmp_path / "nginx.conf").write_text(MAIN)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path)
    assert r.returncode == 0
    assert doc(r)["files"] == [{"path": "nginx.conf", "dialect": "nginx"}]


@needs_nginx
def test_nul_byte_in_an_argument_is_read_as_nginx_reads_it(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_bytes(MAIN.encode().replace(b"listen 80;", b"listen 80;\n        server_name a\x00b;"))
    assert nginx_t(conf)[0], "nginx accepts a NUL inside an argument"
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert (r.returncode, hits(r)) == (0, [])


def test_nul_byte_in_an_include_path_is_an_include_finding(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_bytes(MAIN.encode().replace(b"events {}", b"events {}\ninclude a\x00b.conf;"))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 2, "error")]
    assert messages(r, "WSP002") == ["included path 'a\\x00b.conf' holds a NUL byte"]


@pytest.mark.parametrize("junk", [b"# caf\xe9 \xff\xfe\xc3\x28", b"# \xe9t\xe9 (Latin-1)", b"# \xed\xa0\x80 surrogate"])
def test_invalid_utf8_and_latin1_read_like_the_clean_file(tmp_path, junk):
    (tmp_path / "nginx.conf").write_bytes(MAIN.encode().replace(b"events {}", b"events {} " + junk))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert (r.returncode, hits(r)) == (0, [])


def test_latin1_argument_does_not_break_the_read(tmp_path):
    text = MAIN.replace("listen 80;", "listen 80;\n        server_name caf\xe9.example;")
    (tmp_path / "nginx.conf").write_bytes(text.encode("latin-1"))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert (r.returncode, hits(r)) == (0, [])


def test_utf16_file_is_a_syntax_finding(tmp_path):
    (tmp_path / "nginx.conf").write_bytes(MAIN.encode("utf-16"))
    r = wsp("check", "--format", "json", "--dialect", "nginx", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert [rule for rule, *_ in hits(r)] == ["WSP001"]


@needs_nginx
def test_bom_is_a_syntax_finding_at_line_1_as_in_nginx(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_bytes(b"\xef\xbb\xbf" + MAIN.encode())
    ok, err, line = nginx_t(conf)
    assert not ok and "unknown directive" in err and line == 1
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP001", "nginx.conf", 1, "error")]
    assert "byte-order mark" in messages(r, "WSP001")[0]


@needs_nginx
def test_crlf_line_ends_keep_lines_as_nginx_counts_them(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_bytes((MAIN + "}\n").replace("\n", "\r\n").encode())  # one "}" too many, on line 21
    ok, err, line = nginx_t(conf)
    assert (ok, line) == (False, 21) and 'unexpected "}"' in err
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP001", "nginx.conf", 21, "error")]
    lf = tmp_path / "lf"
    lf.mkdir()
    (lf / "nginx.conf").write_text(MAIN.replace("listen 80;", "listen 80"))
    conf.write_bytes(MAIN.replace("listen 80;", "listen 80").replace("\n", "\r\n").encode())
    assert hits(wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)) == \
        hits(wsp("check", "--format", "json", "nginx.conf", cwd=lf))


@needs_nginx
def test_lone_cr_line_ends_are_one_line_as_in_nginx(tmp_path):
    """nginx ends a line (and a comment) only at LF: a lone-CR file is one line."""
    conf = tmp_path / "nginx.conf"
    conf.write_bytes((MAIN + "}\n").replace("\n", "\r").encode())
    ok, err, line = nginx_t(conf)
    assert (ok, line) == (False, 1) and 'unexpected "}"' in err
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP001", "nginx.conf", 1, "error")]


@needs_nginx
def test_lone_cr_does_not_end_a_comment(tmp_path):
    """"# note<CR>proxy_set_header ..." is all comment to nginx: the header is not set."""
    conf = tmp_path / "nginx.conf"
    text = MAIN.replace('            proxy_set_header Connection "upgrade";\n            proxy_read_timeout 3600s;\n'
                        "        }\n        location /assistserver/topic",
                        '            # note\rproxy_set_header Connection "upgrade";\n'
                        "            proxy_read_timeout 3600s;\n        }\n        location /assistserver/topic")
    conf.write_bytes(text.encode())
    assert nginx_t(conf)[0]
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert {rule for rule, *_ in hits(r)} == {"WSP102"}  # Connection: upgrade is not sent


# ----------------------------------------------------------------------------- size and shape

def test_a_10_mb_line_is_read(tmp_path):
    name = "a" * (10 * 1024 * 1024)
    (tmp_path / "nginx.conf").write_text(MAIN.replace("listen 80;", f"listen 80;\n        server_name {name};"))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=180)
    assert (r.returncode, hits(r)) == (0, [])


def test_a_50_mb_file_is_over_the_bound_and_says_so(tmp_path):
    big = tmp_path / "big.conf"
    with open(big, "wb") as f:
        f.write(b"server {\n    listen 80;\n}\n")
        f.truncate(50 * 1024 * 1024)
    (tmp_path / "nginx.conf").write_text(MAIN)
    r = wsp("check", "--format", "json", "--dialect", "nginx", "nginx.conf", "big.conf", cwd=tmp_path)
    assert r.returncode == 2
    assert stderr_lines(r) == ['wsproxylint: big.conf:1: "big.conf" is 50 MB, over wsproxylint\'s bound of '
                               '16 MB per file: not read']
    assert hits(r) == []  # nginx.conf's verdict stands


def test_an_included_file_over_the_bound_is_reported_at_the_include(tmp_path):
    with open(tmp_path / "big.conf", "wb") as f:
        f.truncate(17 * 1024 * 1024)
    main_including(tmp_path, "big.conf")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 2
    assert stderr_lines(r) == [f'wsproxylint: nginx.conf:3: "{tmp_path / "big.conf"}" is 17 MB, over '
                               "wsproxylint's bound of 16 MB per file: not read"]


def _nested(depth: int) -> str:
    return ("events {}\nhttp {\nserver {\nlisten 80;\n" + "location /gateway/ {\n" * depth
            + "proxy_pass http://127.0.0.1:8080;\n" + "}\n" * depth + "}\n}\n")


def test_10000_deep_nesting_hits_the_bound_at_its_line(tmp_path):
    (tmp_path / "nginx.conf").write_text(_nested(10000))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    # http and server are levels 1 and 2; the location opened on line 453 is level 451
    assert stderr_lines(r) == ["wsproxylint: nginx.conf:453: blocks nested deeper than 450 levels "
                               "(wsproxylint's bound): this block was not read"]
    assert "internal error" not in r.stderr
    # what was read still gets its verdict (the unread block's location stays, empty)
    assert {(rule, line) for rule, _, line, _ in hits(r)} == {("WSP301", 3), ("WSP301", 453)}


def test_nesting_at_the_bound_is_read_whole(tmp_path):
    (tmp_path / "nginx.conf").write_text(_nested(448))  # 450 levels with http and server
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=120)
    assert r.returncode == 1
    assert r.stderr == ""
    assert sorted({rule for rule, *_ in hits(r)}) == ["WSP101", "WSP102", "WSP103", "WSP301", "WSP401"]


def test_unbalanced_braces_are_syntax_findings_at_their_line(tmp_path):
    (tmp_path / "a.conf").write_text("server {\n    listen 80;\n    location / {\n")
    (tmp_path / "b.conf").write_text("server {\n    listen 80;\n}\n}\n")
    (tmp_path / "c.conf").write_text("server {\n    listen 80\n")
    r = wsp("check", "--format", "json", "--dialect", "nginx", "a.conf", "b.conf", "c.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP001", "a.conf", 3, "error"), ("WSP001", "b.conf", 4, "error"),
                       ("WSP001", "c.conf", 2, "error")]


def test_a_directory_of_20000_files(tmp_path):
    d = tmp_path / "sites"
    d.mkdir()
    for i in range(20000):
        (d / f"s{i:05d}.conf").write_text(f"server {{\n    listen 80;\n    server_name s{i}.example;\n}}\n")
    # none of them fronts FAS: WSP005 says so once (tests/cli/test_checked_and_fronts.py)
    r = wsp("check", "--format", "json", "--ignore", "WSP005", "sites", cwd=tmp_path, timeout=600)
    assert r.returncode == 0
    out = doc(r)
    assert len(out["files"]) == 20000 and out["findings"] == []


def test_a_glob_matching_3000_files_is_followed(tmp_path):
    d = tmp_path / "conf.d"
    d.mkdir()
    for i in range(3000):
        (d / f"m{i:04d}.conf").write_text(f"map $host $v{i} {{ default {i}; }}\n")
    (tmp_path / "nginx.conf").write_text(MAIN.replace("http {", "http {\n    include conf.d/*.conf;"))
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=300)
    assert r.returncode == 0
    out = doc(r)
    assert len(out["files"]) == 3001 and out["findings"] == []


# ----------------------------------------------------------------------------- what an include points at

@needs_nginx
def test_include_of_a_directory_is_an_error_as_in_nginx(tmp_path):
    (tmp_path / "conf.d").mkdir()
    conf = main_including(tmp_path, "conf.d")
    ok, err, _ = nginx_t(conf)
    assert not ok and "Is a directory" in err
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{tmp_path / "conf.d"}": is a directory, '
                                     "not a regular file"]


@needs_nginx
def test_glob_matching_a_directory_is_an_error_as_in_nginx(tmp_path):
    (tmp_path / "sub.conf").mkdir()
    (tmp_path / "site.conf").write_text("server {\n    listen 80;\n}\n")
    conf = main_including(tmp_path, "s*.conf")
    ok, err, _ = nginx_t(conf)
    assert not ok and "Is a directory" in err
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]


def test_include_of_a_fifo_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "fifo.conf")
    main_including(tmp_path, "fifo.conf")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=30)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{tmp_path / "fifo.conf"}": is a FIFO (named '
                                     "pipe), not a regular file"]


def test_glob_matching_a_fifo_never_blocks(tmp_path):
    (tmp_path / "conf.d").mkdir()
    os.mkfifo(tmp_path / "conf.d" / "b.conf")
    (tmp_path / "conf.d" / "a.conf").write_text("server {\n    listen 80;\n}\n")
    main_including(tmp_path, "conf.d/*.conf")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=30)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert doc(r)["files"] == [{"path": "nginx.conf", "dialect": "nginx"},
                               {"path": "conf.d/a.conf", "dialect": "nginx"}]


def test_fifo_in_a_directory_walk_is_skipped_and_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "fifo.conf")
    (tmp_path / "nginx.conf").write_text(MAIN)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, timeout=30)
    assert r.returncode == 0
    assert doc(r)["files"] == [{"path": "nginx.conf", "dialect": "nginx"}]


def test_fifo_on_the_command_line_is_a_usage_error(tmp_path):
    os.mkfifo(tmp_path / "fifo.conf")
    r = wsp("check", "--dialect", "nginx", "fifo.conf", cwd=tmp_path, timeout=30)
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: fifo.conf: not a regular file or directory"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_include_of_a_device_is_not_read_and_not_certain(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is missing")
    main_including(tmp_path, device)
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=30)
    assert r.returncode == 0  # nginx reads /dev/null happily: an info, not a failure
    assert hits(r) == [("WSP002", "nginx.conf", 3, "info")]
    assert messages(r, "WSP002") == [f'cannot read included file "{device}": is a character device, not a '
                                     "regular file (cannot be certain from what was read)"]


def test_read_bytes_rechecks_what_it_opened(tmp_path, monkeypatch):
    """A path swapped for a FIFO between the type check and the open is opened
    non-blocking and refused on its fstat: the read never blocks."""
    fifo = tmp_path / "swapped.conf"
    os.mkfifo(fifo)
    code = (
        "import os, stat, sys\n"
        "sys.modules.pop('linter.core.bounds', None)\n"
        "import importlib; r = importlib.import_module('linter.core.bounds')\n"
        "real = os.stat\n"
        "class Fake:\n"
        "    st_mode = stat.S_IFREG | 0o644\n"
        "r.os = type('os', (), dict(vars(os)))\n"
        "r.os.stat = lambda p: Fake\n"
        "try:\n"
        f"    r.read_bytes({str(fifo)!r})\n"
        "except OSError as e:\n"
        "    print('refused:', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "refused: is a FIFO (named pipe), not a regular file", out.stderr


def test_include_outside_the_tree_is_followed(tmp_path):
    tree, outside = tmp_path / "tree", tmp_path / "elsewhere"
    tree.mkdir()
    outside.mkdir()
    (outside / "bad.conf").write_text(SERVER_BAD)
    (tree / "nginx.conf").write_text(f"events {{}}\nhttp {{\n    include ../elsewhere/bad.conf;\n"
                                     f"    include {outside / 'bad.conf'};\n}}\n")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tree)
    assert r.returncode == 1
    found = hits(r)
    assert {(rule, Path(path).name, line) for rule, path, line, _ in found} == {("WSP001", "bad.conf", 3)}


def test_self_include_through_the_cli(tmp_path):
    main_including(tmp_path, "nginx.conf")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert "cycle" in messages(r, "WSP002")[0]


# ----------------------------------------------------------------------------- symlinks

def test_symlink_loop_included_is_an_include_finding(tmp_path):
    os.symlink("b.conf", tmp_path / "a.conf")
    os.symlink("a.conf", tmp_path / "b.conf")
    main_including(tmp_path, "a.conf")
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{tmp_path / "a.conf"}": too many levels of '
                                     "symbolic links"]


def test_symlink_loops_in_a_directory_walk_are_skipped(tmp_path):
    os.symlink("b.conf", tmp_path / "a.conf")
    os.symlink("a.conf", tmp_path / "b.conf")
    os.symlink(".", tmp_path / "loopdir")
    (tmp_path / "nginx.conf").write_text(MAIN)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, timeout=30)
    assert r.returncode == 0
    assert doc(r)["files"] == [{"path": "nginx.conf", "dialect": "nginx"}]


def test_symlink_loop_on_the_command_line_is_a_usage_error(tmp_path):
    os.symlink("b.conf", tmp_path / "a.conf")
    os.symlink("a.conf", tmp_path / "b.conf")
    r = wsp("check", "a.conf", cwd=tmp_path)
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: a.conf: cannot read: Too many levels of symbolic links"]


# ----------------------------------------------------------------------------- files that go away mid-run

def _two_sites(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text(SERVER_BAD)
    (tmp_path / "b.conf").write_text(SERVER_BAD)


def test_file_denied_after_the_walk_is_reported_and_the_rest_stands(tmp_path):
    _two_sites(tmp_path)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, driver=("--deny", str(tmp_path / "b.conf")))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: ./b.conf: cannot read: Permission denied"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error")]


def test_file_vanishing_before_discovery_reads_it(tmp_path):
    _two_sites(tmp_path)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, driver=("--vanish", f"{tmp_path / 'b.conf'}:1"))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: ./b.conf: cannot read: No such file or directory"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error")]


def test_file_vanishing_between_discovery_and_reading(tmp_path):
    _two_sites(tmp_path)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, driver=("--vanish", f"{tmp_path / 'b.conf'}:2"))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: ./b.conf:1: cannot read ./b.conf: no such file or directory"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error")]


def test_included_file_vanishing_mid_run_is_reported_at_the_include(tmp_path):
    (tmp_path / "site.conf").write_text("server {\n    listen 80;\n}\n")
    main_including(tmp_path, "site.conf")
    site = tmp_path / "site.conf"
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, driver=("--vanish", f"{site}:1"))
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{site}": no such file or directory']


def test_included_file_losing_read_permission(tmp_path):
    (tmp_path / "site.conf").write_text("server {\n    listen 80;\n}\n")
    main_including(tmp_path, "site.conf")
    site = tmp_path / "site.conf"
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, driver=("--deny", str(site)))
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{site}": permission denied']


def test_explicit_file_denied_is_a_usage_error(tmp_path):
    (tmp_path / "nginx.conf").write_text(MAIN)
    r = wsp("check", "nginx.conf", cwd=tmp_path, driver=("--deny", str(tmp_path / "nginx.conf")))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: nginx.conf: cannot read: Permission denied"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode; the --deny cases cover it")
def test_unreadable_mode_for_real(tmp_path):
    _two_sites(tmp_path)
    (tmp_path / "b.conf").chmod(0)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path)
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: ./b.conf: cannot read: Permission denied"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error")]


# ----------------------------------------------------------------------------- internal errors

def test_a_failing_check_loses_no_other_finding(tmp_path):
    (tmp_path / "nginx.conf").write_text(MAIN.replace('            proxy_set_header Connection "upgrade";\n', "", 1))
    whole = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert whole.returncode == 1
    assert sorted({rule for rule, *_ in hits(whole)}) == ["WSP102"]
    broken = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, driver=("--break-check", "WSP401"))
    assert broken.returncode == 2
    assert stderr_lines(broken) == ["wsproxylint: internal error in WSP401 on nginx.conf: RuntimeError: "
                                    "injected failure in WSP401"]
    assert json.loads(broken.stdout) == json.loads(whole.stdout)
    gone = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, driver=("--break-check", "WSP102"))
    assert gone.returncode == 2
    assert "internal error in WSP102 on nginx.conf" in gone.stderr
    assert hits(gone) == [h for h in hits(whole) if h[0] != "WSP102"]


def test_a_reader_crash_on_one_file_loses_no_other_file(tmp_path):
    _two_sites(tmp_path)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, driver=("--break-load", "b.conf"))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: internal error in ./b.conf: RuntimeError: injected reader failure "
                               "on b.conf"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error")]


def test_text_format_also_keeps_the_report_on_an_internal_error(tmp_path):
    _two_sites(tmp_path)
    r = wsp("check", ".", cwd=tmp_path, driver=("--break-load", "b.conf"))
    assert r.returncode == 2
    assert r.stdout.startswith('a.conf:3: error WSP001 [syntax-error] directive "server_name" is not terminated')
    assert stat.S_ISREG(os.stat(tmp_path / "b.conf").st_mode)


def test_include_of_a_unix_socket_is_an_error(tmp_path):
    import socket

    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "s.conf"))
        main_including(tmp_path, "s.conf")
        r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path, timeout=30)
    finally:
        sock.close()
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "nginx.conf", 3, "error")]
    assert messages(r, "WSP002") == [f'cannot read included file "{tmp_path / "s.conf"}": is a socket, not a '
                                     "regular file"]


def test_unreadable_subdirectory_in_a_walk_is_reported_and_the_rest_stands(tmp_path):
    _two_sites(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.conf").write_text(SERVER_BAD)
    r = wsp("check", "--format", "json", ".", cwd=tmp_path, driver=("--deny", str(tmp_path / "sub")))
    assert r.returncode == 2
    assert stderr_lines(r) == ["wsproxylint: ./sub: cannot read: Permission denied"]
    assert hits(r) == [("WSP001", "a.conf", 3, "error"), ("WSP001", "b.conf", 3, "error")]


# ----------------------------------------------------------------------------- fuzzer findings, kept

TRY_FILES_CYCLE = """events {}
http {
    server {
        listen 127.0.0.1:PORT;
        location / {
            try_files $uri $uri/ @app;
        }
        location @app {
            try_files $uri @app;
        }
        location /assistserver/topic {
            proxy_pass http://127.0.0.1:8080;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 3600s;
        }
    }
}
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _live_status(conf: Path, port: int, path: str) -> int:
    """Start nginx on loopback with ``conf``, send a websocket upgrade to ``path``, stop it."""
    import http.client
    import signal
    import time

    pid_file = conf.parent / "nginx.pid"
    (conf.parent / "logs").mkdir(exist_ok=True)
    subprocess.run([NGINX, "-p", str(conf.parent), "-c", str(conf), "-g",
                    f"pid {pid_file}; error_log {conf.parent / 'logs' / 'error.log'};"],
                   check=True, timeout=30, capture_output=True)
    try:
        for _ in range(50):
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.1)
        for _ in range(50):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", path, headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                                "Sec-WebSocket-Version": "13",
                                                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
                status = c.getresponse().status
                c.close()
                return status
            except ConnectionRefusedError:
                time.sleep(0.1)
        raise AssertionError("nginx did not answer")
    finally:
        os.kill(int(pid_file.read_text()), signal.SIGTERM)


@needs_nginx
def test_try_files_cycle_through_a_named_location_is_nginxs_500(tmp_path):
    """Found by scripts/fuzz.py: a named location whose try_files falls back to itself sent
    the interpreter into unbounded recursion (an internal error). nginx gives up after ten
    internal redirects and answers 500; so does the model."""
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(TRY_FILES_CYCLE.replace("PORT", str(port)))
    assert _live_status(conf, port, "/gateway/websocketcall") == 500
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert "internal error" not in r.stderr
    assert [(f["rule"], f["line"], f["symptom"]) for f in doc(r)["findings"]] == [("WSP301", 9, "status:500")]
    assert messages(r, "WSP301") == ["/gateway/websocketcall lands in location /, which answers 500 itself instead "
                                     "of proxying to FAS (internal redirection cycle through @app)"]

"""Hostile and broken input for Apache httpd and HAProxy, where the dialect matters.

The runner's cases (discovery, vanishing and unreadable files, internal errors) and the
byte bounds' arithmetic are tested once, with nginx, in test_hostile_inputs.py and
test_hostile_bounds.py; the three readers share linter/core/bounds.py. Here: each grammar's
syntax errors, unclosed and mismatched sections, include cycles and self-includes, globs,
includes (Apache) or configuration directories (HAProxy) holding directories, devices and
FIFOs, the byte and depth bounds reached through each reader, BOMs and line ends. Every
case pins exit status, rule, file and line, and (``_hostile.wsp``) that no traceback
reached the output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _hostile import doc, hits, messages, stderr_lines, wsp
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.core import bounds
from linter.core.options import Options
from linter.engine.runner import run

VHOST = "<VirtualHost *:80>\n    ServerName a.example\n</VirtualHost>\n"

HAPROXY = """global
    log /dev/log local0

defaults
    mode http
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend fe
    bind :80
    default_backend be

backend be
    server fas1 10.0.0.1:8080
"""


def apache(tmp_path: Path, text: str, *more: str, name: str = "httpd.conf"):
    (tmp_path / name).write_text(text)
    # these are about reading: a vhost for no FAS would otherwise get WSP005 (nothing judged)
    return wsp("check", "--format", "json", "--dialect", "apache", "--ignore", "WSP005", name, *more, cwd=tmp_path,
               timeout=60)


def haproxy(tmp_path: Path, data: bytes | str, name: str = "haproxy.cfg"):
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return wsp("check", "--format", "json", "--dialect", "haproxy", name, cwd=tmp_path, timeout=60)


def rules_at(r) -> list[tuple[str, str, int]]:
    return [(rule, path, line) for rule, path, line, _ in hits(r)]


# ============================================================================ Apache

@pytest.mark.parametrize("text, expected", [
    ("<VirtualHost *:80>\n<Location /a>\n</VirtualHost>\n</Location>\n",
     [("WSP001", 3, "Expected </Location> but saw </VirtualHost> (<Location> opened at line 2)"),
      ("WSP001", 4, "</Location> without matching <Location> section")]),
    ("ServerName a\n</Location>\n", [("WSP001", 2, "</Location> without matching <Location> section")]),
    ("<VirtualHost *:80\nServerName a\n</VirtualHost>\n",
     [("WSP001", 1, "<VirtualHost> directive missing closing '>'")]),
    ("<VirtualHost *:80>\n<Location /x>\nServerName a\n",
     [("WSP001", 1, "<VirtualHost> was not closed (opened at line 1, end of file at line 3)"),
      ("WSP001", 2, "<Location> was not closed (opened at line 2, end of file at line 3)")]),
    ("Include\n", [("WSP001", 1, "Include takes one argument")]),
    ("<IfVersion ~~ 2.4>\n</IfVersion>\n", [("WSP001", 1, "<IfVersion> unknown operator '~~'")]),
], ids=["mismatched", "stray-closer", "missing-gt", "unclosed", "include-no-arg", "ifversion-operator"])
def test_apache_syntax_errors_at_their_line(tmp_path, text, expected):
    r = apache(tmp_path, text)
    assert r.returncode == 1
    got = [(f["rule"], f["line"], f["message"]) for f in doc(r)["findings"] if f["rule"] == "WSP001"]
    assert sorted(got) == sorted(expected)


def test_apache_binary_file_is_a_syntax_finding(tmp_path):
    (tmp_path / "httpd.conf").write_bytes(b"\x7fELF\x02\x01\x01\0\0\0" + bytes(range(256)) * 4)
    r = wsp("check", "--format", "json", "--dialect", "apache", "httpd.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert rules_at(r) == [("WSP001", "httpd.conf", 1)]
    assert "holds NUL bytes" in messages(r, "WSP001")[0]


def test_apache_include_cycle(tmp_path):
    (tmp_path / "a.conf").write_text("Include httpd.conf\n")
    r = apache(tmp_path, "Include a.conf\n" + VHOST)
    assert r.returncode == 1
    assert rules_at(r) == [("WSP002", "a.conf", 1)]
    assert messages(r, "WSP002") == [f'include cycle: "{tmp_path / "httpd.conf"}" includes itself through '
                                     f"{tmp_path / 'a.conf'}:1"]


def test_apache_self_include(tmp_path):
    r = apache(tmp_path, "Include httpd.conf\n" + VHOST)
    assert r.returncode == 1
    assert rules_at(r) == [("WSP002", "httpd.conf", 1)]
    assert "include cycle" in messages(r, "WSP002")[0]


def test_apache_self_include_through_a_glob(tmp_path):
    """httpd's conf.d/*.conf matching the file that holds the Include."""
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "a.conf").write_text("Include conf.d/*.conf\n" + VHOST)
    r = apache(tmp_path, "Include conf.d/*.conf\n")
    assert r.returncode == 1
    assert rules_at(r) == [("WSP002", "conf.d/a.conf", 1)]


def test_apache_glob_matching_3000_files(tmp_path):
    (tmp_path / "sites").mkdir()
    for i in range(3000):
        (tmp_path / "sites" / f"s{i:04d}.conf").write_text(f"# site {i}\n")
    r = apache(tmp_path, "Include sites/*.conf\n" + VHOST)
    assert (r.returncode, hits(r)) == (0, [])
    assert len(doc(r)["files"]) == 3001


def test_apache_include_of_a_directory_reads_its_files(tmp_path):
    """httpd reads every file of an included directory, in sorted order."""
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "b.conf").write_text("</Location>\n")
    (tmp_path / "conf.d" / "a.conf").write_text(VHOST)
    r = apache(tmp_path, "Include conf.d\n")
    assert r.returncode == 1
    assert [f["path"] for f in doc(r)["files"]] == ["httpd.conf", "conf.d/a.conf", "conf.d/b.conf"]
    assert rules_at(r) == [("WSP001", "conf.d/b.conf", 1)]


def test_apache_include_of_a_fifo_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "fifo.conf")
    r = apache(tmp_path, "Include fifo.conf\n" + VHOST)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "httpd.conf", 1, "error")]
    assert messages(r, "WSP002") == [f"cannot read {tmp_path / 'fifo.conf'}: is a FIFO (named pipe), not a "
                                     "regular file"]


def test_apache_glob_and_directory_holding_a_fifo_never_block(tmp_path):
    (tmp_path / "conf.d").mkdir()
    os.mkfifo(tmp_path / "conf.d" / "b.conf")
    (tmp_path / "conf.d" / "a.conf").write_text(VHOST)
    for include in ("conf.d/*.conf", "conf.d"):
        r = apache(tmp_path, f"Include {include}\n")
        assert r.returncode == 1
        assert hits(r) == [("WSP002", "httpd.conf", 1, "error")]
        assert [f["path"] for f in doc(r)["files"]] == ["httpd.conf", "conf.d/a.conf"]


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_apache_include_of_a_device_is_not_read_and_not_certain(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is missing")
    r = apache(tmp_path, f"Include {device}\n" + VHOST)
    assert r.returncode == 0
    assert hits(r) == [("WSP002", "httpd.conf", 1, "info")]
    assert messages(r, "WSP002") == [f"cannot read {device}: is a character device, not a regular file "
                                     "(cannot be certain from what was read)"]


def test_apache_include_of_a_symlink_loop(tmp_path):
    os.symlink("l2.conf", tmp_path / "l1.conf")
    os.symlink("l1.conf", tmp_path / "l2.conf")
    r = apache(tmp_path, "Include l1.conf\n" + VHOST)
    assert r.returncode == 1
    assert hits(r) == [("WSP002", "httpd.conf", 1, "error")]
    assert "too many levels of symbolic links" in messages(r, "WSP002")[0]


def test_apache_include_path_with_a_nul_byte(tmp_path):
    (tmp_path / "httpd.conf").write_bytes(b'Include "a\\0b"\n' .replace(b"\\0", b"\0") + VHOST.encode())
    r = wsp("check", "--format", "json", "--dialect", "apache", "httpd.conf", cwd=tmp_path)
    assert r.returncode == 1
    assert rules_at(r) == [("WSP001", "httpd.conf", 1)]  # a NUL makes it a binary file, as httpd reads C strings


def test_apache_bom_is_skipped_as_httpd_does(tmp_path):
    """apache2 -t accepts a config starting with a UTF-8 BOM (checked by hand on httpd 2.4.x:
    it reports only the missing MPM, not an invalid command)."""
    (tmp_path / "httpd.conf").write_bytes(b"\xef\xbb\xbf" + VHOST.encode())
    r = wsp("check", "--format", "json", "--dialect", "apache", "--ignore", "WSP005", "httpd.conf", cwd=tmp_path)
    assert (r.returncode, hits(r)) == (0, [])


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_apache_crlf_and_lone_cr(tmp_path, eol):
    text = "<VirtualHost *:80>\n    ServerName a\n</Location>\n".replace("\n", eol)
    r = apache(tmp_path, text)
    assert r.returncode == 1
    line = 3 if eol == "\r\n" else 1
    assert ("WSP001", "httpd.conf", line) in rules_at(r)


def test_apache_10000_deep_sections_hit_the_bound(tmp_path):
    depth = 10000
    text = "<Location /a>\n" * depth + "ServerName a\n" + "</Location>\n" * depth
    r = apache(tmp_path, text)
    assert r.returncode == 2
    assert stderr_lines(r) == [f"wsproxylint: httpd.conf:{bounds.MAX_BLOCK_DEPTH + 1}: sections nested deeper "
                               f"than {bounds.MAX_BLOCK_DEPTH} levels (wsproxylint's bound): the rest of the "
                               "file was not read"]


def test_apache_sections_at_the_bound_are_read(tmp_path):
    depth = bounds.MAX_BLOCK_DEPTH - 1  # and the VirtualHost inside
    r = apache(tmp_path, "<IfModule !nothing_module>\n" * depth + VHOST + "</IfModule>\n" * depth)
    assert (r.returncode, r.stderr) == (0, "")


def test_apache_include_depth_bound(tmp_path):
    n = bounds.MAX_INCLUDE_DEPTH + 3
    for i in range(1, n + 1):
        (tmp_path / f"f{i}.conf").write_text(f"Include f{i + 1}.conf\n" if i < n else VHOST)
    r = apache(tmp_path, "Include f1.conf\n")
    assert r.returncode == 2
    depth = bounds.MAX_INCLUDE_DEPTH
    assert stderr_lines(r) == [f"wsproxylint: {tmp_path / f'f{depth - 1}.conf'}:1: includes nested deeper than "
                               f"{depth} levels (wsproxylint's bound): \"{tmp_path / f'f{depth}.conf'}\" was not read"]


def test_apache_total_byte_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_TOTAL_BYTES", 1000)
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.conf").write_text("# " + "x" * 400 + "\n")
    (tmp_path / "httpd.conf").write_text("Include a.conf\nInclude b.conf\nInclude c.conf\nInclude d.conf\n")
    report = run([str(tmp_path / "httpd.conf")], Options(dialect="apache"))
    assert [Path(p).name for p, _ in report.files] == ["httpd.conf", "a.conf", "b.conf"]
    assert report.unreadable == [
        (f"{tmp_path / 'httpd.conf'}:{line}", f'"{tmp_path / name}" would take this configuration over '
                                              "wsproxylint's bound of 1000 bytes in all: not read")
        for line, name in ((3, "c.conf"), (4, "d.conf"))]
    assert not report.internal_errors


def test_apache_file_count_bound_is_said_once(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_FILES", 3)
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.conf").write_text("# x\n")
    (tmp_path / "httpd.conf").write_text("Include a.conf\nInclude b.conf\nInclude c.conf\nInclude d.conf\n")
    report = run([str(tmp_path / "httpd.conf")], Options(dialect="apache"))
    assert [Path(p).name for p, _ in report.files] == ["httpd.conf", "a.conf", "b.conf"]
    assert report.unreadable == [(f"{tmp_path / 'httpd.conf'}:3",
                                  f'more than 3 files in one configuration (wsproxylint\'s bound): '
                                  f'"{tmp_path / "c.conf"}" and the files after it were not read')]


def test_apache_50_mb_file(tmp_path):
    with open(tmp_path / "big.conf", "wb") as f:
        f.truncate(50 * 1024 * 1024)
    r = apache(tmp_path, "Include big.conf\n" + VHOST)
    assert r.returncode == 2
    assert stderr_lines(r) == [f'wsproxylint: httpd.conf:1: "{tmp_path / "big.conf"}" is 50 MB, over '
                               "wsproxylint's bound of 16 MB per file: not read"]


def test_apache_a_10_mb_line(tmp_path):
    r = apache(tmp_path, VHOST.replace("a.example", "a" * (10 * 1024 * 1024)))
    assert (r.returncode, hits(r)) == (0, [])


# ============================================================================ HAProxy

@pytest.mark.parametrize("text, line, message", [
    ("maxconn 10\n" + HAPROXY, 1, "unknown keyword 'maxconn' out of section"),
    (HAPROXY + ".if defined(HOME)\n", 17, "'.if' without a matching '.endif' before the end of the file"),
    (HAPROXY + ".endif\n", 17, "'.endif' without a matching '.if'"),
    (HAPROXY + ".else\n", 17, "'.else' without a matching '.if'"),
    (HAPROXY + ".bogus\n", 17, "unknown directive '.bogus'"),
    (HAPROXY + '    http-request set-header X "unterminated\n', 17, None),
], ids=["out-of-section", "unclosed-if", "stray-endif", "stray-else", "unknown-directive", "open-quote"])
def test_haproxy_syntax_errors_at_their_line(tmp_path, text, line, message):
    r = haproxy(tmp_path, text)
    assert r.returncode == 1
    syntax = [(f["line"], f["message"]) for f in doc(r)["findings"] if f["rule"] == "WSP001"]
    assert [ln for ln, _ in syntax] == [line]
    if message:
        assert syntax[0][1].startswith(message)


def test_haproxy_binary_file(tmp_path):
    r = haproxy(tmp_path, b"\x7fELF\x02\x01\x01\0" + bytes(range(256)))
    assert r.returncode == 1
    assert rules_at(r) == [("WSP001", "haproxy.cfg", 1)]


def test_haproxy_bom_is_said_once_at_line_1(tmp_path):
    """HAProxy 2.6: "unknown keyword '\\ufeffglobal' out of section" at line 1."""
    r = haproxy(tmp_path, b"\xef\xbb\xbf" + HAPROXY.encode())
    assert r.returncode == 1
    assert rules_at(r) == [("WSP001", "haproxy.cfg", 1)]
    assert "byte-order mark" in messages(r, "WSP001")[0]


@pytest.mark.skipif(shutil.which("haproxy") is None and not os.path.exists("/usr/sbin/haproxy"),
                    reason="haproxy is not installed")
def test_haproxy_refuses_a_bom_too(tmp_path):
    (tmp_path / "haproxy.cfg").write_bytes(b"\xef\xbb\xbf" + HAPROXY.encode())
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    out = subprocess.run([exe, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True,
                         errors="replace", timeout=30)
    assert out.returncode != 0
    assert "haproxy.cfg:1]: unknown keyword" in out.stdout + out.stderr


@pytest.mark.parametrize("eol, line", [("\r\n", 17), ("\n", 17)])
def test_haproxy_crlf_keeps_lines(tmp_path, eol, line):
    r = haproxy(tmp_path, (HAPROXY + ".bogus\n").replace("\n", eol))
    assert r.returncode == 1
    assert rules_at(r) == [("WSP001", "haproxy.cfg", line)]


def test_haproxy_conf_d_with_a_fifo_a_directory_and_a_symlink_loop(tmp_path):
    """haproxy.cfg and its conf.d/*.cfg: only regular files are read; nothing blocks."""
    conf = tmp_path / "conf.d"
    conf.mkdir()
    os.mkfifo(conf / "a-fifo.cfg")
    (conf / "b-dir.cfg").mkdir()
    os.symlink("c-loop.cfg", conf / "c-loop.cfg")
    (conf / "d.cfg").write_text("backend other\n    server s 10.0.0.2:8080\n")
    r = haproxy(tmp_path, HAPROXY)
    assert r.returncode in (0, 1)
    assert [f["path"] for f in doc(r)["files"]] == ["haproxy.cfg", "conf.d/d.cfg"]
    assert r.stderr == ""


def test_haproxy_directory_entry_with_a_fifo(tmp_path):
    """``haproxy -f DIR`` reads DIR's regular *.cfg files."""
    d = tmp_path / "cfg"
    d.mkdir()
    os.mkfifo(d / "00-fifo.cfg")
    (d / "10-main.cfg").write_text(HAPROXY)
    r = wsp("check", "--format", "json", "--dialect", "haproxy", "cfg", cwd=tmp_path, timeout=30)
    assert r.returncode in (0, 1)
    assert [f["path"] for f in doc(r)["files"]] == ["cfg/10-main.cfg"]


def test_haproxy_file_over_the_bound(tmp_path):
    with open(tmp_path / "big.cfg", "wb") as f:
        f.write(HAPROXY.encode())
        f.truncate(50 * 1024 * 1024)
    r = wsp("check", "--format", "json", "--dialect", "haproxy", "big.cfg", cwd=tmp_path, timeout=60)
    assert r.returncode == 2
    assert stderr_lines(r) == ['wsproxylint: big.cfg:1: "big.cfg" is 50 MB, over wsproxylint\'s bound of '
                               "16 MB per file: not read"]


def test_haproxy_file_and_total_bounds(tmp_path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_TOTAL_BYTES", len(HAPROXY) + 100)
    monkeypatch.setattr(bounds, "MAX_FILES", 3)
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "haproxy.cfg").write_text(HAPROXY)
    for i in range(4):
        (tmp_path / "conf.d" / f"{i}.cfg").write_text(f"backend b{i}\n    server s 10.0.0.{i}:8080\n" + "#" * 40 + "\n")
    report = run([str(tmp_path / "haproxy.cfg")], Options(dialect="haproxy"))
    assert [Path(p).name for p, _ in report.files] == ["haproxy.cfg", "0.cfg"]
    root = tmp_path / "haproxy.cfg"
    assert report.unreadable == [
        (f"{tmp_path / 'conf.d' / '1.cfg'}:1", f'"{tmp_path / "conf.d" / "1.cfg"}" would take this configuration '
                                               f"over wsproxylint's bound of {len(HAPROXY) + 100} bytes in all: "
                                               "not read"),
        (f"{root}:1", f'more than 3 files in one configuration (wsproxylint\'s bound): '
                      f'"{tmp_path / "conf.d" / "2.cfg"}" and the files after it were not read')]
    assert not report.internal_errors


def test_haproxy_a_10_mb_line(tmp_path):
    r = haproxy(tmp_path, HAPROXY.replace("log /dev/log local0", "log /dev/log local0 " + "a" * (10 * 1024 * 1024)))
    assert r.returncode in (0, 1)


def test_haproxy_deep_if_nesting(tmp_path):
    """HAProxy 2.6 accepts 40 nested .if blocks; 10,000 cost a list, not a recursion."""
    r = haproxy(tmp_path, ".if 1\n" * 10000 + HAPROXY + ".endif\n" * 10000)
    assert r.returncode in (0, 1)
    assert [f for f in doc(r)["findings"] if f["rule"] == "WSP001"] == []


# ============================================================================ stdin

def test_stdin_over_the_total_bound_is_refused(cli, monkeypatch, tmp_path):
    monkeypatch.setattr(bounds, "MAX_TOTAL_BYTES", 1000)
    r = cli("check", "--dialect", "nginx", "-", cwd=tmp_path, stdin=b"# " + b"x" * 2000 + b"\n")
    assert r.code == 2
    assert r.err.strip() == "wsproxylint: -: stdin is over wsproxylint's bound of 1000 bytes in all: not read"


# ============================================================================ regular expressions

@pytest.mark.parametrize("rule", [
    "http-request redirect location %[path]/ code 301 if { path_reg ^/[^.]*[]$ }",
    "http-request deny if { path_reg a{99999999999999999999} }",
    "http-request del-header -m reg [",
], ids=["unterminated-set", "huge-repeat", "del-header-reg"])
def test_haproxy_regex_python_cannot_compile(tmp_path, rule):
    """Found by the property suite: planning failed on the first (an internal error)."""
    r = haproxy(tmp_path, HAPROXY.replace("    default_backend be\n", f"    {rule}\n    default_backend be\n"))
    assert r.returncode in (0, 1)
    assert "internal error" not in r.stderr


@pytest.mark.parametrize("line", [
    'RewriteRule "a{99999999999999999999}" /x [R=301,L]',
    'RewriteCond %{REQUEST_URI} "[" \nRewriteRule ^ /x [R=301,L]',
])
def test_apache_regex_python_cannot_compile(tmp_path, line):
    r = apache(tmp_path, VHOST.replace("</VirtualHost>", f"    RewriteEngine On\n    {line}\n</VirtualHost>"))
    assert r.returncode in (0, 1)
    assert "internal error" not in r.stderr


# ============================================================================ expansion bombs

def test_apache_define_doubling_is_bounded(tmp_path):
    """``Define A ${A}${A}`` 40 times would be a terabyte: the line that crosses the per-file
    bound is kept unexpanded and reported once (exit 2); the run ends at once."""
    text = "Define A x\n" + "Define A ${A}${A}\n" * 40 + VHOST.replace("a.example", "${A}")
    r = apache(tmp_path, text)
    assert r.returncode == 2
    lines = stderr_lines(r)
    assert len(lines) == 1
    assert lines[0].startswith("wsproxylint: httpd.conf:")
    assert lines[0].endswith("${...} expands this line past wsproxylint's bound of 16 MB: not expanded")


def test_haproxy_setenv_doubling_is_bounded(tmp_path):
    text = HAPROXY.replace("    log /dev/log local0\n",
                           "    setenv A x\n" + '    setenv A "${A}${A}"\n' * 40)
    r = haproxy(tmp_path, text)
    assert r.returncode == 2
    lines = stderr_lines(r)
    assert lines and all(ln.endswith("environment variables expand this word past wsproxylint's bound of 16 MB: "
                                      "the line was not read") for ln in lines)
    first = int(lines[0].split(":")[2])
    assert 2 + 24 <= first <= 2 + 26  # x doubled 24 times is 16 MB


# ============================================================================ continuation lines

def _logical_lines_reference(text: str):
    """httpd's line joining, written the obvious (quadratic) way."""
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    i, n = 0, len(lines)
    while i < n:
        start, line = i + 1, lines[i].removesuffix("\r")
        while line.endswith("\\") and not line.endswith("\\\\") and i + 1 < n:
            i += 1
            line = line[:-1] + lines[i].removesuffix("\r")
        i += 1
        yield start, line


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\\", "\\\\", "\n", "\r\n", "\r", "#"]), max_size=30))
def test_apache_continuation_joining_is_httpds(pieces):
    from parsers.apache.read import logical_lines

    text = "".join(pieces)
    assert list(logical_lines(text)) == list(_logical_lines_reference(text))


def test_apache_800000_continued_lines_end(tmp_path):
    """Joined line by line, this took 90 s (quadratic); now a linear join."""
    r = apache(tmp_path, "<VirtualHost *:80>\nServerName a" + " b\\\n" * 800_000 + "\n</VirtualHost>\n")
    assert r.returncode in (0, 1)


@pytest.mark.parametrize("dialect, name, text", [
    ("nginx", "nginx.conf", "events {}\nhttp {\n    server {\n        listen 80;\n"
                            "        location ~ [[a] {\n            return 200;\n        }\n    }\n}\n"),
    ("haproxy", "haproxy.cfg", HAPROXY.replace("    default_backend be\n",
                                               "    http-request deny if { path_reg [[a] }\n    default_backend be\n")),
    ("apache", "httpd.conf", VHOST.replace("</VirtualHost>", "    RewriteEngine On\n    RewriteRule [[a] /x [R=301]\n"
                                                             "</VirtualHost>")),
])
def test_a_regex_pythons_re_warns_about_prints_no_warning(tmp_path, dialect, name, text):
    """Found by scripts/fuzz.py (nginx): "[[" made Python's re print a FutureWarning on
    stderr, as if wsproxylint had something to say about it."""
    (tmp_path / name).write_text(text)
    r = wsp("check", "--format", "json", "--dialect", dialect, name, cwd=tmp_path)
    assert r.returncode in (0, 1)
    assert "Warning" not in r.stderr, r.stderr

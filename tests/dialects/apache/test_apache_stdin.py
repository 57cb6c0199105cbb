"""Apache configs on stdin (issue 7): a fragment or a whole config from memory, its
includes read from disk relative to ServerRoot (else the working directory, or the
directory of --stdin-filename), as httpd would; the dialect detected by content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from _util import write

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "apache"


def _findings(r) -> list[tuple[str, str, int, str]]:
    doc = json.loads(r.out)
    return sorted((f["path"], f["rule"], f["line"], f["severity"]) for f in doc["findings"])


def test_fragment_on_stdin_gives_what_the_file_gives(cli, tmp_path):
    sample = SAMPLES / "bad-no-sslproxyengine.conf"
    text = sample.read_text()
    from_file = cli("check", "--format", "json", str(sample), cwd=tmp_path)
    for args in (("--dialect", "apache"), ()):  # named, and detected by content
        r = cli("check", "--format", "json", *args, "-", cwd=tmp_path, stdin=text)
        assert r.code == from_file.code == 1
        doc = json.loads(r.out)
        assert doc["files"] == [{"path": "-", "dialect": "apache"}]
        assert [(rule, line) for _, rule, line, _ in _findings(r)] == \
            [(rule, line) for _, rule, line, _ in _findings(from_file)] != []
    # the text reporter shows the offending line from the text read, not from a file
    line = next(no for no, t in enumerate(text.splitlines(), 1) if "ProxyPass /gateway/ https://" in t)
    r = cli("check", "-", cwd=tmp_path, stdin=text)
    assert f"-:{line}: error WSP202" in r.out and "ProxyPass /gateway/ https://fas1.example.com:8443" in r.out


def test_whole_config_on_stdin_reads_its_includes_from_disk(cli, tmp_path):
    tree = tmp_path / "etc-apache2"
    shutil.copytree(SAMPLES / "bad-ports-before-modules", tree)
    text = (tree / "apache2.conf").read_text()
    # run from the tree (relative includes against the working directory, as ServerRoot)
    r = cli("check", "--format", "json", "--stdin-filename", "apache2.conf", "-", cwd=tree, stdin=text)
    assert ("sites-enabled/fas-gateway.conf", "WSP204", 3, "error") in _findings(r)
    assert {f["path"] for f in json.loads(r.out)["files"]} >= {"apache2.conf", "ports.conf"}
    # from elsewhere, a ServerRoot in the text says where the includes are
    r = cli("check", "--format", "json", "-", cwd=tmp_path, stdin=f"ServerRoot {tree}\n" + text)
    assert any(rule == "WSP204" for _, rule, _, _ in _findings(r))


def test_missing_include_from_stdin_is_reported_at_its_line(cli, tmp_path):
    text = ("ServerRoot /nonexistent-wsproxylint\nLoadModule proxy_module modules/mod_proxy.so\n"
            "Include conf/fas.conf\n")
    write(tmp_path, "placeholder.txt", "")
    r = cli("check", "--format", "json", "--dialect", "apache", "-", cwd=tmp_path, stdin=text)
    assert ("-", "WSP002", 3, "error") in _findings(r)

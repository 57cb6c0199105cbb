"""wsproxylint's reading bounds: hitting one is a clear message at the file and line where
it was hit (exit status 2: not everything was read), what was read still counts, and the
README states the same numbers the code enforces."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from _hostile import MAIN, ROOT, doc, stderr_lines, wsp

from linter.core.options import Options
from linter.engine.runner import run

READ = importlib.import_module("linter.core.bounds")


def chain(tmp_path: Path, length: int) -> None:
    """nginx.conf includes f1.conf, which includes f2.conf, ... up to f<length>.conf."""
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n    include f1.conf;\n}\n")
    for i in range(1, length + 1):
        nxt = f"include f{i + 1}.conf;\n" if i < length else "server {\n    listen 80;\n}\n"
        (tmp_path / f"f{i}.conf").write_text(f"# level {i}\n{nxt}")


def test_include_depth_bound_through_the_cli(tmp_path):
    chain(tmp_path, READ.MAX_INCLUDE_DEPTH + 5)
    r = wsp("check", "--format", "json", "nginx.conf", cwd=tmp_path)
    assert r.returncode == 2
    depth = READ.MAX_INCLUDE_DEPTH
    # the entry point is level 0: f<depth-1>.conf may still include, its include is refused
    assert stderr_lines(r) == [
        f'wsproxylint: {tmp_path / f"f{depth - 1}.conf"}:2: includes nested deeper than {depth} levels '
        f"(wsproxylint's bound): \"{tmp_path / f'f{depth}.conf'}\" was not read"]
    assert len(doc(r)["files"]) == depth
    assert doc(r)["findings"] == []


def test_include_chain_within_the_bound_is_read_whole(tmp_path):
    chain(tmp_path, READ.MAX_INCLUDE_DEPTH - 1)
    # the chain holds no FAS site: nothing judged is WSP005's to say, not this test's
    r = wsp("check", "--format", "json", "--ignore", "WSP005", "nginx.conf", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, "")
    assert len(doc(r)["files"]) == READ.MAX_INCLUDE_DEPTH


def test_file_count_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(READ, "MAX_FILES", 10)
    (tmp_path / "conf.d").mkdir()
    for i in range(15):
        (tmp_path / "conf.d" / f"m{i:02d}.conf").write_text(f"map $host $v{i} {{ default {i}; }}\n")
    (tmp_path / "nginx.conf").write_text(MAIN.replace("http {", "http {\n    include conf.d/*.conf;"))
    report = run([str(tmp_path / "nginx.conf")], Options())
    assert [Path(p).name for p, _ in report.files] == ["nginx.conf"] + [f"m{i:02d}.conf" for i in range(9)]
    assert report.unreadable == [(f"{tmp_path / 'nginx.conf'}:3",
                                  f'more than 10 files in one configuration (wsproxylint\'s bound): '
                                  f'"{tmp_path / "conf.d" / "m09.conf"}" and the files after it were not read')]
    assert not report.internal_errors


def test_total_bytes_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(READ, "MAX_TOTAL_BYTES", 1500)
    body = "# " + "x" * 600 + "\nserver {\n    listen 80;\n}\n"
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.conf").write_text(body)
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n    include a.conf;\n    include b.conf;\n"
                                         "    include c.conf;\n}\n")
    report = run([str(tmp_path / "nginx.conf")], Options())
    assert [Path(p).name for p, _ in report.files] == ["nginx.conf", "a.conf", "b.conf"]
    assert report.unreadable == [(f"{tmp_path / 'nginx.conf'}:5",
                                  f'"{tmp_path / "c.conf"}" would take this configuration over wsproxylint\'s '
                                  "bound of 1500 bytes in all: not read")]


def test_a_file_that_grows_past_the_bound_while_read(tmp_path, monkeypatch):
    """The size is checked on what is read, not only on what stat said."""
    p = tmp_path / "site.conf"
    p.write_bytes(b"#" * 100)
    monkeypatch.setattr(READ, "MAX_FILE_BYTES", 50)
    real_fstat = READ.os.fstat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 10

    monkeypatch.setattr(READ.os, "fstat", lambda fd: Small(real_fstat(fd)))
    with pytest.raises(READ.ReadLimit, match="over wsproxylint's bound of 50 bytes per file"):
        READ.read_bytes(str(p))


def _readme_bounds() -> str:
    text = (ROOT / "README.md").read_text()
    m = re.search(r"^## Guarantees and bounds\n(.*?)(?=^## )", text, re.S | re.M)
    assert m, "README.md has no 'Guarantees and bounds' section"
    return m.group(1)


@pytest.mark.parametrize("name, shown", [
    ("MAX_INCLUDE_DEPTH", "{} levels of includes"),
    ("MAX_BLOCK_DEPTH", "{} levels of nested blocks"),
    ("MAX_FILES", "{:,} files"),
    ("MAX_FILE_BYTES", "{} MB per file"),
    ("MAX_TOTAL_BYTES", "{} MB in all"),
])
def test_readme_states_the_bounds_the_code_enforces(name, shown):
    value = getattr(READ, name)
    if name.endswith("BYTES"):
        assert value % (1024 * 1024) == 0
        value //= 1024 * 1024
    assert shown.format(value) in _readme_bounds()


def test_bounds_are_consistent():
    assert READ.MAX_FILE_BYTES <= READ.MAX_TOTAL_BYTES
    from linter.engine.runner import RECURSION_LIMIT

    # the interpreter recurses twice per nested block, the reader once, plus the call stack
    assert 3 * READ.MAX_BLOCK_DEPTH + 200 < RECURSION_LIMIT

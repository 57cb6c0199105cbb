"""stdin and suppressions end to end for Apache httpd and HAProxy (nginx has its own tests
in test_inputs.py and test_suppressions.py): a sample piped on stdin gives the findings the
file gives, and a suppression comment written as an operator would (on its own line before
the directive, which is the only form Apache takes) silences exactly the finding it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.samples import sample_args

ROOT = Path(__file__).resolve().parents[2]
SINGLE = sorted(p for d in ("apache", "haproxy") for p in (ROOT / "samples" / d).glob("bad-*")
                if p.is_file())


def _findings(stdout: str) -> list[tuple[str, int, str | None, str]]:
    doc = json.loads(stdout)
    return sorted((f["rule"], f["line"], f["symptom"], f["severity"]) for f in doc["findings"])


@pytest.mark.parametrize("sample", SINGLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stdin_gives_what_the_file_gives(cli, sample: Path, tmp_path: Path):
    dialect = sample.parent.name
    from_file = cli("check", "--format", "json", *sample_args(sample), str(sample), cwd=tmp_path)
    piped = cli("check", "--format", "json", "--dialect", dialect, *sample_args(sample), "-", cwd=tmp_path,
                stdin=sample.read_text(encoding="utf-8"))
    assert piped.code == from_file.code, piped.err
    assert json.loads(piped.out)["files"] == [{"path": "-", "dialect": dialect}]
    assert _findings(piped.out) == _findings(from_file.out) != []


def test_haproxy_on_stdin_is_recognised_by_its_content(cli, tmp_path: Path):
    sample = ROOT / "samples" / "haproxy" / "bad-acl-order.cfg"
    r = cli("check", "--format", "json", "-", cwd=tmp_path, stdin=sample.read_text(encoding="utf-8"))
    assert json.loads(r.out)["files"] == [{"path": "-", "dialect": "haproxy"}]
    from_file = cli("check", "--format", "json", str(sample), cwd=tmp_path)
    assert r.code == from_file.code == 1
    assert _findings(r.out) == _findings(from_file.out) != []


@pytest.mark.parametrize("sample", SINGLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_suppression_before_the_line_silences_that_finding_only(cli, sample: Path, tmp_path: Path):
    before = cli("check", "--format", "json", *sample_args(sample), sample.name, cwd=sample.parent)
    found = _findings(before.out)
    failing = [f for f in found if f[3] in ("error", "warning")]
    assert failing, f"{sample.name} is a bad sample without an error or warning"
    rule, line, _, _ = failing[0]
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines.insert(line - 1, f"{indent}# wsproxylint: disable={rule} -- accepted for this test\n")
    (tmp_path / sample.name).write_text("".join(lines), encoding="utf-8")
    after = cli("check", "--format", "json", "--report-unused-suppressions", *sample_args(sample), sample.name,
                cwd=tmp_path)
    # every other finding stays, one line lower when it came after the inserted comment
    expected = sorted((r, n + (n >= line), s, sev) for r, n, s, sev in found if (r, n) != (rule, line))
    assert _findings(after.out) == expected

"""Robustness over the shared corpus of real HAProxy configs (../shared/corpus/haproxy).

The corpus is third-party data read where it lies, never copied: HAProxy's own example and
test configs from 1.3 to 3.x, generated configs from tools, documentation snippets. Every
file goes through the contract path (``python -m linter check --format json --dialect
haproxy``, in chunks; a chunk that misbehaves is re-run file by file to name the culprit),
and every file alone in-process, as pre-commit would hand it over.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "haproxy"
TRACEBACK = "Traceback (most recent call last)"
CHUNK = 120
CHUNK_TIMEOUT = 300.0
FILE_TIMEOUT = 30.0

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not present at {CORPUS}")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file())


def _run(names: list[str], timeout: float) -> tuple[subprocess.CompletedProcess | None, str]:
    cmd = [sys.executable, "-m", "linter", "check", "--format", "json", "--dialect", "haproxy", *names]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=CORPUS), ""
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"


def _verdict(r: subprocess.CompletedProcess | None, why: str) -> str:
    if r is None:
        return why
    problems = []
    if r.returncode not in (0, 1):
        problems.append(f"exit status {r.returncode}")
    if TRACEBACK in r.stderr or TRACEBACK in r.stdout:
        problems.append("traceback")
    if "internal error" in r.stderr:
        problems.append("internal error")
    try:
        doc = json.loads(r.stdout)
        if set(doc) != {"version", "tool", "files", "findings"}:
            problems.append("stdout is not the contract's JSON object")
    except (json.JSONDecodeError, TypeError) as e:
        problems.append(f"stdout is not JSON ({e})")
    if problems:
        problems.append("stderr: " + " | ".join(r.stderr.strip().splitlines()[-3:]))
    return "; ".join(problems)


def test_corpus_haproxy_cli(capsys):
    files = corpus_files()
    assert files, f"{CORPUS} is empty"
    failures: dict[str, str] = {}
    linted: set[str] = set()
    findings = 0
    for i in range(0, len(files), CHUNK):
        chunk = [p.name for p in files[i:i + CHUNK]]
        r, why = _run(chunk, CHUNK_TIMEOUT)
        bad = _verdict(r, why)
        if not bad:
            doc = json.loads(r.stdout)
            linted.update(Path(f["path"]).name for f in doc["files"])
            findings += len(doc["findings"])
            continue
        for name in chunk:
            r1, why1 = _run([name], FILE_TIMEOUT)
            bad1 = _verdict(r1, why1)
            if bad1:
                failures[name] = bad1
            else:
                linted.update(Path(f["path"]).name for f in json.loads(r1.stdout)["files"])
    with capsys.disabled():
        print(f"\n[corpus cli] {len(files)} haproxy files ({len(linted)} read, {findings} findings, "
              f"{len(failures)} failing)")
    assert not failures, "corpus files that broke the contract:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))
    missing = {p.name for p in files} - linted
    assert not missing, f"files given on the command line but not in the report: {sorted(missing)[:20]}"


def test_corpus_haproxy_each_file_alone_in_process():
    from linter.options import Options
    from linter.report.json_report import render
    from linter.runner import run

    failures: dict[str, str] = {}
    for path in corpus_files():
        try:
            report = run([str(path)], Options(dialect="haproxy"))
            doc = json.loads(render(report))
            assert set(doc) == {"version", "tool", "files", "findings"}
            if report.internal_errors:
                failures[path.name] = "; ".join(f"{e.where}: {e.message}" for e in report.internal_errors)
        except Exception as e:  # noqa: BLE001 - report every file's crash, then fail
            failures[path.name] = f"{type(e).__name__}: {e}"
    assert not failures, "corpus files that crashed:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))


def test_verdict_catches_each_kind_of_breakage():
    """The corpus guard itself must be able to fail."""
    ok = json.dumps({"version": 1, "tool": {}, "files": [], "findings": []})

    def cp(rc, out, err=""):
        return subprocess.CompletedProcess([], rc, out, err)

    assert _verdict(cp(1, ok), "") == ""
    assert "exit status 2" in _verdict(cp(2, ok), "")
    assert "traceback" in _verdict(cp(1, ok, TRACEBACK), "")
    assert "internal error" in _verdict(cp(1, ok, "wsproxylint: internal error in x"), "")
    assert "not JSON" in _verdict(cp(1, ok + ok), "")
    assert _verdict(None, "timed out") == "timed out"

"""Robustness over the shared corpus of real Apache httpd configs (../shared/corpus/apache).

The corpus is third-party data read where it lies, never copied. Every file goes through
the contract path (``python -m linter check --format json --dialect apache``) in chunks; a
chunk that misbehaves is re-run file by file to name the culprit. Then each file alone,
in-process, as pre-commit would hand it over.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from test_corpus import CHUNK, CHUNK_TIMEOUT, CORPUS, FILE_TIMEOUT, _verdict

APACHE = CORPUS / "apache"

pytestmark = pytest.mark.skipif(not APACHE.is_dir(), reason=f"shared corpus not present at {APACHE}")


def corpus_files():
    return sorted(p for p in APACHE.iterdir() if p.is_file())


def _run(paths: list[str], timeout: float):
    cmd = [sys.executable, "-m", "linter", "check", "--format", "json", "--dialect", "apache", *paths]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=APACHE, check=False), ""
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"


def test_corpus_apache_cli(capsys):
    files = corpus_files()
    assert files, f"{APACHE} is empty"
    failures: dict[str, str] = {}
    linted: set[str] = set()
    findings = 0
    started = time.perf_counter()
    for i in range(0, len(files), CHUNK):
        chunk = [p.name for p in files[i:i + CHUNK]]
        r, why = _run(chunk, CHUNK_TIMEOUT)
        bad = _verdict(r, why)
        if not bad:
            doc = json.loads(r.stdout)
            linted.update(f["path"] for f in doc["files"])
            findings += len(doc["findings"])
            continue
        for name in chunk:
            r1, why1 = _run([name], FILE_TIMEOUT)
            bad1 = _verdict(r1, why1)
            if bad1:
                failures[name] = bad1
            else:
                linted.update(f["path"] for f in json.loads(r1.stdout)["files"])
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n[corpus cli] {len(files)} apache files in {elapsed:.2f} s "
              f"({len(linted)} files read, {findings} findings, {len(failures)} failing)")
    assert not failures, "corpus files that broke the contract:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))
    missing = {p.name for p in files} - linted
    assert not missing, f"files given on the command line but not in the report: {sorted(missing)[:20]}"


def test_corpus_apache_each_file_alone_in_process():
    from linter.options import Options
    from linter.report.json_report import render
    from linter.runner import run

    failures: dict[str, str] = {}
    for path in corpus_files():
        try:
            report = run([str(path)], Options(dialect="apache"))
            doc = json.loads(render(report))
            assert set(doc) == {"version", "tool", "files", "findings"}
            if report.internal_errors:
                failures[path.name] = "; ".join(f"{e.where}: {e.message}" for e in report.internal_errors)
        except Exception as e:  # noqa: BLE001 - report every file's crash, then fail
            failures[path.name] = f"{type(e).__name__}: {e}"
    assert not failures, "corpus files that crashed:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))

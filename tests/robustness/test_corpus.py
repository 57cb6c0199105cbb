"""Robustness over the shared corpus of real configs (../shared/corpus/<dialect>: nginx,
Apache httpd, HAProxy).

The corpus is third-party data read where it lies, never copied. Two passes per dialect:

1. the contract path: ``python -m linter check --format json --dialect D`` over all files
   in chunks; a chunk that misbehaves is re-run file by file to name the culprit;
2. each file alone as an entry point, in-process through ``linter.engine.runner.run`` (what
   pre-commit does with a single changed file), with a per-file time guard.

Run with ``pytest -s`` to see the timings.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from _util import cli_process

import parsers

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
DIALECTS = parsers.names()  # a dialect with no corpus directory is skipped
TRACEBACK = "Traceback (most recent call last)"
CHUNK = 100
CHUNK_TIMEOUT = 300.0
FILE_TIMEOUT = 30.0


def corpus_files(dialect: str) -> list[Path]:
    where = CORPUS / dialect
    if not where.is_dir():
        pytest.skip(f"shared corpus not present at {where}")
    files = sorted(p for p in where.iterdir() if p.is_file())
    assert files, f"{where} is empty"
    return files


def _run(dialect: str, paths: list[str], timeout: float) -> tuple[subprocess.CompletedProcess | None, str]:
    try:
        return cli_process("check", "--format", "json", "--dialect", dialect, *paths, cwd=CORPUS / dialect,
                           timeout=timeout), ""
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"


def _verdict(r: subprocess.CompletedProcess | None, why: str) -> str:
    """'' when the run honoured the contract, else what went wrong."""
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
        if not isinstance(doc, dict) or set(doc) != {"version", "tool", "files", "findings", "checked"}:
            problems.append("stdout is not the contract's JSON object")
    except json.JSONDecodeError as e:
        problems.append(f"stdout is not JSON ({e.msg})")
    if problems:
        tail = r.stderr.strip().splitlines()[-3:]
        problems.append("stderr: " + " | ".join(tail))
    return "; ".join(problems)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_cli(capsys, dialect: str):
    files = corpus_files(dialect)
    failures: dict[str, str] = {}
    linted: set[str] = set()
    findings = 0
    started = time.perf_counter()
    for i in range(0, len(files), CHUNK):
        chunk = [p.name for p in files[i:i + CHUNK]]
        r, why = _run(dialect, chunk, CHUNK_TIMEOUT)
        bad = _verdict(r, why)
        if not bad:
            doc = json.loads(r.stdout)
            linted.update(Path(f["path"]).name for f in doc["files"])
            findings += len(doc["findings"])
            continue
        # name the culprit(s): each file of the chunk alone
        for name in chunk:
            r1, why1 = _run(dialect, [name], FILE_TIMEOUT)
            bad1 = _verdict(r1, why1)
            if bad1:
                failures[name] = bad1
            else:
                linted.update(Path(f["path"]).name for f in json.loads(r1.stdout)["files"])
        if not any(n in failures for n in chunk):
            failures[f"chunk {i // CHUNK} ({chunk[0]} .. {chunk[-1]})"] = f"fails together, each file passes: {bad}"
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n[corpus cli] {len(files)} {dialect} files in {elapsed:.2f} s "
              f"({len(linted)} files read, {findings} findings, {len(failures)} failing)")
    assert not failures, "corpus files that broke the contract:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))
    # an nginx -T dump reads as the files it holds (their own paths), not as itself
    missing = {p.name for p in files if not p.read_bytes().startswith(b"# configuration file ")} - linted
    assert not missing, f"files given on the command line but not in the report: {sorted(missing)[:20]}"


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_each_file_alone_in_process(capsys, dialect: str):
    from linter.core.options import Options
    from linter.app.report.json_report import render
    from linter.engine.runner import run

    files = corpus_files(dialect)
    failures: dict[str, str] = {}
    slowest: list[tuple[float, str]] = []
    use_alarm = hasattr(signal, "SIGALRM")
    old = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    started = time.perf_counter()
    try:
        for path in files:
            t0 = time.perf_counter()
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, FILE_TIMEOUT)
                report = run([str(path)], Options(dialect=dialect))
                doc = json.loads(render(report))
                assert set(doc) == {"version", "tool", "files", "findings", "checked"}
                if report.internal_errors:
                    failures[path.name] = "; ".join(
                        f"internal error in {e.where}: {e.message}" for e in report.internal_errors)
            except _Timeout:
                failures[path.name] = f"timed out after {FILE_TIMEOUT:.0f} s"
            except Exception as e:  # noqa: BLE001 - report every file's crash, then fail
                failures[path.name] = f"{type(e).__name__}: {e}"
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            slowest.append((time.perf_counter() - t0, path.name))
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, old)
    elapsed = time.perf_counter() - started
    slowest.sort(reverse=True)
    with capsys.disabled():
        print(f"\n[corpus in-process] {len(files)} {dialect} files alone in {elapsed:.2f} s; slowest: "
              + ", ".join(f"{name} {t * 1000:.0f} ms" for t, name in slowest[:3]))
    assert not failures, "corpus files that crashed or hung:\n" + "\n".join(
        f"  {name}: {why}" for name, why in sorted(failures.items()))


def test_verdict_catches_each_kind_of_breakage():
    """The corpus guard itself must be able to fail."""
    ok = json.dumps({"version": 1, "tool": {}, "files": [], "findings": [], "checked": {}})

    def cp(rc, out, err=""):
        return subprocess.CompletedProcess([], rc, out, err)

    assert _verdict(cp(0, ok), "") == ""
    assert _verdict(cp(1, ok), "") == ""
    assert "exit status 2" in _verdict(cp(2, ok, "wsproxylint: x"), "")
    assert "traceback" in _verdict(cp(1, ok, TRACEBACK + "\n  File x\nKeyError: 1"), "")
    assert "internal error" in _verdict(cp(2, ok, "wsproxylint: internal error in WSP101 on x: KeyError"), "")
    assert "not JSON" in _verdict(cp(1, ok + ok), "")
    assert "contract" in _verdict(cp(1, "[]"), "")
    assert _verdict(None, "timed out after 30 s") == "timed out after 30 s"

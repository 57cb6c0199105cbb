"""Property-based: broken variants of valid configs never crash, hang or lose the contract.

For every dialect that ``parsers`` supports and that has ``samples/<dialect>/``, hypothesis
takes a sample (or a real-world corpus file) and breaks it (deletions, duplications, byte
flips, truncations, random nesting, hostile include targets, NULs, BOMs, lone CRs), writes
it as the entry point of a scratch tree whose neighbours are an include cycle, a symlink
loop, a FIFO and a directory, and asserts:

- in process (``linter.engine.runner.run``): no exception, no internal error, both reporters
  render, every finding has a file and a line >= 1;
- through the CLI (fewer examples, a subprocess each): the process ends within
  ``CLI_TIMEOUT`` with exit status 0, 1 or 2, no traceback, one JSON object on stdout.

A dialect not supported yet is skipped with the reason; its cases light up by themselves
once its reader is merged (``parsers.SUPPORTED``) and its samples exist.

CI profile: derandomized (the same examples on every run, so a red CI is reproducible),
no example database, no per-example deadline (the hang guard is ``EXAMPLE_TIMEOUT``, a
generous alarm, not a speed assertion). ``WSPROXYLINT_PROPERTY_SCALE=10`` runs ten times
the examples locally.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _hostile import TRACEBACK
from _mutations import ENTRY_NAME, mutated, scratch_dir
from _util import cli_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
SCALE = max(1, int(os.environ.get("WSPROXYLINT_PROPERTY_SCALE", "1")))
EXAMPLE_TIMEOUT = 60  # seconds: a hang guard, far above any real example
CLI_TIMEOUT = 60

CI = settings(derandomize=True, database=None, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])


def _supported(dialect: str) -> str:
    """'' when the dialect's cases run, else why they are skipped."""
    if not (ROOT / "samples" / dialect).is_dir():
        return f"{dialect}: no samples/{dialect}/ to mutate"
    return ""


def _dialects():
    return [pytest.param(d, marks=pytest.mark.skipif(bool(_supported(d)), reason=_supported(d) or "-"))
            for d in parsers.names()]


def _files(d: Path, limit: int = 256 * 1024) -> list[bytes]:
    return [p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and p.suffix in (".conf", ".cfg", "") and p.stat().st_size <= limit]


def sample_seeds(dialect: str) -> list[bytes]:
    seeds = _files(ROOT / "samples" / dialect)
    assert seeds, f"samples/{dialect}/ holds no config"
    return seeds


def corpus_seeds(dialect: str) -> list[bytes]:
    d = CORPUS / dialect
    return _files(d) if d.is_dir() else []


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _run_in_process(dialect: str, tree: Path, data: bytes) -> None:
    from linter.core.options import Options
    from linter.app.report import json_report, text
    from linter.engine.runner import run

    entry = tree / ENTRY_NAME[dialect]
    entry.write_bytes(data)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, EXAMPLE_TIMEOUT)
    try:
        report = run([str(entry)], Options(dialect=dialect))
        out = json.loads(json_report.render(report))
        text.render(report)
    except _Hang:
        pytest.fail(f"no answer within {EXAMPLE_TIMEOUT} s on {data[:300]!r}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert not report.internal_errors, [(e.where, e.message, e.detail) for e in report.internal_errors]
    assert set(out) == {"version", "tool", "files", "findings", "checked"}
    for f in out["findings"]:
        assert f["path"] and isinstance(f["line"], int) and f["line"] >= 1, f


@pytest.fixture
def tree(request):
    base = scratch_dir(request.node.callspec.params["dialect"])
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("dialect", _dialects())
def test_mutated_samples_in_process(dialect, tree):
    @settings(CI, max_examples=1000 * SCALE)
    @given(data=mutated(sample_seeds(dialect)))
    def prop(data: bytes) -> None:
        _run_in_process(dialect, tree, data)

    prop()


@pytest.mark.parametrize("dialect", _dialects())
def test_mutated_corpus_files_in_process(dialect, tree):
    seeds = corpus_seeds(dialect)
    if not seeds:
        pytest.skip(f"no shared corpus at {CORPUS / dialect}")

    @settings(CI, max_examples=500 * SCALE)
    @given(data=mutated(seeds, max_mutations=3))
    def prop(data: bytes) -> None:
        _run_in_process(dialect, tree, data)

    prop()


@pytest.mark.parametrize("dialect", _dialects())
def test_random_nesting_in_process(dialect, tree):
    """Blocks opened and closed in any number and order, around a real sample."""
    opener = {"nginx": b"location /n {\n", "apache": b"<Location /n>\n", "haproxy": b"frontend n\n"}[dialect]
    closer = {"nginx": b"}\n", "apache": b"</Location>\n", "haproxy": b"\n"}[dialect]

    @settings(CI, max_examples=100 * SCALE)
    @given(seed=st.sampled_from(sample_seeds(dialect)), opens=st.integers(0, 3000), closes=st.integers(0, 3000),
           at=st.integers(0, 1 << 16))
    def prop(seed: bytes, opens: int, closes: int, at: int) -> None:
        i = at % (len(seed) + 1)
        _run_in_process(dialect, tree, seed[:i] + opener * opens + closer * closes + seed[i:])

    prop()


def _cli_ok(dialect: str, cwd: Path, entry: str) -> None:
    try:
        r = cli_process("check", "--format", "json", "--dialect", dialect, entry, cwd=cwd, timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the CLI did not end within {CLI_TIMEOUT} s")
    assert r.returncode in (0, 1, 2), (r.returncode, r.stderr[-2000:])
    assert TRACEBACK not in r.stderr and TRACEBACK not in r.stdout, r.stderr[-3000:]
    assert "internal error" not in r.stderr, r.stderr[-2000:]
    doc = json.loads(r.stdout)
    assert set(doc) == {"version", "tool", "files", "findings", "checked"}


@pytest.mark.parametrize("dialect", _dialects())
def test_mutated_samples_through_the_cli(dialect, tree):
    @settings(CI, max_examples=25 * SCALE)
    @given(data=mutated(sample_seeds(dialect) + corpus_seeds(dialect)[:200]))
    def prop(data: bytes) -> None:
        (tree / ENTRY_NAME[dialect]).write_bytes(data)
        _cli_ok(dialect, tree, ENTRY_NAME[dialect])

    prop()


# The nginx corpus goes through the CLI file by file in tests/robustness/test_corpus.py; the other
# dialects' corpora (when their readers land) go through here, in chunks.
@pytest.mark.parametrize("dialect", [d for d in parsers.names() if d != "nginx"])
def test_corpus_through_the_cli(dialect):
    if _supported(dialect):
        pytest.skip(_supported(dialect))
    d = CORPUS / dialect
    if not d.is_dir():
        pytest.skip(f"no shared corpus at {d}")
    names = sorted(p.name for p in d.iterdir() if p.is_file())
    bad: list[str] = []
    for i in range(0, len(names), 100):
        chunk = names[i:i + 100]
        r = cli_process("check", "--format", "json", "--dialect", dialect, *chunk, cwd=d, timeout=600)
        if r.returncode not in (0, 1) or TRACEBACK in r.stderr or "internal error" in r.stderr:
            bad.append(f"{chunk[0]}..{chunk[-1]}: exit {r.returncode}: {r.stderr.strip()[-500:]}")
        else:
            json.loads(r.stdout)
    assert not bad, "\n".join(bad)


def test_the_mutations_mutate():
    """The strategy must produce broken input, not only the seeds back."""
    seed = b"server {\n    listen 80;\n}\n"
    seen: set[bytes] = set()

    @settings(derandomize=True, database=None, max_examples=200)
    @given(mutated([seed]))
    def collect(data: bytes) -> None:
        seen.add(data)

    collect()
    assert len(seen) > 60  # distinct inputs out of 200 examples (hypothesis repeats some)
    assert any(s.count(b"{") != s.count(b"}") for s in seen)
    assert any(len(s) < len(seed) for s in seen)
    assert any(b"\x00" in s or b"\r" in s or b"\xef\xbb\xbf" in s for s in seen)


def test_fuzz_script_runs_and_reports(tmp_path):
    """scripts/fuzz.py (hypothesis engine, a few seconds): it runs, counts and finds nothing."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "fuzz.py"), "--dialect", "nginx", "--seconds", "3",
                        "--engine", "hypothesis", "--artifacts", str(tmp_path / "artifacts")],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("[fuzz] ") and last.endswith(" executions, 0 findings"), last
    assert int(last.split()[1]) > 0
    assert not (tmp_path / "artifacts").exists()

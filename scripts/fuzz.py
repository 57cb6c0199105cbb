#!/usr/bin/env python3
"""Fuzz a dialect's reader, and everything after it, for a given time.

    .venv/bin/python scripts/fuzz.py --dialect nginx --seconds 600 [--engine atheris|hypothesis]
                                     [--seeds DIR]... [--artifacts DIR] [--jobs-dir DIR]

Each input becomes the entry-point config of a scratch directory that also holds the
awkward neighbours a repository can have (an include cycle, a symlink loop, a FIFO, a
directory named like a config, a glob target), and goes through ``linter.engine.runner.run`` and
both reporters, in process. A finding is anything the contract forbids: an exception out
of ``run`` or a reporter, an internal error in the report (a reader or check that raised),
or (atheris) an input slower than ``--input-timeout`` seconds. Seeds: the dialect's
samples, plus ../shared/corpus/<dialect> when present, plus any ``--seeds`` directory.

atheris (coverage-guided, libFuzzer) is used when it imports; otherwise, or with
``--engine hypothesis``, hypothesis mutates the seeds (deletions, duplications, byte
flips, truncations, nesting) until the time is up. Findings are written to
``--artifacts`` (default: /tmp/wsproxylint-fuzz/<dialect>/) so they can become tests.
Run it on one core: it is single-process.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from _mutations import ENTRY_NAME, TOKENS, scratch_dir  # noqa: E402

SAMPLE_GLOBS = ("*.conf", "*.cfg", "**/*.conf", "**/*.cfg")


class Finding(Exception):
    """The contract was broken on this input."""


def seeds(dialect: str, extra: list[str]) -> list[bytes]:
    dirs = [ROOT / "samples" / dialect, ROOT.parent / "shared" / "corpus" / dialect, *map(Path, extra)]
    out: list[bytes] = []
    for d in dirs:
        if not d.is_dir():
            continue
        # a --seeds directory (a previous run's corpus, say) gives every file it holds
        for pattern in SAMPLE_GLOBS if d in dirs[:2] else ("*",):
            for p in sorted(d.glob(pattern)):
                if p.is_file() and p.stat().st_size < 256 * 1024:
                    out.append(p.read_bytes())
    return list(dict.fromkeys(out))


def make_target(dialect: str, base: Path):
    from linter.core.options import Options
    from linter.app.report import json_report, text
    from linter.engine.runner import run

    entry = base / ENTRY_NAME[dialect]
    options = Options(dialect=dialect)

    def one(data: bytes) -> None:
        entry.write_bytes(data)
        report = run([str(entry)], options)
        json_report.render(report)
        text.render(report)
        if report.internal_errors:
            err = report.internal_errors[0]
            raise Finding(f"internal error in {err.where}: {err.message}\n{err.detail}")

    return one


def supported(dialect: str) -> bool:
    import parsers

    if parsers.get(dialect) is None:
        print(f"[fuzz] no dialect {dialect!r} is registered: nothing to fuzz", file=sys.stderr)
        return False
    return True


def save(artifacts: Path, data: bytes, why: str) -> Path:
    artifacts.mkdir(parents=True, exist_ok=True)
    import hashlib

    p = artifacts / f"finding-{hashlib.sha1(data).hexdigest()[:12]}"
    p.write_bytes(data)
    p.with_suffix(".txt").write_text(why)
    return p


def run_atheris(dialect: str, seconds: int, seed_data: list[bytes], artifacts: Path, timeout: int) -> int:
    import atheris

    with atheris.instrument_imports(include=["linter", "parsers", "checks", "crossplane"]):
        if not supported(dialect):
            return 2
        import checks  # noqa: F401
        import linter.app.report.json_report  # noqa: F401
        import linter.app.report.text  # noqa: F401
        import linter.engine.runner  # noqa: F401
        from linter.engine.registry import all_checks

        all_checks()  # the check modules, instrumented
        if dialect == "nginx":
            import parsers.nginx  # noqa: F401
            import parsers.nginx.interpret  # noqa: F401
            import parsers.nginx.read  # noqa: F401
        else:
            import importlib

            importlib.import_module(f"parsers.{dialect}")
    base = scratch_dir(dialect)
    target = make_target(dialect, base)
    corpus = Path(tempfile.mkdtemp(prefix=f"wsproxylint-fuzz-corpus-{dialect}-"))
    for i, data in enumerate(seed_data):
        (corpus / f"seed-{i:05d}").write_bytes(data)
    words = corpus / ".." / f"{corpus.name}.dict"
    words.write_text("".join('"' + "".join(f"\\x{c:02x}" for c in t) + '"\n' for t in TOKENS))
    started = time.monotonic()

    def test_one(data: bytes) -> None:
        try:
            target(data)
        except Finding as e:
            save(artifacts, data, str(e))
            raise
        except Exception:
            save(artifacts, data, traceback.format_exc())
            raise

    artifacts.mkdir(parents=True, exist_ok=True)
    print(f"[fuzz] atheris on {dialect}: {len(seed_data)} seeds, {seconds} s, corpus in {corpus}, "
          f"artifacts in {artifacts}",
          flush=True)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-timeout={timeout}", "-rss_limit_mb=3072",
            f"-artifact_prefix={artifacts}/", "-print_final_stats=1", "-max_len=65536", f"-dict={words.resolve()}"]
    try:
        atheris.Setup(args, test_one)
        atheris.Fuzz()
    finally:
        print(f"[fuzz] {time.monotonic() - started:.0f} s", flush=True)
        shutil.rmtree(base, ignore_errors=True)
    return 0


def run_hypothesis(dialect: str, seconds: int, seed_data: list[bytes], artifacts: Path) -> int:
    from _mutations import mutated
    from hypothesis import HealthCheck, Phase, given, settings

    base = scratch_dir(dialect)
    target = make_target(dialect, base)
    deadline = time.monotonic() + seconds
    count = 0
    failures: list[Path] = []

    @settings(max_examples=10 ** 9, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(mutated(seed_data))
    def prop(data: bytes) -> None:
        nonlocal count
        if time.monotonic() > deadline:
            raise _TimeUp()
        count += 1
        try:
            target(data)
        except Exception as e:  # noqa: BLE001 - every failure is a finding, saved and counted
            failures.append(save(artifacts, data, f"{type(e).__name__}: {e}\n{traceback.format_exc()}"))

    class _TimeUp(Exception):
        pass

    print(f"[fuzz] hypothesis on {dialect}: {len(seed_data)} seeds, {seconds} s", flush=True)
    try:
        prop()
    except _TimeUp:
        pass
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"[fuzz] {count} executions, {len(failures)} findings{': ' if failures else ''}"
          + ", ".join(map(str, failures[:10])), flush=True)
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dialect", default="nginx", choices=sorted(ENTRY_NAME))
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    ap.add_argument("--seeds", action="append", default=[])
    ap.add_argument("--artifacts", default="")
    ap.add_argument("--input-timeout", type=int, default=20, help="seconds one input may take (atheris)")
    args = ap.parse_args()
    # parsers is imported only after atheris has hooked the imports: a module imported
    # before that would run uninstrumented, and coverage would not guide the fuzzer
    artifacts = Path(args.artifacts or f"/tmp/wsproxylint-fuzz/{args.dialect}")
    seed_data = seeds(args.dialect, args.seeds) or [b""]
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    if engine == "atheris":
        return run_atheris(args.dialect, args.seconds, seed_data, artifacts, args.input_timeout)
    if not supported(args.dialect):
        return 2
    return run_hypothesis(args.dialect, args.seconds, seed_data, artifacts)


if __name__ == "__main__":
    sys.exit(main())

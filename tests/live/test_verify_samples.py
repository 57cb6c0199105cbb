"""Every bundled sample's verdict, checked against the real proxy (see support/verify.py).

The samples of a dialect are verified in parallel (each with its own loopback addresses)
the first time one of them is asked for; each sample is then its own test, so a mismatch
names the sample, the findings, every handshake and what the stand-in saw.
"""

from __future__ import annotations

import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.fixtures import Pki, cannot_run, pki  # noqa: F401  (fixture)
from support.runners import RUNNERS
from support.verify import Verdict, verify

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PARALLEL = int(os.environ.get("WSP_VERIFY_JOBS", "6"))


def samples() -> list[Path]:
    return sorted(p for d in RUNNERS if (SAMPLES / d).is_dir() for p in (SAMPLES / d).iterdir()
                  if p.name.startswith(("good-", "bad-")) and (p.is_dir() or p.suffix in (".conf", ".cfg")))


_lock = threading.Lock()
_verdicts: dict[str, dict[str, Verdict | BaseException]] = {}


def verdicts(dialect: str, pki: Pki) -> dict[str, Verdict | BaseException]:
    with _lock:
        if dialect not in _verdicts:
            todo = [s for s in samples() if s.parent.name == dialect]

            def one(s: Path) -> Verdict | BaseException:
                try:
                    return verify(RUNNERS[dialect], s, pki)
                except Exception as e:  # reported by that sample's test
                    return e
            with ThreadPoolExecutor(PARALLEL) as pool:
                _verdicts[dialect] = dict(zip((s.name for s in todo), pool.map(one, todo)))
        return _verdicts[dialect]


@pytest.mark.parametrize("sample", samples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_verdict_holds_on_the_real_proxy(sample: Path, pki: Pki):  # noqa: F811
    runner = RUNNERS[sample.parent.name]
    missing = runner.missing()
    if missing:
        cannot_run(missing)
    verdict = verdicts(sample.parent.name, pki)[sample.name]
    if isinstance(verdict, BaseException):
        raise verdict
    if verdict.skipped:
        pytest.skip(verdict.skipped)
    assert not verdict.problems, verdict.report()
    if verdict.retargeted:
        warnings.warn(f"{verdict.sample}: {verdict.retargeted}", UserWarning, stacklevel=1)

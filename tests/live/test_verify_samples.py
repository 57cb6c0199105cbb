"""Every bundled sample's verdict, checked against the real proxy (see support/verify.py),
on every installed build of that proxy it is for (Debian's package and the pinned newer
builds of scripts/proxies-requirements.txt; ``# proxy-versions:`` in a sample narrows them),
with the linter told the version of the build it runs on.

The samples of a dialect are verified in parallel (each with its own loopback addresses)
the first time one of them is asked for on a build; each sample x build is then its own
test, so a mismatch names the sample, the build, the findings, every handshake and what the
stand-in saw.
"""

from __future__ import annotations

import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.fixtures import Pki, cannot_run, pki  # noqa: F401  (fixture)
from support.proxy_versions import not_for
from support.runners import BUILDS
from support.runners.base import Runner
from support.verify import VERSION_FLAG, Verdict, _flag, _same_version, sample_args, verify

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PARALLEL = int(os.environ.get("WSP_VERIFY_JOBS", "6"))


def samples() -> list[Path]:
    return sorted(p for d in BUILDS if (SAMPLES / d).is_dir() for p in (SAMPLES / d).iterdir()
                  if p.name.startswith(("good-", "bad-")) and (p.is_dir() or p.suffix in (".conf", ".cfg")))


def build_name(runner: Runner) -> str:
    return "missing" if runner.missing() else runner.version()


def cases() -> list[tuple[Path, Runner]]:
    return [(s, b) for s in samples() for b in BUILDS[s.parent.name]]


_lock = threading.Lock()
_verdicts: dict[str, dict[str, Verdict | BaseException | str]] = {}


def why_not(sample: Path, runner: Runner) -> str | None:
    """Why ``runner``'s build does not judge ``sample``, or None."""
    return not_for(sample, runner.dialect, runner.version()) or runner.lacks(sample)


def verdicts(runner: Runner, pki: Pki) -> dict[str, Verdict | BaseException | str]:
    with _lock:
        if runner.binary not in _verdicts:
            todo = [s for s in samples() if s.parent.name == runner.dialect]

            def one(s: Path) -> Verdict | BaseException | str:
                reason = why_not(s, runner)
                if reason:
                    return reason
                try:
                    return verify(runner, s, pki)
                except Exception as e:  # reported by that sample's test
                    return e
            with ThreadPoolExecutor(PARALLEL) as pool:
                _verdicts[runner.binary] = dict(zip((s.name for s in todo), pool.map(one, todo)))
        return _verdicts[runner.binary]


@pytest.mark.parametrize(("sample", "runner"), cases(),
                         ids=lambda x: f"{x.parent.name}/{x.name}" if isinstance(x, Path) else build_name(x))
def test_sample_verdict_holds_on_the_real_proxy(sample: Path, runner: Runner, pki: Pki):  # noqa: F811
    missing = runner.missing()
    if missing:
        cannot_run(missing)
    verdict = verdicts(runner, pki)[sample.name]
    if isinstance(verdict, str):
        pytest.skip(f"{runner.label}: {verdict}")
    if isinstance(verdict, BaseException):
        raise verdict
    if verdict.skipped:
        pytest.skip(verdict.skipped)
    assert not verdict.problems, verdict.report()
    if verdict.retargeted and not _pinned_build_installed(sample, runner):
        warnings.warn(f"{verdict.sample}: {verdict.retargeted}", UserWarning, stacklevel=1)


def _pinned_build_installed(sample: Path, runner: Runner) -> bool:
    """The version the sample pins is an installed build's (its own verdict is verified there)."""
    pinned = _flag(sample_args(sample, runner.dialect), VERSION_FLAG[runner.dialect])
    return pinned is not None and any(not b.missing() and _same_version(pinned, b.version())
                                      for b in BUILDS[runner.dialect])

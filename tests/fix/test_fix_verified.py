"""Every safe fix, proven on the real proxy: for each bad sample whose findings carry a safe
fix, ``check --fix`` is run on a copy; the re-lint must hold no error of the rules fixed, the
proxy's own config test must accept the result, and the live verification
(``support/verify.py``: the proxy in front of the FAS stand-in, browser-like handshakes,
fresh and warm, legacy and current FAS) must agree with the re-lint, with no handshake on a
fixed websocket URL failing the way the fixed finding said. A fix that fails here must not
be marked safe."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from _util import cli_process
from support.fixtures import Pki, cannot_run, pki  # noqa: F401  (fixture)
from support.runners import RUNNERS
from support.verify import sample_args, verify

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
# "[mode] :443 tls /gateway/websocketcall warm-1: status:302 (...)": the front's name has a
# space on a TLS listener
OBSERVED = re.compile(r"^\[(\w+)\] (:\d+(?: tls)?) (/\S*) (\S+): (\S+) \(")


def _lint(path: Path, args: list[str]) -> list[dict]:
    proc = cli_process("check", path, "--format", "json", *args, cwd=ROOT, timeout=120)
    return json.loads(proc.stdout)["findings"]


def bad_samples() -> list[Path]:
    return sorted(p for d in RUNNERS if (SAMPLES / d).is_dir() for p in (SAMPLES / d).iterdir()
                  if p.name.startswith("bad-") and (p.is_dir() or p.suffix in (".conf", ".cfg")))


def _safe_fixed(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f.get("fix_edits", {}).get("safe")]


def _failures(findings: list[dict]) -> set[tuple[str, str, str]]:
    """(rule, symptom, URL) of every error and warning that predicts a failure."""
    return {(f["rule"], f["symptom"], p) for f in findings
            if f["severity"] in ("error", "warning") and f["symptom"] for p in f["ws_paths"]}


def _unsafe_fixed(findings: list[dict]) -> list[dict]:
    return [f for f in findings if "fix_edits" in f and not f["fix_edits"]["safe"]]


def _with_fix(safe: bool) -> list[Path]:
    """The bad samples with at least one safe (or unsafe) fix, linted once, in this process."""
    from linter.app.fixing import attach_edits
    from linter.core.options import Options
    from linter.engine.linting import lint

    out = []
    for s in bad_samples():
        args = sample_args(s, s.parent.name)
        if any(a.startswith("--") for a in args):
            report_args = args  # pinned versions: judged through the CLI below
            if (_safe_fixed if safe else _unsafe_fixed)(_lint(s, report_args)):
                out.append(s)
            continue
        report = lint([str(s)], Options())
        attach_edits(report)
        if any(f.edits is not None and f.edits.safe is safe and f.edits.edits for f in report.findings):
            out.append(s)
    return out


SAFE = _with_fix(safe=True)
UNSAFE = _with_fix(safe=False)


def test_the_safe_fixes_cover_the_common_rules():
    """The rules the issue names first have a verified safe fix in every dialect that has a
    sample of them (this list is what the docs claim)."""
    fixed = {(s.parent.name, f["rule"]) for s in SAFE for f in _safe_fixed(_lint(s, sample_args(s, s.parent.name)))}
    for want in [("nginx", "WSP101"), ("nginx", "WSP102"), ("nginx", "WSP103"), ("nginx", "WSP401"),
                 ("nginx", "WSP202"), ("nginx", "WSP203"), ("nginx", "WSP302"), ("apache", "WSP101"),
                 ("apache", "WSP102"), ("apache", "WSP201"), ("apache", "WSP202"), ("apache", "WSP203"),
                 ("apache", "WSP401"), ("haproxy", "WSP201"), ("haproxy", "WSP202"), ("haproxy", "WSP401"),
                 ("apache", "WSP302"), ("haproxy", "WSP203"), ("haproxy", "WSP302")]:
        assert want in fixed
    # splitting an upstream changes the pages' failure state too: offered, unsafe, verified below
    unsafe = {
        (s.parent.name, f["rule"]) for s in UNSAFE for f in _unsafe_fixed(_lint(s, sample_args(s, s.parent.name)))
    }
    assert ("nginx", "WSP201") in unsafe


@pytest.mark.parametrize("sample", SAFE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_safe_fix_is_accepted_and_the_handshake_works(sample: Path, tmp_path: Path, pki: Pki):  # noqa: F811
    _fix_and_verify(sample, tmp_path, pki, safe=True)


@pytest.mark.parametrize("sample", UNSAFE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_unsafe_fix_is_accepted_and_the_handshake_works(sample: Path, tmp_path: Path, pki: Pki):  # noqa: F811
    """An unsafe fix changes more than the websocket route, so only the user can judge it;
    what it does to the websocket is still held to the real proxy like a safe one."""
    _fix_and_verify(sample, tmp_path, pki, safe=False)


def _fix_and_verify(sample: Path, tmp_path: Path, pki: Pki, safe: bool) -> None:  # noqa: F811
    dialect = sample.parent.name
    runner = RUNNERS[dialect]
    missing = runner.missing()
    if missing:
        cannot_run(missing)
    args = sample_args(sample, dialect)
    copy = tmp_path / dialect / sample.name
    copy.parent.mkdir()
    if sample.is_dir():
        shutil.copytree(sample, copy)
    else:
        shutil.copy(sample, copy)
    linted = _lint(copy, args)
    before = (_safe_fixed if safe else _unsafe_fixed)(linted)
    assert before
    flags = ["--fix"] if safe else ["--fix", "--unsafe-fixes"]
    proc = cli_process("check", copy, *flags, *args, cwd=ROOT, timeout=120)
    assert "fixed" in proc.stderr, proc.stderr
    after = _lint(copy, args)
    # a fixed finding, error or warning, is not predicted again for the URLs it named
    fixed = {(f["rule"], f["symptom"], p) for f in before for p in f["ws_paths"]}
    left = [f for f in after if any((f["rule"], f["symptom"], p) in fixed for p in f["ws_paths"])]
    assert not left, left
    # a safe fix makes no failure appear that was not there (a redirect exempted into no
    # route; https toward an IP that the certificate check then refuses): an unsafe one may,
    # and says so in its note
    new = _failures(after) - _failures(linted)
    assert safe is False or not new, new
    # nor takes a listener it fixed out of what is judged (a front left with no route at all)
    judged = set(json.loads(cli_process("check", copy, "--format", "json", *args, cwd=ROOT, timeout=120).stdout)
                 ["checked"]["listeners"])
    def port(label: str) -> str:  # a TLS fix adds " tls" to the label
        return label.split()[0]

    dropped = {port(x) for f in before for x in f["listeners"]} - {port(x) for x in judged}
    assert not dropped, f"no longer judged after the fix: {dropped}"
    verdict = verify(runner, copy, pki)
    if verdict.skipped:
        pytest.skip(verdict.skipped)
    assert any(line.startswith("config test: ok") for line in verdict.log), verdict.report()
    assert not verdict.problems, verdict.report()
    # where a fixed finding predicted a failure, the handshake through the fixed config works
    broken = {(p, f["symptom"]) for f in before if f["symptom"] for p in f["ws_paths"]}
    observed = [m for m in map(OBSERVED.match, verdict.log) if m]
    assert observed, "no handshake line read from the verdict:\n" + verdict.report()
    for m in observed:
        if (m.group(3), m.group(5)) in broken:
            pytest.fail(f"still fails after the fix: {m.group(0)}\n{verdict.report()}")
    assert verdict.handshakes > 0

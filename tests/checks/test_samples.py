"""The bundled samples produce exactly the findings their `# expect:` markers name (the
markers are described in support/samples.py).

The CLI runs in JSON mode; its error and warning findings (and info findings a marker names)
must equal the marked set of (path, line, rule, symptom).

Where a sample's expectation is right and the linter is wrong, the sample is listed in
``LINTER_BUGS`` and runs as a strict xfail, so a fix in the linter turns it into a failure
that asks for the entry to be removed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.samples import ROOT, SAMPLES_ROOT, dialects, discover, read_markers, rel, sample_args

MIN_SAMPLES = {"nginx": 18, "apache": 15, "haproxy": 15}

# sample name -> why the linter's answer is wrong (see the final report / README)
LINTER_BUGS: dict[str, str] = {}


def run_linter(cli, sample: Path) -> tuple[int, dict, str]:
    args = ["check", rel(sample), "--format", "json", *sample_args(sample)]
    r = cli(*args, cwd=ROOT)
    try:
        doc = json.loads(r.out)
    except json.JSONDecodeError:
        pytest.fail(f"wsproxylint {' '.join(args)} did not print one JSON object (exit {r.code}):\n"
                    f"stdout: {r.out[:2000]}\nstderr: {r.err[:2000]}")
    return r.code, doc, r.err


def _fmt(keys) -> str:
    return "\n".join(f"    {p}:{line} {rule} {symptom or '-'}" for p, line, rule, symptom in sorted(
        keys, key=lambda k: (k[0], k[1], k[2], k[3] or ""))) or "    (none)"


SAMPLE_LIST = discover()


def _params(with_bugs: bool):
    for s in SAMPLE_LIST:
        marks = []
        if with_bugs and s.name in LINTER_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=LINTER_BUGS[s.name]))
        yield pytest.param(s, id=f"{s.parent.name}/{s.name}", marks=marks)


@pytest.mark.parametrize("dialect", dialects())
def test_enough_samples_and_all_documented(dialect: str):
    names = [s.name for s in SAMPLE_LIST if s.parent.name == dialect]
    assert len(names) >= MIN_SAMPLES.get(dialect, 2), names
    assert any(n.startswith("good-") for n in names) and any(n.startswith("bad-") for n in names)
    readme = (SAMPLES_ROOT / dialect / "README.md").read_text(encoding="utf-8")
    missing = [n for n in names if n not in readme]
    assert not missing, f"samples/{dialect}/README.md does not describe: {missing}"


def test_linter_bugs_name_real_samples():
    unknown = set(LINTER_BUGS) - {s.name for s in SAMPLE_LIST}
    assert not unknown, f"LINTER_BUGS names samples that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("sample", list(_params(with_bugs=False)))
def test_sample_markers(sample: Path):
    """bad-* samples say what they expect; good-* samples expect nothing."""
    expected = read_markers(sample)
    assert not expected.errors, "\n".join(expected.errors)
    if sample.name.startswith("bad-"):
        assert expected.findings, f"{sample.name} has no `# expect:` marker"
    else:
        assert not expected.findings, f"{sample.name} is good but carries markers:\n{_fmt(expected.findings)}"


@pytest.mark.parametrize("sample", list(_params(with_bugs=True)))
def test_sample_findings(cli, sample: Path):
    expected = read_markers(sample)
    code, doc, stderr = run_linter(cli, sample)

    assert "internal error" not in stderr, stderr
    actual: set[tuple[str, int, str, str | None]] = set()
    severities: dict[tuple, set[str]] = {}
    for f in doc["findings"]:
        key = (rel(f["path"]), f["line"], f["rule"], f["symptom"])
        severities.setdefault(key, set()).add(f["severity"])
        if f["severity"] in ("error", "warning") or key in expected.findings:
            actual.add(key)

    missing, extra = expected.findings - actual, actual - expected.findings
    assert not missing and not extra, (
        f"{sample.name}: findings differ from the markers\n"
        f"  expected but not reported:\n{_fmt(missing)}\n"
        f"  reported but not expected:\n{_fmt(extra)}")

    wrong = {k: (want, sorted(severities[k])) for k, want in expected.severities.items()
             if severities.get(k) != {want}}
    assert not wrong, f"{sample.name}: wrong severity (expected, reported): " + "; ".join(
        f"{p}:{line} {rule}: {w}" for (p, line, rule, _), w in sorted(wrong.items()))

    if sample.name.startswith("good-"):
        assert code == 0, f"{sample.name}: exit status {code}, expected 0\n{stderr}"
    else:
        assert code == 1, f"{sample.name}: exit status {code}, expected 1\n{stderr}"

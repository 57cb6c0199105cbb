"""The bundled samples produce exactly the findings their `# expect:` markers name.

Each sample under ``samples/<dialect>/`` is a ``good-*``/``bad-*`` file (``.conf`` or
``.cfg``), or a directory (a multi-file configuration, linted as a directory). The
expectations live in the sample files themselves, as a trailing comment on the offending
line::

    proxy_set_header Connection "";  # expect: WSP102 status:302
    keepalive 16;                    # expect: WSP201 status:302 warning

or, where a trailing ``#`` would be an argument rather than a comment (Apache httpd), on a
line of its own that applies to the next line that is neither blank nor a comment::

    # expect-next: WSP101 status:302
    ProxyPass /gateway/ http://fas:8080/gateway/

Items are separated by commas; each is ``RULE SYMPTOM [SEVERITY]``, ``-`` standing for a
null symptom. A severity, when given, is checked too. Options a sample needs go on its first
line (the first line of ``nginx.conf`` for a directory)::

    # wsproxylint-args: --fas-version 2.5.2

Markers are read with plain regular expressions, never with the linter. The CLI runs in
JSON mode; its error and warning findings (and info findings a marker names) must equal the
marked set of (path, line, rule, symptom).

Where a sample's expectation is right and the linter is wrong, the sample is listed in
``LINTER_BUGS`` and runs as a strict xfail, so a fix in the linter turns it into a failure
that asks for the entry to be removed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_ROOT = ROOT / "samples"
# the file a directory sample is entered by, per dialect
ENTRY = {"nginx": ("nginx.conf",), "apache": ("apache2.conf", "httpd.conf"), "haproxy": ("haproxy.cfg",)}
MIN_SAMPLES = {"nginx": 18, "apache": 15, "haproxy": 15}

MARKER = re.compile(r"#\s*expect:\s*(?P<items>.*?)\s*$")
MARKER_NEXT = re.compile(r"^\s*#\s*expect-next:\s*(?P<items>.*?)\s*$")
ITEM = re.compile(r"^(?P<rule>WSP\d{3})\s+(?P<symptom>\S+)(?:\s+(?P<severity>error|warning|info))?$")
ARGS = re.compile(r"^\s*#\s*wsproxylint-args:\s*(?P<args>.*?)\s*$")
SYMPTOM = re.compile(r"^(-|refused|reset|tls-error|missing-accept|idle-disconnect|config-rejected|status:\d{3})$")

# sample name -> why the linter's answer is wrong (see the final report / README)
LINTER_BUGS: dict[str, str] = {}


@dataclass
class Expected:
    findings: set[tuple[str, int, str, str | None]] = field(default_factory=set)
    severities: dict[tuple[str, int, str, str | None], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # malformed markers


def dialects() -> list[str]:
    return [d for d in ENTRY if (SAMPLES_ROOT / d).is_dir()]


def discover() -> list[Path]:
    return sorted(p for d in dialects() for p in (SAMPLES_ROOT / d).iterdir()
                  if p.name.startswith(("good-", "bad-")) and (p.is_dir() or p.suffix in (".conf", ".cfg")))


def sample_files(sample: Path) -> list[Path]:
    if sample.is_file():
        return [sample]
    return sorted(p for p in sample.rglob("*") if p.is_file())


def rel(path: str | Path) -> str:
    """A path as the repository sees it (findings may be relative to cwd or absolute)."""
    full = Path(path) if os.path.isabs(path) else ROOT / path
    return Path(os.path.relpath(os.path.normpath(full), ROOT)).as_posix()


def read_markers(sample: Path) -> Expected:
    out = Expected()
    for f in sample_files(sample):
        try:
            lines = f.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        pending: list[str] = []  # expect-next items waiting for their line
        for no, line in enumerate(lines, 1):
            nxt = MARKER_NEXT.match(line)
            if nxt:
                pending.append(nxt.group("items"))
                continue
            stripped = line.strip()
            items = []
            if pending and stripped and not stripped.startswith("#"):
                items, pending = pending, []
            m = MARKER.search(line)
            if m:
                items.append(m.group("items"))
            for raw in (i for group in items for i in group.split(",")):
                item = ITEM.match(raw.strip())
                if not item or not SYMPTOM.match(item.group("symptom")):
                    out.errors.append(f"{rel(f)}:{no}: malformed expectation {raw.strip()!r}")
                    continue
                symptom = None if item.group("symptom") == "-" else item.group("symptom")
                key = (rel(f), no, item.group("rule"), symptom)
                out.findings.add(key)
                if item.group("severity"):
                    out.severities[key] = item.group("severity")
        if pending:
            out.errors.append(f"{rel(f)}: `# expect-next:` with no line after it")
    return out


def entry_file(sample: Path) -> Path:
    if sample.is_file():
        return sample
    for name in ENTRY[sample.parent.name]:
        if (sample / name).is_file():
            return sample / name
    pytest.fail(f"{rel(sample)}: no entry file, expected one of {ENTRY[sample.parent.name]}")


def sample_args(sample: Path) -> list[str]:
    with open(entry_file(sample), encoding="utf-8") as f:
        first = f.readline()
    m = ARGS.match(first)
    return shlex.split(m.group("args")) if m else []


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
    assert len(names) >= MIN_SAMPLES[dialect], names
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

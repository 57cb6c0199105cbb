"""``lint()``, the engine's one entry point: selection decides which checks run (an
unselected check is never called, so one that raises cannot fail the run), and a library
caller gets what the CLI shows (suppressed findings removed, unused suppressions apart)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _util import write
from linter.core.options import Options
from linter.core.rules import RegisteredCheck
from linter.engine import registry
from linter.engine.registry import all_checks
from linter.engine.runner import run

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# WSP101 (suppressed), WSP102 and WSP103 at line 6, WSP301 at line 3
CONF = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;  # wsproxylint: disable=WSP101,WSP401 -- tested
            proxy_read_timeout 1h;
        }
    }
}
"""


def rules(findings) -> list[tuple[str, int]]:
    return sorted((f.rule, f.loc.line) for f in findings)


def test_a_library_caller_gets_suppressed_findings_removed(tmp_path):
    from linter.engine import Selection, lint

    conf = str(write(tmp_path, "nginx.conf", CONF))
    raw = run([conf], Options())
    assert ("WSP101", 6) in rules(raw.findings)  # the run itself filters nothing
    report = lint([conf], Options())
    assert rules(report.findings) == [r for r in rules(raw.findings) if r != ("WSP101", 6)]
    assert report.suppressed == 1
    assert [(f.rule, f.message) for f in report.unused] == [
        ("WSP900", "suppression of WSP401 silences nothing on this line or the next")
    ]
    # a suppression of a rule whose check did not run is not "unused": nothing was looked for
    only = lint([conf], Options(), selection=Selection(select=frozenset({"WSP102"})))
    assert rules(only.findings) == [("WSP102", 6)]
    assert only.suppressed == 0 and only.unused == []
    # selecting WSP900 asks for that judgement: the checks run, their findings are not shown
    judged = lint([conf], Options(), selection=Selection(select=frozenset({"WSP900"})))
    assert judged.findings == [] and judged.suppressed == 0
    assert [f.message for f in judged.unused] == [f.message for f in report.unused]


@pytest.fixture
def failing_wsp401(monkeypatch):
    """WSP401's check raises, and says whether it was called."""
    calls: list[str] = []

    def boom(plans):
        calls.append("WSP401")
        raise RuntimeError("injected failure in WSP401")

    checks = [RegisteredCheck(c.rule, boom) if c.rule.id == "WSP401" else c for c in all_checks()]
    monkeypatch.setattr(registry, "_REGISTRY", checks)
    return calls


def test_an_unselected_check_is_never_called(tmp_path, cli, failing_wsp401):
    write(tmp_path, "nginx.conf", CONF)
    conf = str(tmp_path / "nginx.conf")
    broken = cli("check", "--format", "json", conf)
    assert broken.code == 2 and "internal error in WSP401" in broken.err
    assert failing_wsp401 == ["WSP401"]
    expected = json.loads(broken.out)["findings"]
    ignored = cli("check", "--format", "json", "--ignore", "WSP401", conf)
    assert (ignored.code, ignored.err) == (1, "")
    assert json.loads(ignored.out)["findings"] == expected
    selected = cli("check", "--format", "json", "--select", "WSP102,WSP103", conf)
    assert (selected.code, selected.err) == (1, "")
    assert [f["rule"] for f in json.loads(selected.out)["findings"]] == ["WSP102", "WSP103"]
    assert failing_wsp401 == ["WSP401"]  # not called again


def test_every_check_reports_only_its_own_rule(monkeypatch):
    """Selection before the run gives what filtering afterwards gave only if no check
    reports a finding under another rule's id: watched on every sample."""
    strays: list[tuple[str, str]] = []

    def watched(registered: RegisteredCheck) -> RegisteredCheck:
        def run_it(plans):
            found = list(registered.run(plans))
            strays.extend((registered.rule.id, f.rule) for f in found if f.rule != registered.rule.id)
            return found

        return RegisteredCheck(registered.rule, run_it)

    monkeypatch.setattr(registry, "_REGISTRY", [watched(c) for c in all_checks()])
    report = run([str(SAMPLES)], Options())
    assert len({f.rule for f in report.findings}) > 10  # the samples exercise most rules
    assert strays == []


def test_the_reporters_load_no_reader():
    """Rendering needs the result type only: the reporters load neither the run nor a dialect."""
    code = (
        "import sys\n"
        "import linter.app.report.text, linter.app.report.json_report, linter.app.report.github\n"
        "import linter.app.report.sarif\n"
        "print(sorted(m for m in sys.modules if m == 'parsers' or m.startswith(('parsers.', 'linter.engine.r'))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "['linter.engine.registry', 'linter.engine.result']"

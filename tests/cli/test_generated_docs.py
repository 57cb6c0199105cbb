"""docs/rules.md is generated from the rule registry and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from linter.app.docs import DOC, rules_document
from linter.engine.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]


def test_rules_md_is_current():
    assert DOC.read_text(encoding="utf-8") == rules_document(), \
        "docs/rules.md is stale: run `python -m linter.app.docs`"


def test_rules_md_holds_every_rule_from_its_one_source():
    text = rules_document()
    for r in all_rules():
        assert f"## {r.id} `{r.name}`" in text
        for part in (r.summary, r.why, r.fix, r.console):
            assert part in text
        for ex in r.examples.values():
            assert ex.bad.rstrip() in text and ex.good.rstrip() in text


def test_check_mode_reports_staleness(tmp_path, monkeypatch):
    import linter.app.docs as docs

    monkeypatch.setattr(docs, "DOC", tmp_path / "rules.md")
    (tmp_path / "rules.md").write_text("old\n")
    assert docs.main(["--check"]) == 1
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
    r = subprocess.run([sys.executable, "-m", "linter.app.docs", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

"""docs/rules.md and .pre-commit-hooks.yaml are generated from the registries and must not be stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from linter.app.docs import DOC, rules_document
from linter.engine.registry import all_rules, examples_of

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
        for ex in examples_of(r).values():
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


def test_precommit_hooks_are_current():
    from linter.app.precommit import HOOKS, hooks_document

    assert HOOKS.read_text(encoding="utf-8") == hooks_document(), \
        ".pre-commit-hooks.yaml is stale: run `python -m linter.app.precommit`"


def test_precommit_files_pattern_is_every_dialects_share():
    import re

    import parsers
    from linter.app.precommit import hooks_document

    block = hooks_document().split("files: |\n", 1)[1]
    for d in parsers.dialects():
        assert d.file_patterns, d.name
        for p in d.file_patterns:
            assert f"      {p}" in block.splitlines() or f"      {p} |" in block.splitlines(), p
    re.compile("\n".join(line[4:] for line in block.splitlines()))


def test_precommit_check_mode_reports_staleness(tmp_path, monkeypatch):
    import linter.app.precommit as precommit

    monkeypatch.setattr(precommit, "HOOKS", tmp_path / "hooks.yaml")
    (tmp_path / "hooks.yaml").write_text("old\n")
    assert precommit.main(["--check"]) == 1
    assert precommit.main([]) == 0
    assert precommit.main(["--check"]) == 0
    r = subprocess.run([sys.executable, "-m", "linter.app.precommit", "--check"], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr

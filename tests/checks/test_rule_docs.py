"""Every rule is documented completely, and its examples are true: the bad example is
flagged by that rule, the good one is not."""

from __future__ import annotations

import pytest

from linter.core.options import Options
from linter.engine.registry import all_rules, applies_to, examples_of
from linter.engine.runner import run
import parsers

RULES = all_rules()
EXAMPLES = [(r, d, ex) for r in RULES for d, ex in examples_of(r).items()]


def rules_flagged(tmp_path, text: str, dialect: str) -> set[str]:
    path = tmp_path / f"example.{dialect}.conf"
    path.write_text(text)
    report = run([str(path)], Options(dialect=dialect))
    assert not report.internal_errors
    return {f.rule for f in report.findings}


@pytest.mark.parametrize("rule,dialect,example", EXAMPLES, ids=[f"{r.id}-{d}" for r, d, _ in EXAMPLES])
def test_bad_example_is_flagged_and_good_is_not(tmp_path, rule, dialect, example):
    assert rule.id in rules_flagged(tmp_path, example.bad, dialect)
    assert rule.id not in rules_flagged(tmp_path, example.good, dialect)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_documentation_is_complete(rule):
    assert rule.id.startswith("WSP") and rule.id[3:].isdigit()
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "info")
    for text in (rule.summary, rule.why, rule.fix, rule.console):
        assert len(text) > 20
    # every dialect the rule applies to has its example, and one that says it cannot express
    # the rule's problem has none (and says why)
    dialects = applies_to(rule)
    assert dialects and set(dialects) <= set(parsers.names())
    examples = examples_of(rule)
    for d in parsers.dialects():
        if d.name in dialects:
            assert d.name in examples, f"{rule.id} applies to {d.name} but has no {d.name} example"
        else:
            assert d.name not in examples, f"{rule.id}: {d.name} has an example but says it cannot express it"
            assert len(d.inexpressible()[rule.id]) > 20, f"{d.name}: say why {rule.id} cannot be expressed"


def test_ids_and_names_are_unique():
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_readme_shows_what_the_tool_prints(cli):
    """The README's example output and rule table are the tool's own, not a stale copy."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    sample = "samples/nginx/bad-inherited-headers-dropped.conf"
    text = cli("check", sample, cwd=root).out.rstrip()
    assert f"$ wsproxylint check {sample}\n{text}\n$ echo $?\n1\n" in readme
    doc = json.loads(cli("check", sample, "--format", "json", cwd=root).out)
    assert json.dumps(doc["findings"][0], indent=2) in readme
    for r in RULES:
        assert f"| {r.id} | `{r.name}` | {r.severity} | {r.console.split(' (')[0]} | {r.summary} |" in readme

"""Every rule has, for every dialect it covers, a bad sample it flags and a good sample it
leaves alone, as gixy asks a positive and a false-positive fixture of every plugin.

A bad sample names the rule in an ``# expect:`` marker, a good sample in its ``# good-for:``
line (both described in support/samples.py): a good sample stands for a rule because it was
written as that rule's near miss, not because it happens to be clean. A new rule's bad and
good samples go in ``samples/<dialect>/``, and both must also hold on the real proxy
(tests/live/test_verify_samples.py). A proxy that cannot express a rule's broken setup at all
says so in its ``parsers/<name>/examples.py`` (``NOT_EXPRESSIBLE``, with why), and the rule
does not apply to it; no pair the rule applies to is ever skipped here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.samples import ROOT, discover, good_for, read_markers, rel, sample_args

import parsers
from linter.engine.registry import all_rules, applies_to

SAMPLE_LIST = discover()
RULES = {r.id: r for r in all_rules()}
COVERS = {r.id: applies_to(r) for r in RULES.values()}
PAIRS = [(rid, d) for rid, dialects in COVERS.items() for d in dialects]


def bad_samples(rule: str, dialect: str) -> list[Path]:
    return [s for s in SAMPLE_LIST if s.parent.name == dialect and s.name.startswith("bad-")
            and any(r == rule for _, _, r, _ in read_markers(s).findings)]


def good_samples(rule: str, dialect: str) -> list[Path]:
    return [s for s in SAMPLE_LIST if s.parent.name == dialect and s.name.startswith("good-")
            and rule in good_for(s)]


def flagged(cli, sample: Path, rule: str) -> list[tuple[str, int, str]]:
    """Where the rule reports an error or a warning on the sample (path, line, severity)."""
    r = cli("check", rel(sample), "--format", "json", *sample_args(sample), cwd=ROOT)
    assert r.code in (0, 1), f"{rel(sample)}: exit status {r.code}\n{r.err}"
    return [(rel(f["path"]), f["line"], f["severity"]) for f in json.loads(r.out)["findings"]
            if f["rule"] == rule and f["severity"] in ("error", "warning")]


def test_rules_cover_registered_dialects_only():
    for rid, dialects in COVERS.items():
        assert dialects, f"{rid} covers no dialect"
        assert set(dialects) <= set(parsers.names()), f"{rid}: {dialects}"


def test_good_for_names_real_rules_in_good_samples_only():
    for s in SAMPLE_LIST:
        declared = good_for(s)
        if s.name.startswith("bad-"):
            assert not declared, f"{rel(s)} is a bad sample but declares good-for {declared}"
            continue
        unknown = [r for r in declared if r not in RULES]
        assert not unknown, f"{rel(s)}: good-for names unknown rules {unknown}"
        outside = [r for r in declared if s.parent.name not in COVERS[r]]
        assert not outside, f"{rel(s)}: good-for names rules that do not cover {s.parent.name}: {outside}"


@pytest.mark.parametrize(("rule", "dialect"), PAIRS, ids=[f"{r}-{d}" for r, d in PAIRS])
def test_rule_has_a_bad_and_a_good_sample(cli, rule: str, dialect: str):
    bad, good = bad_samples(rule, dialect), good_samples(rule, dialect)
    assert bad, f"{rule} covers {dialect} but no samples/{dialect}/bad-* sample expects it"
    assert good, f"{rule} covers {dialect} but no samples/{dialect}/good-* sample says `# good-for: {rule}`"
    assert flagged(cli, bad[0], rule), f"{rel(bad[0])} expects {rule}, which does not flag it"
    for s in good:
        hits = flagged(cli, s, rule)
        assert not hits, f"{rel(s)} is good for {rule}, which flags it: {hits}"

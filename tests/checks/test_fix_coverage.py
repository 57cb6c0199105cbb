"""Every fix a check can ask for is worded by every dialect its rule covers; a fix a
dialect cannot word is an error, never the key echoed into a finding.

"Can ask for" is read from the source: every ``Fix.X`` a rule's module names, or a
``checks/_*.py`` helper it imports names, so a check that starts using a new fix fails
here until each dialect of its rule has the text.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import parsers
from linter.core.fixes import Fix, FixTexts
from linter.engine.registry import all_checks, applies_to

# every detail a fix template may name, so that formatting itself is exercised
DETAILS = {
    "where": "`location /gateway/`",
    "path": "/gateway/websocketcall",
    "port": "8443",
    "header": "Upgrade",
    "threshold": "3600",
    "name": "10.20.0.11",
}


def _fixes_named(path: Path, seen: set[Path]) -> set[Fix]:
    """The ``Fix`` members a module names, with those of the checks/_ helpers it imports."""
    if path in seen:
        return set()
    seen.add(path)
    tree = ast.parse(path.read_text(), str(path))
    found: set[Fix] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Fix":
            found.add(Fix[node.attr])  # an unknown member name fails here too
        elif isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            helper = path.parent / f"{node.module}.py"
            if helper.exists():
                found |= _fixes_named(helper, seen)
    return found


CASES = [
    (check.rule.id, dialect, fix)
    for check in all_checks()
    for fix in sorted(_fixes_named(Path(inspect.getfile(check.run)), set()), key=lambda f: f.value)
    for dialect in applies_to(check.rule)
]


def test_the_walk_sees_the_checks_fixes():
    # guards the walk itself: were it to find nothing, the coverage test would pass vacuously
    asked = {fix for _, _, fix in CASES}
    assert {Fix.FORWARD_UPGRADE, Fix.DISABLE_REUSE, Fix.ROUTE_WS, Fix.FIX_SYNTAX} <= asked
    assert {rule for rule, _, _ in CASES} >= {"WSP001", "WSP101", "WSP201"}


@pytest.mark.parametrize("rule,dialect,fix", CASES, ids=[f"{r}-{d}-{f.value}" for r, d, f in CASES])
def test_every_dialect_words_every_fix_its_rules_ask_for(rule, dialect, fix):
    advice = parsers.get(dialect).advice
    try:
        text = advice.fix(fix, **DETAILS)
    except KeyError as e:
        pytest.fail(f"{rule} can ask {dialect} for {fix}, which {dialect}'s advice does not word ({e})")
    assert text and text != fix.value and "{" + "where}" not in text


def test_a_fix_a_dialect_does_not_word_is_an_error_not_its_key():
    class Terse(FixTexts):
        TEXTS = {Fix.HTTP11: "speak HTTP/1.1 on {where}"}

    assert Terse().fix(Fix.HTTP11) == "speak HTTP/1.1 on the websocket route"
    with pytest.raises(KeyError):
        Terse().fix(Fix.ROUTE_WS)

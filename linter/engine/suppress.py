"""Inline suppressions, the same in every dialect.

    # wsproxylint: disable=WSP101[,WSP102] -- why this is fine here
    # wsproxylint: disable-file=WSP401 -- why

``disable`` silences the listed rules on its own line and on the line after it;
``disable-file`` silences them in the whole file, wherever it stands. Rules are named by id
or name. The readers record each file's comments (``SourceFile.comments``, line -> text
after the ``#``), and only what the dialect treats as a comment gets there: in Apache a
``#`` after a directive is an argument, so there a suppression must stand on its own
line. This module therefore needs no dialect word.

Unknown rule ids and suppressions that silenced nothing are reported on request
(``--report-unused-suppressions``) as findings of the pseudo-rule WSP900, so that a
suppression cannot outlive the problem it was written for unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from linter.core.findings import Finding
from linter.core.rules import Rule
from linter.core.tree import Loc, SourceFile
from linter.engine.registry import find_rule

_DIRECTIVE = re.compile(
    r"^\s*wsproxylint:\s*(disable|disable-file)\s*=\s*([^\s]+(?:\s*,\s*[^\s,]+)*)"
    r"\s*(?:--\s*(.*))?$",
    re.I,
)
# anything that looks meant for us but is malformed
_MENTION = re.compile(r"^\s*wsproxylint\s*(:|disable|ignore|noqa)", re.I)

UNUSED_RULE = Rule(
    id="WSP900",
    name="unused-suppression",
    severity="warning",
    summary="A `# wsproxylint: disable=...` comment names an unknown rule or silences nothing.",
    why=(
        "A suppression that no longer matches a finding hides nothing today, but it will silently hide the "
        "next real problem of that rule on that line. An unknown id is usually a typo that suppresses nothing."
    ),
    fix="Remove the suppression, or correct the rule id.",
    console="None: this is about the linter's own comments",
)


@dataclass(slots=True)
class Suppression:
    """One `wsproxylint: disable=...` comment and what it covers."""

    loc: Loc
    scope: str  # "line" | "file"
    rules: dict[str, str]  # rule id -> the word written (id or name)
    reason: str
    dialect: str = ""
    unknown: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Outcome:
    """Findings after suppressions: kept, silenced, and the unused-suppression findings they produce."""

    kept: list[Finding]
    suppressed: list[Finding]
    # findings of UNUSED_RULE: unknown ids and suppressions that silenced nothing
    unused: list[Finding]


def parse(source: SourceFile) -> list[Suppression]:
    """The suppressions in one file's comments."""
    out: list[Suppression] = []
    for line, text in sorted(source.comments.items()):
        m = _DIRECTIVE.match(text)
        if m is None:
            if _MENTION.match(text):
                out.append(
                    Suppression(
                        Loc(source.path, line),
                        "line",
                        {},
                        "",
                        source.dialect,
                        unknown=[f"malformed suppression: {text.strip()!r}"],
                    )
                )
            continue
        kind, ids, reason = m.group(1).lower(), m.group(2), (m.group(3) or "").strip()
        sup = Suppression(
            Loc(source.path, line), "file" if kind == "disable-file" else "line", {}, reason, source.dialect
        )
        for word in (w.strip() for w in ids.split(",")):
            rule = find_rule(word)
            if rule is None:
                sup.unknown.append(word)
            else:
                sup.rules[rule.id] = word
        out.append(sup)
    return out


def apply(
    findings: list[Finding], sources: dict[str, SourceFile], ran: Callable[[str], bool] = lambda rule_id: True
) -> Outcome:
    """Split ``findings`` into kept and suppressed, and note what suppressed nothing. A
    suppression of a rule whose check did not run (``ran`` says no) silenced nothing only
    because nothing was looked for: it is not reported."""
    by_file = {path: parse(sf) for path, sf in sources.items()}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        hit = None
        for sup in by_file.get(f.loc.file, ()):
            if f.rule not in sup.rules:
                continue
            if sup.scope == "file" or sup.loc.line in (f.loc.line, f.loc.line - 1):
                hit = sup
                break
        if hit is None:
            kept.append(f)
        else:
            hit.used.add(f.rule)
            suppressed.append(f)
    unused: list[Finding] = []
    for sups in by_file.values():
        for sup in sups:
            for word in sup.unknown:
                msg = word if word.startswith("malformed") else f"unknown rule {word!r} in a suppression"
                unused.append(_unused(sup, msg))
            idle = [word for rid, word in sup.rules.items() if rid not in sup.used and ran(rid)]
            if idle:
                where = "in this file" if sup.scope == "file" else "on this line or the next"
                unused.append(_unused(sup, f"suppression of {', '.join(idle)} silences nothing {where}"))
    return Outcome(kept, suppressed, unused)


def _unused(sup: Suppression, message: str) -> Finding:
    return Finding(
        rule=UNUSED_RULE.id,
        name=UNUSED_RULE.name,
        severity=UNUSED_RULE.severity,
        dialect=sup.dialect,
        loc=sup.loc,
        message=message,
        symptom=None,
        fix=UNUSED_RULE.fix,
    )

"""Inline suppressions, the same in every dialect.

    # wsproxylint: disable=WSP101[,WSP102] -- why this is fine here
    # wsproxylint: disable-file=WSP401 -- why
    # wsproxylint: disable=all -- why

``disable`` silences the listed rules on its own line and on the line after it;
``disable-file`` silences them in the whole file, wherever it stands; ``all`` names every
rule. Rules are named by id or name. The readers record each file's comments
(``SourceFile.comments``, line -> text after the ``#``), and only what the dialect treats
as a comment gets there; text after a ``#`` that the proxy reads as arguments (httpd,
after a directive) is recorded apart (``SourceFile.argument_comments``). This module
therefore needs no dialect word.

A suppression that cannot work is reported by default as a finding of the pseudo-rule
WSP900: an unknown rule id (usually a typo, which suppresses nothing), a malformed
``wsproxylint`` comment, one written where the proxy reads it as arguments (unless the
reader already reports that the proxy refuses the line: then that finding says it). A
suppression that silenced nothing is reported on request (``--report-unused-suppressions``),
so that a suppression cannot outlive the problem it was written for unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from linter.core.findings import Finding
from linter.core.rules import Rule
from linter.core.symptoms import CONFIG_REJECTED
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
    summary=(
        "A `# wsproxylint: disable=...` comment names an unknown rule, is malformed, stands where the proxy "
        "reads it as arguments, or (with `--report-unused-suppressions`) silences nothing."
    ),
    why=(
        "An unknown id is usually a typo, and a malformed comment or one the proxy reads as arguments of a "
        "directive is no suppression at all: each silences nothing while the config looks handled, so they are "
        "reported by default. A suppression that no longer matches a finding hides nothing today, but it will "
        "silently hide the next real problem of that rule on that line."
    ),
    fix="Correct the rule id or the comment (`# wsproxylint: disable=WSP101 -- why`), or remove the suppression.",
    console="None: this is about the linter's own comments",
)


@dataclass(slots=True)
class Suppression:
    """One `wsproxylint: disable=...` comment and what it covers."""

    loc: Loc
    scope: str  # "line" | "file"
    rules: dict[str, str]  # rule id -> the word written (id or name); ALL: every rule
    reason: str
    dialect: str = ""
    # why it cannot work as written: unknown ids, a malformed or misplaced comment
    unknown: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def covers(self, rule_id: str) -> bool:
        return rule_id in self.rules or ALL in self.rules


@dataclass(slots=True)
class Outcome:
    """Findings after suppressions: kept, silenced, and the WSP900 findings they produce."""

    kept: list[Finding]
    suppressed: list[Finding]
    # findings of UNUSED_RULE for suppressions that silenced nothing (reported on request)
    unused: list[Finding]
    # findings of UNUSED_RULE for suppressions that cannot work: unknown ids, malformed or
    # misplaced comments (reported by default)
    invalid: list[Finding] = field(default_factory=list)


ALL = "all"


def parse(source: SourceFile) -> list[Suppression]:
    """The suppressions in one file's comments, and those written where the proxy reads
    them as arguments (each with the reason it cannot work)."""
    out: list[Suppression] = []
    for line, text in sorted(source.comments.items()):
        sup = _parse_one(source, line, text)
        if sup is not None:
            out.append(sup)
    for line, text in sorted(source.argument_comments.items()):
        sup = _parse_one(source, line, text)
        if sup is not None:
            sup.rules.clear()
            sup.unknown = [
                MISPLACED + ": the proxy reads a `#` after a directive as more arguments of it, not as a comment, "
                "so this silences nothing; put it on the line before"
            ]
            out.append(sup)
    return out


MISPLACED = "suppression after a directive"


def _parse_one(source: SourceFile, line: int, text: str) -> Suppression | None:
    m = _DIRECTIVE.match(text)
    if m is None:
        if _MENTION.match(text):
            return Suppression(
                Loc(source.path, line),
                "line",
                {},
                "",
                source.dialect,
                unknown=[f"malformed suppression: {text.strip()!r} (write `# wsproxylint: disable=ID -- why`)"],
            )
        return None
    kind, ids, reason = m.group(1).lower(), m.group(2), (m.group(3) or "").strip()
    sup = Suppression(Loc(source.path, line), "file" if kind == "disable-file" else "line", {}, reason, source.dialect)
    for word in (w.strip() for w in ids.split(",")):
        if word.lower() == ALL:
            sup.rules[ALL] = word
            continue
        rule = find_rule(word)
        if rule is None:
            sup.unknown.append(word)
        else:
            sup.rules[rule.id] = word
    return sup


def apply(
    findings: list[Finding], sources: dict[str, SourceFile], ran: Callable[[str], bool] = lambda rule_id: True
) -> Outcome:
    """Split ``findings`` into kept and suppressed, and note the suppressions that cannot
    work or silenced nothing. A suppression of a rule whose check did not run (``ran`` says
    no) silenced nothing only because nothing was looked for: it is not reported."""
    by_file = {path: parse(sf) for path, sf in sources.items()}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        hit = None
        for sup in by_file.get(f.loc.file, ()):
            if not sup.covers(f.rule):
                continue
            if sup.scope == "file" or sup.loc.line in (f.loc.line, f.loc.line - 1):
                hit = sup
                break
        if hit is None:
            kept.append(f)
        else:
            hit.used.add(f.rule)
            suppressed.append(f)
    # a line the proxy refuses is reported as such (or that report silenced on purpose): its
    # misplaced suppression adds nothing
    refused = {(f.loc.file, f.loc.line) for f in findings if f.symptom == CONFIG_REJECTED}
    unused: list[Finding] = []
    invalid: list[Finding] = []
    for sups in by_file.values():
        for sup in sups:
            for word in sup.unknown:
                if word.startswith(MISPLACED) and (sup.loc.file, sup.loc.line) in refused:
                    continue
                known = word.startswith(("malformed", MISPLACED))
                invalid.append(_unused(sup, word if known else f"unknown rule {word!r} in a suppression"))
            if ALL in sup.rules:
                idle = [] if sup.used else [sup.rules[ALL]]
            else:
                idle = [word for rid, word in sup.rules.items() if rid not in sup.used and ran(rid)]
            if idle:
                where = "in this file" if sup.scope == "file" else "on this line or the next"
                unused.append(_unused(sup, f"suppression of {', '.join(idle)} silences nothing {where}"))
    return Outcome(kept, suppressed, unused, invalid)


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

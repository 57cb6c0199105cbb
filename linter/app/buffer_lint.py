"""One editor buffer linted as ``check`` would lint the file it holds: the settings file
nearest to it, its ``roots`` (so a snippet is judged inside the configuration that includes
it, with the unsaved text in place of the disk's), the same ``lint()``. Free of the language
server protocol, so what the server shows is what ``check`` says, and tests can ask it
directly.

Also the two text-level helps the server offers on a buffer's lines: which rule a
suppression comment names under the cursor, and the suppression comment that silences a
finding on its line. Suppressions are written alike in every dialect (``#`` on a line of
its own, see ``linter/engine/suppress.py``), so neither needs a dialect word.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from linter.core.findings import Finding
from linter.core.rules import Rule


@dataclass(slots=True)
class BufferLint:
    """What linting a buffer gave: the findings that concern its file (on it, or with a
    related line in it), and what could not be judged, in words for the editor's log."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    judged: bool = True  # False: not a proxy config, excluded, or the settings are broken


def lint_buffer(path: str, text: str) -> BufferLint:
    """Lint ``text`` as the content of ``path`` (which need not be saved, nor exist)."""
    from linter.app import settings as config
    from linter.app.check import _options, rule_ids
    from linter.app.check_options import CHECK, CheckArgs
    from linter.app.cli_spec import Args
    from linter.app.output import CliError
    from linter.engine.linting import lint
    from linter.engine.patterns import matches
    from linter.engine.result import UsageError
    from linter.engine.selection import Selection

    out = BufferLint()
    try:
        ((settings, _),) = config.for_inputs([path])
        # check's defaults, then the settings file: what `check FILE` would run with
        args = CheckArgs(Args.from_values(CHECK, {"stdin_filename": path}).values)
        options = _options(args, settings)
        where = settings.path or "settings"
        selection = Selection(
            frozenset(rule_ids(settings.select, f"{where}: select")),
            frozenset(rule_ids(settings.ignore, f"{where}: ignore")),
        )
    except (config.ConfigError, CliError) as e:
        return BufferLint(problems=[str(e)], judged=False)
    if matches(path, options.exclude):
        return BufferLint(judged=False)
    try:
        report = lint(["-"], options, selection=selection, stdin=text, roots=settings.roots)
    except UsageError as e:  # no proxy config (a .conf of another tool), a root gone
        return BufferLint(problems=[str(e)], judged=False)
    found = report.findings + (report.unused if settings.report_unused_suppressions else [])
    here = os.path.realpath(path)
    out.findings = [f for f in found if _concerns(f, here)]
    out.problems = [f"{where}: {why}" for where, why in report.unreadable]
    out.problems += [f"internal error in {e.where}: {e.message}" for e in report.internal_errors]
    return out


def _concerns(f: Finding, real: str) -> bool:
    return os.path.realpath(f.loc.file) == real or any(os.path.realpath(r.loc.file) == real for r in f.related)


def same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


# ----------------------------------------------------------------------------- suppressions

# a suppression comment as suppress.py reads it, found in a whole line (after its ``#``)
_SUPPRESSION = re.compile(r"#\s*wsproxylint:\s*(disable|disable-file)\s*=\s*([^\s]+(?:\s*,\s*[^\s,]+)*)", re.I)


def rule_at(line: str, character: int) -> tuple[Rule, int, int] | None:
    """The rule a suppression comment names at ``character`` of ``line``, with the span of
    the word as written; None when the cursor is on no such word."""
    from linter.engine.registry import find_rule
    from linter.engine.suppress import UNUSED_RULE

    for m in _SUPPRESSION.finditer(line):
        start = m.start(2)
        for word in re.finditer(r"[^\s,]+", m.group(2)):
            a, b = start + word.start(), start + word.end()
            if a <= character <= b:
                key = word.group()
                if key.upper() == UNUSED_RULE.id or key.lower() == UNUSED_RULE.name:
                    return UNUSED_RULE, a, b
                rule = find_rule(key)
                return (rule, a, b) if rule is not None else None
    return None


@dataclass(slots=True, frozen=True)
class TextEdit:
    """Insert or replace text in a buffer (0-based lines and characters)."""

    line: int
    start: int
    end: int
    text: str


def disable_edit(lines: list[str], line: int, rule_id: str) -> TextEdit:
    """The edit that silences ``rule_id`` on buffer line ``line`` (0-based): the rule added
    to a ``disable=`` comment standing alone on the line before, else such a comment
    inserted before the line, indented like it. A comment of its own line is the one form
    every dialect reads as a comment (Apache takes a ``#`` after a directive as an argument),
    and ``disable`` covers the line after it."""
    if line > 0:
        before = lines[line - 1]
        m = _SUPPRESSION.match(before.strip())
        if m is not None and m.group(1).lower() == "disable" and before.lstrip().startswith("#"):
            end = len(before) - len(before.lstrip()) + m.end(2)
            return TextEdit(line - 1, end, end, f",{rule_id}")
    current = lines[line] if line < len(lines) else ""
    indent = current[: len(current) - len(current.lstrip())]
    return TextEdit(line, 0, 0, f"{indent}# wsproxylint: disable={rule_id}\n")

"""``lint()``: the one entry point every caller shares (the CLI's ``check``, ``probe
--config``, library callers). It runs the selected checks, removes what inline
suppressions silence, and focuses the result on the files handed over when ``roots`` say
which configurations include them."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from linter.core.findings import Finding
from linter.core.options import Options
from linter.engine.result import Report, UsageError
from linter.engine.runner import run
from linter.engine.selection import EVERY_RULE, Selection


def lint(
    paths: Sequence[str],
    options: Options,
    *,
    selection: Selection = EVERY_RULE,
    stdin: str | None = None,
    roots: Sequence[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
    jobs: int = 1,
) -> Report:
    """Lint ``paths`` (``-``: the text ``stdin``) with the checks ``selection`` runs.

    ``findings`` are those no suppression silences (``suppressed`` counts the others), with
    a WSP900 finding per suppression that cannot work (an unknown rule, a malformed or
    misplaced comment); ``unused`` holds a WSP900 finding per suppression that silenced
    nothing (both unless ``selection`` ignores WSP900); a suppression of a rule that did not
    run is not judged. Selecting WSP900 by name asks for exactly that judgement, so then
    every check not ignored runs and only the selected rules' findings are kept. With
    ``roots``, a file handed over that a root includes is linted as part of that root,
    and the result is focused on the files handed over; so is ``stdin`` when
    ``options.stdin_name`` names such a file (an editor's unsaved text of it, read by the
    root in place of the disk's). Raises ``UsageError`` for a path or root that cannot be
    used.
    """
    from linter.engine.suppress import UNUSED_RULE, apply

    ran = Selection(ignore=selection.ignore) if UNUSED_RULE.id in selection.select else selection
    report, focus = _run_focused(list(paths), options, ran, stdin, list(roots), progress, jobs)
    outcome = apply(report.findings, report.sources, ran=ran.runs)
    findings, unused = outcome.kept, outcome.unused
    if ran is not selection:
        findings = [f for f in findings if selection.runs(f.rule)]
    if UNUSED_RULE.id not in selection.ignore:
        findings = findings + outcome.invalid  # a suppression that cannot work is always said
    if focus is not None:
        findings = [f for f in findings if _in_focus(f, focus)]
        unused = [f for f in unused if os.path.realpath(f.loc.file) in focus]
    report.findings = sorted(findings, key=Finding.sort_key)  # roots and the rest: one order
    report.suppressed = sum(1 for f in outcome.suppressed if selection.runs(f.rule))
    report.unused = unused if UNUSED_RULE.id not in selection.ignore else []
    return report


def _run_focused(
    paths: list[str],
    options: Options,
    selection: Selection,
    stdin: str | None,
    roots: list[str],
    progress: Callable[[int, int, str], None] | None,
    jobs: int,
) -> tuple[Report, set[str] | None]:
    """The run, and the files to focus on (real paths; None: no focus). A root that
    includes a file handed over (pre-commit hands over changed snippets alone) is run
    instead of that file."""
    files = [p for p in paths if p != "-" and os.path.isfile(p)]
    # stdin named after a file on disk: the text of that file, as an editor holds it
    named = stdin is not None and "-" in paths and os.path.isfile(options.stdin_name)
    if roots and (files or named):
        for r in roots:
            if not os.path.isfile(r):
                raise UsageError(f"roots: {r}: no such file")
        from linter.core.bounds import unsaved

        with unsaved({options.stdin_name: stdin} if named and stdin is not None else {}):
            # the held text lives in this process only: no worker processes then
            root_report = run(roots, options, progress=progress, jobs=1 if named else jobs, selection=selection)
        read = {os.path.realpath(f) for f, _ in root_report.files}
        covered = [p for p in files if os.path.realpath(p) in read]
        if named and os.path.realpath(options.stdin_name) in read:
            covered.append("-")
        if covered:
            rest = [p for p in paths if p not in covered]
            rest_report = run(rest, options, stdin, progress, jobs=jobs, selection=selection) if rest else Report()
            merged = Report(
                files=root_report.files + [f for f in rest_report.files if f not in root_report.files],
                findings=root_report.findings + rest_report.findings,
                internal_errors=root_report.internal_errors + rest_report.internal_errors,
                skipped=root_report.skipped + rest_report.skipped,
                unreadable=root_report.unreadable + rest_report.unreadable,
                sources={**rest_report.sources, **root_report.sources},
            )
            merged.checked = root_report.checked
            merged.checked.add(rest_report.checked)
            focus = {os.path.realpath(options.stdin_name if p == "-" else p) for p in covered}
            focus |= {os.path.realpath(f) for f, _ in rest_report.files}
            if focus & {os.path.realpath(r) for r in roots}:
                # a root handed over is its whole configuration: nothing of it is left out
                return merged, None
            return merged, focus
    return run(paths, options, stdin, progress, jobs=jobs, selection=selection), None


def _in_focus(f: Finding, focus: set[str]) -> bool:
    """A finding concerns the files handed over when it points at one, one of its related
    lines does (a change in a snippet can break a line of the file that includes it), or one
    of them is among the files that decide its block (a header deleted from a snippet leaves
    no line there: the finding points at the location that includes it)."""
    if os.path.realpath(f.loc.file) in focus:
        return True
    if any(os.path.realpath(r.loc.file) in focus for r in f.related):
        return True
    return any(os.path.realpath(path) in focus for path in f.files)

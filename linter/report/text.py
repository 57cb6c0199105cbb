"""``--format text``: one block per finding, file:line first, then what the user will see
and what to change."""

from __future__ import annotations

from collections import Counter

from linter.runner import Report

from . import console_text, display_path


def render(report: Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        lines.append(f"{display_path(f.loc.file)}:{f.loc.line}: {f.severity} {f.rule} [{f.name}] {f.message}")
        context = ", ".join(x for x in (f.ws_path, f.listener and f"listener {f.listener}") if x)
        if context:
            lines.append(f"    on: {context}")
        console = console_text(f.symptom)
        if console:
            lines.append(f"    console: {console}")
        lines.append(f"    fix: {f.fix}")
        for r in f.related:
            lines.append(f"    see: {display_path(r.loc.file)}:{r.loc.line}: {r.message}")
    counts = Counter(f.severity for f in report.findings)
    nfiles = len(report.files)
    if report.findings:
        parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
                 for s in ("error", "warning", "info") if counts[s]]
        lines.append(f"Found {', '.join(parts)} in {nfiles} file{'s' if nfiles != 1 else ''} read.")
    else:
        lines.append(f"No problems found in {nfiles} file{'s' if nfiles != 1 else ''} read.")
    return "\n".join(lines)

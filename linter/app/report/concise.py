"""``--format concise``: one line per finding, ``path:line:col: severity RULE name message``,
for editors' problem matchers and grep; the summary lines last.

The column is the finding's when the reader knows it, else where the directive starts on
its line (what the text format's caret points at), so that the line always has the shape
editors parse.
"""

from __future__ import annotations

from linter.app.report import display_path
from linter.app.report.text import Notes, Paint, SourceLines, summary_lines
from linter.core.findings import Finding
from linter.engine.result import Report


def column(f: Finding, src: SourceLines) -> int:
    if f.loc.column is not None:
        return f.loc.column
    line = src.line(f.loc.file, f.loc.line)
    if line is None or not line.strip():
        return 1
    return len(line) - len(line.lstrip()) + 1


def render(report: Report, color: bool = False, suppressed: int = 0, notes: Notes | None = None) -> str:
    paint = Paint(color)
    src = SourceLines(report)
    lines = [
        f"{paint(f'{display_path(f.loc.file)}:{f.loc.line}:{column(f, src)}', 'path')}: "
        f"{paint(f.severity, f.severity)} {paint(f.rule, 'rule')} {f.name} {f.message}"
        for f in report.findings
    ]
    lines += summary_lines(report, paint, suppressed, notes)
    return "\n".join(lines)

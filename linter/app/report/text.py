"""``--format text``: one block per finding, file:line first, the offending line with a
caret under it, then what the user will see and what to change; a summary line last.

Colour only when asked (``--color``, see ``linter/app/output.py``), with plain ANSI
sequences: rich would do it too, but its import alone would be a large part of a pre-commit run.
"""

from __future__ import annotations

from collections import Counter

from linter.app.report import console_text, display_path
from linter.core.findings import Finding
from linter.engine.result import Report

# which settings file applied to which inputs (empty when they all shared one)
Notes = list[tuple[str | None, list[str]]]

_STYLE = {"error": "1;31", "warning": "1;33", "info": "1;36", "path": "1", "dim": "2", "caret": "1;35", "rule": "1"}


class Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLE[style]}m{text}\x1b[0m" if self.color and text else text


class SourceLines:
    """The lines of the files findings point at: from the reader's copy when the file is
    not on disk (stdin, an nginx -T dump), else from the disk, each file read once."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.cache: dict[str, list[str]] = {}

    def line(self, path: str, n: int) -> str | None:
        lines = self.cache.get(path)
        if lines is None:
            sf = self.report.sources.get(path)
            text = sf.text if sf is not None else None
            if text is None:
                try:
                    with open(path, "rb") as f:
                        text = f.read(64 * 1024 * 1024).decode("utf-8", errors="replace")
                except OSError:
                    text = ""
            lines = self.cache[path] = text.splitlines()
        return lines[n - 1] if 0 < n <= len(lines) else None


def excerpt(line: str, column: int | None) -> tuple[str, str]:
    """The source line without its indentation, and a caret line under the culprit: the
    column when known, else the directive's first word."""
    text = line.expandtabs(4)
    indent = len(text) - len(text.lstrip())
    body = text.strip()
    if column is not None and column - 1 >= indent:
        start = column - 1 - indent
        width = 1
    else:
        start = 0
        width = len(body.split()[0]) if body.split() else 1
    return body, " " * start + "^" * width


def checked_lines(report: Report) -> list[str]:
    """What was judged, before the verdict: a bare "No problems found" would not say whether
    anything was checked at all."""
    c = report.checked
    if not report.files:
        return []
    n_l, n_u = len(c.listeners), len(c.ws_paths)
    listeners = f"{n_l} listener{'s' if n_l != 1 else ''}"
    urls = f"{n_u} websocket URL{'s' if n_u != 1 else ''}"
    plans = f"Checked {c.plans} handshake plan{'s' if c.plans != 1 else ''}"
    # several configurations (or sites on one address): the count is not the product
    out = [
        f"{plans}: {listeners} x {urls}"
        if c.plans == n_l * n_u
        else f"{plans} (listener x websocket URL) over {listeners} and {urls}"
    ]
    if c.fas_sites:
        shown = [f"{s.label} ({display_path(s.loc.file)}:{s.loc.line})" for s in c.fas_sites[:5]]
        more = f" and {len(c.fas_sites) - 5} more" if len(c.fas_sites) > 5 else ""
        out[0] += "; FAS sites: " + ", ".join(shown) + more
    else:
        out[0] += "; no site recognised as fronting FAS"
    return out


def render(report: Report, color: bool = False, suppressed: int = 0, notes: Notes | None = None) -> str:
    paint = Paint(color)
    src = SourceLines(report)
    lines: list[str] = []
    for f in report.findings:
        lines.append(
            f"{paint(display_path(f.loc.file) + ':' + str(f.loc.line), 'path')}: "
            f"{paint(f.severity, f.severity)} {paint(f.rule, 'rule')} [{f.name}] {f.message}"
        )
        source = src.line(f.loc.file, f.loc.line)
        if source is not None and source.strip():
            body, caret = excerpt(source, f.loc.column)
            num = str(f.loc.line)
            lines.append(f"  {paint(num.rjust(5) + ' |', 'dim')} {body}")
            lines.append(f"  {paint(' ' * 5 + ' |', 'dim')} {paint(caret, 'caret')}")
        urls = ", ".join(f.ws_paths) or f.ws_path
        context = ", ".join(x for x in (urls, listeners_text(f)) if x)
        if context:
            lines.append(f"    on: {context}")
        console = console_text(f.symptom)
        if console:
            lines.append(f"    console: {console}")
        lines.append(f"    fix: {f.fix}{fixable(f)}")
        for r in f.related:
            lines.append(f"    see: {display_path(r.loc.file)}:{r.loc.line}: {r.message}")
    safe = sum(1 for f in report.findings if f.edits is not None and f.edits.edits and f.edits.safe)
    unsafe = sum(1 for f in report.findings if f.edits is not None and f.edits.edits and not f.edits.safe)
    if safe or unsafe:  # before the counts, which stay the last line
        lines.append(
            f"[*] {safe} fixable with `check --fix`"
            + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "")
            + "; `check --diff` shows the edits."
        )
    lines += summary_lines(report, paint, suppressed, notes)
    return "\n".join(lines)


def listeners_text(f: Finding) -> str:
    """``listener X``, or ``listeners X, Y`` for one cause on several listeners."""
    if len(f.listeners) > 1:
        return "listeners " + ", ".join(f.listeners)
    return f"listener {f.listener}" if f.listener else ""


def fixable(f: Finding) -> str:
    """``[*] fixable`` (as ruff marks them) when ``--fix`` applies this finding's edits."""
    if f.edits is None or not f.edits.edits:
        return ""
    return " [*] fixable" if f.edits.safe else " [*] fixable with --unsafe-fixes"


def settings_lines(notes: Notes) -> list[str]:
    """Which settings file applied to which inputs, when they did not all share one."""
    return [f"Settings: {display_path(path) if path else 'none'} for {' '.join(paths)}" for path, paths in notes]


def summary_lines(
    report: Report, paint: Paint | None = None, suppressed: int = 0, notes: Notes | None = None
) -> list[str]:
    """The lines after the findings (text, concise, github): the settings that applied, then
    one line of counts. Kept as a list so that a line can be added."""
    paint = paint or Paint(False)
    lines = settings_lines(notes or []) + checked_lines(report)
    counts = Counter(f.severity for f in report.findings)
    nfiles = len(report.files)
    extra = f" ({suppressed} suppressed)" if suppressed else ""
    read = f"{nfiles} file{'s' if nfiles != 1 else ''} read{extra}"
    if report.findings:
        parts = [
            paint(f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}", s)
            for s in ("error", "warning", "info")
            if counts[s]
        ]
        lines.append(f"Found {', '.join(parts)} in {read}.")
    elif not report.files:
        lines.append(f"No config checked ({read}).")
    else:
        lines.append(f"No problems found in {read}.")
    return lines

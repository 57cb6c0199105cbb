"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

    ::error file=conf/nginx.conf,line=29,title=WSP101 upgrade-not-forwarded::message

Escaping as ``@actions/core`` does it (``command.ts``): in the message ``%``, CR and LF
become ``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also become ``%3A`` and
``%2C``, since they delimit properties. A message may span lines (``%0A``): the console
error, the fix and the related lines follow the first line.

GitHub shows only the first 10 error and 10 warning annotations of a step, so the text
summary follows the annotations in the log, and, when ``GITHUB_STEP_SUMMARY`` names a file,
a Markdown table of every finding is appended to it (``step_summary``): nothing is lost past
the cap.
"""

from __future__ import annotations

from linter.app.report import console_text, display_path
from linter.app.report.text import Notes, summary_lines
from linter.engine.result import Report

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, notes: Notes | None = None) -> str:
    out: list[str] = []
    for f in report.findings:
        props = [f"file={escape_property(display_path(f.loc.file))}", f"line={f.loc.line}"]
        if f.loc.column is not None:
            props.append(f"col={f.loc.column}")
        props.append(f"title={escape_property(f'{f.rule} {f.name}')}")
        body = [f.message]
        console = console_text(f.symptom)
        if console:
            body.append(f"console: {console}")
        body.append(f"fix: {f.fix}")
        body += [f"see: {display_path(r.loc.file)}:{r.loc.line}: {r.message}" for r in f.related]
        out.append(f"::{LEVEL[f.severity]} {','.join(props)}::{escape_data(chr(10).join(body))}")
    out += summary_lines(report, suppressed=report.suppressed, notes=notes)
    return "\n".join(out)


def _cell(text: str) -> str:
    """Table cell text: a pipe would end the cell and a newline the row."""
    return " ".join(text.replace("|", "\\|").split())


def step_summary(report: Report, notes: Notes | None = None) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the summary line and one row per finding."""
    out = ["### wsproxylint", "", *(f"{line}  " for line in summary_lines(report, notes=notes))]
    if report.findings:
        out += ["", "| location | severity | rule | message | fix |", "|---|---|---|---|---|"]
        for f in report.findings:
            where = _cell(f"{display_path(f.loc.file)}:{f.loc.line}")
            rule = _cell(f"{f.rule} {f.name}")
            out.append(f"| {where} | {f.severity} | {rule} | {_cell(f.message)} | {_cell(f.fix)} |")
    return "\n".join(out) + "\n"

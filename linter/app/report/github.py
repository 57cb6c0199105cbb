"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

    ::error file=conf/nginx.conf,line=29,title=WSP101 upgrade-not-forwarded::message

Escaping as ``@actions/core`` does it (``command.ts``): in the message ``%``, CR and LF
become ``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also become ``%3A`` and
``%2C``, since they delimit properties. A message may span lines (``%0A``): the console
error, the fix and the related lines follow the first line.
"""

from __future__ import annotations

from linter.app.report import console_text, display_path
from linter.engine.result import Report

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
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
    return "\n".join(out)

"""``--format json``: exactly one JSON object, the contract in DESIGN.md."""

from __future__ import annotations

import json

from linter import __version__
from linter.app.report import display_path
from linter.engine.runner import Report


def render(report: Report) -> str:
    doc = {
        "version": 1,
        "tool": {"name": "wsproxylint", "version": __version__},
        "files": [{"path": display_path(p), "dialect": d} for p, d in report.files],
        "findings": [
            {
                "rule": f.rule,
                "name": f.name,
                "severity": f.severity,
                "dialect": f.dialect,
                "path": display_path(f.loc.file),
                "line": f.loc.line,
                "column": f.loc.column,
                "message": f.message,
                "symptom": f.symptom,
                "fix": f.fix,
                "listener": f.listener,
                "ws_path": f.ws_path,
                "related": [
                    {"path": display_path(r.loc.file), "line": r.loc.line, "message": r.message} for r in f.related
                ],
            }
            for f in report.findings
        ],
    }
    return json.dumps(doc, indent=2)

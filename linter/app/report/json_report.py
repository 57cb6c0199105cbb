"""``--format json``: exactly one JSON object, the contract in DESIGN.md."""

from __future__ import annotations

import json

from linter import __version__
from linter.app.report import display_path
from linter.core.findings import Finding
from linter.engine.result import Checked, Report


def render(report: Report, settings: list[tuple[str | None, list[str]]] | None = None) -> str:
    """The contract's object; ``settings`` (which settings file applied to which inputs) is
    added only when the inputs did not all share one, so the usual object stays exact."""
    doc: dict = {
        "version": 1,
        "tool": {"name": "wsproxylint", "version": __version__},
        "files": files_doc(report.files),
        "findings": [finding_doc(f) for f in report.findings],
        "checked": checked_doc(report.checked),
    }
    if settings:
        doc["settings"] = [
            {"path": display_path(path) if path else None, "inputs": list(inputs)} for path, inputs in settings
        ]
    return json.dumps(doc, indent=2)


def files_doc(files: list[tuple[str, str]]) -> list[dict]:
    """The contract's ``files``; also ``probe --format json``'s, which embeds a lint."""
    return [{"path": display_path(p), "dialect": d} for p, d in files]


def checked_doc(checked: Checked) -> dict:
    """The contract's ``checked``: what was judged, so that no finding can be trusted."""
    return {
        "plans": checked.plans,
        "listeners": list(checked.listeners),
        "ws_paths": list(checked.ws_paths),
        "fas_sites": [
            {"path": display_path(s.loc.file), "line": s.loc.line, "label": s.label, "why": s.why}
            for s in checked.fas_sites
        ],
    }


def finding_doc(f: Finding) -> dict:
    """One finding as the contract spells it; also ``probe --format json``'s. ``fix_edits``
    is added only when the finding's fix has edits, so every other object stays exact."""
    doc = {
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
        "listeners": list(f.listeners),
        "ws_path": f.ws_path,
        "ws_paths": list(f.ws_paths),
        "related": [{"path": display_path(r.loc.file), "line": r.loc.line, "message": r.message} for r in f.related],
    }
    if f.edits is not None and f.edits.edits:
        doc["fix_edits"] = {
            "safe": f.edits.safe,
            "note": f.edits.note or None,
            "edits": [
                {
                    "path": display_path(e.file),
                    "start": {"line": e.start_line, "column": e.start_col},
                    "end": {"line": e.end_line, "column": e.end_col},
                    "text": e.text,
                }
                for e in f.edits.edits
            ],
        }
    return doc

"""``--format sarif``: SARIF 2.1.0, one run, for GitHub code scanning and other viewers.

Every rule of the registry is listed with its documentation (the same Markdown as
``docs/rules.md``) and its default level; each finding is one result with its physical
location and the related lines. Paths under the working directory are relative to the
``SRCROOT`` base (code scanning resolves them against the checkout); others stay absolute
``file://`` URIs. ``partialFingerprints`` leave the line number out, so that code scanning
can follow an alert when lines move.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

from linter import __version__
from linter.app.report import console_text, display_path
from linter.app.report.json_report import checked_doc
from linter.core.findings import Finding
from linter.core.rules import Rule
from linter.engine.registry import all_rules
from linter.engine.result import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _location(path: str, line: int, column: int | None) -> dict:
    shown = display_path(path)
    if os.path.isabs(shown):
        artifact = {"uri": Path(shown).as_uri()}
    else:
        artifact = {"uri": quote(shown.replace(os.sep, "/")), "uriBaseId": "SRCROOT"}
    region: dict = {"startLine": line}
    if column is not None:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _rule(rule: Rule) -> dict:
    from linter.app.docs import rule_markdown

    text = f"{rule.summary}\n\nWhy: {rule.why}\n\nFix: {rule.fix}\n\nConsole: {rule.console}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": text, "markdown": rule_markdown(rule, level=3)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"console": rule.console, "versions": rule.versions},
    }


def _fingerprint(f: Finding) -> str:
    key = "\0".join((f.rule, display_path(f.loc.file), f.message, f.ws_path or "", f.listener or ""))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _artifacts(report: Report) -> list[dict]:
    """One per file, though a file included by two entry points is read (and listed) twice."""
    out: dict[str, dict] = {}
    for path, dialect in report.files:
        loc = _location(path, 1, None)["physicalLocation"]["artifactLocation"]
        out.setdefault(loc["uri"], {"location": loc, "properties": {"dialect": dialect}})
    return list(out.values())


def render(report: Report, extra_rules: tuple[Rule, ...] = ()) -> str:
    rules = all_rules() + [r for r in extra_rules if any(f.rule == r.id for f in report.findings)]
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in report.findings:
        text = f.message
        console = console_text(f.symptom)
        if console:
            text += f"\nConsole: {console}"
        text += f"\nFix: {f.fix}"
        result: dict = {
            "ruleId": f.rule,
            "level": LEVEL[f.severity],
            "message": {"text": text},
            "locations": [_location(f.loc.file, f.loc.line, f.loc.column)],
            "partialFingerprints": {"wsproxylint/v1": _fingerprint(f)},
            "properties": {
                "symptom": f.symptom,
                "dialect": f.dialect,
                "listener": f.listener,
                "ws_path": f.ws_path,
                "ws_paths": list(f.ws_paths),
                "fix": f.fix,
            },
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.related:
            result["relatedLocations"] = [
                {"id": i, **_location(r.loc.file, r.loc.line, r.loc.column), "message": {"text": r.message}}
                for i, r in enumerate(f.related, 1)
            ]
        results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "wsproxylint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"SRCROOT": {"uri": Path(os.getcwd()).as_uri().rstrip("/") + "/"}},
        "artifacts": _artifacts(report),
        "results": results,
        "properties": {"checked": checked_doc(report.checked)},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)

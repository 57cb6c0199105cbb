"""``--format sarif``: SARIF 2.1.0, one run, for GitHub code scanning and other viewers.

Every rule of the registry is listed with its documentation (the same Markdown as
``docs/rules.md``) and its default level; each finding is one result with its physical
location and the related lines. Paths under the working directory are relative to the
``SRCROOT`` base (code scanning resolves them against the checkout); others stay absolute
``file://`` URIs. ``partialFingerprints`` leave the line number out, so that code scanning
can follow an alert when lines move; two results with the same key (the same problem twice
in a file) get their occurrence number appended, since code scanning merges results that
share a fingerprint. ``invocations`` carry the exit status and, as tool notifications, what
could not be read, internal errors, and a run that found no config, so that an exit 2 is
visible in the viewer too.
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


def _fix(f: Finding) -> dict:
    """The finding's edits as a SARIF fix (1-based columns; an empty region inserts)."""
    changes: dict[str, list[dict]] = {}
    for e in f.edits.edits if f.edits else ():
        changes.setdefault(e.file, []).append(
            {
                "deletedRegion": {
                    "startLine": e.start_line,
                    "startColumn": e.start_col + 1,
                    "endLine": e.end_line,
                    "endColumn": e.end_col + 1,
                },
                "insertedContent": {"text": e.text},
            }
        )
    safe = f.edits is not None and f.edits.safe
    return {
        "description": {"text": f.fix + ("" if safe else " (unsafe: applied only with --unsafe-fixes)")},
        "artifactChanges": [
            {"artifactLocation": _location(path, 1, None)["physicalLocation"]["artifactLocation"], "replacements": reps}
            for path, reps in changes.items()
        ],
    }


def _rule(rule: Rule) -> dict:
    from linter.app.docs import rule_markdown, rule_url

    text = f"{rule.summary}\n\nWhy: {rule.why}\n\nFix: {rule.fix}\n\nConsole: {rule.console}"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "helpUri": rule_url(rule),
        "help": {"text": text, "markdown": rule_markdown(rule, level=3)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"console": rule.console, "versions": rule.versions},
    }


def _fingerprint(f: Finding) -> str:
    key = "\0".join((f.rule, display_path(f.loc.file), f.message, f.ws_path or "", f.listener or ""))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def fingerprints(findings: list[Finding]) -> list[str]:
    """One per finding, never shared: the n-th finding with a key already seen gets ``:n``."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fp = _fingerprint(f)
        n = seen[fp] = seen.get(fp, 0) + 1
        out.append(fp if n == 1 else f"{fp}:{n}")
    return out


def _where(where: str) -> list[dict]:
    """The location of a notification given as ``path`` or ``path:line``, when it is one."""
    path, _, line = where.rpartition(":")
    if path and line.isdigit() and int(line) > 0:
        return [_location(path, int(line), None)]
    if where and os.path.exists(where):
        return [
            {
                "physicalLocation": {
                    "artifactLocation": _location(where, 1, None)["physicalLocation"]["artifactLocation"]
                }
            }
        ]
    return []


def _notification(level: str, text: str, where: str = "") -> dict:
    note: dict = {"level": level, "message": {"text": text}}
    locations = _where(where)
    if locations:
        note["locations"] = locations
    return note


def _invocation(report: Report, exit_code: int, nothing: list[str]) -> dict:
    notes = [_notification("error", f"{where}: {why}", where) for where, why in report.unreadable]
    notes += [
        _notification("error", f"internal error in {e.where}: {e.message}", e.where) for e in report.internal_errors
    ]
    notes += [_notification("note", f"skipped {path}: {why}", path) for path, why in report.skipped]
    if nothing:
        notes.append(_notification("error", f"no config found in {' '.join(nothing)}"))
    return {
        "executionSuccessful": exit_code != 2,
        "exitCode": exit_code,
        "toolExecutionNotifications": notes,
    }


def _artifacts(report: Report) -> list[dict]:
    """One per file, though a file included by two entry points is read (and listed) twice."""
    out: dict[str, dict] = {}
    for path, dialect in report.files:
        loc = _location(path, 1, None)["physicalLocation"]["artifactLocation"]
        out.setdefault(loc["uri"], {"location": loc, "properties": {"dialect": dialect}})
    return list(out.values())


def render(
    report: Report, extra_rules: tuple[Rule, ...] = (), exit_code: int = 0, nothing: list[str] | None = None
) -> str:
    rules = all_rules()
    known = {r.id for r in rules}
    rules += [r for r in extra_rules if r.id not in known and any(f.rule == r.id for f in report.findings)]
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f, fingerprint in zip(report.findings, fingerprints(report.findings), strict=True):
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
            "partialFingerprints": {"wsproxylint/v1": fingerprint},
            "properties": {
                "symptom": f.symptom,
                "dialect": f.dialect,
                "listener": f.listener,
                "listeners": list(f.listeners),
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
        if f.edits is not None and f.edits.edits:
            result["fixes"] = [_fix(f)]
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
        "invocations": [_invocation(report, exit_code, nothing or [])],
        "artifacts": _artifacts(report),
        "results": results,
        "properties": {"checked": checked_doc(report.checked)},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)

"""``--statistics``: how many findings each rule has, instead of the findings, for a first
look at a large tree (which rule to fix first, which to tune)."""

from __future__ import annotations

import json
from collections import Counter

from linter.app.report.text import Paint
from linter.core.findings import SEVERITY_RANK, Finding
from linter.engine.result import Report


def rows(findings: list[Finding]) -> list[tuple[int, str, str, str]]:
    """(count, rule, name, severity), most frequent first; a rule whose findings differ in
    severity has one row per severity."""
    counts = Counter((f.rule, f.name, f.severity) for f in findings)
    return sorted(
        ((n, rule, name, sev) for (rule, name, sev), n in counts.items()),
        key=lambda r: (-r[0], -SEVERITY_RANK[r[3]], r[1]),
    )


def render(report: Report, fmt: str, color: bool = False) -> str:
    table = rows(report.findings)
    if fmt == "json":
        return json.dumps([{"rule": r, "name": n, "severity": s, "count": c} for c, r, n, s in table], indent=2)
    paint = Paint(color)
    width = max((len(str(c)) for c, *_ in table), default=1)
    return "\n".join(
        [f"{str(c).rjust(width)}  {paint(r, 'rule')}  {n:<36} {paint(s, s)}" for c, r, n, s in table]
        + [f"{sum(c for c, *_ in table)} findings in {len(report.files)} files read."]
    )

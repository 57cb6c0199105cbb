"""The live suite says which proxy builds it found and, after a run, what each build did
with the samples (verified, skipped with the reasons)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest


def pytest_report_header(config: pytest.Config) -> list[str]:
    from support.runners import BUILDS

    lines = []
    for dialect, builds in sorted(BUILDS.items()):
        found = [f"{b.version()} ({b.binary})" for b in builds if not b.missing()]
        lines.append(f"{dialect} builds: " + (", ".join(found) or "none installed"))
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    module = sys.modules.get("test_verify_samples") or sys.modules.get("live.test_verify_samples")
    if module is None or not getattr(module, "_verdicts", None):
        return
    from support.runners import BUILDS

    write = terminalreporter.write_line
    write("")
    write("samples per proxy build (verified / problems / skipped):")
    for builds in BUILDS.values():
        for b in builds:
            verdicts = module._verdicts.get(b.binary)
            if not verdicts:
                continue
            tally: Counter[str] = Counter()
            reasons: Counter[str] = Counter()
            for v in verdicts.values():
                if isinstance(v, str):
                    tally["skipped"] += 1
                    reasons[v.split(" (`")[0].split(", not ")[0]] += 1
                elif isinstance(v, BaseException):
                    tally["problems"] += 1
                elif v.skipped:
                    tally["skipped"] += 1
                    reasons[v.skipped.split(": ", 1)[-1][:90]] += 1
                else:
                    tally["problems" if v.problems else "verified"] += 1
            write(f"  {b.label}: {tally['verified']} verified, {tally['problems']} with problems, "
                  f"{tally['skipped']} skipped")
            for reason, n in reasons.most_common():
                write(f"    skipped {n}: {reason}")

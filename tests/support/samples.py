"""The bundled samples and what they say they expect, read with plain regular expressions.

Each sample under ``samples/<dialect>/`` is a ``good-*``/``bad-*`` file (``.conf`` or
``.cfg``), or a directory (a multi-file configuration, linted as a directory). The
expectations live in the sample files themselves, as a trailing comment on the offending
line::

    proxy_set_header Connection "";  # expect: WSP102 status:302
    keepalive 16;                    # expect: WSP201 status:302 warning

or, where a trailing ``#`` would be an argument rather than a comment (Apache httpd), on a
line of its own that applies to the next line that is neither blank nor a comment::

    # expect-next: WSP101 status:302
    ProxyPass /gateway/ http://fas:8080/gateway/

Items are separated by commas; each is ``RULE SYMPTOM [SEVERITY]``, ``-`` standing for a
null symptom. A severity, when given, is checked too. Options a sample needs go on its first
line (the first line of ``nginx.conf`` for a directory)::

    # wsproxylint-args: --fas-version 2.5.2

A good sample names the rules it is the near miss for, on a comment line of its own at the
end of its entry file, so that adding one moves no finding (checks/test_rule_samples.py
wants one per rule and dialect)::

    # good-for: WSP104, WSP105

Markers are read with plain regular expressions, never with the linter.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .runners import RUNNERS

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_ROOT = ROOT / "samples"
# the file a directory sample is entered by, per dialect: its live runner's
ENTRY = {name: runner.entry_names for name, runner in RUNNERS.items()}

MARKER = re.compile(r"#\s*expect:\s*(?P<items>.*?)\s*$")
MARKER_NEXT = re.compile(r"^\s*#\s*expect-next:\s*(?P<items>.*?)\s*$")
ITEM = re.compile(r"^(?P<rule>WSP\d{3})\s+(?P<symptom>\S+)(?:\s+(?P<severity>error|warning|info))?$")
ARGS = re.compile(r"^\s*#\s*wsproxylint-args:\s*(?P<args>.*?)\s*$")
GOOD_FOR = re.compile(r"^\s*#\s*good-for:\s*(?P<rules>.*?)\s*$")
SYMPTOM = re.compile(r"^(-|refused|reset|tls-error|missing-accept|idle-disconnect|config-rejected|status:\d{3})$")


@dataclass
class Expected:
    findings: set[tuple[str, int, str, str | None]] = field(default_factory=set)
    severities: dict[tuple[str, int, str, str | None], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # malformed markers


def dialects() -> list[str]:
    return [d for d in ENTRY if (SAMPLES_ROOT / d).is_dir()]


def discover() -> list[Path]:
    return sorted(p for d in dialects() for p in (SAMPLES_ROOT / d).iterdir()
                  if p.name.startswith(("good-", "bad-")) and (p.is_dir() or p.suffix != ".md"))


def sample_files(sample: Path) -> list[Path]:
    if sample.is_file():
        return [sample]
    return sorted(p for p in sample.rglob("*") if p.is_file())


def rel(path: str | Path) -> str:
    """A path as the repository sees it (findings may be relative to cwd or absolute)."""
    full = Path(path) if os.path.isabs(path) else ROOT / path
    return Path(os.path.relpath(os.path.normpath(full), ROOT)).as_posix()


def read_markers(sample: Path) -> Expected:
    out = Expected()
    for f in sample_files(sample):
        try:
            lines = f.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        pending: list[str] = []  # expect-next items waiting for their line
        for no, line in enumerate(lines, 1):
            nxt = MARKER_NEXT.match(line)
            if nxt:
                pending.append(nxt.group("items"))
                continue
            stripped = line.strip()
            items = []
            if pending and stripped and not stripped.startswith("#"):
                items, pending = pending, []
            m = MARKER.search(line)
            if m:
                items.append(m.group("items"))
            for raw in (i for group in items for i in group.split(",")):
                item = ITEM.match(raw.strip())
                if not item or not SYMPTOM.match(item.group("symptom")):
                    out.errors.append(f"{rel(f)}:{no}: malformed expectation {raw.strip()!r}")
                    continue
                symptom = None if item.group("symptom") == "-" else item.group("symptom")
                key = (rel(f), no, item.group("rule"), symptom)
                out.findings.add(key)
                if item.group("severity"):
                    out.severities[key] = item.group("severity")
        if pending:
            out.errors.append(f"{rel(f)}: `# expect-next:` with no line after it")
    return out


def entry_file(sample: Path) -> Path:
    if sample.is_file():
        return sample
    for name in ENTRY[sample.parent.name]:
        if (sample / name).is_file():
            return sample / name
    raise AssertionError(f"{rel(sample)}: no entry file, expected one of {ENTRY[sample.parent.name]}")


def sample_args(sample: Path) -> list[str]:
    with open(entry_file(sample), encoding="utf-8") as f:
        first = f.readline()
    m = ARGS.match(first)
    return shlex.split(m.group("args")) if m else []


def good_for(sample: Path) -> list[str]:
    """The rules a good sample says it is the near miss for (``# good-for:`` in its entry file)."""
    with open(entry_file(sample), encoding="utf-8") as f:
        return [r.strip() for line in f for m in [GOOD_FOR.match(line)] if m for r in m.group("rules").split(",")]

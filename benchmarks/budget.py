"""The performance budget: what ``python -m benchmarks`` holds the code to.

Each target names one figure the benchmark run measures, the limit it must stay at or
under, and why that limit. The run fills a ``{target id: measured value}`` mapping,
:func:`evaluate` turns it into verdicts, and the runner exits 1 when a measured target
misses. Changing a limit is a decision: say why in ``why`` and in docs/performance.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PASS = "pass"
MISS = "MISS"
NOT_MEASURED = "not measured"


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    what: str  # the figure, as the table shows it
    limit: float  # measured <= limit passes
    unit: str  # how the figure and the limit are printed: "x" or "ms"
    why: str  # one line: what the limit protects


@dataclass(frozen=True, slots=True)
class Verdict:
    target: Target
    measured: float | None
    status: str  # PASS, MISS or NOT_MEASURED


# The inputs are the generated fleets of benchmarks/gen_*.py; the sizes below are their site
# counts. The one-file target uses the 1-site nginx fleet (a whole nginx.conf of 97 lines:
# two upstreams, a redirect server, a TLS server with five locations) rather than a file of
# samples/, so that the input is the same wherever the budget is run and does not change
# when a sample is edited.
TARGETS: tuple[Target, ...] = (
    Target(
        "nginx-1k-cpu",
        "nginx, 1,000 sites in one file: wsproxylint CPU / `crossplane parse` CPU (median per round)",
        1.0,
        "x",
        "reading the config the way nginx does must cost no more than parsing it with crossplane alone",
    ),
    Target(
        "one-file-wall",
        "one-file check (1-site nginx fleet, 97 lines), wall with interpreter start-up (median)",
        80.0,
        "ms",
        "pre-commit and editors run one check per changed file: it must feel instant",
    ),
    Target(
        "rss-5k-nginx",
        "nginx, 5,000 sites in one file: peak RSS above `python -c pass` / input bytes",
        12.0,
        "x",
        "memory must stay proportional to the config, so that large fleets fit in a CI runner",
    ),
    Target(
        "rss-5k-nginx-split",
        "nginx, 5,000 sites, one include per site: peak RSS above `python -c pass` / input bytes",
        12.0,
        "x",
        "the usual sites-enabled/ layout must cost what one file costs",
    ),
    Target(
        "rss-5k-apache",
        "Apache, 5,000 sites (Debian layout): peak RSS above `python -c pass` / input bytes",
        12.0,
        "x",
        "the same proportionality for every dialect",
    ),
    Target(
        "rss-5k-haproxy",
        "HAProxy, 5,000 sites: peak RSS above `python -c pass` / input bytes",
        12.0,
        "x",
        "the same proportionality for every dialect",
    ),
)


def evaluate(measured: Mapping[str, float], targets: Iterable[Target] = TARGETS) -> list[Verdict]:
    """One verdict per target, in the targets' order. A figure that is absent or not a
    number (the run skipped that section) is "not measured", never a pass."""
    verdicts = []
    for t in targets:
        value = measured.get(t.id)
        if value is None or math.isnan(value):
            verdicts.append(Verdict(t, None, NOT_MEASURED))
        else:
            verdicts.append(Verdict(t, value, PASS if value <= t.limit else MISS))
    return verdicts


def missed(verdicts: Iterable[Verdict]) -> bool:
    return any(v.status == MISS for v in verdicts)


def table(verdicts: Iterable[Verdict]) -> list[str]:
    """The budget as a markdown table: target, limit, measured, verdict."""
    lines = ["| target | limit | measured | verdict |", "|---|---|---|---|"]
    for v in verdicts:
        t = v.target
        shown = "n/a" if v.measured is None else _value(v.measured, t.unit)
        lines.append(f"| `{t.id}`: {t.what} | <= {_value(t.limit, t.unit)} | {shown} | {v.status} |")
    return lines


def _value(x: float, unit: str) -> str:
    return f"{x:.0f} ms" if unit == "ms" else f"{x:.2f}{unit}"

"""Run the differential engine::

    python -m scripts.differential --dialect nginx --seed 1 --count 20 --out /tmp/diff
    python -m scripts.differential --dialect all --seconds 600 --out /tmp/diff
    python -m scripts.differential --dialect haproxy --seed 1 --case 7 --out /tmp/diff

Each disagreement is written under ``--out/<case id>/``: the config, its verdict report
(findings, every handshake, what the stand-in saw) and ``minimal/`` (the config minimised
while the disagreement stays). ``summary.json`` holds the counts per dialect and class.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Outcome, Pki, generate, minimise, run_case, scratch_dir, write
from .expected import explained

DIALECTS = ("nginx", "apache", "haproxy")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.differential", description=__doc__.split("::")[0])
    ap.add_argument("--dialect", default="all", choices=(*DIALECTS, "all"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=10, help="cases per dialect (unless --seconds)")
    ap.add_argument("--seconds", type=float, default=None, help="explore for this long per dialect")
    ap.add_argument("--case", type=int, default=None, help="run only case K of --seed")
    ap.add_argument("--start", type=int, default=0, help="first case number")
    ap.add_argument("--out", type=Path, default=Path("differential-out"))
    ap.add_argument("--minimise-budget", type=int, default=60, help="proxy runs per minimised disagreement")
    ap.add_argument("--no-minimise", action="store_true")
    args = ap.parse_args(argv)

    dialects = DIALECTS if args.dialect == "all" else (args.dialect,)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = scratch_dir()
    pki = Pki(scratch / "pki")
    outcomes: list[Outcome] = []
    found: list[Found] = []
    for dialect in dialects:
        numbers = [args.case] if args.case is not None else None
        deadline = time.monotonic() + args.seconds if args.seconds else None
        k = args.start
        while True:
            if numbers is not None:
                if not numbers:
                    break
                k = numbers.pop()
            elif deadline is None and k >= args.start + args.count:
                break
            elif deadline is not None and time.monotonic() >= deadline:
                break
            case = generate(dialect, args.seed, k)
            o = run_case(case, pki, scratch)
            outcomes.append(o)
            print(f"{o.kind:15} {case.describe()}" + "".join(f"\n    {lb}" for lb in o.labels), flush=True)
            if o.disagrees or o.kind == "engine-error":
                _keep(o, args, pki, scratch, found)
            k += 1
    summary = _summary(outcomes, found)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(_text(summary))
    return 0


MINIMALS_PER_LABEL = 4  # different causes can show the same way: a few minimal configs per label


@dataclass(slots=True)
class Found:
    """A class of disagreement: a label and the choices its minimal config still needs."""

    dialect: str
    label: str
    departures: dict[str, str]
    minimal: str  # where the minimal config was written
    cases: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        need = ", ".join(f"{k}={v}" for k, v in sorted(self.departures.items())) or "baseline"
        return f"{self.label} @ {need}"

    def covers(self, o: Outcome, label: str) -> bool:
        return (
            label == self.label
            and o.case.dialect == self.dialect
            and all(o.case.choices.get(k) == v for k, v in self.departures.items())
        )


def _keep(o: Outcome, args: argparse.Namespace, pki: Pki, scratch: Path, found: list[Found]) -> None:
    case = o.case
    dest = args.out / case.id
    write(case.files, case.dialect, dest, "config")
    (dest / "choices.txt").write_text(case.describe() + "\n", encoding="utf-8")
    report = o.verdict.report() if o.verdict else (o.error or "")
    (dest / "report.txt").write_text(report + "\n", encoding="utf-8")
    print("    config, findings and handshakes: " + str(dest))
    _print_files(case.files)
    if o.verdict is not None:
        seen = [x for x in o.verdict.log if x.startswith("[") and ": ok (" not in x.split("\n")[0]]
        shown = [
            *("PROBLEM " + p for p in o.verdict.problems[:8]),
            *(x for x in o.verdict.log if x.startswith(("finding", "config test"))),
            *seen[:12],
        ]
        print("".join(f"    > {line.split(chr(10))[0][:200]}\n" for line in shown), end="")
    for target in o.labels:
        known = next((f for f in found if f.covers(o, target)), None)
        if (
            known is None
            and o.verdict is not None
            and not args.no_minimise
            and sum(1 for f in found if f.label == target and f.dialect == case.dialect) < MINIMALS_PER_LABEL
        ):
            m = minimise(o, target, pki, scratch, args.minimise_budget, log=print)
            where = dest / "minimal" / _slug(target)
            write(m.files, case.dialect, where, "config")
            (where / "choices.txt").write_text(m.case.describe() + "\n", encoding="utf-8")
            (where / "report.txt").write_text(m.report + "\n", encoding="utf-8")
            known = Found(case.dialect, target, m.case.departures(), str(where))
            found.append(known)
            print(f"    minimal for {target!r} ({m.runs} runs): {where}\n    {m.case.describe()}")
            _print_files(m.files)
        if known is None:  # not minimised (budget, --no-minimise): the label alone names it
            known = Found(case.dialect, target, {}, "", [])
            known.departures = {"?": "not minimised"}
            same = next((f for f in found if f.name == known.name and f.dialect == case.dialect), None)
            if same is None:
                found.append(known)
            else:
                known = same
        known.cases.append(case.id)


def _print_files(files: dict[str, str]) -> None:
    for name, text in sorted(files.items()):
        print(f"    --- {name}\n" + "".join(f"    | {line}\n" for line in text.rstrip().split("\n")), end="")


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-")[:80]


def _summary(outcomes: list[Outcome], found: list[Found]) -> dict:
    per: dict[str, dict] = {}
    by_id = {o.case.id: o for o in outcomes}
    for d in sorted({o.case.dialect for o in outcomes}):
        mine = [o for o in outcomes if o.case.dialect == d]
        kinds = Counter(o.kind for o in mine)
        judged = sum(v for k, v in kinds.items() if k not in ("skipped", "engine-error"))
        agreed = sum(v for k, v in kinds.items() if k.startswith("agree"))
        per[d] = {
            "tried": len(mine),
            "judged": judged,
            "agreements": agreed,
            "agreement_rate": round(agreed / judged, 4) if judged else None,
            "outcomes": dict(sorted(kinds.items())),
            "disagreement_classes": {
                f.name: {
                    "cases": len(f.cases),
                    "explained": _explained(f, by_id),
                    "minimal": f.minimal or None,
                    "case_ids": f.cases,
                }
                for f in sorted((f for f in found if f.dialect == d), key=lambda f: -len(f.cases))
            },
            "disagreeing_cases": [o.case.describe() for o in mine if o.disagrees],
            "skipped": [f"{o.case.id}: {o.verdict.skipped if o.verdict else ''}" for o in mine if o.kind == "skipped"],
            "engine_errors": [f"{o.case.id}: {o.error}" for o in mine if o.kind == "engine-error"],
        }
    return per


def _explained(f: Found, by_id: dict[str, Outcome]) -> str | None:
    """The reason listed for the class when every case of it is a known disagreement."""
    whys = {explained(f.dialect, f.label, by_id[c].case.choices) for c in f.cases if c in by_id}
    if not whys or None in whys:
        return None
    return " | ".join(sorted(w for w in whys if w))


def _text(summary: dict) -> str:
    lines = ["", "differential summary"]
    for d, s in summary.items():
        rate = f"{s['agreement_rate']:.1%}" if s["agreement_rate"] is not None else "-"
        lines.append(
            f"  {d}: {s['tried']} tried, {s['judged']} judged, {s['agreements']} agree ({rate}); "
            + ", ".join(f"{k} {v}" for k, v in s["outcomes"].items())
        )
        for lb, c in s["disagreement_classes"].items():
            known = f"  [known: {c['explained']}]" if c["explained"] else "  [NEW]"
            lines.append(f"    {c['cases']:4}  {lb}{known}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""Generate a case, run it on the real proxy through the sample verification, judge it, and
minimise a disagreement.

A case is written as a sample (one file, or a directory when its layout has several) and
handed to ``support.verify.verify``: the same rendering, config test, handshakes (fresh,
warm, idle, h2; FAS legacy and current) and judgement as every bundled sample. The engine
only adds the generation and the naming of what went wrong."""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Case, Files, Pattern, choose
from .patterns import PATTERNS

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
if str(TESTS) not in sys.path:  # the verification lives with the tests (support/, _util)
    sys.path.insert(0, str(TESTS))

from support.fixtures import Pki  # noqa: E402
from support.runners import RUNNERS  # noqa: E402
from support.verify import Verdict, verify  # noqa: E402

SUFFIX = {"nginx": ".conf", "apache": ".conf", "haproxy": ".cfg"}
ENTRY = {"nginx": "nginx.conf", "apache": "httpd.conf", "haproxy": "haproxy.cfg"}


def generate(dialect: str, seed: int, number: int) -> Case:
    """Case ``number`` of ``seed``: the same choices on every machine and run."""
    rng = random.Random(f"{dialect}:{seed}:{number}")
    patterns: tuple[Pattern, ...] = PATTERNS[dialect]
    pattern = rng.choice(patterns)
    choices = choose(pattern, rng)
    return Case(dialect, seed, number, pattern, choices, pattern.build(choices))


def variant(dialect: str, **changes: str) -> Case:
    """The dialect's first pattern in its plain form with ``changes``: a case written by hand
    (the CI test's known mistake), numbered -1 so it is never taken for a generated one."""
    pattern = PATTERNS[dialect][0]
    choices = {**pattern.baseline(), **changes}
    unknown = set(changes) - set(choices) | {
        k for k, v in changes.items() if v not in next(p.options for p in pattern.points if p.name == k)
    }
    if unknown:
        raise ValueError(f"{pattern.name} has no such choice: {sorted(unknown)}")
    return Case(dialect, 0, -1, pattern, choices, pattern.build(choices))


def write(case_files: Files, dialect: str, dest: Path, name: str) -> Path:
    """The case as a sample: a single entry file alone is a file, anything more a tree."""
    dest.mkdir(parents=True, exist_ok=True)
    if len(case_files) == 1:
        (text,) = case_files.values()
        out = dest / (name + SUFFIX[dialect])
        out.write_text(text, encoding="utf-8")
        return out
    root = dest / name
    if root.exists():
        shutil.rmtree(root)
    for rel, text in case_files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return root


# -- judging --------------------------------------------------------------------------------
OBSERVED = re.compile(
    r"^observed \[(?P<mode>\w+)\] (?P<front>:\d+(?: tls)?) (?P<path>\S+) (?P<scenario>\S+): "
    r"(?P<symptom>\S+) .*predicted for it: (?P<predicted>.*)$",
    re.S,
)
PREDICTED = re.compile(
    r"^\[(?P<mode>\w+)\] predicted (?P<symptom>\S+) but every handshake it concerns was ok: "
    r"(?P<rule>WSP\d+)"
)


def label(problem: str) -> str:
    """A disagreement's class, from one problem of a verdict: which way it went, the rule or
    the symptom, and (for a missed failure) when in the call it showed."""
    if problem.startswith("config test passed"):
        rules = sorted(set(re.findall(r"WSP\d+", problem)))
        return "false-config-rejected " + ",".join(rules)
    if problem.startswith("config test failed"):
        return "missed-config-rejected"
    m = PREDICTED.match(problem)
    if m:
        return f"false-alarm {m.group('rule')} {m.group('symptom')}"
    m = OBSERVED.match(problem)
    if m:
        when = re.sub(r"-\d+$", "", m.group("scenario"))
        when = "quiet" if when.startswith("quiet") else when
        predicted = sorted(set(re.findall(r"'([^']+)'", m.group("predicted"))) - {"idle-disconnect"})
        if not predicted:
            return f"missed {m.group('symptom')} {when}"
        return f"other-symptom {m.group('symptom')} {when} (predicted {','.join(predicted)})"
    if "serves FAS pages" in problem:
        return "unplanned-listener"
    return "other " + problem[:60]


WHEN = ("fresh", "warm", "h2-warm", "quiet")


def labels(verdict: Verdict) -> list[str]:
    """The verdict's classes; a failure seen fresh is also seen warm: named once, by the
    earliest moment of the call it shows at."""
    found = {label(p) for p in verdict.problems}
    out = set()
    for lb in found:
        words = lb.split(" ")
        if len(words) >= 3 and words[2] in WHEN:
            earlier = WHEN[: WHEN.index(words[2])]
            if any(" ".join([*words[:2], w, *words[3:]]) in found for w in earlier):
                continue
        out.add(lb)
    return sorted(out)


@dataclass(slots=True)
class Outcome:
    case: Case
    verdict: Verdict | None
    labels: list[str] = field(default_factory=list)
    kind: str = ""  # agree-ok, agree-error, agree-rejected, disagree, skipped, engine-error
    error: str | None = None

    @property
    def disagrees(self) -> bool:
        return self.kind == "disagree"


def judge(case: Case, verdict: Verdict) -> Outcome:
    out = Outcome(case, verdict)
    if verdict.skipped:
        out.kind = "skipped"
        return out
    if verdict.problems:
        out.kind = "disagree"
        out.labels = labels(verdict)
        return out
    rejected = any(x.startswith("config test: FAILED") for x in verdict.log)
    failed = any(re.search(r"\] :\d+(?: tls)? \S+ \S+: (?!ok\b)", x) for x in verdict.log)
    out.kind = "agree-rejected" if rejected else "agree-error" if failed else "agree-ok"
    return out


def run_files(dialect: str, name: str, files: Files, pki: Pki, scratch: Path) -> Verdict:
    sample = write(files, dialect, scratch, name)
    try:
        return verify(RUNNERS[dialect], sample, pki)
    finally:
        if sample.is_dir():
            shutil.rmtree(sample, ignore_errors=True)
        else:
            sample.unlink(missing_ok=True)


def run_case(case: Case, pki: Pki, scratch: Path) -> Outcome:
    try:
        verdict = run_files(case.dialect, case.id, case.files, pki, scratch)
    except Exception as e:  # a broken generator or runner: reported, never a verdict
        out = Outcome(case, None, kind="engine-error", error=f"{type(e).__name__}: {e}")
        out.labels = [f"engine-error {type(e).__name__}"]
        return out
    return judge(case, verdict)


# -- minimising -----------------------------------------------------------------------------
@dataclass(slots=True)
class Minimal:
    target: str  # the label kept while minimising
    case: Case  # with choices moved back to the baseline wherever the label stays
    files: Files  # those choices' files with every removable line removed
    runs: int
    report: str  # the minimal config's verdict


def _driven(verdict: Verdict) -> str:
    return next((x for x in verdict.log if x.startswith("listeners driven")), "")


def _keeps(target: str, dialect: str, files: Files, pki: Pki, scratch: Path, name: str, driven: str) -> Verdict | None:
    """The verdict when ``target`` is still among its disagreements on the same listeners
    (a reduction that turns the site into a fragment judged everywhere is another case)."""
    try:
        verdict = run_files(dialect, name, files, pki, scratch)
    except Exception:
        return None
    return verdict if target in judge_labels(verdict) and _driven(verdict) == driven else None


def judge_labels(verdict: Verdict) -> set[str]:
    return set(labels(verdict))


def minimise(
    outcome: Outcome,
    target: str,
    pki: Pki,
    scratch: Path,
    budget: int = 60,
    log: Callable[[str], None] = lambda s: None,
) -> Minimal:
    """Delta-debug ``outcome``'s case while ``target`` stays among its disagreements: first
    every choice back to the pattern's plain form, then lines of the files (largest chunks
    first). Bounded by ``budget`` proxy runs."""
    case = outcome.case
    runs = 0
    assert outcome.verdict is not None
    best_verdict = outcome.verdict
    driven = _driven(outcome.verdict)
    choices = dict(case.choices)
    base = case.pattern.baseline()
    for point in [p.name for p in case.pattern.points]:
        if choices[point] == base[point] or runs >= budget:
            continue
        trial = {**choices, point: base[point]}
        runs += 1
        v = _keeps(target, case.dialect, case.pattern.build(trial), pki, scratch, f"{case.id}-min", driven)
        if v is not None:
            choices, best_verdict = trial, v
            log(f"  {point} -> {base[point]}: still {target}")
    small = case.with_choices(choices)
    files = {k: v for k, v in small.files.items()}
    # lines: drop comments first (free), then chunks of directives while the label stays
    files = {k: _strip_comments(v) for k, v in files.items()}
    v = _keeps(target, case.dialect, files, pki, scratch, f"{case.id}-min", driven) if runs < budget else None
    runs += 1
    if v is None:  # a comment carried the lint options or mattered: keep the text as built
        files = dict(small.files)
    else:
        best_verdict = v
    units = [
        (f, i)
        for f in sorted(files)
        for i, line in enumerate(files[f].split("\n"))
        if line.strip() and not line.lstrip().startswith("# wsproxylint-args")
    ]
    chunk = max(1, len(units) // 4)
    while chunk >= 1 and runs < budget:
        i = 0
        progressed = False
        while i < len(units) and runs < budget:
            drop = set(units[i : i + chunk])
            trial = _without(files, drop)
            runs += 1
            v = _keeps(target, case.dialect, trial, pki, scratch, f"{case.id}-min", driven)
            if v is not None:
                files, best_verdict = trial, v
                units = _renumber(units, drop)
                progressed = True
            else:
                i += chunk
        if not progressed:
            chunk //= 2
    files = {k: v for k, v in files.items() if v.strip() or k == ENTRY[case.dialect]}
    return Minimal(target, small, files, runs, best_verdict.report())


def _strip_comments(text: str) -> str:
    return "\n".join(
        line
        for line in text.split("\n")
        if not line.lstrip().startswith("#") or line.lstrip().startswith("# wsproxylint-args")
    )


def _without(files: Files, drop: set[tuple[str, int]]) -> Files:
    out: Files = {}
    for f, text in files.items():
        lines = text.split("\n")
        out[f] = "\n".join(line for i, line in enumerate(lines) if (f, i) not in drop)
    return out


def _renumber(units: list[tuple[str, int]], drop: set[tuple[str, int]]) -> list[tuple[str, int]]:
    """Line numbers after ``drop`` is removed from each file."""
    out = []
    for f, i in units:
        if (f, i) in drop:
            continue
        gone = sum(1 for g, j in drop if g == f and j < i)
        out.append((f, i - gone))
    return out


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="wsp-differential-"))

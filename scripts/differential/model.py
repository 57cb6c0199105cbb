"""What a generated case is: a pattern (a deployment style written for the engine), one
choice per variation point, and the files those choices write.

A variation point's first option is the pattern's plain working form; options whose name
starts with ``!`` are the deliberate mistakes operators make, at most one of which a case
carries (one mistake per config keeps a disagreement attributable). Minimising a case
moves choices back to the first option, so a class of disagreement is named by the choices
that remain."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

Files = dict[str, str]  # path inside the configuration -> text
Choices = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Point:
    name: str
    options: tuple[str, ...]

    @property
    def baseline(self) -> str:
        return self.options[0]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A deployment style of one proxy, with the points where real configs differ."""

    name: str
    dialect: str
    points: tuple[Point, ...]
    build: Callable[[Choices], Files]
    about: str = ""

    def baseline(self) -> dict[str, str]:
        return {p.name: p.baseline for p in self.points}


@dataclass(slots=True)
class Case:
    """One generated configuration, reproducible from ``(dialect, seed, number)``."""

    dialect: str
    seed: int
    number: int
    pattern: Pattern
    choices: dict[str, str]
    files: Files = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.dialect}-s{self.seed}-c{self.number}"

    def with_choices(self, choices: Mapping[str, str]) -> Case:
        return Case(self.dialect, self.seed, self.number, self.pattern, dict(choices), self.pattern.build(choices))

    def departures(self) -> dict[str, str]:
        """The choices that differ from the pattern's plain form: what names a class."""
        base = self.pattern.baseline()
        return {k: v for k, v in self.choices.items() if base.get(k) != v}

    def describe(self) -> str:
        gone = self.departures()
        text = ", ".join(f"{k}={v}" for k, v in sorted(gone.items())) or "baseline"
        return f"{self.id} [{self.pattern.name}] {text}"


BASELINE_WEIGHT = 0.45  # chance a point keeps its plain form: near-baseline configs stay attributable
MISTAKE_WEIGHT = 0.35  # chance a case carries one deliberate mistake


def choose(pattern: Pattern, rng: random.Random) -> dict[str, str]:
    """One option per point; at most one ``!`` option (a mistake) per case."""
    mistakes = [(p.name, o) for p in pattern.points for o in p.options if o.startswith("!")]
    mistake = rng.choice(mistakes) if mistakes and rng.random() < MISTAKE_WEIGHT else None
    out: dict[str, str] = {}
    for p in pattern.points:
        safe = [o for o in p.options if not o.startswith("!")]
        if mistake and mistake[0] == p.name:
            out[p.name] = mistake[1]
        elif rng.random() < BASELINE_WEIGHT or len(safe) == 1:
            out[p.name] = p.baseline
        else:
            out[p.name] = rng.choice(safe[1:])
    return out


# plain servers that only send browsers to https://: the deployment's clients are browsers
# on the https pages (wss://), which is what `--front wss` tells the linter
REDIRECT_ONLY = ("redirect", "certbot-if", "certbot-rewrite")


def front_for(plain: str) -> str:
    """``--front wss`` when the plain listener only redirects (browsers open wss://);
    nothing when it serves or proxies too, so that it is judged like the TLS one."""
    return "--front wss" if plain in REDIRECT_ONLY else ""


def args_line(fas: str, extra: str = "") -> str:
    """The sample's first line: the options the verification lints it with."""
    words = ([f"--fas-version {fas}"] if fas != "unknown" else []) + ([extra] if extra else [])
    return f"# wsproxylint-args: {' '.join(words)}\n" if words else ""

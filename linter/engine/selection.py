"""Which checks a run runs. Decided before the run, so that an unselected check costs
nothing and cannot fail the run (an ``--ignore``d check that raises is never called)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class Selection:
    """Rule ids to run: those in ``select`` (every rule when empty) that are not in ``ignore``.
    Ids are validated against the registry by whoever builds one (the CLI, from flags and
    settings); an id no rule has selects nothing."""

    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    def runs(self, rule_id: str) -> bool:
        return (not self.select or rule_id in self.select) and rule_id not in self.ignore


EVERY_RULE = Selection()

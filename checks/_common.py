"""Helpers shared by rule modules (not a rule: the registry skips ``_`` modules)."""

from __future__ import annotations

from linter.findings import Related
from linter.plan import HandshakePlan
from linter.tree import Loc


def route_label(plan: HandshakePlan) -> str:
    route = plan.route
    return route.label if route is not None else plan.site.label


def where(plan: HandshakePlan) -> str:
    return f"`{route_label(plan)}`"


def unseen_note(plan: HandshakePlan) -> tuple[str, list[Related]]:
    """When includes on the route could not be read, a verdict about absence is a guess."""
    proxy = plan.proxy
    if proxy is None or not proxy.unseen:
        return "", []
    locs = proxy.unseen
    return (" (an include on this route could not be read, so it may set this)",
            [Related(loc, "include not read") for loc in locs])


def first_loc(*locs: Loc | None) -> Loc:
    for loc in locs:
        if loc is not None:
            return loc
    raise ValueError("no location")

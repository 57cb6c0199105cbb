"""Helpers shared by rule modules (not a rule: the registry skips ``_`` modules)."""

from __future__ import annotations

from linter.findings import Related
from linter.plan import HandshakePlan
from linter.tree import Loc

REDIRECTS = frozenset({301, 302, 303, 307, 308})


def route_label(plan: HandshakePlan) -> str:
    route = plan.route
    return route.label if route is not None else plan.site.label


def where(plan: HandshakePlan) -> str:
    return f"`{route_label(plan)}`"


def unseen_note(plan: HandshakePlan) -> tuple[str, list[Related]]:
    """A verdict that rests on a setting being absent is a guess when part of the config
    was not read: an include on the route, or the levels enclosing a fragment."""
    proxy = plan.proxy
    if proxy is None:
        return "", []
    if proxy.unseen:
        return (" (an include on this route could not be read, so it may set this)",
                [Related(loc, "include not read") for loc in proxy.unseen])
    if proxy.outside:
        return (" (this file is a fragment: a level enclosing it, not read with it, may set this; "
                "lint it together with its main config to be sure)", [])
    return "", []


def first_loc(*locs: Loc | None) -> Loc:
    for loc in locs:
        if loc is not None:
            return loc
    raise ValueError("no location")

"""WSP005: nothing in the configuration was recognised as a route to FAS, so nothing was judged."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding, join_words
from linter.core.plan import PlanSet
from linter.core.resolve import fronts_fas
from linter.core.rules import Rule

from ._common import finding

POINT_AT_FAS = (
    "if this configuration fronts FAS, point the linter at it: `--ws-path PATH` (repeatable) for "
    "websocket URLs other than the defaults, `--fas-backend HOST:PORT|NAME` for a FAS backend on "
    "another port or known by name; if it has nothing to do with FAS, ignore WSP005 "
    "(`--ignore WSP005`, or `ignore` in the settings file)"
)

RULE = Rule(
    id="WSP005",
    name="no-fas-route",
    severity="warning",
    summary="No route to a FAS websocket backend was recognised, so no handshake was checked.",
    why=(
        "The linter judges what the proxy does with each websocket URL on each listener of a site "
        "that fronts FAS. A site is recognised by a route that names a FAS URL (/gateway/, "
        "/assistserver/ or the --ws-path URLs) or sends a websocket URL to a FAS port (8080, 8443). "
        "A configuration where nothing matches gets no verdict at all: silence would read as 'no "
        "problems' on a config whose call may well fail, so this says that nothing was checked."
    ),
    fix="Tell the linter the websocket URLs (--ws-path) or the FAS backend (--fas-backend), or ignore "
    "WSP005 for configurations that do not front FAS.",
    console="None of its own: the config was not judged",
    # a config that routes no websocket URL anywhere answers it itself
    symptoms=("status:404",),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    if plans.plans:
        return
    model = plans.model
    if any(p.certain for p in model.problems):
        # not read or not run as written (a syntax error, a missing include, a refusal):
        # that finding is what to fix first, and it says why nothing was planned
        return
    urls = join_words(plans.options.ws_paths)
    fronts = plans.options.fronts
    fas = [s for s in model.sites if fronts_fas(s, plans.options.ws_paths)]
    if fas and fronts:
        # recognised, but no listener opens the schemes clients use
        schemes = join_words([f"{f}://" for f in fronts])
        site = fas[0]
        yield finding(
            plans,
            RULE,
            site.loc,
            f"{site.label} fronts FAS, but none of its listeners serves {schemes} (`--front "
            f"{' --front '.join(fronts)}`): clients opening {urls} that way find nothing to answer them, "
            "and no handshake was checked",
            symptom=None,
            fix="add a listener for the scheme clients use, or correct `--front`",
        )
        return
    if not model.sites:
        # a snippet (headers, a module's LoadModule line, TLS settings) accepts no connection
        # itself: its verdicts are given where it is included, and the summary line says that
        # nothing was checked here; a warning would fail pre-commit on every such file
        return
    loc = model.sites[0].loc
    what = f"no route of the {len(model.sites)} site{'s' if len(model.sites) != 1 else ''} read"
    yield finding(
        plans,
        RULE,
        loc,
        f"{what} sends {urls} to a backend recognised as FAS: no websocket handshake was checked",
        symptom=None,
        fix=POINT_AT_FAS,
    )

"""WSP003: the config parses but the proxy refuses to load it."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Rule

from ._problems import problems_of

RULE = Rule(
    id="WSP003",
    name="config-rejected",
    severity="error",
    summary="The proxy refuses this configuration at start or reload.",
    why=(
        "Some mistakes pass a syntax check but stop the proxy from loading the config: a directive "
        "repeated in one block (often once directly and once through an included snippet), an "
        "undefined variable such as $connection_upgrade without its map, backend certificate "
        "verification without a CA. The reload fails, the old config stays, and the fix never "
        "takes effect."
    ),
    fix="Remove the cause the message names; the proxy's own config test shows the same error.",
    console="None directly: the proxy keeps its old config, or is down (net::ERR_CONNECTION_REFUSED)",
    versions=(
        "HAProxy (checked with haproxy -c 2.6): `server ... ssl` verifies by default, so it needs `ca-file` or "
        "`verify none`; an `ssl` bind needs `crt`; an address on the `listen` line is refused since 1.6; "
        "`reqidel`/`rsprep` and the other regex header rules are refused since 2.1. Lines a version does not know "
        "yet (nginx `http2 on` before 1.25.1, `keepalive N local` and `keepalive 0` before 1.29.7...) or no longer "
        "accepts (HAProxy `nbproc` since 2.5, `option forceclose` since 2.0, `bind-process` since 2.7...) are judged "
        "for --nginx-version/--haproxy-version; without it, for the assumed version, as a warning where a newer "
        "version decides otherwise (see docs/versions.md)."
    ),
)


def check(plans: PlanSet) -> Iterator[Finding]:
    yield from problems_of(plans, RULE, "rejected", Fix.FIX_REJECTED)

"""WSP002: an include that cannot be followed."""

from __future__ import annotations

from collections.abc import Iterator

from linter.core.findings import Finding
from linter.core.fixes import Fix
from linter.core.plan import PlanSet
from linter.core.rules import Example, Rule

from ._problems import problems_of

RULE = Rule(
    id="WSP002",
    name="include-unresolved",
    severity="error",
    summary="An included file is missing, or includes form a cycle.",
    why=(
        "The proxy refuses to load a config whose literal include is missing or that includes "
        "itself. What the missing file would have set (often the websocket headers) is unknown, "
        "so verdicts about that route are weaker."
    ),
    fix="Make the include resolve as the proxy resolves it, or lint from the main config.",
    console="None directly: the proxy keeps its old config, or is down (net::ERR_CONNECTION_REFUSED)",
    dialects=("nginx", "apache"),  # HAProxy has no include directive: its files are given with -f
    examples={
        "apache": Example(
            bad="<VirtualHost *:80>\n    Include missing/fas.conf\n</VirtualHost>\n",
            good="<VirtualHost *:80>\n    IncludeOptional conf.d/*.conf\n</VirtualHost>\n",
        ),
        "nginx": Example(
            bad="http {\n    include missing/fas.conf;\n}\n", good="http {\n    include conf.d/*.conf;\n}\n"
        ),
    },
)


def check(plans: PlanSet) -> Iterator[Finding]:
    yield from problems_of(plans, RULE, "include", Fix.FIX_INCLUDE)

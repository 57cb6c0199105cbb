"""Handshake plans: what one listener does with one websocket URL.

Checks ask their questions of plans, never of directives, which is what lets one check
cover every proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from linter.core.model import (
    Action,
    Backend,
    ConfigProblem,
    HeaderOp,
    Listener,
    ProxyAction,
    ProxyModel,
    Refusal,
    Request,
    Rewrite,
    Route,
    Site,
    Step,
)
from linter.core.options import Options


@dataclass(slots=True, eq=False)
class SentHeader:
    """A request header as it leaves the proxy: ``value`` None means not knowable here."""

    value: str | None
    op: HeaderOp | None  # None: the client's own header passed through


@dataclass(slots=True, eq=False)
class Uncertain:
    """A step whose condition cannot be decided statically."""

    step: Step


@dataclass(slots=True, eq=False)
class HandshakePlan:
    """The fate of one websocket URL on one listener, traced once so that every check reads the same answer."""

    listener: Listener
    site: Site
    ws_path: str
    request: Request
    route_chain: list[Route]
    # what finally handles the upgrade request
    action: Action
    # the path FAS receives: after the proxy's rewrites and the target's own path part
    # (the route's path when the action is not a proxy)
    final_path: str
    # sent upstream, lower-case names (only when ``action`` is a ProxyAction)
    sent: dict[str, SentHeader] = field(default_factory=dict)
    # headers an op removed, or that an op left empty so they are not sent
    removed: Mapping[str, HeaderOp] = field(default_factory=dict)
    uncertain: Sequence[Uncertain] = field(default_factory=list)
    # the same route's handling of an ordinary page request on the websocket's prefix
    plain_request: Request | None = None
    # the backend is known to be FAS (see resolve.to_fas); False for an application given
    # only by --ws-path: verdicts that hold for FAS alone (its reuse limit) are not its
    to_fas: bool = True
    # --- the path on the way to FAS and the access rules met
    # the query string FAS receives (None: cannot be known)
    final_query: str | None = None
    # the rewrites that changed the path or query on the way, in order
    rewritten_by: Sequence[Rewrite] = ()
    # the action's target changed the path (its path part replaced the matched prefix)
    target_changed_path: bool = False
    target_changed_query: bool = False
    # access rules the upgrade meets, in order; ``denied`` is one that refuses every client
    # (then ``action`` is its answer)
    refusals: Sequence[Refusal] = ()
    denied: Refusal | None = None

    @property
    def proxy(self) -> ProxyAction | None:
        return self.action if isinstance(self.action, ProxyAction) else None

    @property
    def route(self) -> Route | None:
        return self.route_chain[-1] if self.route_chain else None


@dataclass(slots=True, eq=False)
class PoolFiller:
    """A route whose ordinary requests leave reusable connections in a backend's pool."""

    action: ProxyAction
    route_label: str


@dataclass(slots=True, eq=False)
class PlanSet:
    """Every plan of one model, with what several checks need and should not compute twice."""

    model: ProxyModel
    options: Options
    plans: list[HandshakePlan]
    # per backend (by id()), the routes that fill its pool with reusable connections
    fillers: dict[int, list[PoolFiller]] = field(default_factory=dict)
    # how to find the backends a site's FAS routes use (resolve's, given by build_plans so
    # that plans need not import the resolver that builds them)
    find_fas_backends: Callable[[Site, tuple[str, ...], tuple[str, ...]], list[Backend]] | None = None
    # per site (by id()), the backends its FAS routes use; filled on first use
    _fas_backends: dict[int, list[Backend]] = field(default_factory=dict)
    _config_files: tuple[str, ...] | None = None

    @property
    def config_files(self) -> tuple[str, ...]:
        """Every file of the configuration, the entry point first: one tuple per model, shared
        by every finding's fix request (a copy per finding grows with files x findings)."""
        if self._config_files is None:
            self._config_files = tuple(s.path for s in self.model.sources) or tuple(self.model.files)
        return self._config_files

    def fas_backends(self, site: Site) -> list[Backend]:
        key = id(site)
        if key not in self._fas_backends:
            find = self.find_fas_backends
            self._fas_backends[key] = (
                find(site, self.options.ws_paths, self.options.fas_backends) if find is not None else []
            )
        return self._fas_backends[key]

    @property
    def problems(self) -> list[ConfigProblem]:
        return self.model.problems

    def files(self, plan: HandshakePlan) -> frozenset[str]:
        """The files whose lines decide ``plan``: the site's and every route's on its chain,
        included snippets and inherited levels with them. A change in one of them can change
        the handshake even when no finding points at one of its lines (a header deleted from
        a snippet leaves no line behind). Asked per finding, not stored per plan."""
        known = self.model.block_files
        out = set(known.get(plan.site, ()))
        out.add(plan.site.loc.file)
        for r in plan.route_chain:
            out.update(known.get(r, ()))
            out.add(r.loc.file)
        return frozenset(out)

    def pool_fillers(self, plan: HandshakePlan) -> list[PoolFiller]:
        proxy = plan.proxy
        if proxy is None or proxy.backend is None:
            return []
        fillers = self.fillers.get(id(proxy.backend), [])
        if proxy.backend.pool_scope == "route":
            return [f for f in fillers if f.action is proxy]
        return fillers

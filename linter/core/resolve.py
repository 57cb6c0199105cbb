"""Follow a browser's upgrade request through the proxy model.

For each site that fronts FAS, each of its listeners and each websocket URL, this builds a
``HandshakePlan``: the route the proxy picks (with the dialect's precedence, as the model
describes it), the steps on the way (rewrites, redirects, conditions), the action that
answers, and the exact request headers that leave for the backend.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from linter.core.fas import DEFAULT_WS_PATHS, PLAIN_PORTS, TLS_PORTS, WS_QUERY, names_backend, ws_base
from linter.core.model import (
    Action,
    Backend,
    Guard,
    HeaderOp,
    PathMatch,
    ProxyAction,
    ProxyModel,
    Refusal,
    Request,
    Respond,
    Rewrite,
    Route,
    RouteTable,
    ServeLocal,
    Site,
    Step,
)
from linter.core.options import Options
from linter.core.plan import HandshakePlan, PlanSet, PoolFiller, SentHeader, Uncertain

HOP_BY_HOP = frozenset(
    {"connection", "upgrade", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"}
)
MAX_REROUTES = 10


# The browser's headers, one read-only copy for every request: a fleet whose frontends
# each listen on their own port has two requests per frontend, so copies would add up.
_UPGRADE_HEADERS: Mapping[str, str] = MappingProxyType(
    {
        "host": "gw.example.com",
        "upgrade": "websocket",
        "connection": "Upgrade",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        "origin": "https://app.example.com",
    }
)
_PAGE_HEADERS: Mapping[str, str] = MappingProxyType({"host": "gw.example.com", "accept": "*/*"})


def upgrade_request(ws_path: str, tls: bool, port: int | None) -> Request:
    return Request(
        path=ws_path,
        query=WS_QUERY.get(ws_path, "appkey=example"),
        scheme="https" if tls else "http",
        headers=_UPGRADE_HEADERS,
        port=port,
    )


def page_request(ws_path: str, tls: bool, port: int | None) -> Request:
    return Request(
        path=ws_base(ws_path) + "adapter.js",
        query="",
        scheme="https" if tls else "http",
        headers=_PAGE_HEADERS,
        port=port,
    )


# ---------------------------------------------------------------------------- routing


def select_route(table: RouteTable, path: str) -> list[Route]:
    chain, _ = _select(table, path)
    return chain


def _select(table: RouteTable, path: str) -> tuple[list[Route], bool]:
    """The chain of routes (outer to inner) and whether the match is definitive."""
    if table.policy in ("first-match", "last-match"):
        ordered = table.routes if table.policy == "first-match" else reversed(table.routes)
        for r in ordered:
            if r.match.matches(path):
                return _descend(r, path), True
        return [], False

    # most-specific
    longest: Route | None = None
    for r in table.routes:
        m = r.match
        if m.kind == "exact" and m.matches(path):
            return [r], True
        if m.kind == "prefix" and m.matches(path):
            if longest is None or len(m.pattern) > len(longest.match.pattern):
                longest = r
    remembered: list[Route] = []
    if longest is not None:
        remembered = [longest]
        if longest.children is not None:
            sub, definitive = _select(longest.children, path)
            if sub and definitive:
                return [longest, *sub], True
            if sub:
                remembered = [longest, *sub]
        if longest.match.stops_patterns:
            # "^~" skips the pattern routes of its own level only: the enclosing level
            # still tries its own (nginx 1.22.1: a nested `^~ /gateway/websocketcall` lost
            # to a top-level regex matching the URL)
            return remembered, False
    for r in table.routes:
        if r.match.kind == "pattern" and r.match.matches(path):
            return _descend(r, path), True
    return remembered, False


def _descend(route: Route, path: str) -> list[Route]:
    if route.children is not None:
        sub, _ = _select(route.children, path)
        if sub:
            return [route, *sub]
    return [route]


# ---------------------------------------------------------------------------- steps


class _Outcome:
    __slots__ = (
        "skip",
        "response",
        "action",
        "path",
        "query",
        "reroute",
        "uncertain",
        "decided_by",
        "rewrites",
        "refusals",
        "denied",
        "route_rewrote",
    )

    def __init__(self, path: str, query: str, skip: Step | None = None) -> None:
        self.skip = skip  # a step traced as if it were not there (see ``proxied_without``)
        self.response: Respond | None = None
        self.action: Action | None = None
        self.path = path
        self.query: str | None = query
        self.reroute = False
        self.uncertain: list[Uncertain] = []
        self.decided_by: Guard | None = None  # the guard whose action is in ``action``
        self.rewrites: list[Rewrite] = []
        self.refusals: list[Refusal] = []
        self.denied: Refusal | None = None
        self.route_rewrote = False  # a rewrite applied after the last route was selected


def _run_steps(steps: Sequence[Step], req: Request, out: _Outcome) -> bool:
    """Run rewrite-phase steps; False when processing stops (answer, reroute or stop)."""
    for step in steps:
        current = _with_path(req, out.path, out.query)
        if step is out.skip:
            continue
        if isinstance(step, Respond):
            out.response = step
            return False
        if isinstance(step, Rewrite):
            new = step.apply(current)
            if new is None:
                continue
            out.route_rewrote = True
            _rewrite(out, step, new)
            if step.then == "reroute":
                out.reroute = True
                return False
            if step.then == "stop":
                return False
            continue
        if isinstance(step, Refusal):
            if not _refuse(step, current, out):
                return False
            continue
        if isinstance(step, Guard):
            verdict = step.condition.evaluate(current)
            if verdict is None:
                out.uncertain.append(Uncertain(step))
                continue
            if verdict:
                if step.action is not None:
                    out.action = step.action
                    out.decided_by = step
                if not _run_steps(step.steps, req, out):
                    return False
    return True


def _rewrite(out: _Outcome, step: Rewrite, new: str) -> None:
    if step.whole_uri:
        path, _, query = new.partition("?")
        new_query: str | None = query
    else:
        path, new_query = new, out.query
    if path != out.path or new_query != out.query:
        out.rewrites.append(step)
    out.path, out.query = path or "/", new_query


def _refuse(rule: Refusal, req: Request, out: _Outcome) -> bool:
    """Meet an access rule; False when it refuses every client (the proxy answers)."""
    if rule.condition is not None:
        holds = rule.condition.evaluate(req)
        if holds is False:
            return True
        if holds is None:
            # it depends on the client (an address, a credential): some get through
            rule = Refusal(
                rule.status,
                rule.loc,
                rule.text,
                admits=rule.admits,
                decided_elsewhere=rule.decided_elsewhere,
                only_when=rule.condition.text,
            )
    out.refusals.append(rule)
    if rule.admits or rule.decided_elsewhere or rule.only_when:
        return True
    out.denied = rule
    out.response = Respond(rule.status, rule.loc, reason=rule.text)
    return False


def _with_path(req: Request, path: str, query: str | None = None) -> Request:
    query = req.query if query is None else query
    if path == req.path and query == req.query:
        return req
    return Request(path=path, query=query, scheme=req.scheme, headers=req.headers, port=req.port)


def trace(site: Site, req: Request) -> tuple[list[Route], Action, str, list[Uncertain]]:
    """What the site does with ``req``: route chain, final action, final path (after the
    proxy's rewrites, before the target's own path part)."""
    chain, action, out = _trace(site, req)
    return chain, action, out.path, out.uncertain


def proxied_without(plan: HandshakePlan, answer: Respond) -> ProxyAction | None:
    """Where the plan's request would be proxied if ``answer`` (a redirect rule it meets) were
    not there, or None when it would not be proxied: whether exempting the websocket URL from
    the rule is a fix, or leaves it unrouted."""
    _, action, _ = _trace(plan.site, plan.request, skip=answer)
    return action if isinstance(action, ProxyAction) else None


def _without(table: RouteTable, answer: Step) -> RouteTable:
    """The route table without the routes whose action is ``answer`` (a redirect that is a
    route of its own, as Apache's RedirectMatch is), at every depth."""
    routes = [
        r if r.children is None else dataclasses.replace(r, children=_without(r.children, answer))
        for r in table.routes
        if r.action is not answer
    ]
    return dataclasses.replace(table, routes=routes)


def _trace(site: Site, req: Request, skip: Step | None = None) -> tuple[list[Route], Action, _Outcome]:
    out = _Outcome(req.path, req.query, skip)
    if not _run_steps(site.steps, req, out) and out.response is not None:
        return [], out.response, out
    if out.action is not None and out.decided_by is not None and not out.reroute:
        # a site-level guard's action answers before any route is selected, as the server
        # does (Apache's RewriteRule [P] in a virtual host hands the request to mod_proxy);
        # the guard stands as the route that was taken, so findings can name it
        g = out.decided_by
        taken = Route(
            match=PathMatch("exact", out.path),
            loc=g.loc,
            label=g.label or f"rule at line {g.loc.line}",
            action=out.action,
        )
        return [taken], out.action, out
    chain: list[Route] = []
    for _ in range(MAX_REROUTES + 1):
        out.reroute = False
        out.action = None
        chain = select_route(site.routes if skip is None else _without(site.routes, skip), out.path)
        out.route_rewrote = False
        route = chain[-1] if chain else None
        if route is not None:
            _run_steps(route.steps, req, out)
            if out.response is None and not out.reroute:
                # the access phase: after the route's rewrites, before its handler
                current = _with_path(req, out.path, out.query)
                for rule in route.access:
                    if not _refuse(rule, current, out):
                        break
            if out.response is not None:
                return chain, out.response, out
            if out.reroute:
                continue
            action = out.action or route.action
        else:
            action = out.action
        if action is None:
            action = site.fallback or ServeLocal(404, route.loc if route else site.loc)
        return chain, action, out
    loc = chain[-1].loc if chain else site.loc
    return chain, Respond(500, loc, reason="rewrite cycle"), out


def upstream_target(action: ProxyAction, req: Request, rewritten: bool) -> tuple[str, str | None]:
    """The path and query FAS receives from a proxy action (None query: not knowable)."""
    if action.forward is None:
        return req.path, req.query
    found = action.forward(req, rewritten)
    if found is None:
        return req.path, None
    return found


# ---------------------------------------------------------------------------- headers


# what most plans hold: nothing removed, nothing uncertain (one read-only empty value for
# all, rather than two empty containers per plan of a fleet)
_NOTHING_REMOVED: Mapping[str, HeaderOp] = MappingProxyType({})
_NOTHING_UNCERTAIN: tuple[Uncertain, ...] = ()


def sent_headers(
    action: ProxyAction, req: Request, shared: dict[str, SentHeader] | None = None
) -> tuple[dict[str, SentHeader], Mapping[str, HeaderOp]]:
    """``shared`` hands out one SentHeader per client header value passed through: across
    a fleet's plans the same few repeat (the ops' values are mostly per site)."""
    up = action.upstream
    if shared is None:
        shared = {}
    sent: dict[str, SentHeader] = {}
    removed: dict = {}
    if up.forward_client_headers.value:
        for k, v in req.headers.items():
            if k in HOP_BY_HOP and k not in up.hop_by_hop_forwarded:
                continue
            sh = shared.get(v)
            if sh is None:
                sh = shared[v] = SentHeader(v, None)
            sent[k] = sh
    for op in up.ops:
        cond = op.condition
        if cond is not None and cond.evaluate(req) is not True:
            # a conditional rule that does not hold for this request, or cannot be told
            # (a Host test): only rules known to apply are traced
            continue
        key = op.name.lower()
        if op.value is None:
            sent.pop(key, None)
            removed[key] = op
            continue
        value = op.value.evaluate(req)
        if value == "" and up.empty_value_removes:
            sent.pop(key, None)
            removed[key] = op
            continue
        sent[key] = SentHeader(value, op)
        removed.pop(key, None)
    return sent, removed or _NOTHING_REMOVED


def tokens(value: str) -> set[str]:
    return {t.strip().lower() for t in value.split(",") if t.strip()}


def keeps_connection(action: ProxyAction, req: Request) -> bool | None:
    """Does an ordinary request on this action leave a reusable backend connection?"""
    if action.upstream.http_version.value == "1.0":
        return False
    sent, _ = sent_headers(action, req)
    conn = sent.get("connection")
    if conn is None:
        return True
    if conn.value is None:
        return None
    return "close" not in tokens(conn.value)


# ---------------------------------------------------------------------------- scope


def _all_routes(table: RouteTable):
    for r in table.routes:
        yield r
        if r.children is not None:
            yield from _all_routes(r.children)


def _guards(steps: Sequence[Step], request: Request | None = None):
    """Every guard among ``steps``, nested ones included, that chooses an action; with
    ``request``, only those it can reach (a guard whose condition is false for it, and what
    is nested in that guard, is left out)."""
    stack = list(steps)
    while stack:
        s = stack.pop()
        if isinstance(s, Guard):
            if request is not None and s.condition.evaluate(request) is False:
                continue
            if s.action is not None:
                yield s
            stack.extend(s.steps)


def _actions_of(route: Route):
    if route.action is not None:
        yield route.action
    for g in _guards(route.steps):
        yield g.action


def _page_actions(site: Site, ws_paths: tuple[str, ...], wanted: Callable[[ProxyAction], bool]):
    """(label, action) for every proxying action that ordinary page requests can reach,
    among those ``wanted`` asks about (which requests a route receives is asked last: it
    costs a few regex and condition evaluations)."""
    for route in _all_routes(site.routes):
        if isinstance(route.action, ProxyAction) and wanted(route.action) and takes_pages(route.match, ws_paths):
            yield route.label, route.action
        for g in _page_guards(route.steps, ws_paths):
            if isinstance(g.action, ProxyAction) and wanted(g.action) and takes_pages(route.match, ws_paths):
                yield route.label, g.action
    if isinstance(site.fallback, ProxyAction) and wanted(site.fallback):
        yield site.label, site.fallback
    for g in _page_guards(site.steps, ws_paths):  # site-level guards proxy before any route is selected
        if isinstance(g.action, ProxyAction) and wanted(g.action):
            yield g.label or site.label, g.action


def _page_guards(steps: Sequence[Step], ws_paths: tuple[str, ...]):
    """The guards among ``steps`` some page request reaches: a guard whose condition a page
    does not satisfy (a HAProxy ``use_backend ... if { path /gateway/websocketcall }``, an
    nginx ``if ($http_upgrade)``), and what is nested in it, is left out; undecidable counts
    as reached."""
    seen: set[int] = set()
    for probe in _page_probes(ws_paths):
        for g in _guards(steps, probe):
            if id(g) not in seen:
                seen.add(id(g))
                yield g


# paths of page and script requests a FAS application serves next to its websocket URL
_PAGE_SUFFIXES = ("", "adapter.js", "index.html", "css/app.css", "js/x/app.js")


@functools.lru_cache(maxsize=64)
def _page_paths(ws_paths: tuple[str, ...]) -> frozenset[str]:
    return frozenset({ws_base(ws) + suffix for ws in ws_paths for suffix in _PAGE_SUFFIXES} | {"/", "/index.html"})


@functools.lru_cache(maxsize=64)
def _page_probes(ws_paths: tuple[str, ...]) -> tuple[Request, ...]:
    """The page requests a guard is asked about: one script per application prefix (a
    condition that takes pages takes those; each evaluation costs, on fleets of guards)."""
    paths = dict.fromkeys(ws_base(ws) + "adapter.js" for ws in ws_paths)
    return tuple(Request(path=p, query="", scheme="https", headers=_PAGE_HEADERS) for p in paths)


def takes_pages(match: PathMatch, ws_paths: tuple[str, ...]) -> bool:
    """Can ordinary page requests reach a route with this match? Not when it matches the
    websocket URL alone (an exact match on it, a prefix at or below it, or a regex such as
    ``^/(gateway/websocketcall|assistserver/topic)$`` that no page path matches): such a
    route leaves no connection behind for an upgrade to reuse."""
    if match.kind == "exact":
        return match.pattern not in ws_paths
    if match.kind == "prefix":
        return not any(match.pattern.startswith(ws) for ws in ws_paths)
    return any(match.matches(p) for p in _page_paths(ws_paths))


def fronts_fas(site: Site, ws_paths: tuple[str, ...], named: tuple[str, ...] = ()) -> bool:
    """Is this site a FAS gateway front? Quiet on sites that have nothing to do with FAS.

    Yes when a route names a FAS application prefix (``/gateway``, ``/assistserver``), when
    a websocket URL, routed as it would be, is proxied to a FAS default port or to a backend
    the user named as FAS (``named``, whatever its port), when any route proxies to such a
    named backend, or when a websocket URL the user gave (``--ws-path``, not a FAS default)
    is proxied at all: the user said it is a websocket. A port 8080 elsewhere in the site
    is no evidence: too many applications use it.
    """
    names = _fas_names(ws_paths)
    if named and any(True for _ in _page_actions(site, ws_paths, lambda a: named_fas(a.backend, named))):
        return True
    for r in _all_routes(site.routes):
        if names_fas(r.match.pattern, names):
            return True
        if any(names_fas(text, names) for text, _ in _guarded_actions(r)):
            return True
    for ws in ws_paths:
        given = ws not in DEFAULT_WS_PATHS
        _, action, _, _ = trace(site, upgrade_request(ws, False, None))
        if isinstance(action, ProxyAction) and (given or is_fas(action, named)):
            return True
        # the route the URL selects proxies to FAS, even if a step before it answers
        # (a redirect in front of a catch-all route)
        chain = select_route(site.routes, ws)
        routed = chain[-1].action if chain else site.fallback
        if isinstance(routed, ProxyAction) and (given or is_fas(routed, named)):
            return True
    return False


def is_fas(action: ProxyAction, named: tuple[str, ...] = ()) -> bool:
    """The action's backend is FAS by its port, or because the user named it."""
    return _fas_port(action) or named_fas(action.backend, named)


def named_fas(backend: Backend | None, named: tuple[str, ...]) -> bool:
    """``--fas-backend`` names this backend (group name, or a server's host[:port])."""
    if backend is None or not named:
        return False
    return names_backend(named, backend.name, [(s.host, s.port) for s in backend.servers])


def to_fas(ws: str, site: Site, action: ProxyAction, named: tuple[str, ...]) -> bool:
    """Is the backend that takes this websocket URL known to be FAS? A URL of FAS's own, a
    site whose routes name FAS, a FAS port or a named backend say so; an application given
    only by ``--ws-path`` and found nowhere else is not, and FAS-only verdicts (the reuse
    limit of FAS 2.5.2 and earlier) are not its."""
    if ws in DEFAULT_WS_PATHS or is_fas(action, named):
        return True
    names = _fas_names(DEFAULT_WS_PATHS)
    return any(names_fas(r.match.pattern, names) for r in _all_routes(site.routes))


def _fas_names(ws_paths: tuple[str, ...]) -> set[str]:
    names = {ws_base(p).strip("/") for p in ws_paths} | {p.strip("/") for p in ws_paths}
    names.discard("")
    return names


def names_fas(pattern: str, names: set[str]) -> bool:
    """Does a route pattern name a FAS prefix as a whole path segment (``/gateway/``,
    ``^/(gateway|assistserver)/``), not inside another word (``/api/gateway-status``)?"""
    for n in names:
        start = pattern.find(n)
        while start >= 0:
            before = pattern[start - 1] if start else "/"
            end = start + len(n)
            after = pattern[end] if end < len(pattern) else "/"
            if before in "/(|^" and after in "/)|$?\\":
                return True
            start = pattern.find(n, start + 1)
    return False


def _fas_port(action: ProxyAction) -> bool:
    if action.backend is None:
        return False
    return any(s.port in TLS_PORTS or s.port in PLAIN_PORTS for s in action.backend.servers)


# ---------------------------------------------------------------------------- plans


def build_plans(model: ProxyModel, options: Options) -> PlanSet:
    plans: list[HandshakePlan] = []
    if any(p.kind == "syntax" and p.certain for p in model.problems):
        # The proxy will not load this config at all, and a half-read tree would produce
        # verdicts about lines that are not what the file says: report the syntax only.
        return PlanSet(model=model, options=options, plans=plans, find_fas_backends=fas_backends)
    fillers: dict[int, list[PoolFiller]] = {}
    plain_probe = page_request(options.ws_paths[0] if options.ws_paths else "/gateway/x", False, None)

    # one Request per (URL, scheme, port): plans only read them, and a fleet of sites has
    # a handful of distinct ones, not two per plan
    requests: dict[tuple, tuple[Request, Request]] = {}
    shared: dict[str, SentHeader] = {}

    fas_sites = [s for s in model.sites if fronts_fas(s, options.ws_paths, options.fas_backends)]
    for site in fas_sites + _redirecting_fronts(model.sites, fas_sites, options.ws_paths):
        for listener in site.listeners:
            if not listener.unknown and not options.judges(listener.tls):
                continue  # --front: clients never open this scheme, so nothing is judged here
            for ws in options.ws_paths:
                key = (ws, listener.tls, listener.port)
                pair = requests.get(key)
                if pair is None:
                    pair = requests[key] = (upgrade_request(*key), page_request(*key))
                req = pair[0]
                chain, action, out = _trace(site, req)
                plan = HandshakePlan(
                    listener=listener,
                    site=site,
                    ws_path=ws,
                    request=req,
                    route_chain=chain,
                    action=action,
                    final_path=out.path,
                    uncertain=out.uncertain or _NOTHING_UNCERTAIN,
                    plain_request=pair[1],
                    final_query=out.query,
                )
                _path_facts(plan, out)
                if isinstance(action, ProxyAction):
                    plan.sent, plan.removed = sent_headers(action, _with_path(req, out.path, out.query), shared)
                    if ws not in DEFAULT_WS_PATHS:
                        plan.to_fas = to_fas(ws, site, action, options.fas_backends)
                plans.append(plan)
    # the page routes that fill a pool matter only for a backend some plan proxies to (a
    # fleet's application backends are pooled too, and have many routes)
    upgraded = {id(p.action.backend) for p in plans if isinstance(p.action, ProxyAction) and p.action.backend}

    def wanted(action: ProxyAction) -> bool:
        backend = action.backend
        return backend is not None and id(backend) in upgraded and bool(backend.pool.value)

    for site in model.sites:
        for label, action in _page_actions(site, options.ws_paths, wanted):
            backend = action.backend
            if backend is not None and keeps_connection(action, plain_probe) is not False:
                fillers.setdefault(id(backend), []).append(PoolFiller(action, label))
    return PlanSet(model=model, options=options, plans=plans, fillers=fillers, find_fas_backends=fas_backends)


def _path_facts(plan: HandshakePlan, out: _Outcome) -> None:
    """The path and query FAS receives and the access rules met, from the trace."""
    if out.rewrites:
        plan.rewritten_by = tuple(out.rewrites)
    if out.refusals:
        plan.refusals = tuple(out.refusals)
        plan.denied = out.denied
    action = plan.action
    if isinstance(action, ProxyAction) and action.forward is not None:
        # a rewrite in the route itself (not one that selected the route)
        rewritten = out.route_rewrote
        path, query = upstream_target(action, _with_path(plan.request, out.path, out.query), rewritten)
        plan.target_changed_path = path != out.path
        plan.target_changed_query = query != out.query
        plan.final_path, plan.final_query = path, query


def _redirecting_fronts(sites: Sequence[Site], fas_sites: list[Site], ws_paths: tuple[str, ...]) -> list[Site]:
    """Plain sites that send the websocket URLs of a FAS site to https:// (the usual port-80
    server next to the TLS one): clients that open ws:// meet them, so they are judged too
    (``--front`` says whether any client does)."""
    tls_sites = [s for s in fas_sites if any(li.tls for li in s.listeners)]
    if not tls_sites:
        return []
    # one set of names for all of them: a fleet has thousands of sites on each side
    names: set[str] = set()
    for s in tls_sites:
        names.update(s.names)
    any_name = any(answers_any(s.names) for s in tls_sites)
    judged = {id(s) for s in fas_sites}
    out: list[Site] = []
    for site in sites:
        if id(site) in judged or not site.listeners or any(li.tls for li in site.listeners):
            continue
        if not (any_name or answers_any(site.names) or names.intersection(site.names)):
            continue
        for ws in ws_paths:
            _, action, _, _ = trace(site, upgrade_request(ws, False, None))
            if not (isinstance(action, Respond) and (action.target or "").startswith("https://")):
                break
        else:
            out.append(site)
    return out


def answers_any(names: Sequence[str]) -> bool:
    """A site without names (or nginx's catch-all `_`) answers whatever host it is asked."""
    return not names or "_" in names


def fas_backends(site: Site, ws_paths: tuple[str, ...], named: tuple[str, ...] = ()) -> list[Backend]:
    """Backends this site sends FAS URLs to: those of routes that name a FAS prefix, and
    those the user named as FAS (``--fas-backend``)."""
    names = _fas_names(ws_paths)
    found: list[Backend] = []
    if named:
        for _, a in _page_actions(site, ws_paths, lambda a: named_fas(a.backend, named)):
            if a.backend is not None and not any(a.backend is b for b in found):
                found.append(a.backend)
    for r in _all_routes(site.routes):
        if not names_fas(r.match.pattern, names):
            continue
        for a in _actions_of(r):
            if (
                isinstance(a, ProxyAction)
                and a.backend is not None
                and not any(same_target(a.backend, b) for b in found)
            ):
                found.append(a.backend)
    guarded = [g for r in _all_routes(site.routes) for g in _guards(r.steps)]
    # site-level guards too (Apache's RewriteRule ^/assistserver/topic ... [P] in the virtual
    # host): their pattern names the URL as plainly as a route's does
    guarded += list(_guards(site.steps))
    probes = [upgrade_request(ws, False, None) for ws in ws_paths]
    for g in guarded:
        a = g.action
        if (
            names_fas(g.condition.text, names)
            # a condition that names FAS to keep it out (`if is_static !is_fas_path`) is no
            # FAS route: it must take some FAS URL, or be undecidable
            and any(g.condition.evaluate(p) is not False for p in probes)
            and isinstance(a, ProxyAction)
            and a.backend is not None
            and not any(same_target(a.backend, b) for b in found)
        ):
            found.append(a.backend)
    return found


def _guarded_actions(route: Route):
    """(condition text, action) of guards that choose an action by a condition rather than
    by the route's path pattern (a HAProxy `use_backend ... if { path_beg /gateway/ }`)."""
    for g in _guards(route.steps):
        yield g.condition.text, g.action


def same_target(a: Backend, b: Backend) -> bool:
    """Two backends reach the same servers (inline backends are one per proxy line)."""
    if a is b:
        return True
    if a.named or b.named:
        return False
    return [(s.host, s.port) for s in a.servers] == [(s.host, s.port) for s in b.servers]

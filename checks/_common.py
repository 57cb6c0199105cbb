"""Helpers shared by rule modules (not a rule: the registry skips ``_`` modules)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from linter.core.findings import Finding, Related
from linter.core.fixes import Fix, FixRequest
from linter.core.plan import HandshakePlan, PlanSet
from linter.core.rules import Rule
from linter.core.tree import Loc

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
        return (
            " (an include on this route could not be read, so it may set this)",
            [Related(loc, "include not read") for loc in proxy.unseen],
        )
    if proxy.outside:
        return (
            " (this file is a fragment: a level enclosing it, not read with it, may set this; "
            "lint it together with its main config to be sure)",
            [],
        )
    return "", []


def finding(
    plans: PlanSet,
    rule: Rule,
    loc: Loc,
    message: str,
    *,
    symptom: str | None,
    fix: Fix | str,
    plan: HandshakePlan | None = None,
    related: Sequence[Related] = (),
    severity: str | None = None,
    unseen: str | None = None,
    fix_setting: Loc | None = None,
    fix_inherited: Sequence[Loc] = (),
    fix_route_fills_pool: bool | None = None,
    mechanical: bool = True,
    ws_paths: Sequence[str] = (),
    **details: str,
) -> Finding:
    """Every finding is worded here. ``fix``: a ``Fix`` the dialect's advice words with
    ``details`` (``where`` defaults to the plan's route, ``path`` to its websocket URL), or
    a text of the config's own (a problem the reader met). ``unseen``: the verdict rests on
    a setting being absent; when part of the config was not read, the message says so, the
    unread includes are related, and the finding gets this severity instead of the rule's.
    ``fix_setting``: the line whose value the fix changes; ``fix_inherited``: lines of the
    same kind in force from an enclosing level (the dialect's edits may need to repeat them);
    ``fix_route_fills_pool``: the websocket's own route also carries requests that leave idle
    connections in the backend's pool (None: not a question this finding answers);
    ``mechanical`` False: the fix is not an edit of the lines the model names (no request).

    ``ws_paths``: every URL the cause breaks, when a check groups them itself (the runner
    merges the others, see ``merge_urls``); the plan's URL is the first."""
    related = list(related)
    certain = True
    if unseen is not None and plan is not None:
        note, extra = unseen_note(plan)
        if note:
            message += note
            related += extra
            severity = unseen
            certain = False
    request = None
    if isinstance(fix, Fix):
        if plan is not None:
            details.setdefault("where", where(plan))
            details.setdefault("path", plan.ws_path)
        request = (
            None
            if not mechanical
            else FixRequest(
                fix,
                dict(details),
                loc,
                route=plan.route.loc if plan is not None and plan.route is not None else None,
                proxy=plan.proxy.loc if plan is not None and plan.proxy is not None else None,
                setting=fix_setting,
                inherited=tuple(fix_inherited),
                route_fills_pool=fix_route_fills_pool,
                files=plans.config_files,
                certain=certain,
                backend=plan.proxy.backend.loc
                if plan is not None and plan.proxy is not None and plan.proxy.backend is not None
                else None,
                ws_paths=tuple(plans.options.ws_paths),
            )
        )
        fix = plans.model.advice.fix(fix, **details)
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity or rule.severity,
        dialect=plans.model.dialect,
        loc=loc,
        message=message,
        symptom=symptom,
        fix=fix,
        listener=plan.listener.label if plan else None,
        ws_path=plan.ws_path if plan else None,
        related=related,
        files=tuple(sorted(plans.files(plan))) if plan else (),
        fix_request=request,
        ws_paths=tuple(ws_paths),
    )


def first_loc(*locs: Loc | None) -> Loc:
    for loc in locs:
        if loc is not None:
            return loc
    raise ValueError("no location")


@dataclass(slots=True, eq=False)
class HeaderGap:
    """Why a request header the handshake needs does not reach the backend as it must."""

    loc: Loc  # the line to change
    message: str
    inherited: bool  # the header was set at an enclosing level that does not apply here
    related: list[Related] = field(default_factory=list)
    # the verdict rests on the header being absent (a guess if part of the config was not read)
    absent: bool = False
    # for a fix: the line whose op sends the wrong value (None: no op of its own), and the
    # header lines in force on the route (or, when ``inherited``, those not inherited)
    op: Loc | None = None
    in_force: tuple[Loc, ...] = ()


def header_gap(plan: HandshakePlan, header: str, ok: Callable[[str], bool], wanted: str) -> HeaderGap | None:
    """Does ``header`` leave for the backend with a value ``ok`` accepts? None when it
    does, or when its value cannot be known from the config. ``wanted`` says what a good
    value holds, for the message."""
    proxy = plan.proxy
    if proxy is None:
        return None
    key = header.lower()
    sent = plan.sent.get(key)
    if sent is not None and (sent.value is None or ok(sent.value)):
        return None
    up = proxy.upstream
    route = route_label(plan)
    shadowed = [op for op in up.shadowed if op.name.lower() == key]
    if shadowed:
        return HeaderGap(
            first_loc(up.ops_loc, proxy.loc),
            f"{header} is not sent upstream on {route}: {up.shadow_reason}",
            inherited=True,
            related=[Related(op.loc, f"{header} set here, not inherited") for op in shadowed if op.loc],
            in_force=tuple(op.loc for op in shadowed if op.loc),
        )
    in_force = tuple(op.loc for op in up.ops if op.loc is not None)
    if sent is not None and sent.op is not None and sent.op.loc is None:
        return HeaderGap(
            proxy.loc,
            f"{route} sets no {header} header, so `{header}: {sent.value}` "
            f"({sent.op.note or 'the proxy default'}) goes upstream and FAS never sees the upgrade",
            inherited=False,
            absent=True,
            in_force=in_force,
        )
    if sent is not None:
        expr = sent.op.value.text if sent.op and sent.op.value else ""
        return HeaderGap(
            first_loc(sent.op.loc if sent.op else None, proxy.loc),
            f"for a websocket request, {header} is sent upstream as {sent.value!r}"
            + (f" (from `{expr}`)" if expr and expr != sent.value else "")
            + f", not {wanted}",
            inherited=False,
            op=sent.op.loc if sent.op else None,
            in_force=in_force,
        )
    if key in plan.removed:
        op = plan.removed[key]
        expr = op.value.text if op.value else ""
        return HeaderGap(
            first_loc(op.loc, proxy.loc),
            f"{route} sends no {header} header upstream for a websocket request"
            + (f" (`{expr}` is empty for it)" if expr else " (it is removed)"),
            inherited=False,
            op=op.loc,
            in_force=in_force,
        )
    return HeaderGap(
        proxy.loc,
        f"{route} proxies {plan.ws_path} without sending {header}: {wanted}",
        inherited=False,
        absent=True,
        in_force=in_force,
    )

"""The run itself: every config discovered is read through the dialect registry,
interpreted, planned and given to the selected checks; nothing is filtered afterwards
(suppressions and the roots focus are ``lint()``'s).

Each check runs isolated: one that raises is reported as an internal error and every
other finding still stands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import partial

import parsers
from linter.core.findings import Finding, Related, merge_listeners, merge_urls
from linter.core.model import ProxyModel, Respond
from linter.core.options import Options
from linter.core.plan import HandshakePlan, PlanSet
from linter.core.resolve import build_plans
from linter.engine.discover import Candidate, companions, discover
from linter.engine.pool import pooled
from linter.engine.registry import all_checks
from linter.engine.result import Checked, FasSite, InternalError, Report
from linter.engine.selection import EVERY_RULE, Selection
from parsers.dialect import Source

# Readers and interpreters recurse once or twice per nested block; their nesting bounds
# (linter/core/bounds.py) stay well inside this limit, which is restored after the run.
RECURSION_LIMIT = 4000
# the other configurations a run-level finding lists as related lines
MAX_RELATED = 20


def _collector_paused(fn):
    """Run ``fn`` with the cyclic garbage collector off. A large config becomes about a
    million small long-lived objects (tree, model, plans); with the collector on, every
    few thousand allocations rescan them all, which costs more than reading the config.
    Nothing here builds cycles worth collecting, and reference counting still frees each
    config's model when the next one starts. The one library that leaves cycles holding
    our frames (pyparsing, imported mid-read) is imported on a clean stack for that
    reason: ``parsers/clean_import.py``."""
    import functools
    import gc

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_collector_paused
def run(
    paths: list[str],
    options: Options,
    stdin: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    jobs: int = 1,
    selection: Selection = EVERY_RULE,
) -> Report:
    """Lint ``paths`` (``-``: the text ``stdin``) with the checks ``selection`` runs;
    ``progress(done, total, path)`` is called before each config is read. ``jobs`` > 1
    reads and checks independent configs in that many processes (see ``pool.py``); the
    report is the same as with one."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, RECURSION_LIMIT))
    try:
        return _run(paths, options, stdin, progress, jobs, selection)
    finally:
        sys.setrecursionlimit(old)


def _run(
    paths: list[str],
    options: Options,
    stdin: str | None,
    progress: Callable[[int, int, str], None] | None,
    jobs: int,
    selection: Selection,
) -> Report:
    report = Report()
    seen: set[str] = set()
    candidates = discover(paths, options, stdin, report.unreadable)
    together = companions(candidates)
    done = (
        pooled(candidates, together, jobs, partial(_run_one, options=options, selection=selection)) if jobs > 1 else {}
    )
    for i, cand in enumerate(candidates):
        path, dialect = cand.path, cand.dialect
        if progress is not None:
            progress(i, len(candidates), path)
        real = os.path.realpath(path)
        if real in seen:
            continue
        if path in done:
            sub = done[path]
            for f, _ in sub.files:
                seen.add(os.path.realpath(f))
            seen.add(real)
            report.files.extend(sub.files)
            report.findings.extend(sub.findings)
            report.internal_errors.extend(sub.internal_errors)
            report.skipped.extend(sub.skipped)
            report.unreadable.extend(sub.unreadable)
            report.sources.update(sub.sources)
            report.checked.add(sub.checked)
            continue
        reader = parsers.get(dialect)
        if reader is None:
            report.skipped.append((path, f"{dialect} configs are not supported"))
            continue
        try:
            model = reader.load(Source(path, cand.text, together.get(path, ())), options)
        except Exception as e:  # a reader bug must not lose the other files' findings
            report.internal_errors.append(InternalError(path, f"{type(e).__name__}: {e}", _trace()))
            seen.add(real)
            continue
        # what this config read is not read again as a config of its own; with no other
        # candidate left there is nothing to skip (a fleet's entry point reads thousands of
        # files, and resolving each path is not free)
        later = i + 1 < len(candidates)
        for f in model.files or [path]:
            if later:
                seen.add(os.path.realpath(f))
            report.files.append((f, dialect))
        # what the reader could not read (an entry point gone, a bound hit) was not checked
        report.unreadable.extend((str(p.loc), p.message) for p in model.problems if p.kind == "read")
        for sf in model.sources:
            report.sources.setdefault(sf.path, sf)
        report.findings.extend(_check(model, options, selection, report))
    report.findings = _one_nothing_judged(
        sorted(merge_listeners(report.findings, report.checked.listeners), key=Finding.sort_key), report.checked
    )
    report.checked.ws_paths = list(options.ws_paths)
    return report


def _run_one(cand: Candidate, options: Options, selection: Selection) -> Report:
    """One entry point, alone, in a worker process."""
    import dataclasses

    return run([cand.path], dataclasses.replace(options, dialect=cand.dialect), selection=selection)


def _trace() -> str:
    """The current exception's traceback; traceback is imported only when a reader or a
    check fails (it and what it pulls in cost start-up time on every run)."""
    import traceback

    return traceback.format_exc()


def _check(model: ProxyModel, options: Options, selection: Selection, report: Report) -> list[Finding]:
    checks = [c for c in all_checks() if selection.runs(c.rule.id)]
    if not checks:
        return []
    try:
        plans = build_plans(model, options)
    except Exception as e:
        report.internal_errors.append(
            InternalError(model.root_file, f"planning failed: {type(e).__name__}: {e}", _trace())
        )
        return []
    _count(plans, report.checked)
    out: list[Finding] = []
    for registered in checks:
        try:
            out.extend(registered.run(plans))
        except Exception as e:
            report.internal_errors.append(
                InternalError(f"{registered.rule.id} on {model.root_file}", f"{type(e).__name__}: {e}", _trace())
            )
    return merge_urls(out, options.ws_paths)


def _count(plans: PlanSet, checked: Checked) -> None:
    """Add one model's plans to what the run says it judged: the listeners, and each site
    that fronts FAS with the route that shows it."""
    checked.plans += len(plans.plans)
    by_site: dict[int, list[HandshakePlan]] = {}
    for p in plans.plans:
        checked.add_listener(p.listener.label)
        by_site.setdefault(id(p.site), []).append(p)
    for site_plans in by_site.values():
        site = site_plans[0].site
        checked.fas_sites.append(FasSite(site.loc, site.label, _why(site_plans)))


def _why(site_plans: list[HandshakePlan]) -> str:
    """What in the site says it fronts FAS, in words a reader checks against the config."""
    for p in site_plans:
        proxy = p.proxy
        if proxy is not None and proxy.backend is not None:
            route = p.route.label if p.route is not None else p.site.label
            return f"routes {p.ws_path} to {proxy.backend.name} ({route})"
    p = site_plans[0]
    action = p.action
    if isinstance(action, Respond) and action.target:
        return f"answers {p.ws_path} with a redirect to {action.target}, toward a FAS site"
    route = p.route.label if p.route is not None else "no route"
    return f"a route names a FAS URL; {p.ws_path} lands in {route}, which does not proxy it"


# the rule that says a configuration gave nothing to judge (checks/no_fas_route.py)
NOTHING_JUDGED = "WSP005"


def _one_nothing_judged(findings: list[Finding], checked: Checked) -> list[Finding]:
    """ "Nothing was judged" is said of the run: not at all once another configuration of it
    was judged (a sites-enabled folder holds other applications' sites next to the FAS one),
    and once, naming the others, when none was (a folder of 20,000 sites is one warning)."""
    said = [f for f in findings if f.rule == NOTHING_JUDGED]
    if not said:
        return findings
    rest = [f for f in findings if f.rule != NOTHING_JUDGED]
    if checked.plans:
        return rest
    first, others = said[0], said[1:]
    if others:
        first.message += f" (nor in {len(others)} other configuration{'s' if len(others) != 1 else ''} read)"
        first.related += [Related(f.loc, "nothing judged here either") for f in others[:MAX_RELATED]]
    return sorted([*rest, first], key=Finding.sort_key)

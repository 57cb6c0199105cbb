"""Independent whole configurations read and checked in a process pool."""

from __future__ import annotations

import os
from collections.abc import Callable

import parsers
from linter.engine.discover import Candidate
from linter.engine.result import Report

# Below this many bytes of configs a pool costs more (process start, pickling the
# findings back) than the second core gives.
POOL_MIN_BYTES = 256 * 1024


def pooled(
    candidates: list[Candidate],
    together: dict[str, tuple[str, ...]],
    jobs: int,
    work: Callable[[Candidate], Report],
) -> dict[str, Report]:
    """Whole configurations (rank 0), each run alone by ``work`` (picklable: it crosses to
    the workers) in a process pool, by path.

    Only entry points go to the pool: they are independent of each other, while a file
    that includes others, or a fragment, is usually read as part of an entry point and
    then skipped. The caller merges the results in candidate order with the same "seen"
    rule as the sequential loop, so an entry point another one includes is still
    dropped and the report does not depend on ``jobs``. Any failure of the pool itself
    leaves the work to the sequential loop.
    """
    # a config read with companions (HAProxy's -f a -f b) or from stdin stays in this process
    todo = [
        c
        for c in candidates
        if c.rank == 0 and c.text is None and not together.get(c.path) and parsers.get(c.dialect) is not None
    ]
    if len(todo) < 2:
        return {}
    try:  # every candidate counts: an entry point's includes are usually among them
        sizes = {c.path: os.path.getsize(c.path) for c in candidates}
    except OSError:
        return {}
    if sum(sizes.values()) < POOL_MIN_BYTES:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    # largest first, so that one big config does not start last and run alone
    todo.sort(key=lambda c: -sizes[c.path])
    out: dict[str, Report] = {}
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            futures = {c.path: pool.submit(work, c) for c in todo}
            for path, fut in futures.items():
                out[path] = fut.result()
    except Exception:  # a broken pool (no /dev/shm, a killed worker): do it here instead
        return {}
    return out

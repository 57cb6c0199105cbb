"""Importing a module in the middle of a read without keeping the read alive.

pyparsing (both the Apache and the HAProxy reader build their grammar with it on the first
line that needs one) parses its own grammar at import time and keeps the exceptions it
catches in reference cycles with their frames. A frame holds its callers, so imported in
the middle of a read those cycles held the reader's, the loader's and the runner's frames,
and with them the whole tree and model, until the next cyclic collection, which the
engine postpones to the end of the run (``_collector_paused`` in
``linter/engine/runner.py``): then it walked and freed all of it.
"""

from __future__ import annotations

import sys


def import_on_a_clean_stack(name: str) -> None:
    """Import ``name`` in a short-lived thread, whose stack holds nothing of ours. A
    failure is the caller's to see: its own import raises it."""
    if name in sys.modules:
        return
    import _thread
    import importlib

    done = _thread.allocate_lock()
    done.acquire()

    def run() -> None:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001, S110 - re-raised by the caller's own import
            pass
        finally:
            done.release()

    _thread.start_new_thread(run, ())
    done.acquire()

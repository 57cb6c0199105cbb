"""Benchmarks for wsproxylint: config generators for each dialect and a runner
(``python -m benchmarks``) that times ``wsproxylint check`` against ``crossplane parse``
and the real proxies' config checks on the same files, and holds the performance budget
(``budget.py``: the run exits 1 when a target is missed). Not part of the test suite,
which asserts no time; see docs/performance.md."""

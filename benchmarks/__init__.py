"""Benchmarks for wsproxylint: config generators for each dialect and a runner
(``python -m benchmarks``) that times ``wsproxylint check`` against ``crossplane parse``
and ``nginx -t`` on the same files. Not part of the test suite: nothing here asserts a
time."""

"""Driver for the pool benchmark: ``linter.engine.runner.run`` over paths with N jobs, as the
CLI's ``--jobs`` calls it, without the CLI around it. Prints the number of findings."""

from __future__ import annotations

import argparse

from linter.core.options import Options
from linter.engine.runner import run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    report = run(a.paths, Options(), jobs=a.jobs)
    print(len(report.files), len(report.findings), len(report.internal_errors))


if __name__ == "__main__":
    main()

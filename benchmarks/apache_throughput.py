"""Apache throughput: MB/s (CPU time of this process, the machine is shared) through read,
interpret, plans and checks, over the shared corpus.

    .venv/bin/python benchmarks/apache_throughput.py [DIR]

Each file is linted alone (as pre-commit hands them over); includes it names are followed
where they resolve. Bytes counted are the files' own sizes (what was given).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from linter.core.options import Options
from linter.engine.runner import run
from parsers.apache.interpret import ASSUMED_VERSION
from parsers.apache.read import read

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "apache"


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    files = sorted(p for p in root.iterdir() if p.is_file())
    size = sum(p.stat().st_size for p in files)
    read(str(files[0]), ASSUMED_VERSION)  # warm imports (pyparsing) outside the timing
    best_read = best_all = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        for p in files:
            read(str(p), ASSUMED_VERSION)
        best_read = min(best_read, time.process_time() - t0)
        t0 = time.process_time()
        for p in files:
            run([str(p)], Options(dialect="apache"))
        best_all = min(best_all, time.process_time() - t0)
    mb = size / 1e6
    print(f"{len(files)} files, {mb:.2f} MB ({os.path.basename(str(root))})")
    print(f"read only:               {best_read:.3f} s  {mb / best_read:.1f} MB/s")
    print(f"read+interpret+checks:   {best_all:.3f} s  {mb / best_all:.1f} MB/s")


if __name__ == "__main__":
    main()

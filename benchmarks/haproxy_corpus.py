"""HAProxy throughput over the shared corpus (../shared/corpus/haproxy): MB/s of config
through the reader alone, reader + interpreter, and the whole run (plans and checks too).

    .venv/bin/python benchmarks/haproxy_corpus.py [--repeat N] [DIR]

CPU time of this process (``time.process_time``), best of N, so other work on a shared
machine disturbs it less than wall time would.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linter.options import Options  # noqa: E402
from linter.runner import run  # noqa: E402
from parsers.haproxy.interpret import interpret  # noqa: E402
from parsers.haproxy.read import read  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "haproxy"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    files = sorted(str(p) for p in Path(args.dir).iterdir() if p.is_file())
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    opts = Options(dialect="haproxy")
    read_all(files)  # warm: imports, pyparsing grammar
    stages = {
        "read": lambda: read_all(files),
        "read+interpret": lambda: [interpret(read(f), opts) for f in files],
        "whole run (read, interpret, plans, checks)": lambda: run(files, Options(dialect="haproxy")),
    }
    print(f"{len(files)} files, {mb:.2f} MB, best of {args.repeat} (CPU time)")
    for name, fn in stages.items():
        t = best(fn, args.repeat)
        print(f"  {name:45s} {t:6.3f} s  {mb / t:6.1f} MB/s")


def read_all(files: list[str]) -> None:
    for f in files:
        read(f)


if __name__ == "__main__":
    main()

"""HAProxy throughput over the shared corpus (../shared/corpus/haproxy): MB/s of config
through the reader alone, reader + interpreter, and the whole run (plans and checks too).

    .venv/bin/python benchmarks/haproxy_corpus.py [--repeat N] [DIR]
    .venv/bin/python benchmarks/haproxy_corpus.py --synthetic 2000

``--synthetic N`` instead times one generated config: N frontends of N/10 ``use_backend``
rules each routing to N backends, plus the FAS rules (growth with size, not the corpus).

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

from linter.core.options import Options  # noqa: E402
from linter.engine.runner import run  # noqa: E402
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
    ap.add_argument("--synthetic", type=int, default=0)
    args = ap.parse_args()
    if args.synthetic:
        synthetic(args.synthetic, args.repeat)
        return
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


def synthetic(n: int, repeat: int) -> None:
    import tempfile

    lines = ["global", "defaults", "    mode http", "    timeout tunnel 1h"]
    for f in range(n):
        lines += [f"frontend fe{f}", f"    bind 10.9.{f // 250}.{f % 250}:443 ssl crt /x.pem alpn http/1.1"]
        lines += [f"    use_backend be{(f + i) % n} if {{ path_beg /app{i}/ }}" for i in range(max(1, n // 10))]
        lines += ["    use_backend fas if { path_beg /gateway/ /assistserver/ }", f"    default_backend be{f}"]
    for b in range(n):
        lines += [f"backend be{b}", f"    server s{b} 10.1.{b // 250}.{b % 250}:80 check"]
    lines += ["backend fas", "    server f 10.20.0.11:8080"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "haproxy.cfg")
        with open(path, "w") as out:
            out.write("\n".join(lines) + "\n")
        mb = os.path.getsize(path) / 1e6
        t = best(lambda: run([path], Options(dialect="haproxy")), repeat)
        print(f"synthetic: {n} frontends x {max(1, n // 10)} rules, {n} backends, {mb:.2f} MB: "
              f"whole run {t:.3f} s CPU, {mb / t:.1f} MB/s")


def read_all(files: list[str]) -> None:
    for f in files:
        read(f)


if __name__ == "__main__":
    main()

"""``python -m benchmarks``: time wsproxylint against crossplane and the real proxies.

Generates the configs (nginx: 1, 100, 1,000 and 5,000 sites, single file and one include
per site; Apache and HAProxy at the same sizes), then for each size runs every tool
several times as a child process and prints the median wall time, CPU time (user + sys of
the child, from ``os.wait4``) and peak RSS, with the ratios, the cost per site (linearity),
the memory above the interpreter's baseline against the input size, start-up, and the
process-pool speed-up on many independent configs. Apache and HAProxy are measured
through wsproxylint when their dialect is registered; their real proxies'
config checks (``apache2 -t``, ``haproxy -c``) are timed alongside.

The run ends with the performance budget (``benchmarks/budget.py``): each target, its
limit, the figure measured and pass or MISS; the exit status is 1 when a measured target
misses. ``--budget`` measures only what the budget needs.

On a shared machine trust CPU time over wall time. Examples:

    python -m benchmarks                      # everything, 3 runs each
    python -m benchmarks --budget             # the budget alone; exit 1 on a miss
    python -m benchmarks --sizes 1,100 --runs 1 --skip pool   # a smoke run
    python -m benchmarks --tree /tmp/old-checkout             # measure another checkout
    python -m benchmarks --markdown out.md    # also write the tables to a file
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import budget, gen_apache, gen_haproxy, gen_nginx
from .measure import Figure, measure, measure_set, ratio, rss_method

REPO = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"
HAPROXY = "/usr/sbin/haproxy"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work)
        self.tree = Path(args.tree).resolve() if args.tree else REPO
        self.python = sys.executable
        self.env = dict(os.environ, PYTHONPATH=str(self.tree), PYTHONDONTWRITEBYTECODE="")
        self.lines: list[str] = []
        self.record: dict = {"sizes": {}}
        self.figures: dict[str, float] = {}  # budget target id -> measured value

    # ------------------------------------------------------------------ output
    def out(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def wsp(self, *args: str) -> list[str]:
        return [self.python, "-m", "linter", "check", "--format", "json", *args]

    def m(self, cmd: list[str], runs: int | None = None, cwd: str | None = None) -> Figure:
        return measure(cmd, runs or self.args.runs, cwd=cwd or str(self.tree), env=self.env)

    # ------------------------------------------------------------------ sections
    def machine(self) -> None:
        cpu = "unknown"
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        load = os.getloadavg()
        xpl = _version([str(Path(self.python).parent / "crossplane"), "--version"])
        ngx = _version([NGINX, "-v"]) if os.path.exists(NGINX) else "not installed"
        self.out(f"Machine: {platform.node()}, {cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
                 f"Python {platform.python_version()}; crossplane {xpl}; {ngx}")
        self.out(f"Load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
                 f"each figure is the median of {self.args.runs} runs; code measured: {self.tree}; "
                 f"peak RSS read by {rss_method()}")
        self.record["machine"] = {"cpu": cpu, "cpus": os.cpu_count(), "load": load, "python": platform.python_version()}

    def baseline(self) -> Figure:
        return self.m([self.python, "-c", "pass"], runs=max(5, self.args.runs))

    def startup(self, base: Figure) -> None:
        d = self.work / "nginx-1"
        main = gen_nginx.generate(1, d)
        runs = max(10, self.args.runs)
        one = self.m(self.wsp(str(main)), runs=runs)
        self.figures["one-file-wall"] = one.wall * 1000
        sample = REPO / "samples" / "nginx"
        typical = sorted(sample.glob("good-*.conf"))[:1]
        self.out("")
        self.out("## Start-up (one-file check, wall includes interpreter start)")
        self.out("")
        self.out("| What | wall (median) | CPU | peak RSS |")
        self.out("|---|---|---|---|")
        self.out(f"| `python -c pass` | {_ms(base.wall)} | {_ms(base.cpu)} | {base.rss_mb:.1f} MB |")
        self.out(f"| `wsproxylint check` 1-site generated config ({_lines(main)} lines) | {_ms(one.wall)} | "
                 f"{_ms(one.cpu)} | {one.rss_mb:.1f} MB |")
        self.record["startup"] = {"python": _fig(base), "one_site": _fig(one)}
        # the same check without the command line (typer): what the pipeline itself costs
        bare = self.m([self.python, "-c", "import sys; from linter.core.options import Options; "
                       "from linter.engine.runner import run; from linter.app.report.json_report import render; "
                       "print(render(run(sys.argv[1:], Options())))", str(main)], runs=runs)
        xpl = self.m([str(Path(self.python).parent / "crossplane"), "parse", "-o", "/dev/null", str(main)], runs=runs)
        self.out(f"| the same check through `linter.engine.runner.run`, without the CLI | {_ms(bare.wall)} | "
                 f"{_ms(bare.cpu)} | {bare.rss_mb:.1f} MB |")
        self.out(f"| `crossplane parse` of the same file | {_ms(xpl.wall)} | {_ms(xpl.cpu)} | {xpl.rss_mb:.1f} MB |")
        self.record["startup"]["no_cli"] = _fig(bare)
        for t in typical:
            f = self.m(self.wsp(str(t)), runs=runs)
            self.out(f"| `wsproxylint check samples/nginx/{t.name}` | {_ms(f.wall)} | {_ms(f.cpu)} | "
                     f"{f.rss_mb:.1f} MB |")
        # where the start-up time goes
        proc = subprocess.run([self.python, "-X", "importtime", "-m", "linter", "check", "--format", "json",
                               str(main)], cwd=str(self.tree), env=self.env, capture_output=True, text=True)
        rows = []
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if m:
                rows.append((int(m.group(2)), len(m.group(3)), m.group(4)))
        top = [r for r in rows if r[1] <= 3]
        top.sort(reverse=True)
        total = sum(r[0] for r in rows if r[1] == 1)
        self.out("")
        self.out(f"`python -X importtime` of that check: {total / 1000:.0f} ms of imports in all; the largest "
                 "top-level imports (cumulative):")
        self.out("")
        self.out("| module | cumulative |")
        self.out("|---|---|")
        for us, _, name in [r for r in top if r[1] == 1][:12]:
            self.out(f"| {name} | {us / 1000:.1f} ms |")

    def nginx(self, base: Figure) -> None:
        self.out("")
        self.out("## nginx: wsproxylint vs crossplane parse vs nginx -t")
        self.out("")
        self.out("Sites: each has two upstreams, an :80 redirect server and an :443 server with 5 locations "
                 "(two websocket); every 10th site has an injected websocket bug.")
        self.out("")
        self.out("| config | lines | size | wsproxylint wall / CPU / RSS | crossplane parse wall / CPU / RSS | "
                 "nginx -t wall / CPU / RSS | CPU ratio to crossplane (median per round) | CPU ratio to nginx -t | "
                 "wsproxylint CPU per 1k sites beyond the 1-site run | RSS above baseline / input | "
                 "RSS growth / input growth from 1 site |")
        self.out("|---|---|---|---|---|---|---|---|---|---|---|")
        unit: Figure | None = None
        unit_size = 0
        xpl_bin = str(Path(self.python).parent / "crossplane")
        have_nginx = os.path.exists(NGINX)
        for layout, sizes in (("single", self.args.sizes), ("split", self.args.split_sizes)):
            for n in sizes:
                d = self.work / f"nginx-{n}-{layout}"
                main = gen_nginx.generate(n, d, layout)
                size = _bytes(d)
                runs = self.args.big_runs if n >= 5000 else None
                cmds = {"wsp": self.wsp(str(main)), "xpl": [xpl_bin, "parse", "-o", "/dev/null", str(main)]}
                if have_nginx:
                    cmds["ngx"] = [NGINX, "-t", "-q", "-p", f"{d}/", "-c", "nginx.conf", "-e", "stderr"]
                figs, samples = measure_set(cmds, runs or self.args.runs, cwd=str(self.tree), env=self.env)
                w, x, t = figs["wsp"], figs["xpl"], figs.get("ngx")
                r_x = ratio(samples["wsp"], samples["xpl"])
                r_t = ratio(samples["wsp"], samples["ngx"]) if t else float("nan")
                above = _above(w, base, size)
                if n == 1000 and layout == "single":
                    self.figures["nginx-1k-cpu"] = r_x
                if n == 5000:
                    self.figures["rss-5k-nginx-split" if layout == "split" else "rss-5k-nginx"] = above
                if n == 1 and layout == "single":
                    unit, unit_size = w, size
                per_site = f"{(w.cpu - unit.cpu) / (n - 1) * 1000:.2f} s" if unit and n > 1 else "(fixed cost)"
                growth = f"{(w.rss_kb - unit.rss_kb) * 1024 / (size - unit_size):.1f}x" \
                    if unit and size > unit_size else "n/a"
                label = f"{n} site{'s' if n != 1 else ''}" + (f", split into {n} files" if layout == "split" else "")
                self.out(f"| {label} | {_total_lines(d):,} | {_size(size)} | {_f(w)} | {_f(x)} | "
                         f"{_f(t) if t else 'n/a'} | {r_x:.2f} | {r_t:.2f} | "
                         f"{per_site} | {above:.1f}x | {growth} |")
                self.record["sizes"][f"nginx-{n}-{layout}"] = {
                    "bytes": size, "wsproxylint": _fig(w), "crossplane": _fig(x), "nginx-t": _fig(t) if t else None}

    def other(self, base: Figure) -> None:
        import parsers

        supported = parsers.names()
        for dialect, gen, check_cmd in (("apache", gen_apache, _apache_cmd), ("haproxy", gen_haproxy, _haproxy_cmd)):
            self.out("")
            self.out(f"## {dialect}")
            self.out("")
            if dialect not in supported:
                self.out(f"wsproxylint does not read {dialect} configs yet (registered dialects: {supported}); "
                         "only the real proxy's config check is timed.")
            self.out("")
            self.out("| config | size | wsproxylint wall / CPU / RSS | MB/s (CPU) | RSS above baseline / input | "
                     "real proxy check wall / CPU / RSS |")
            self.out("|---|---|---|---|---|---|")
            for n in self.args.sizes:
                d = self.work / f"{dialect}-{n}"
                main = gen.generate(n, d)
                size = _bytes(d, suffixes=(".conf", ".cfg", ".load"))
                runs = self.args.big_runs if n >= 5000 else None
                w = self.m(self.wsp(str(main)), runs) if dialect in supported else None
                cmd = check_cmd(d, main)
                t = self.m(cmd, runs) if cmd else None
                above = _above(w, base, size) if w else float("nan")
                if n == 5000:
                    self.figures["rss-5k-apache" if dialect == "apache" else "rss-5k-haproxy"] = above
                self.out(f"| {n} site{'s' if n != 1 else ''} | {_size(size)} | {_f(w) if w else 'not supported yet'} | "
                         f"{size / 1e6 / w.cpu if w else float('nan'):.1f} | {above:.1f}x | {_f(t) if t else 'n/a'} |")
                self.record["sizes"][f"{dialect}-{n}"] = {"bytes": size, "wsproxylint": _fig(w) if w else None,
                                                          "proxy-check": _fig(t) if t else None}

    def budget_only(self, base: Figure) -> None:
        """Measure exactly the figures of ``budget.TARGETS``, nothing else."""
        self.out("")
        self.out("## What the budget measured")
        self.out("")
        self.out("| config | size | wsproxylint wall / CPU / RSS | `crossplane parse` wall / CPU / RSS |")
        self.out("|---|---|---|---|")
        one = gen_nginx.generate(1, self.work / "nginx-1")
        f = self.m(self.wsp(str(one)), runs=max(10, self.args.runs))
        self.figures["one-file-wall"] = f.wall * 1000
        self.out(f"| nginx, 1 site ({_lines(one)} lines) | {_size(_bytes(one.parent))} | {_f(f)} | |")
        d = self.work / "nginx-1000-single"
        main = gen_nginx.generate(1000, d)
        xpl = [str(Path(self.python).parent / "crossplane"), "parse", "-o", "/dev/null", str(main)]
        figs, samples = measure_set({"wsp": self.wsp(str(main)), "xpl": xpl}, self.args.runs, cwd=str(self.tree),
                                    env=self.env)
        self.figures["nginx-1k-cpu"] = ratio(samples["wsp"], samples["xpl"])
        self.out(f"| nginx, 1,000 sites | {_size(_bytes(d))} | {_f(figs['wsp'])} | {_f(figs['xpl'])} |")
        big: list[tuple[str, str, Path, tuple[str, ...]]] = [
            ("rss-5k-nginx", "nginx, 5,000 sites", gen_nginx.generate(5000, self.work / "nginx-5000-single"),
             (".conf", ".cfg")),
            ("rss-5k-nginx-split", "nginx, 5,000 sites, split",
             gen_nginx.generate(5000, self.work / "nginx-5000-split", "split"), (".conf", ".cfg")),
            ("rss-5k-apache", "Apache, 5,000 sites", gen_apache.generate(5000, self.work / "apache-5000"),
             (".conf", ".cfg", ".load")),
            ("rss-5k-haproxy", "HAProxy, 5,000 sites", gen_haproxy.generate(5000, self.work / "haproxy-5000"),
             (".conf", ".cfg", ".load")),
        ]
        for target, label, main, suffixes in big:
            size = _bytes(main.parent, suffixes)
            f = self.m(self.wsp(str(main)), runs=self.args.big_runs)
            self.figures[target] = _above(f, base, size)
            self.out(f"| {label} | {_size(size)} | {_f(f)} | |")

    def hold_budget(self) -> bool:
        """Print the budget's table; True when a measured target missed its limit."""
        verdicts = budget.evaluate(self.figures)
        self.out("")
        self.out("## Performance budget (benchmarks/budget.py)")
        self.out("")
        for line in budget.table(verdicts):
            self.out(line)
        self.record["budget"] = {v.target.id: {"limit": v.target.limit, "measured": v.measured,
                                               "verdict": v.status} for v in verdicts}
        return budget.missed(verdicts)

    def pool(self) -> None:
        """Many independent configs: the runner's process pool against one process."""
        self.out("")
        self.out("## Many independent configs: process pool")
        self.out("")
        count, per = self.args.fleet
        d = self.work / f"fleet-{count}x{per}"
        if d.exists():
            shutil.rmtree(d)
        for c in range(count):
            gen_nginx.generate(per, d / f"cluster{c:03d}")
        probe = subprocess.run([self.python, "-c", "import inspect, linter.engine.runner as r; "
                                "print('jobs' in inspect.signature(r.run).parameters)"],
                               cwd=str(self.tree), env=self.env, capture_output=True, text=True)
        if probe.stdout.strip() != "True":
            self.out("linter.engine.runner.run has no `jobs` parameter in the measured code: no pool to measure.")
            return
        self.out(f"{count} configs of {per} sites each ({_size(_bytes(d))}), one directory; "
                 "`linter.engine.runner.run(paths, options, jobs=N)` called from a small driver "
                 "(`python -m benchmarks.drive`).")
        self.out("")
        self.out("| jobs | wall | CPU (all processes) | peak RSS (largest process) | "
                 "speed-up (wall, median per round) |")
        self.out("|---|---|---|---|---|")
        cmds = {str(jobs): [self.python, "-m", "benchmarks.drive", "--jobs", str(jobs), str(d)] for jobs in (1, 2)}
        figs, samples = measure_set(cmds, self.args.runs, cwd=str(REPO), env=self.env)
        for jobs, f in figs.items():
            speedup = statistics.median(a.wall / b.wall for a, b in zip(samples["1"], samples[jobs], strict=True))
            self.out(f"| {jobs} | {_s(f.wall)} | {_s(f.cpu)} | {f.rss_mb:.0f} MB | {speedup:.2f}x |")
            self.record[f"pool-{jobs}"] = _fig(f)


def _above(f: Figure, base: Figure, size: int) -> float:
    """Peak RSS above the interpreter's own (``python -c pass``), per byte of config."""
    return max(0, f.rss_kb - base.rss_kb) * 1024 / size


def _apache_cmd(d: Path, main: Path) -> list[str] | None:
    return [APACHE, "-t", "-d", str(d), "-f", str(main)] if os.path.exists(APACHE) else None


def _haproxy_cmd(d: Path, main: Path) -> list[str] | None:
    return [HAPROXY, "-c", "-q", "-f", str(main)] if os.path.exists(HAPROXY) else None


def _version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (p.stdout + p.stderr).strip().splitlines()[0] if (p.stdout + p.stderr).strip() else "?"


def _bytes(d: Path, suffixes: tuple[str, ...] = (".conf", ".cfg")) -> int:
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file() and p.suffix in suffixes)


def _total_lines(d: Path) -> int:
    return sum(_lines(p) for p in d.rglob("*.conf"))


def _lines(p: Path) -> int:
    with open(p, "rb") as f:
        return f.read().count(b"\n")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _ms(s: float) -> str:
    return f"{s * 1000:.0f} ms"


def _s(s: float) -> str:
    return f"{s:.2f} s" if s >= 0.1 else _ms(s)


def _f(f: Figure) -> str:
    return f"{_s(f.wall)} / {_s(f.cpu)} / {f.rss_mb:.0f} MB"


def _fig(f: Figure | None) -> dict | None:
    if f is None:
        return None
    return {"wall": f.wall, "cpu": f.cpu, "rss_kb": f.rss_kb, "runs": f.runs, "cpu_min": f.cpu_min,
            "cpu_max": f.cpu_max}


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=_ints, default=[1, 100, 1000, 5000], help="sites per config (comma-separated)")
    ap.add_argument("--split-sizes", type=_ints, default=[1000, 5000], help="sizes also run as one file per site")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (the median is shown)")
    ap.add_argument("--big-runs", type=int, default=3, help="runs per figure at 5,000 sites and above")
    ap.add_argument("--fleet", type=lambda t: tuple(_ints(t)), default=(40, 25),
                    help="pool benchmark: COUNT,SITES (COUNT configs of SITES sites)")
    ap.add_argument("--budget", action="store_true",
                    help="measure only what the performance budget needs; exit 1 on a miss")
    ap.add_argument("--skip", default="", help="comma-separated sections to skip: startup,nginx,other,pool")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "wsproxylint-bench"),
                    help="where the generated configs go")
    ap.add_argument("--tree", default=None, help="measure the wsproxylint code in this checkout instead")
    ap.add_argument("--markdown", default=None, help="also write the tables to this file")
    ap.add_argument("--json", default=None, help="also write the raw figures to this file")
    args = ap.parse_args(argv)
    skip = set(args.skip.split(","))
    Path(args.work).mkdir(parents=True, exist_ok=True)
    b = Bench(args)
    b.machine()
    base = b.baseline()
    if args.budget:
        b.budget_only(base)
    else:
        if "startup" not in skip:
            b.startup(base)
        if "nginx" not in skip:
            b.nginx(base)
        if "other" not in skip:
            b.other(base)
        if "pool" not in skip:
            b.pool()
    miss = b.hold_budget()
    load = os.getloadavg()
    b.out("")
    b.out(f"Load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if args.markdown:
        Path(args.markdown).write_text("\n".join(b.lines) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(b.record, indent=2) + "\n")
    if miss:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Run a command as a child and read its own resource usage, so each figure is the
child's: wall time, CPU (user + sys, from os.wait4) and peak RSS.

Peak RSS is not taken from os.wait4: subprocess starts children with vfork, and Linux
carries the parent's high-water mark into the child's ``ru_maxrss`` across exec, so every
figure read that way was at least this runner's own peak (more after a large config was
generated in-process). GNU time (``/usr/bin/time``, Debian package ``time``) forks the
command from its own small process and reports the command's peak alone; without it, a
small Python forker does the same with a floor of its own size (a bare interpreter's),
which the tables then say."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + sys seconds
    rss_kb: int  # peak resident set, KiB
    status: int  # exit status


GNU_TIME = "/usr/bin/time"
# fork, exec the command, print its own peak RSS (KiB) on fd 3; exit with its status
_FORKER = ("import os, sys\n"
           "pid = os.fork()\n"
           "if pid == 0:\n"
           "    os.execvp(sys.argv[1], sys.argv[1:])\n"
           "_, st, ru = os.wait4(pid, 0)\n"
           "os.write(3, str(ru.ru_maxrss).encode())\n"
           "sys.exit(os.waitstatus_to_exitcode(st))\n")


def rss_method() -> str:
    return "GNU time" if os.access(GNU_TIME, os.X_OK) else "python forker (floor: a bare interpreter's peak)"


def run_once(cmd: list[str], cwd: str | None = None, env: dict[str, str] | None = None) -> Sample:
    rfd, wfd = os.pipe()
    if os.access(GNU_TIME, os.X_OK):
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", f"/dev/fd/{wfd}", *cmd]
    else:
        wrapped = [sys.executable, "-S", "-c", _FORKER.replace("os.write(3", f"os.write({wfd}"), *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(wfd,))
    finally:
        os.close(wfd)
    # read stderr before waiting so a chatty child cannot block on a full pipe
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    with os.fdopen(rfd, "rb") as f:
        peak = f.read().decode(errors="replace").strip().splitlines()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    code = proc.returncode
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.decode(errors='replace')[-2000:]}")
    if not peak or not peak[-1].isdigit():
        raise RuntimeError(f"{' '.join(cmd)}: no peak RSS reported ({peak!r})")
    return Sample(wall, usage.ru_utime + usage.ru_stime, int(peak[-1]), code)


@dataclass(slots=True)
class Figure:
    """The median of several runs (and their spread, to judge the noise)."""

    wall: float
    cpu: float
    rss_kb: int
    runs: int
    cpu_min: float
    cpu_max: float

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024


def measure(cmd: list[str], runs: int, cwd: str | None = None, env: dict[str, str] | None = None) -> Figure:
    samples = [run_once(cmd, cwd, env) for _ in range(runs)]
    cpus = [s.cpu for s in samples]
    return Figure(
        wall=statistics.median(s.wall for s in samples),
        cpu=statistics.median(cpus),
        rss_kb=int(statistics.median(s.rss_kb for s in samples)),
        runs=runs,
        cpu_min=min(cpus),
        cpu_max=max(cpus),
    )


def measure_set(cmds: dict[str, list[str]], runs: int, cwd: str | None = None,
                env: dict[str, str] | None = None) -> tuple[dict[str, Figure], dict[str, list[Sample]]]:
    """Several commands measured in rounds (A B C, A B C, ...), so that a change in the
    machine's load touches all of them alike; ratios are best taken round by round."""
    samples: dict[str, list[Sample]] = {k: [] for k in cmds}
    for _ in range(runs):
        for k, cmd in cmds.items():
            samples[k].append(run_once(cmd, cwd, env))
    figures = {}
    for k, ss in samples.items():
        cpus = [s.cpu for s in ss]
        figures[k] = Figure(wall=statistics.median(s.wall for s in ss), cpu=statistics.median(cpus),
                            rss_kb=int(statistics.median(s.rss_kb for s in ss)), runs=runs,
                            cpu_min=min(cpus), cpu_max=max(cpus))
    return figures, samples


def ratio(a: list[Sample], b: list[Sample]) -> float:
    """Median over rounds of CPU(a) / CPU(b)."""
    return statistics.median(x.cpu / y.cpu for x, y in zip(a, b, strict=True) if y.cpu > 0)

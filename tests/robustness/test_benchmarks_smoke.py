"""The benchmark generators write configs the real proxies accept, the runner runs on the
smallest size, and the budget's verdicts follow its limits. No timing is asserted here:
the budget is held by ``python -m benchmarks --budget``, figures in benchmarks/RESULTS.md."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _gen(module: str, sites: int, out: Path, *extra: str) -> Path:
    proc = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", "--sites", str(sites), "--out", str(out),
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return Path(proc.stdout.strip())


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
@pytest.mark.parametrize("layout", ["single", "split"])
def test_nginx_accepts_generated_config(tmp_path: Path, layout: str) -> None:
    nginx = "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.skip("nginx not installed")
    main = _gen("gen_nginx", 12, tmp_path / "ngx", "--layout", layout)
    proc = subprocess.run([nginx, "-t", "-q", "-p", f"{main.parent}/", "-c", "nginx.conf", "-e", "stderr"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    # the injected bugs are there for the checks to find
    check = subprocess.run([sys.executable, "-m", "linter", "check", "--format", "json", str(main)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1, check.stderr
    assert '"rule": "WSP101"' in check.stdout


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_apache_accepts_generated_config(tmp_path: Path) -> None:
    apache = "/usr/sbin/apache2"
    if not os.path.exists(apache) or not os.path.isdir("/usr/lib/apache2/modules"):
        pytest.skip("apache2 not installed")
    main = _gen("gen_apache", 12, tmp_path / "ap")
    proc = subprocess.run([apache, "-t", "-d", str(main.parent), "-f", str(main)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_haproxy_accepts_generated_config(tmp_path: Path) -> None:
    haproxy = "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        pytest.skip("haproxy not installed")
    main = _gen("gen_haproxy", 12, tmp_path / "hp")
    proc = subprocess.run([haproxy, "-c", "-q", "-f", str(main)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl makes the test certificate")
def test_runner_on_smallest_size(tmp_path: Path) -> None:
    md = tmp_path / "out.md"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--sizes", "1", "--split-sizes", "1", "--runs", "1",
                           "--skip", "startup,pool", "--work", str(tmp_path / "work"), "--markdown", str(md)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = md.read_text()
    assert "| 1 site |" in text and "| 1 site, split into 1 files |" in text


def test_budget_passes_at_the_limit_and_misses_above_it() -> None:
    from benchmarks.budget import MISS, NOT_MEASURED, PASS, Target, evaluate, missed, table

    cpu = Target("cpu", "CPU ratio", 1.0, "x", "why")
    wall = Target("wall", "one-file wall", 80.0, "ms", "why")
    rss = Target("rss", "RSS over input", 12.0, "x", "why")
    targets = (cpu, wall, rss)

    within = evaluate({"cpu": 1.0, "wall": 79.0, "rss": 3.0}, targets)
    assert [v.status for v in within] == [PASS, PASS, PASS]
    assert not missed(within)

    over = evaluate({"cpu": 1.01, "wall": 79.0, "rss": float("nan")}, targets)
    assert [v.status for v in over] == [MISS, PASS, NOT_MEASURED]
    assert missed(over)
    rows = table(over)
    assert rows[2] == "| `cpu`: CPU ratio | <= 1.00x | 1.01x | MISS |"
    assert rows[4] == "| `rss`: RSS over input | <= 12.00x | n/a | not measured |"

    # a run that measured nothing (sections skipped) misses nothing
    assert not missed(evaluate({}, targets))

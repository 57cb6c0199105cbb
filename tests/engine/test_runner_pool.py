"""``run(..., jobs=N)``: independent configs read in a process pool give the same report
as one process, including an entry point that another one includes (read once)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from linter.core.options import Options
from linter.engine.discover import companions, discover
from linter.engine.pool import POOL_MIN_BYTES, pooled
from linter.engine.runner import _run_one, run
from linter.engine.selection import EVERY_RULE

SITE = """\
server {{
    listen 80;
    server_name s{i}.example.com;
    location /gateway/ {{
        proxy_pass http://10.0.{c}.{i}:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        {connection}
    }}
    location / {{
        proxy_pass http://10.0.{c}.{i}:8000;
    }}
}}
"""


def _cluster(base: Path, c: int, sites: int) -> None:
    d = base / f"cluster{c}"
    d.mkdir(parents=True)
    body = "".join(SITE.format(i=i, c=c, connection="" if i % 3 == 0 else 'proxy_set_header Connection "upgrade";')
                   for i in range(sites))
    (d / "nginx.conf").write_text("events {}\nhttp {\n" + body + "}\n")


def test_pool_gives_the_same_report(tmp_path: Path) -> None:
    for c in range(4):
        _cluster(tmp_path, c, 240)
    # an entry point (named nginx.conf) that another one includes: read once, as part of
    # its includer, whichever process read it
    main = tmp_path / "cluster0" / "nginx.conf"
    main.write_text(main.read_text().replace("http {\n", "http {\n    include sub/nginx.conf;\n", 1))
    (tmp_path / "cluster0" / "sub").mkdir()
    (tmp_path / "cluster0" / "sub" / "nginx.conf").write_text("map $http_upgrade $x {\n    default a;\n}\n")
    assert sum(p.stat().st_size for p in tmp_path.rglob("*.conf")) > POOL_MIN_BYTES
    one = run([str(tmp_path)], Options())
    two = run([str(tmp_path)], Options(), jobs=2)
    assert one.findings, "the clusters carry bugs the checks report"
    assert two == one
    assert sum(1 for path, _ in one.files if path.endswith("sub/nginx.conf")) == 1
    # and the pool did the work (a pool that fails falls back to one process, silently)
    candidates = discover([str(tmp_path)], Options())
    work = partial(_run_one, options=Options(), selection=EVERY_RULE)
    done = pooled(candidates, companions(candidates), 2, work)
    assert sorted(done) == sorted(c.path for c in candidates if c.rank == 0)
    assert all(done[str(tmp_path / f"cluster{c}" / "nginx.conf")].findings for c in range(4))


def test_pool_falls_back_below_the_threshold(tmp_path: Path) -> None:
    _cluster(tmp_path, 0, 2)
    _cluster(tmp_path, 1, 2)
    assert run([str(tmp_path)], Options(), jobs=2) == run([str(tmp_path)], Options())

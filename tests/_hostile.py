"""Helpers for the hostile-input tests: the CLI in a subprocess (optionally under the audit
driver), the outcome parsed, and ``nginx -t`` for the claims that rest on nginx's own
behaviour."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from _util import cli_process

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DRIVER = TESTS / "_audit_driver.py"
TRACEBACK = "Traceback (most recent call last)"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def wsp(*args: str, cwd: Path, timeout: float = 60, driver: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``wsproxylint ARGS`` in a subprocess (under the audit driver when ``driver`` gives its
    options); never a traceback, exit status 0, 1 or 2."""
    command = (sys.executable, str(DRIVER), *driver, "--") if driver else ()
    r = cli_process(*args, cwd=cwd, timeout=timeout, command=command)
    assert TRACEBACK not in r.stderr, r.stderr[-3000:]
    assert TRACEBACK not in r.stdout, r.stdout[-3000:]
    assert r.returncode in (0, 1, 2), (r.returncode, r.stderr[-2000:])
    return r


def doc(r: subprocess.CompletedProcess) -> dict:
    out = json.loads(r.stdout)
    assert set(out) == {"version", "tool", "files", "findings", "checked"}
    return out


def hits(r: subprocess.CompletedProcess) -> list[tuple[str, str, int, str]]:
    """(rule, path, line, severity) of every finding of a ``--format json`` run."""
    return [(f["rule"], f["path"], f["line"], f["severity"]) for f in doc(r)["findings"]]


def messages(r: subprocess.CompletedProcess, rule: str) -> list[str]:
    return [f["message"] for f in doc(r)["findings"] if f["rule"] == rule]


def stderr_lines(r: subprocess.CompletedProcess) -> list[str]:
    return [line for line in r.stderr.splitlines() if line.strip()]


def nginx_t(conf: Path) -> tuple[bool, str, int | None]:
    """``nginx -t`` on a main config: (passed, the error line of its output, its line number)."""
    assert NGINX, "nginx is not installed"
    prefix = conf.parent
    r = subprocess.run([NGINX, "-t", "-p", str(prefix), "-c", str(conf),
                        "-g", f"error_log /dev/stderr; pid {prefix / 'nginx.pid'};"],
                       capture_output=True, text=True, errors="replace", timeout=30)
    err = next((line for line in r.stderr.splitlines() if "[emerg]" in line or "[crit]" in line), "")
    m = re.search(r":(\d+)$", err)
    return r.returncode == 0, err, int(m.group(1)) if m else None


MAIN = """events {}
http {
    server {
        listen 80;
        location /gateway/websocketcall {
            proxy_pass http://127.0.0.1:8080;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 3600s;
        }
        location /assistserver/topic {
            proxy_pass http://127.0.0.1:8080;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 3600s;
        }
    }
}
"""

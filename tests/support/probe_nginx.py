"""Run the real nginx on loopback with a config rendered in a temp directory.

A small local helper for the probe tests (tests/test_probe_nginx.py): the verification
work may bring a general proxy runner to tests/support later; this one only renders an
``http {}`` body into a complete nginx.conf, starts nginx in the foreground as our own
child, waits (bounded) until its listeners accept, and stops that process by its pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX_CANDIDATES = ("/usr/sbin/nginx", "nginx")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def nginx_binary() -> str | None:
    for c in NGINX_CANDIDATES:
        found = shutil.which(c) if not os.path.isabs(c) else (c if os.access(c, os.X_OK) else None)
        if found:
            return found
    return None


def front_ports() -> tuple[int, int]:
    """(plain, tls) ports for the proxy's public listeners: the browser's defaults when we
    may bind them, else two unprivileged ones."""
    return (80, 443) if os.geteuid() == 0 else (18080, 18443)


def render(directory: Path, http_body: str) -> Path:
    """A complete nginx.conf around ``http_body``, every path inside ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / "tmp"
    tmp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp dir
    temp = "".join(f"    {d}_temp_path {tmp / d};\n" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = directory / "nginx.conf"
    # the body first, so that its line numbers (in findings) do not depend on the set-up lines
    conf.write_text(
        "http {\n"
        f"{http_body.rstrip()}\n\n"
        f"    access_log {directory / 'access.log'};\n{temp}"
        "}\n"
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\nerror_log {directory / 'error.log'} info;\n"
        "events { worker_connections 128; }\n")
    return conf


@contextmanager
def running_nginx(conf: Path, listeners: list[tuple[str, int]]) -> Iterator[subprocess.Popen]:
    """nginx on ``conf`` until the block ends; ``listeners`` are polled until they accept."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed")
    directory = conf.parent
    proc = subprocess.Popen([binary, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(listeners)
        while pending:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"nginx exited with {proc.returncode}: {err.strip()[:2000]}\n{log(conf)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not listen on {pending} within {START_TIMEOUT:g} s\n{log(conf)}")
            try:
                with socket.create_connection(pending[0], timeout=0.5):
                    pending.pop(0)
            except OSError:
                time.sleep(0.05)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop the nginx master we started (its workers follow it), by its pid only."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)
    if proc.stderr:
        proc.stderr.close()


def log(conf: Path) -> str:
    path = conf.parent / "error.log"
    try:
        return "error.log:\n" + path.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no error.log)"

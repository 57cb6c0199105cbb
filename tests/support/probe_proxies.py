"""Run the real nginx, Apache httpd and HAProxy on loopback with a config rendered in a
temp directory.

A small local helper for the probe tests (tests/test_probe_nginx.py,
tests/test_probe_proxies.py): the verification work may bring a general proxy runner to
tests/support later; this one only renders the part of a config a test cares about into a
complete one whose every path is in the temp directory, starts the proxy in the foreground
as our own child, waits (bounded) until its listeners accept, and stops that process by its
pid.
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
APACHE_CANDIDATES = ("/usr/sbin/apache2", "apache2", "httpd")
HAPROXY_CANDIDATES = ("/usr/sbin/haproxy", "haproxy")
APACHE_MODULES = "/usr/lib/apache2/modules"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def _binary(candidates: tuple[str, ...]) -> str | None:
    for c in candidates:
        found = shutil.which(c) if not os.path.isabs(c) else (c if os.access(c, os.X_OK) else None)
        if found:
            return found
    return None


def nginx_binary() -> str | None:
    return _binary(NGINX_CANDIDATES)


def apache_binary() -> str | None:
    return _binary(APACHE_CANDIDATES)


def haproxy_binary() -> str | None:
    return _binary(HAPROXY_CANDIDATES)


def front_ports() -> tuple[int, int]:
    """(plain, tls) ports for the proxy's public listeners. Not 80/443: on a shared machine
    any proxy listening on *:80 (another engineer's test) makes every 127.x.y.z:80 busy, and
    these need no privilege either."""
    return (18080, 18443)


def render(directory: Path, http_body: str) -> Path:  # nginx
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


def render_apache(directory: Path, body: str, modules: tuple[str, ...] = ()) -> Path:
    """A complete httpd.conf around ``body`` (vhosts, Listen lines): event MPM, the proxy
    modules, logs and run-time files in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    mods = ("mpm_event", "authz_core", "proxy", "proxy_http", "ssl", "headers") + modules
    load = "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n" for m in dict.fromkeys(mods))
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    conf = directory / "httpd.conf"
    conf.write_text(
        f"{body.rstrip()}\n\n"
        f"ServerRoot {directory}\n{load}{user}ServerName probe.test\n"
        f"PidFile {directory / 'httpd.pid'}\nErrorLog {directory / 'error.log'}\nLogLevel info\n"
        f"DefaultRuntimeDir {directory}\nMutex file:{directory} default\n"
        "StartServers 1\nServerLimit 1\nThreadsPerChild 16\nMaxRequestWorkers 16\n")
    return conf


def render_haproxy(directory: Path, body: str) -> Path:
    """A complete haproxy.cfg: a small ``global`` and ``defaults``, then ``body``."""
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "haproxy.cfg"
    conf.write_text(f"{body.rstrip()}\n\n"
                    "global\n    maxconn 256\n\n")
    return conf


@contextmanager
def running_nginx(conf: Path, listeners: list[tuple[str, int]]) -> Iterator[subprocess.Popen]:
    """nginx on ``conf`` until the block ends; ``listeners`` are polled until they accept."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed")
    directory = conf.parent
    with _running([binary, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log"),
                   "-g", "daemon off;"], conf, listeners) as proc:
        yield proc


@contextmanager
def running_apache(conf: Path, listeners: list[tuple[str, int]]) -> Iterator[subprocess.Popen]:
    binary = apache_binary()
    if binary is None:
        raise RuntimeError("Apache httpd is not installed")
    with _running([binary, "-f", str(conf), "-DFOREGROUND"], conf, listeners) as proc:
        yield proc


@contextmanager
def running_haproxy(conf: Path, listeners: list[tuple[str, int]]) -> Iterator[subprocess.Popen]:
    binary = haproxy_binary()
    if binary is None:
        raise RuntimeError("HAProxy is not installed")
    with _running([binary, "-f", str(conf), "-db"], conf, listeners) as proc:
        yield proc


@contextmanager
def _running(cmd: list[str], conf: Path, listeners: list[tuple[str, int]]) -> Iterator[subprocess.Popen]:
    """``cmd`` (a proxy in the foreground) until the block ends."""
    with open(conf.parent / "stderr.log", "wb") as err:  # a file: a pipe nobody reads could fill up
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"})
    try:
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(listeners)
        while pending:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}\n{log(conf)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not listen on {pending} within {START_TIMEOUT:g} s\n{log(conf)}")
            try:
                with socket.create_connection(pending[0], timeout=0.5):
                    pending.pop(0)
            except OSError:
                time.sleep(0.05)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop the proxy's master process we started (its workers follow it), by its pid only."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)


def log(conf: Path) -> str:
    """The proxy's stderr and error log, for assertion messages."""
    out = []
    for name in ("stderr.log", "error.log"):
        try:
            out.append(f"{name}:\n" + (conf.parent / name).read_text(errors="replace")[-3000:])
        except OSError:
            pass
    return "\n".join(out) or "(no log)"

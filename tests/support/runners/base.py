"""What every proxy runner does: render a sample for loopback, test the config, start and
stop the real proxy. The dialect runners only know their proxy's syntax and command line.

Rendering keeps the sample's meaning and changes only where it points: FAS backends to the
stand-in's loopback addresses (same ports, which the verdicts depend on), public listen
ports to free ports on a loopback address of the test's own (remembering which speak TLS),
certificates to generated ones, pid/log/temp paths into the work directory. A sample that
cannot be rendered faithfully raises ``Unfaithful`` with the reason, and the test says so.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

# the FAS backends samples name, and the stand-in address index each one maps to
BACKEND_HOSTS = {
    "10.20.0.11": 0, "10.20.0.12": 1, "127.0.0.1": 0, "localhost": 0, "fas": 0,
    "fas1.example.com": 0, "fas2.example.com": 1, "fas.example.com": 0,
    "fas1.internal.example.com": 0, "fas2.internal.example.com": 1, "fas.internal.example.com": 0,
    "fas1.corp.example.com": 0, "fas2.corp.example.com": 1,
}
BACKEND_PORTS = (8080, 8443)
# a public port p is rendered as p + PORT_SHIFT on the sample's own loopback address
PORT_SHIFT = 20000
START_TIMEOUT = 10.0
# where scripts/install-proxies.sh installs the pinned newer builds (pip --target)
PROXIES = Path(os.environ.get("WSP_PROXIES", Path(__file__).resolve().parents[3] / ".proxies" / "site"))
STOP_TIMEOUT = 5.0


class Unfaithful(Exception):
    """The sample cannot be run on loopback without changing what it means."""


@dataclass(slots=True)
class Front:
    """A public listener of the sample and where it listens once rendered."""

    port: int  # as written in the sample
    address: str  # rendered loopback address
    rendered_port: int
    tls: bool  # the listener speaks TLS
    browser_tls: bool  # browsers open wss:// here (TLS listener, or port 443)
    h2: bool = False  # the listener offers h2 by ALPN: browsers load pages and open wss:// over it

    @property
    def name(self) -> str:
        return f":{self.port}{' tls' if self.tls else ''}"


@dataclass(slots=True)
class Env:
    """Where rendered samples point: stand-in addresses, the front address, the files."""

    backends: tuple[str, ...]  # stand-in loopback addresses (index as in BACKEND_HOSTS)
    front_address: str
    cert: Path
    key: Path
    pem: Path  # cert + chain + key (HAProxy)
    ca: Path

    def backend_for(self, host: str) -> str | None:
        i = BACKEND_HOSTS.get(host.lower())
        if i is None:
            return None
        return self.backends[min(i, len(self.backends) - 1)]


@dataclass(slots=True)
class Rendered:
    workdir: Path
    entry: Path
    fronts: list[Front] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what rendering changed beyond addresses
    # the public ports a wrapped fragment's own sites listen on (the main config around it may
    # open others, which are not the fragment's); None: as wsproxylint plans them
    scope: set[int] | None = None
    # FAS names kept as names and the stand-in address each resolves to (a private /etc/hosts
    # of the proxy's own mount namespace): a certificate's name check needs the name
    hosts: dict[str, str] = field(default_factory=dict)
    http2_on: bool = False  # nginx: `http2 on;` somewhere in the sample


@dataclass(slots=True)
class Proxy:
    """A running proxy master process started by a runner."""

    proc: subprocess.Popen[bytes]
    log: Path
    command: list[str]

    @property
    def pid(self) -> int:
        return self.proc.pid


class Runner:
    """One build of a proxy (by default the Debian package's binary). ``pinned`` names where
    the newer builds of scripts/proxies-requirements.txt put their binary under PROXIES, as
    glob patterns; ``builds()`` is this runner for each of those that is installed."""

    dialect = ""
    binary = ""
    # the file a directory sample (a whole configuration) is entered by, the first preferred
    entry_names: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()

    def __init__(self, binary: str | None = None) -> None:
        if binary is not None:
            self.binary = binary
        self._version: str | None = None

    def builds(self) -> list[Runner]:
        """This proxy's builds to verify on: the Debian one first (even when missing, so that
        its absence is said), then every pinned newer build installed under PROXIES."""
        found = [Path(p) for pattern in self.pinned for p in sorted(PROXIES.glob(pattern))]
        return [self, *(type(self)(str(p)) for p in found if p.is_file() and os.access(p, os.X_OK))]

    @property
    def label(self) -> str:
        """``nginx 1.31.3``: the build as tests and reports name it."""
        return f"{self.dialect} {self.version()}"

    def lacks(self, sample: Path) -> str | None:
        """Why this build cannot run ``sample`` whatever its verdict (a module the build was
        compiled without), or None."""
        return None

    def missing(self) -> str | None:
        """Why this proxy cannot run here, or None."""
        if not (os.path.isfile(self.binary) and os.access(self.binary, os.X_OK)):
            return f"{self.binary} is not installed (scripts/install-proxies.sh installs it as root on Debian)"
        return None

    version_pattern = re.compile(r"(\S+)")  # what `binary -v` prints, the version in group 1

    def version(self) -> str:
        if self._version is None:
            out = subprocess.run([self.binary, "-v"], capture_output=True, text=True, timeout=10)
            text = out.stdout + out.stderr  # nginx prints its version on stderr
            m = self.version_pattern.search(text)
            self._version = m.group(1) if m else text.strip()
        return self._version

    def render(self, sample: Path, workdir: Path, env: Env) -> Rendered:
        raise NotImplementedError

    def config_test(self, rendered: Rendered) -> tuple[bool, str]:
        raise NotImplementedError

    def check_rendered(self, rendered: Rendered) -> None:
        """Refuse to start a proxy that would reach beyond loopback or has nothing to reach."""
        left = leftover_backends(rendered)
        if left:
            raise Unfaithful("FAS addresses left unrendered (the proxy would dial the network): " + "; ".join(left))
        if not rendered.fronts:
            raise Unfaithful("no listener to reach the proxy on")

    def start(self, rendered: Rendered) -> Proxy:
        raise NotImplementedError

    # -- shared mechanics -----------------------------------------------------------------
    def _launch(self, command: list[str], rendered: Rendered, env: dict[str, str] | None = None) -> Proxy:
        self.check_rendered(rendered)
        log = rendered.workdir / "proxy.out"
        with open(log, "wb") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=rendered.workdir, env=env, start_new_session=True)
        proxy = Proxy(proc, log, command)
        deadline = time.monotonic() + START_TIMEOUT
        pending = {(f.address, f.rendered_port) for f in rendered.fronts}
        while pending and time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {proc.returncode} at start:\n{read_tail(log)}")
            pending = {a for a in pending if not _accepts(a)}
            if pending:
                time.sleep(0.05)
        if pending:
            # a listener that never opened is a verdict (refused), not a start failure
            rendered.notes.append(f"not listening after {START_TIMEOUT:g} s: "
                                  + ", ".join(f"{a}:{p}" for a, p in sorted(pending)))
        return proxy

    def stop(self, proxy: Proxy) -> None:
        stop_process(proxy.proc)


def stop_process(proc: subprocess.Popen) -> None:
    """TERM the proxy's master we started, wait bounded, then KILL its process group (its
    own workers, started in a session of their own), by pid only."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(STOP_TIMEOUT)
    # workers left behind by a master that died first share its process group
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _accepts(addr: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(addr, timeout=0.5):
            return True
    except OSError:
        return False


def read_tail(path: Path, limit: int = 3000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    return text[-limit:]


def copy_sample(sample: Path, dest: Path) -> Path:
    """Copy a sample (file or directory) under ``dest``; the samples stay untouched."""
    if sample.is_dir():
        shutil.copytree(sample, dest / sample.name)
        return dest / sample.name
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(sample, dest / sample.name)
    return dest / sample.name


def sample_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file())


HOST_PORT = re.compile(r"(?P<host>\[[0-9a-fA-F:]+\]|[A-Za-z0-9_.-]+):(?P<port>\d+)")


def map_backend(text: str, env: Env, hosts: dict[str, str] | None = None) -> str:
    """``host:port`` of a FAS backend -> the stand-in address, same port. With ``hosts``, a
    FAS *name* stays as written and is recorded there with the address it must resolve to."""
    def sub(m: re.Match[str]) -> str:
        port = int(m.group("port"))
        host = m.group("host")
        target = env.backend_for(host)
        if target is None or port not in BACKEND_PORTS:
            return m.group(0)
        if hosts is not None and is_name(host):
            hosts[host.lower()] = target
            return m.group(0)
        return f"{target}:{port}"
    return HOST_PORT.sub(sub, text)


def is_name(host: str) -> bool:
    return host.lower() != "localhost" and not re.fullmatch(r"[\d.]+|\[[0-9a-fA-F:]+\]", host)


def private_hosts_command(command: list[str], hosts_file: Path) -> list[str]:
    """``command`` in a mount namespace of its own whose /etc/hosts is ``hosts_file``: the
    proxy resolves FAS names to the stand-in while the machine's /etc/hosts stays as it is."""
    script = 'mount --bind "$0" /etc/hosts && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(hosts_file), *command]


@functools.cache
def can_use_private_hosts() -> str | None:
    """Why a private /etc/hosts is impossible here, or None (tried once: a container may
    refuse a mount namespace even to root)."""
    if os.geteuid() != 0:
        return "binding a private /etc/hosts needs root (unshare --mount)"
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is missing"
    try:
        proc = subprocess.run(private_hosts_command(["true"], Path("/etc/hosts")), capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unshare --mount failed: {e}"
    if proc.returncode != 0:
        return f"unshare --mount failed: {proc.stderr.strip()[:200]}"
    return None


def leftover_backends(rendered: Rendered) -> list[str]:
    """FAS addresses the rendering missed: the proxy would dial the real network."""
    found = []
    for f in sample_files(rendered.workdir / "conf"):
        for no, line in enumerate(f.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
            if line.lstrip().startswith("#"):
                continue
            for m in HOST_PORT.finditer(line):
                if m.group("host").lower() in rendered.hosts:
                    continue  # resolved to the stand-in by the proxy's private /etc/hosts
                if m.group("host").lower() in BACKEND_HOSTS and int(m.group("port")) in BACKEND_PORTS:
                    found.append(f"{f.name}:{no}: {line.strip()}")
            # a port from a variable ("10.20.0.11:${FAS_PORT}"): whatever it expands to, a
            # FAS host left as written would be dialled on the real network
            for m in re.finditer(r"([A-Za-z0-9_.-]+):\$\{?\w+", line):
                if m.group(1).lower() in BACKEND_HOSTS and m.group(1).lower() not in rendered.hosts:
                    found.append(f"{f.name}:{no}: {line.strip()}")
    return found


def front_port(port: int) -> int:
    if port + PORT_SHIFT > 65535:
        raise Unfaithful(f"listen port {port} cannot be shifted by {PORT_SHIFT}")
    return port + PORT_SHIFT

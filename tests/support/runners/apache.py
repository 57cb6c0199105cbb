"""Apache httpd 2.4 (Debian's apache2): render a sample for loopback, ``apache2 -t``, run it
in the foreground."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .base import (
    Env,
    Front,
    Proxy,
    Rendered,
    Runner,
    Unfaithful,
    copy_sample,
    front_port,
    map_backend,
    sample_files,
)

MODULES = Path("/usr/lib/apache2/modules")
ENTRY_NAMES = ("apache2.conf", "httpd.conf")
LISTEN = re.compile(r"^(?P<indent>\s*)Listen\s+(?P<addr>\S+)(?P<rest>[^\n]*)$", re.M | re.I)
VHOST = re.compile(r"^(?P<indent>\s*)<VirtualHost\s+(?P<addrs>[^>]+)>", re.M | re.I)
LOAD = re.compile(r"^(?P<indent>\s*)LoadModule\s+(?P<name>\S+)\s+(?P<path>\S+)", re.M | re.I)
CERT = re.compile(r"^(?P<indent>\s*)(?P<d>SSLCertificateFile|SSLCertificateKeyFile|SSLCertificateChainFile"
                  r"|SSLCACertificateFile|SSLProxyCACertificateFile)\s+(?P<path>\S+)", re.M | re.I)
DROP = re.compile(r"^(\s*)((?:User|Group|ServerRoot|PidFile|Mutex|DefaultRuntimeDir)\s[^\n]*)$", re.M | re.I)
LOG = re.compile(r"^(?P<indent>\s*)(?P<d>ErrorLog|CustomLog|TransferLog)\s+(?P<path>\"[^\"]*\"|\S+)", re.M | re.I)
# an absolute include of the system's config tree points into the sample's own tree
INCLUDE_ETC = re.compile(r"^(\s*Include(?:Optional)?\s+\"?)/etc/(?:apache2|httpd)/", re.M | re.I)
SYSTEM_DIRS = re.compile(r"(?:/var)?/run/apache2|/var/lock/apache2|/var/log/apache2|/var/cache/apache2")


class ApacheRunner(Runner):
    dialect = "apache"
    binary = "/usr/sbin/apache2"

    def version(self) -> str:
        out = subprocess.run([self.binary, "-v"], capture_output=True, text=True, timeout=10)
        m = re.search(r"Apache/(\S+)", out.stdout)
        return m.group(1) if m else out.stdout.strip()

    def render(self, sample: Path, workdir: Path, env: Env) -> Rendered:
        root = copy_sample(sample, workdir / "conf")
        if root.is_dir():
            entry = next((root / n for n in ENTRY_NAMES if (root / n).is_file()), None)
            if entry is None:
                raise Unfaithful(f"no {' or '.join(ENTRY_NAMES)} in the sample directory")
        else:
            entry = root
        texts = {f: f.read_text(encoding="utf-8") for f in sample_files(root)}
        if not any(LOAD.search(t) for t in texts.values()):
            raise Unfaithful("a fragment (no LoadModule): which modules the main config loads decides "
                             "the verdicts, and it is not part of the sample")
        for d in ("logs", "run", "lock"):
            (workdir / d).mkdir(exist_ok=True)
        rendered = Rendered(workdir, entry)
        fronts: dict[int, Front] = {}
        for f, text in texts.items():
            text = INCLUDE_ETC.sub(lambda m: f"{m.group(1)}{entry.parent}/", text)
            text = DROP.sub(lambda m: f"{m.group(1)}# rendered out: {m.group(2)}", text)
            text = LOAD.sub(lambda m: f"{m.group('indent')}LoadModule {m.group('name')} "
                            f"{MODULES / Path(m.group('path')).name}", text)
            text = CERT.sub(lambda m: f"{m.group('indent')}{m.group('d')} " + str(
                env.key if m.group("d").lower() == "sslcertificatekeyfile" else
                env.cert if m.group("d").lower() == "sslcertificatefile" else env.ca), text)
            text = LOG.sub(lambda m: f"{m.group('indent')}{m.group('d')} "
                           + (m.group("path") if m.group("path").strip('"').startswith(("|", "syslog"))
                              else str(workdir / "logs" / Path(m.group("path").strip('"')).name)), text)
            text = SYSTEM_DIRS.sub(lambda m: str(workdir / "run"), text)
            text = "\n".join(line if line.lstrip().startswith("#") else map_backend(line, env)
                             for line in text.split("\n"))
            text = LISTEN.sub(lambda m: self._listen(m, env, fronts), text)
            text = VHOST.sub(lambda m: self._vhost(m, env), text)
            f.write_text(text, encoding="utf-8")
        rendered.fronts = sorted(fronts.values(), key=lambda fr: fr.port)
        return rendered

    def _listen(self, m: re.Match[str], env: Env, fronts: dict[int, Front]) -> str:
        addr = m.group("addr")
        rest = m.group("rest").strip()
        port = int(addr.rpartition(":")[2]) if ":" in addr else int(addr)
        # Listen 443 is TLS only if a vhost on it says SSLEngine on; the protocol argument
        # or the port tells httpd (and us) what browsers use.
        tls = rest.lower() == "https" or (port == 443 and rest.lower() != "http")
        new = front_port(port)
        fronts.setdefault(port, Front(port, env.front_address, new, tls, tls or port == 443))
        return f"{m.group('indent')}Listen {env.front_address}:{new}" + (f" {rest}" if rest else "")

    def _vhost(self, m: re.Match[str], env: Env) -> str:
        out = []
        for a in m.group("addrs").split():
            port = a.rpartition(":")[2]
            if a.startswith("[") or not port.isdigit():
                # the IPv6 twin, or a vhost without a port (matches every Listen)
                if not port.isdigit():
                    out.append(a)
                continue
            out.append(f"{env.front_address}:{front_port(int(port))}")
        return f"{m.group('indent')}<VirtualHost {' '.join(dict.fromkeys(out)) or '*'}>"

    def _env(self, rendered: Rendered) -> dict[str, str]:
        w = rendered.workdir
        env = dict(os.environ)
        env.update(APACHE_RUN_USER="www-data", APACHE_RUN_GROUP="www-data", APACHE_PID_FILE=str(w / "run" / "httpd.pid"),
                   APACHE_RUN_DIR=str(w / "run"), APACHE_LOCK_DIR=str(w / "lock"), APACHE_LOG_DIR=str(w / "logs"),
                   LANG="C")
        return env

    def _command(self, rendered: Rendered, *extra: str) -> list[str]:
        w = rendered.workdir
        server_root = rendered.entry.parent
        user = ["-C", "User www-data", "-C", "Group www-data"] if os.geteuid() == 0 else []
        return [self.binary, "-d", str(server_root), "-f", str(rendered.entry),
                "-C", f"DefaultRuntimeDir {w / 'run'}", "-C", f"PidFile {w / 'run' / 'httpd.pid'}",
                "-C", f"Mutex file:{w / 'lock'} default", *user,
                "-c", f"ErrorLog {w / 'logs' / 'error.log'}", *extra]

    def config_test(self, rendered: Rendered) -> tuple[bool, str]:
        proc = subprocess.run(self._command(rendered, "-t"), capture_output=True, text=True, timeout=30,
                              cwd=rendered.workdir, env=self._env(rendered))
        return proc.returncode == 0, (proc.stdout + proc.stderr).strip()

    def start(self, rendered: Rendered) -> Proxy:
        return self._launch(self._command(rendered, "-DFOREGROUND"), rendered, env=self._env(rendered))

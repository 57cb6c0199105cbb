"""Apache httpd 2.4 (Debian's apache2): render a sample for loopback, ``apache2 -t``, run it
in the foreground.

A sample is a whole configuration (a top-level file that loads its modules, or a Debian
tree entered by ``apache2.conf``) and runs as it is. A vhost fragment (no ``LoadModule``
anywhere) is what an operator drops into ``sites-enabled/``: it runs inside Debian's own
main configuration, the one the installed apache2 package ships (``/etc/apache2``:
``apache2.conf``, ``ports.conf``, ``conf-enabled/`` and the enabled modules), with the
fragment as the only site and the modules its directives and schemes need enabled as
``a2enmod`` would (with their ``# Depends:``). The fragment's verdicts are judged there,
on the ports its own ``<VirtualHost>`` sections name."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from .base import (
    BACKEND_HOSTS,
    Env,
    Front,
    Proxy,
    Rendered,
    Runner,
    Unfaithful,
    can_use_private_hosts,
    copy_sample,
    front_port,
    is_name,
    map_backend,
    private_hosts_command,
    sample_files,
)

MODULES = Path("/usr/lib/apache2/modules")
ENTRY_NAMES = ("apache2.conf", "httpd.conf")
H2_PROTOCOL = re.compile(r"^\s*Protocols\s[^\n]*\bh2\b", re.M | re.I)
LISTEN = re.compile(r"^(?P<indent>\s*)Listen\s+(?P<addr>\S+)(?P<rest>[^\n]*)$", re.M | re.I)
VHOST = re.compile(r"^(?P<indent>\s*)<VirtualHost\s+(?P<addrs>[^>]+)>", re.M | re.I)
LOAD = re.compile(r"^(?P<indent>\s*)LoadModule\s+(?P<name>\S+)\s+(?P<path>\S+)", re.M | re.I)
CERT = re.compile(r"^(?P<indent>\s*)(?P<d>SSLCertificateFile|SSLCertificateKeyFile|SSLCertificateChainFile"
                  r"|SSLCACertificateFile|SSLProxyCACertificateFile)\s+(?P<path>\S+)", re.M | re.I)
DROP = re.compile(r"^(\s*)((?:User|Group|ServerRoot|PidFile|Mutex|DefaultRuntimeDir)\s[^\n]*)$", re.M | re.I)
LOG = re.compile(r"^(?P<indent>\s*)(?P<d>ErrorLog|CustomLog|TransferLog)\s+(?P<path>\"[^\"]*\"|\S+)", re.M | re.I)
# an absolute include of the system's config tree points into the sample's own tree
INCLUDE_ETC = re.compile(r"^(\s*Include(?:Optional)?\s+\"?)/etc/(?:apache2|httpd)/", re.M | re.I)
DEBIAN = Path("/etc/apache2")
# a fragment's first words and worker schemes -> the Debian module to enable (a2enmod name)
SCHEME_MODULES = {"http": ("proxy_http",), "https": ("proxy_http",), "ws": ("proxy_wstunnel",),
                  "wss": ("proxy_wstunnel",), "balancer": ("proxy_balancer", "lbmethod_byrequests")}
SCHEME = re.compile(r"\b(https?|wss?|balancer)://", re.I)
DEPENDS = re.compile(r"^#\s*Depends:\s*(.*)$", re.M)
VHOST_PORT = re.compile(r"^\s*<VirtualHost\s+[^>]*?:(\d+)\s*>", re.M | re.I)
TLS_NAME = re.compile(r"\b(?:https|wss)://([A-Za-z0-9_.-]+):\d+", re.I)
SYSTEM_DIRS = re.compile(r"(?:/var)?/run/apache2|/var/lock/apache2|/var/log/apache2|/var/cache/apache2")


class ApacheRunner(Runner):
    dialect = "apache"
    entry_names = ("apache2.conf", "httpd.conf")
    binary = "/usr/sbin/apache2"

    version_pattern = re.compile(r"Apache/(\S+)")

    def render(self, sample: Path, workdir: Path, env: Env) -> Rendered:
        root = copy_sample(sample, workdir / "conf")
        scope: set[int] | None = None
        if root.is_file() and not LOAD.search(root.read_text(encoding="utf-8")):
            root, scope = self._debian_wrap(root, workdir / "conf")
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
        rendered = Rendered(workdir, entry, scope=scope)
        if scope is not None:
            rendered.notes.append(f"a fragment: run as the only site of Debian's {DEBIAN}/apache2.conf, "
                                  f"judged on its own ports {sorted(scope)}")
        fronts: dict[int, Front] = {}
        # httpd checks a TLS backend's certificate against the name in the worker URL
        # (SSLProxyCheckPeerName, IP SANs ignored): FAS names stay names when they can resolve
        # to the stand-in in a private /etc/hosts; otherwise they become addresses, noted
        names: dict[str, str] | None = {} if can_use_private_hosts() is None else None
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
            text = "\n".join(line if line.lstrip().startswith("#") else map_backend(line, env, names)
                             for line in text.split("\n"))
            text = LISTEN.sub(lambda m: self._listen(m, env, fronts), text)
            text = VHOST.sub(lambda m: self._vhost(m, env), text)
            f.write_text(text, encoding="utf-8")
        # a TLS listener whose config offers h2 (`Protocols h2 ...`, server-wide or in a vhost)
        # is one browsers load pages over h2 from, and open wss:// on when `H2WebSockets on`
        # (the h2 client falls back to HTTP/1.1 where extended CONNECT is not announced)
        if any(H2_PROTOCOL.search(t) for t in texts.values()):
            fronts = {p: replace(fr, h2=fr.tls) for p, fr in fronts.items()}
        rendered.fronts = sorted(fronts.values(), key=lambda fr: fr.port)
        if names:
            rendered.hosts = names
            (workdir / "hosts").write_text("127.0.0.1 localhost\n" + "".join(
                f"{addr} {name}\n" for name, addr in sorted(names.items())), encoding="utf-8")
            rendered.notes.append("FAS names resolved by a private /etc/hosts: "
                                  + ", ".join(f"{n}={a}" for n, a in sorted(names.items())))
        elif names is None:
            tls_names = sorted({m.group(1) for tx in texts.values() for m in TLS_NAME.finditer(tx)
                                if is_name(m.group(1)) and m.group(1).lower() in BACKEND_HOSTS})
            if tls_names:
                raise Unfaithful(f"TLS to FAS by name ({', '.join(tls_names)}): httpd checks the certificate "
                                 f"against that name, and it cannot resolve to the stand-in here "
                                 f"({can_use_private_hosts()})")
        return rendered

    def _debian_wrap(self, fragment: Path, dest: Path) -> tuple[Path, set[int]]:
        """Debian's main config with ``fragment`` as its only site (see the module doc)."""
        if not (DEBIAN / "apache2.conf").is_file():
            raise Unfaithful(f"a fragment, and Debian's main config {DEBIAN}/apache2.conf (apache2 package) "
                             "to run it in is not installed")
        from parsers.apache.modules import module_of

        text = fragment.read_text(encoding="utf-8")
        tree = dest / "debian-apache2"
        tree.mkdir()
        for name in ("apache2.conf", "ports.conf"):
            (tree / name).write_text((DEBIAN / name).read_text(encoding="utf-8"), encoding="utf-8")
        for d in ("mods-enabled", "conf-enabled"):
            (tree / d).mkdir()
            for f in sorted((DEBIAN / d).glob("*")):
                if f.is_file():  # symlinks into *-available, copied as files
                    (tree / d / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
        wanted: list[str] = []
        for line in text.split("\n"):
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            module = module_of(words[0].lstrip("<").rstrip(">").lower())
            if module:
                wanted.append(module.removesuffix("_module"))
            for m in SCHEME.finditer(line):
                wanted += SCHEME_MODULES[m.group(1).lower()]
        enabled = {f.stem for f in (tree / "mods-enabled").glob("*.load")}
        while wanted:
            mod = wanted.pop(0)
            if mod in enabled:
                continue
            load = DEBIAN / "mods-available" / f"{mod}.load"
            if not load.is_file():
                raise Unfaithful(f"the fragment needs module {mod}, which Debian's apache2 does not ship")
            enabled.add(mod)
            load_text = load.read_text(encoding="utf-8")
            (tree / "mods-enabled" / load.name).write_text(load_text, encoding="utf-8")
            conf = load.with_suffix(".conf")
            if conf.is_file():
                (tree / "mods-enabled" / conf.name).write_text(conf.read_text(encoding="utf-8"), encoding="utf-8")
            for dep in DEPENDS.findall(load_text):
                wanted += dep.split()
        (tree / "sites-enabled").mkdir()
        fragment.rename(tree / "sites-enabled" / fragment.name)
        return tree, {int(p) for p in VHOST_PORT.findall(text)}

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
        command = self._apache_command(rendered, *extra)
        if rendered.hosts:
            return private_hosts_command(command, rendered.workdir / "hosts")
        return command

    def _apache_command(self, rendered: Rendered, *extra: str) -> list[str]:
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


RUNNER = ApacheRunner()

"""HAProxy: render a sample for loopback, ``haproxy -c``, run it in the foreground."""

from __future__ import annotations

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

ENTRY_NAMES = ("haproxy.cfg",)
BIND = re.compile(r"^(?P<indent>\s*)bind\s+(?P<addrs>\S+)(?P<rest>[^\n]*)$", re.M)
SECTION = re.compile(r"^\s*(frontend|listen)\s", re.M)
DROP = re.compile(r"^(\s*)((?:chroot|user|group|uid|gid|daemon|pidfile|master-worker)\b[^\n]*)$", re.M)
STATS_SOCKET = re.compile(r"^(?P<indent>\s*)stats\s+socket\s+(?P<path>\S+)", re.M)
FILES = re.compile(r"\b(?P<kw>crt|ca-file|crt-list|crl-file)\s+(?P<path>\S+)")


class HaproxyRunner(Runner):
    dialect = "haproxy"
    binary = "/usr/sbin/haproxy"

    def version(self) -> str:
        out = subprocess.run([self.binary, "-v"], capture_output=True, text=True, timeout=10)
        m = re.search(r"version (\S+)", out.stdout)
        return m.group(1) if m else out.stdout.strip()

    def render(self, sample: Path, workdir: Path, env: Env) -> Rendered:
        root = copy_sample(sample, workdir / "conf")
        if root.is_dir():
            entry = next((root / n for n in ENTRY_NAMES if (root / n).is_file()), None)
            if entry is None:
                raise Unfaithful("no haproxy.cfg in the sample directory")
        else:
            entry = root
        texts = {f: f.read_text(encoding="utf-8") for f in sample_files(root)}
        if not any(SECTION.search(t) for t in texts.values()):
            raise Unfaithful("a fragment (no frontend or listen section): nothing accepts connections")
        (workdir / "run").mkdir(exist_ok=True)
        rendered = Rendered(workdir, entry)
        fronts: dict[int, Front] = {}
        for f, text in texts.items():
            text = DROP.sub(lambda m: f"{m.group(1)}# rendered out: {m.group(2)}", text)
            text = STATS_SOCKET.sub(lambda m: f"{m.group('indent')}stats socket {workdir / 'run' / 'admin.sock'}",
                                    text)
            text = "\n".join(line if line.lstrip().startswith("#") else self._line(line, env, fronts, rendered)
                             for line in text.split("\n"))
            f.write_text(text, encoding="utf-8")
        rendered.fronts = sorted(fronts.values(), key=lambda fr: fr.port)
        return rendered

    def _line(self, line: str, env: Env, fronts: dict[int, Front], rendered: Rendered) -> str:
        line = FILES.sub(lambda m: f"{m.group('kw')} " + str(env.ca if m.group("kw") in ("ca-file", "crl-file")
                                                              else env.pem), line)
        m = BIND.match(line)
        if not m:
            return map_backend(line, env)
        rest = m.group("rest")
        tls = re.search(r"\bssl\b", rest) is not None
        rest = re.sub(r"\s(v4v6|v6only)\b", "", rest)
        out = []
        for addr in m.group("addrs").split(","):
            host, _, port_text = addr.rpartition(":")
            if not port_text.isdigit():
                raise Unfaithful(f"bind {addr}: no port, or a port range")
            if host.startswith("[") or host.count(":") > 1 or host == "::":
                rendered.notes.append(f"bind {addr} rendered on the IPv4 loopback")
            port = int(port_text)
            new = front_port(port)
            fronts.setdefault(port, Front(port, env.front_address, new, tls, tls or port == 443))
            out.append(f"{env.front_address}:{new}")
        return f"{m.group('indent')}bind {','.join(dict.fromkeys(out))}{rest}"

    def _files(self, rendered: Rendered) -> list[str]:
        """``-f haproxy.cfg``, plus ``-f conf.d`` beside it as Debian's unit passes it (and as
        wsproxylint reads haproxy.cfg with its conf.d/)."""
        out = ["-f", str(rendered.entry)]
        confd = rendered.entry.parent / "conf.d"
        if rendered.entry.name == "haproxy.cfg" and confd.is_dir():
            out += ["-f", str(confd)]
        return out

    def config_test(self, rendered: Rendered) -> tuple[bool, str]:
        proc = subprocess.run([self.binary, "-c", *self._files(rendered)], capture_output=True, text=True,
                              timeout=30, cwd=rendered.workdir)
        return proc.returncode == 0, (proc.stdout + proc.stderr).strip()

    def start(self, rendered: Rendered) -> Proxy:
        return self._launch([self.binary, "-db", *self._files(rendered)], rendered)

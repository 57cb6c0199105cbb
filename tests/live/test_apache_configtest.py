"""The Apache samples against the real httpd's config test (``apache2 -t``).

What httpd accepts or refuses is httpd's to say: every sample is copied to a temporary
directory (certificate paths pointed at a throw-away self-signed pair, a single-vhost
fragment wrapped in a minimal main config that loads the usual modules; a whole
config that loads its own modules runs as it is), and
``apache2 -t`` runs on it. A config test reads the config and binds no port.

- a sample whose markers predict ``config-rejected`` (WSP001, WSP002, WSP003) must be refused,
  at the marked line of the marked file;
- every other sample must be accepted: its findings are about what happens to the
  websocket at runtime, not about loading.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _util import cli_process
from support.samples import SAMPLES_ROOT, read_markers, rel

APACHE2 = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
OPENSSL = shutil.which("openssl")
MODULES_DIR = "/usr/lib/apache2/modules"
pytestmark = pytest.mark.skipif(not (APACHE2 and OPENSSL and os.path.isdir(MODULES_DIR)),
                                reason="apache2 and openssl are needed for the config test")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (SAMPLES_ROOT / "apache").iterdir()
                 if p.name.startswith(("good-", "bad-")) and (p.is_dir() or p.suffix == ".conf")) \
    if (SAMPLES_ROOT / "apache").is_dir() else []

WRAPPER_MODULES = ("mpm_event", "authz_core", "authz_host", "proxy", "proxy_http", "proxy_wstunnel",
                   "proxy_balancer", "lbmethod_byrequests", "slotmem_shm", "ssl", "socache_shmcb", "headers",
                   "rewrite", "alias", "env", "setenvif", "mime", "dir")
LOADS_MODULES = re.compile(r"^\s*LoadModule\s", re.M | re.I)
ERROR_LINE = re.compile(r"(?:Syntax error on line (\d+) of ([^:\s]+)|([^:\s]+):(\d+):)")


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "crt.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=gw.example.com",
                    "-days", "2", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True, timeout=60)
    return key, crt


def _prepare(sample: Path, work: Path, tls_pair: tuple[Path, Path]) -> Path:
    key, crt = tls_pair
    target = work / sample.name
    if sample.is_dir():
        shutil.copytree(sample, target)
        files = [p for p in target.rglob("*") if p.is_file()]
        entry = target / "apache2.conf"
    else:
        target.mkdir()
        shutil.copy(sample, target / sample.name)
        files = [target / sample.name]
        entry = target / "apache2.conf"
        if LOADS_MODULES.search(sample.read_text(encoding="utf-8")):
            entry = files[0]  # a whole httpd config of its own: httpd reads exactly that
        else:
            loads = "\n".join(f"LoadModule {m}_module {MODULES_DIR}/mod_{m}.so" for m in WRAPPER_MODULES)
            entry.write_text(f"ServerName localhost\n{loads}\nListen 80\nListen 443\nInclude {sample.name}\n")
    for f in files:
        text = f.read_text(encoding="utf-8")
        text = (text.replace("/etc/ssl/certs/gw.example.com.crt", str(crt))
                .replace("/etc/ssl/private/gw.example.com.key", str(key))
                .replace("/etc/ssl/certs/fas-ca.pem", str(crt)))
        f.write_text(text, encoding="utf-8")
    return entry


def configtest(sample: Path, work: Path, tls_pair) -> tuple[int, str]:
    entry = _prepare(sample, work, tls_pair)
    run = work / "run"
    run.mkdir(exist_ok=True)
    env = dict(os.environ, APACHE_RUN_DIR=str(run), APACHE_PID_FILE=str(run / "pid"), APACHE_LOCK_DIR=str(run),
               APACHE_LOG_DIR=str(run), APACHE_RUN_USER="www-data", APACHE_RUN_GROUP="www-data")
    r = subprocess.run([APACHE2, "-t", "-d", str(entry.parent), "-f", str(entry),
                        "-C", f"PidFile {run / 'pid'}", "-C", f"ErrorLog {run / 'error.log'}"],
                       capture_output=True, text=True, timeout=60, env=env, check=False)
    return r.returncode, r.stderr + r.stdout


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_httpd_accepts_or_refuses_as_the_markers_say(sample: Path, tmp_path, tls_pair):
    expected = read_markers(sample)
    rejected = sorted((path, line) for path, line, rule, symptom in expected.findings
                      if symptom == "config-rejected")
    code, out = configtest(sample, tmp_path, tls_pair)
    if not rejected:
        assert code == 0, f"apache2 -t refused {sample.name}:\n{out}"
        return
    at_start = _refused_only_at_start(sample)
    if at_start:
        # httpd's providers are looked up at start: the linter says `apache2 -t` passes, and
        # it must; the refusal itself is proven by starting it (tests/live/test_verify_samples)
        assert code == 0, f"the linter says apache2 -t passes {sample.name} ({at_start}), it refused:\n{out}"
        return
    assert code != 0, f"apache2 -t accepted {sample.name}, whose markers say httpd refuses it"
    found = ERROR_LINE.findall(out)
    assert found, out
    m = ERROR_LINE.search(out, out.rfind(found[-1][1] or found[-1][2]) - 40)  # the innermost file's error
    assert m, out
    line = int(m.group(1) or m.group(4))
    where = Path(m.group(2) or m.group(3))
    shown = rel(SAMPLES_ROOT / "apache" / sample.name / where.relative_to(tmp_path / sample.name)) \
        if sample.is_dir() else rel(sample)
    assert (shown, line) in rejected, f"httpd refused at {shown}:{line}, markers say {rejected}:\n{out}"


def _refused_only_at_start(sample: Path) -> str:
    """The linter's config-rejected findings of a sample, when all of them say httpd passes
    `apache2 -t` and refuses only to start ("" otherwise)."""
    proc = cli_process("check", sample, "--format", "json", "--select", "WSP003", cwd=ROOT, timeout=60)
    messages = [f["message"] for f in json.loads(proc.stdout)["findings"]]
    if messages and all("`apache2 -t` says Syntax OK" in m for m in messages):
        return messages[0]
    return ""

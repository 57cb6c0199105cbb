"""The HAProxy samples against the real ``haproxy -c`` (a config check binds no port).

A sample marked ``config-rejected`` (an error) must be refused by HAProxy, every other sample
must be accepted (a ``config-rejected warning`` depends on the version and is judged per build
by test_verify_samples.py): what the linter says HAProxy refuses is what HAProxy refuses. Certificate paths
are rendered to a throw-away certificate, as the live harness does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "haproxy"
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
OPENSSL = shutil.which("openssl")

pytestmark = pytest.mark.skipif(not (HAPROXY and OPENSSL), reason="haproxy or openssl not installed")

SAMPLE_LIST = sorted(p for p in SAMPLES.iterdir() if p.name.startswith(("good-", "bad-")))


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("certs")
    key, crt = d / "k.pem", d / "c.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "2", "-subj", "/CN=gw.example.com"], check=True, capture_output=True)
    bundle = d / "gw.pem"
    bundle.write_text(crt.read_text() + key.read_text())
    return {"/etc/haproxy/certs/gw.example.com.pem": str(bundle), "/etc/ssl/certs/fas-ca.pem": str(crt),
            "/etc/haproxy/fas-ca.pem": str(crt),
            "log /dev/log local0": "log stdout local0"}


DATA_FILE = re.compile(r"/[\w./-]+\.(?:map|lst|txt)\b")


def _data_file(path: str, sample: Path, dest: Path) -> str:
    """A map or ACL pattern file named by its absolute path: the copy the sample carries, found
    as wsproxylint finds it (the path's longest tail that exists beside the config)."""
    parts = Path(path).parts[1:]
    for i in range(len(parts)):
        if (sample / Path(*parts[i:])).is_file():
            return str(dest / Path(*parts[i:]))
    return path


def render(sample: Path, dest: Path, certs: dict[str, str]) -> list[str]:
    files = [sample] if sample.is_file() else sorted(p for p in sample.rglob("*") if p.is_file())
    for f in files:
        out = dest / (f.name if sample.is_file() else f.relative_to(sample))
        out.parent.mkdir(parents=True, exist_ok=True)
        text = f.read_text()
        for old, new in certs.items():
            text = text.replace(old, new)
        if sample.is_dir():
            text = DATA_FILE.sub(lambda m: _data_file(m.group(0), sample, dest), text)
        out.write_text(text)
    if sample.is_file():
        return ["-f", str(dest / sample.name)]
    args = ["-f", str(dest / "haproxy.cfg")]
    if (dest / "conf.d").is_dir():  # (HAProxy loads the directory's *.cfg files only)
        args += ["-f", str(dest / "conf.d")]
    return args


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=[p.name for p in SAMPLE_LIST])
def test_haproxy_accepts_or_refuses_as_marked(sample, tmp_path, certs):
    marked = "".join(f.read_text() for f in ([sample] if sample.is_file() else sample.rglob("*.cfg")))
    refused = bool(re.search(r"#\s*expect:.*config-rejected(?! (warning|info))", marked))
    if not refused and re.search(r"#\s*expect:.*config-rejected", marked):
        pytest.skip("refused on some HAProxy versions only (a warning for the assumed one): "
                    "test_verify_samples.py judges it on each installed build, told its version")
    r = subprocess.run([HAPROXY, "-c", *render(sample, tmp_path, certs)], capture_output=True, text=True,
                       timeout=60)
    alerts = [line for line in (r.stdout + r.stderr).splitlines() if "ALERT" in line]
    if refused:
        assert r.returncode != 0, f"{sample.name}: haproxy -c accepted a config marked config-rejected"
    else:
        assert r.returncode == 0, f"{sample.name}: haproxy -c refused it:\n" + "\n".join(alerts)


def _examples():
    from linter.engine.registry import all_rules, examples_of

    for rule in all_rules():
        ex = examples_of(rule).get("haproxy")
        if ex is not None:
            yield pytest.param(rule.id, ex.bad, rule.id in ("WSP001", "WSP003"), id=f"{rule.id}-bad")
            yield pytest.param(rule.id, ex.good, False, id=f"{rule.id}-good")


@pytest.mark.parametrize("rule,text,refused", list(_examples()))
def test_rule_doc_examples_against_haproxy(rule, text, refused, tmp_path, certs):
    """Rule docs show HAProxy configs that HAProxy accepts, except where refusal is the point."""
    text = text.replace("/etc/haproxy/certs/gw.pem", certs["/etc/haproxy/certs/gw.example.com.pem"])
    for old, new in certs.items():
        text = text.replace(old, new)
    path = tmp_path / "example.cfg"
    path.write_text(text)
    r = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True, timeout=60)
    assert (r.returncode != 0) == refused, (r.stdout + r.stderr)[-2000:]

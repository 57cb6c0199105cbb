"""The worker/balancer parameter tables (parsers/apache/params.py) held to the real httpd.

For every parameter the tables name, plus words httpd does not know and values it checks,
in each place an operator writes them (a ProxyPass to a host, a ProxyPass to a balancer,
a BalancerMember, a ProxySet in a balancer's section), ``apache2 -t`` decides whether the
config loads, and the linter must predict config-rejected exactly when httpd refuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from linter.core.options import Options
from linter.engine.linting import lint
from parsers.apache.params import BALANCER, WORKER

APACHE2 = shutil.which("apache2") or ("/usr/sbin/apache2" if os.path.exists("/usr/sbin/apache2") else None)
MODULES = "/usr/lib/apache2/modules"
pytestmark = pytest.mark.skipif(not (APACHE2 and os.path.isdir(MODULES)), reason="apache2 is needed")

HEAD = (
    """ServerRoot "/etc/apache2"
ServerName gw.example.com
PidFile {work}/pid
ErrorLog {work}/error.log
"""
    + "".join(
        f"LoadModule {m}_module {MODULES}/mod_{m}.so\n"
        for m in (
            "mpm_event",
            "authz_core",
            "proxy",
            "proxy_http",
            "proxy_balancer",
            "slotmem_shm",
            "lbmethod_byrequests",
        )
    )
    + "Listen 127.0.0.1:8099\n<VirtualHost *:8099>\n{body}\n</VirtualHost>\n"
)

PLACES = {
    "proxypass-host": "ProxyPass /gateway/ http://fas:8080/gateway/ {p}",
    "proxypass-balancer": "<Proxy balancer://fas>\nBalancerMember http://fas:8080\n</Proxy>\n"
    "ProxyPass /gateway/ balancer://fas/gateway/ {p}",
    "balancermember": "<Proxy balancer://fas>\nBalancerMember http://fas:8080 {p}\n</Proxy>\n"
    "ProxyPass /gateway/ balancer://fas/gateway/",
    "proxyset-balancer": "<Proxy balancer://fas>\nBalancerMember http://fas:8080\nProxySet {p}\n</Proxy>\n"
    "ProxyPass /gateway/ balancer://fas/gateway/",
}
VALUES = {
    "status": "+H",
    "redirect": "x",
    "route": "a",
    "upgrade": "websocket",
    "secret": "x",
    "lbmethod": "byrequests",
    "stickysession": "J",
    "stickysessionsep": ".",
    "failonstatus": "503",
    "nonce": "None",
    "flushpackets": "on",
    "mapping": "encoded",
    "iobuffersize": "8192",
    "receivebuffersize": "8192",
}  # (httpd checks their size too: not modelled)
ON_OFF = ("disablereuse", "enablereuse", "keepalive", "nofailover", "scolonpathdelim", "failontimeout", "forcerecovery")
PARAMS = sorted(
    {f"{k}={VALUES.get(k, 'On' if k in ON_OFF else '5')}" for k in WORKER | BALANCER}
    | {
        "disablereuse=Yes",
        "keepalive=1",
        "flushpackets=yes",
        "DisableReuse=on",
        "hcinterval=5",
        "bogus=1",
        "nocanon",
        "word",
    }
)


def _refused(config: Path) -> bool:
    done = subprocess.run([APACHE2, "-t", "-f", str(config)], capture_output=True, text=True, timeout=30)
    return done.returncode != 0


@pytest.mark.parametrize("place", sorted(PLACES))
def test_linter_predicts_what_httpd_refuses(place: str, tmp_path: Path) -> None:
    wrong = []
    for p in PARAMS:
        config = tmp_path / f"{place}.conf"
        config.write_text(HEAD.format(work=tmp_path, body=PLACES[place].format(p=p)))
        report = lint([str(config)], Options())
        predicted = any(f.rule == "WSP003" for f in report.findings)
        if predicted != _refused(config):
            wrong.append(f"{p}: linter {'refuses' if predicted else 'accepts'}, httpd the opposite")
    assert not wrong, "\n".join(wrong)

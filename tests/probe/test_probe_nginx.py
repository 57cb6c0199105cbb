"""``wsproxylint probe`` through the real nginx in front of the FAS stand-in, on loopback.

Every classification that needs a proxy is produced by a real nginx config (rendered in a
temp dir, nginx started as our child and stopped by pid): the statuses nginx itself
answers, the 302s FAS gives when the proxy drops the upgrade or reuses a pooled
connection, a hidden Accept header, an idle cut, a front listener without TLS. The
``--config`` tests lint the very config nginx ran and check that the finding predicting
the observed symptom is listed first.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.fas import FasStandIn
from support.fixtures import Pki, cannot_run, fas, legacy_fas, pki  # noqa: F401  (fixtures)
from support.loopback import free_address
from support.probe_proxies import front_ports, nginx_binary, render, running_nginx

from linter.core.fas import GATEWAY_WS, WS_QUERY
from linter.app.probe import ProbeArgs, run_probe

PLAIN, TLS = front_ports()

GOOD = """
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;"""


@pytest.fixture(autouse=True)
def _nginx_installed() -> None:
    if nginx_binary() is None:
        cannot_run("nginx is not installed (Debian: apt-get install nginx-light)")


class Front:
    """nginx on its own loopback address; ``url()`` is the websocket URL through it."""

    def __init__(self, host: str, conf: Path) -> None:
        self.host = host
        self.conf = conf

    def url(self, tls: bool = False) -> str:
        port = TLS if tls else PLAIN
        default = 443 if tls else 80
        netloc = self.host if port == default else f"{self.host}:{port}"
        return f"{'wss' if tls else 'ws'}://{netloc}{GATEWAY_WS}?{WS_QUERY[GATEWAY_WS]}"


@contextmanager
def nginx(tmp_path: Path, servers: str, *, tls_listener: bool = False) -> Iterator[Front]:
    """nginx with ``servers`` (``{front}``: its own address, to put in ``listen``)."""
    host = free_address((PLAIN, TLS))
    body = ("    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
            + servers.replace("{front}", host))
    conf = render(tmp_path / "nginx", body)
    listeners = [(host, PLAIN)] + ([(host, TLS)] if tls_listener else [])
    with running_nginx(conf, listeners):
        yield Front(host, conf)


def server(fas: FasStandIn, location: str, *, upstream: str = "", listen: str = "") -> str:
    fas_addr = fas.hosts[0]
    return (upstream.replace("{fas}", fas_addr)
            + "    server {\n"
            f"        listen {{front}}:{PLAIN};\n{listen}"
            "        server_name gw.example.com;\n"
            f"        root {{root}};\n"
            f"{location.replace('{fas}', fas_addr)}\n"
            "    }\n")


def probe(**kw) -> tuple[int, dict]:
    out = io.StringIO()
    kw.setdefault("timeout", 5.0)
    code = run_probe(ProbeArgs(format="json", **kw), out, io.StringIO())
    return code, json.loads(out.getvalue())


def run_case(tmp_path: Path, fas: FasStandIn, location: str, **probe_kw) -> tuple[int, dict, Front]:
    servers = server(fas, location).replace("{root}", str(tmp_path / "html"))
    with nginx(tmp_path, servers) as front:
        code, doc = probe(url=front.url(), **probe_kw)
    return code, doc, front


def proxied(fas_url: str, extra: str = "", base: str = GOOD) -> str:
    return f"        location /gateway/ {{\n            proxy_pass {fas_url};{base}\n{extra}\n        }}"


# ----------------------------------------------------------------------------- ok

def test_ok_through_nginx(tmp_path, fas):
    code, doc, _ = run_case(tmp_path, fas, proxied("http://{fas}:8080"), hold=0.5)
    assert code == 0 and doc["ok"], doc
    assert fas.exchanges[-1].status == 101 and fas.exchanges[-1].version == "HTTP/1.1"
    assert doc["attempts"][0]["headers"]["server"].startswith("nginx")


def test_ok_through_nginx_over_tls_with_the_private_ca(tmp_path, fas, pki):
    host = free_address((PLAIN, TLS))
    leaf = pki.ca.issue(tmp_path / "front", "front", ("gw.example.com",), (host,))
    servers = ("    server {\n"
               f"        listen {host}:{PLAIN};\n"
               f"        listen {host}:{TLS} ssl;\n"
               f"        ssl_certificate {leaf.cert};\n        ssl_certificate_key {leaf.key};\n"
               f"{proxied('http://' + fas.hosts[0] + ':8080')}\n    }}\n")
    body = "    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n" + servers
    conf = render(tmp_path / "nginx", body)
    with running_nginx(conf, [(host, PLAIN), (host, TLS)]):
        url = Front(host, conf).url(tls=True)
        code, doc = probe(url=url, ca=str(pki.ca.cert))
        assert code == 0 and doc["ok"], doc
        # the same front with the system trust store: the test CA is not in it
        code, doc = probe(url=url)
        assert code == 1 and doc["symptom"] == "tls-error" and doc["reason"] == "untrusted-certificate", doc


# ----------------------------------------------------------------------------- 302

def test_302_when_nginx_does_not_forward_the_upgrade_and_config_points_at_it(tmp_path, fas):
    location = proxied("http://{fas}:8080", base="")
    servers = server(fas, location).replace("{root}", str(tmp_path / "html"))
    with nginx(tmp_path, servers) as front:
        code, doc = probe(url=front.url(), config=str(front.conf))
    assert code == 1 and doc["symptom"] == "status:302", doc
    assert fas.exchanges[-1].status == 302 and fas.exchanges[-1].version == "HTTP/1.0"
    findings = doc["config"]["findings"]
    assert doc["config"]["matching"] >= 1
    assert findings[0]["symptom"] == "status:302" and findings[0]["matches"] is True
    assert findings[0]["rule"] in ("WSP101", "WSP102", "WSP103")
    assert findings[0]["path"].endswith("nginx.conf")
    # the non-matching findings (if any) come after every matching one
    flags = [f["matches"] for f in findings]
    assert flags == sorted(flags, reverse=True)
    # ... even those on earlier lines (here the unrouted Live Assist URL at the server line)
    assert any(not f["matches"] and f["line"] < findings[0]["line"] for f in findings), findings
    assert all(f["symptom"] == "status:302" for f in findings if f["matches"])


KEEPALIVE_UPSTREAM = ("    map $http_upgrade $connection_keepalive { default upgrade; '' ''; }\n"
                      "    upstream fas { server {fas}:8080; keepalive 8; }\n")


def test_302_only_after_warm_up_with_legacy_fas_behind_nginx_keepalive(tmp_path, legacy_fas):
    location = ("        location /gateway/ {\n            proxy_pass http://fas;\n            proxy_http_version 1.1;\n"
                "            proxy_set_header Upgrade $http_upgrade;\n"
                "            proxy_set_header Connection $connection_keepalive;\n        }")
    servers = server(legacy_fas, location, upstream=KEEPALIVE_UPSTREAM).replace("{root}", str(tmp_path / "html"))
    with nginx(tmp_path, servers) as front:
        cold_code, cold = probe(url=front.url())
        warm_code, warm = probe(url=front.url(), warm=True, config=str(front.conf))
    assert cold_code == 0, cold  # a fresh backend connection takes the upgrade
    assert warm_code == 1 and warm["symptom"] == "status:302", (warm, legacy_fas.log())
    s = {st["step"]: st for st in warm["attempts"][0]["steps"]}
    assert s["warm"]["ok"] and "6 x 200" in s["warm"]["detail"]
    assert any("legacy FAS" in e.why for e in legacy_fas.exchanges)
    assert any("--warm" in h for h in warm["hints"])
    first = warm["config"]["findings"][0]
    assert first["rule"] == "WSP201" and first["symptom"] == "status:302", warm["config"]


def test_repeat_catches_an_intermittent_failure(tmp_path, fas):
    # two upstream servers, one of them FAS's TLS port spoken to in plain HTTP, no retry:
    # nginx's round robin fails every other call
    upstream = "    upstream fas { server {fas}:8080 max_fails=0; server {fas}:8443 max_fails=0; }\n"
    location = proxied("http://fas", "            proxy_next_upstream off;")
    servers = server(fas, location, upstream=upstream).replace("{root}", str(tmp_path / "html"))
    with nginx(tmp_path, servers) as front:
        code, doc = probe(url=front.url(), repeat=4)
    symptoms = [a["symptom"] for a in doc["attempts"]]
    assert code == 1 and doc["symptom"] == "status:502", doc
    assert sorted(symptoms, key=str) == [None, None, "status:502", "status:502"], symptoms
    assert any(h.startswith("intermittent: 2 of 4 attempts failed") for h in doc["hints"])


# ----------------------------------------------------------------------------- statuses nginx answers

def test_502_for_tls_to_the_plain_port(tmp_path, fas):
    code, doc, _ = run_case(tmp_path, fas, proxied("https://{fas}:8080"))
    assert code == 1 and doc["symptom"] == "status:502", doc
    assert any("TLS between the proxy and FAS" in h for h in doc["hints"])


def test_502_for_plain_http_to_the_tls_port(tmp_path, fas):
    code, doc, _ = run_case(tmp_path, fas, proxied("http://{fas}:8443"))
    assert code == 1 and doc["symptom"] == "status:502", doc


@pytest.mark.parametrize("code_, location", [
    (503, "        location = /gateway/websocketcall { return 503; }"),
    (500, "        location = /gateway/websocketcall { return 500; }"),
    (403, proxied("http://{fas}:8080", "            deny all;")),
    (404, "        location /other/ { proxy_pass http://{fas}:8080; }"),  # the websocket URL is not proxied
])
def test_status_answered_by_nginx(tmp_path, fas, code_, location):
    code, doc, _ = run_case(tmp_path, fas, location)
    assert code == 1 and doc["symptom"] == f"status:{code_}", doc
    assert doc["attempts"][0]["status"] == code_
    assert doc["console"] == f"Error during WebSocket handshake: Unexpected response code: {code_}"
    assert doc["causes"]
    assert not fas.exchanges  # nginx answered itself


# ----------------------------------------------------------------------------- after the 101

def test_missing_accept_when_nginx_hides_it(tmp_path, fas):
    code, doc, _ = run_case(tmp_path, fas, proxied("http://{fas}:8080", "            proxy_hide_header "
                                                                        "Sec-WebSocket-Accept;"))
    assert code == 1 and doc["symptom"] == "missing-accept" and doc["reason"] == "missing-accept", doc
    assert doc["console"] == "Error during WebSocket handshake: 'Sec-WebSocket-Accept' header is missing"
    assert fas.exchanges[-1].status == 101  # FAS took it; the proxy lost the header


def test_idle_disconnect_with_a_short_read_timeout_and_config_points_at_it(tmp_path, fas):
    location = proxied("http://{fas}:8080", "            proxy_read_timeout 1s;")
    servers = server(fas, location).replace("{root}", str(tmp_path / "html"))
    with nginx(tmp_path, servers) as front:
        quick_code, quick = probe(url=front.url())
        code, doc = probe(url=front.url(), hold=2.5, config=str(front.conf))
    assert quick_code == 0, quick  # the call opens; only silence cuts it
    assert code == 1 and doc["symptom"] == "idle-disconnect", doc
    s = {st["step"]: st for st in doc["attempts"][0]["steps"]}
    assert not s["hold"]["ok"] and "echo" not in s
    first = doc["config"]["findings"][0]
    assert first["symptom"] == "idle-disconnect" and first["matches"], doc["config"]


# ----------------------------------------------------------------------------- TLS at the front

def test_tls_error_when_the_listener_has_certificates_but_no_ssl_and_config_points_at_it(tmp_path, fas, pki):
    host = free_address((PLAIN, TLS))
    servers = ("    server {\n"
               f"        listen {host}:{PLAIN};\n        listen {host}:{TLS};\n"
               f"        ssl_certificate {pki.front.cert};\n        ssl_certificate_key {pki.front.key};\n"
               f"{proxied('http://' + fas.hosts[0] + ':8080')}\n    }}\n")
    conf = render(tmp_path / "nginx",
                  "    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n" + servers)
    with running_nginx(conf, [(host, PLAIN), (host, TLS)]):
        code, doc = probe(url=Front(host, conf).url(tls=True), config=str(conf))
    assert code == 1 and doc["symptom"] == "tls-error" and doc["reason"] == "protocol-error", doc
    first = doc["config"]["findings"][0]
    assert first["symptom"] == "tls-error" and first["matches"], doc["config"]
    # the rule that fired on this config ranks its cause first
    assert doc["causes"][0]["rules"] == [first["rule"]], doc["causes"]


# ----------------------------------------------------------------------------- README

README_LOCATION = """
            proxy_pass http://fas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 600s;"""


def readme_session(tmp_path: Path, legacy_fas: FasStandIn) -> tuple[str, str]:
    """The probe session of docs/troubleshooting.md: FAS 2.5.2 (the legacy stand-in) behind nginx with a
    keep-alive pool. Returns (the config as nginx ran it, the shell session)."""
    import subprocess
    import sys

    host = free_address((PLAIN, TLS))
    body = ("    map $http_upgrade $connection_upgrade { default upgrade; '' ''; }\n\n"
            f"    upstream fas {{\n        server {legacy_fas.hosts[0]}:8080;\n        keepalive 16;\n    }}\n\n"
            f"    server {{\n        listen {host}:{PLAIN};\n        server_name gw.example.com;\n\n"
            f"        location /gateway/ {{{README_LOCATION}\n        }}\n"
            f"        location /assistserver/ {{{README_LOCATION}\n        }}\n    }}\n")
    conf = render(tmp_path / "nginx", body)
    url = Front(host, conf).url()
    session = []
    with running_nginx(conf, [(host, PLAIN)]):
        for args in ([url], [url, "--warm", "--config", "nginx.conf"]):
            root = Path(__file__).resolve().parents[2]
            env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
            proc = subprocess.run([sys.executable, "-m", "linter", "probe", *args], cwd=conf.parent, env=env, check=False,
                                  capture_output=True, text=True, timeout=60)
            session += [f"$ wsproxylint probe {' '.join(args)}", proc.stdout.rstrip(), "$ echo $?",
                        str(proc.returncode)]
    return conf.read_text().split("\n\n    access_log")[0] + "\n}\n", "\n".join(session) + "\n"


def normalised(text: str) -> str:
    """What varies between runs: loopback addresses, times, the Accept value, column widths."""
    import re

    text = re.sub(r"127\.\d+\.\d+\.\d+", "ADDR", text)
    text = re.sub(r"\d+\.\d ms", "T ms", text)
    text = re.sub(r"Sec-WebSocket-Accept \S+ matches", "Sec-WebSocket-Accept X matches", text)
    return re.sub(r" +", " ", text)


def test_readme_shows_a_real_probe_session(tmp_path, legacy_fas):
    import re

    readme = (Path(__file__).resolve().parents[2] / "docs" / "troubleshooting.md").read_text()
    conf, session = readme_session(tmp_path, legacy_fas)
    blocks = re.findall(r"```(?:console|nginx)\n(.*?)```", readme, re.DOTALL)
    shown_session = next(b for b in blocks if b.startswith("$ wsproxylint probe"))
    shown_conf = next(b for b in blocks if b.startswith("http {") and "upstream fas" in b)
    assert normalised(shown_conf) == normalised(conf)
    assert normalised(shown_session) == normalised(session)
    assert "result: status:302" in session and "WSP201" in session

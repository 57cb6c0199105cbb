"""``wsproxylint probe`` against the FAS stand-in and small broken servers, on loopback.

Each classification comes from a real failing setup (nothing is mocked): a stand-in with
the wrong certificate, nothing listening, a listener that closes at once, a stand-in whose
Accept is wrong... The ones that need a proxy in between are in test_probe_nginx.py.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import parsers
from support.fas import FasStandIn
from support.fixtures import Pki, fas, pki  # noqa: F401  (fixtures)
from support.loopback import free_address

from linter.core.fas import GATEWAY_WS, WS_QUERY
from linter.app.probe import ProbeArgs, ProbeUsageError, run_probe, tls_reason

ROOT = Path(__file__).resolve().parents[2]


def url(host: str, port: int = 8080, tls: bool = False, path: str = GATEWAY_WS) -> str:
    return f"{'wss' if tls else 'ws'}://{host}:{port}{path}?{WS_QUERY.get(path, 'appkey=x')}"


def probe_json(**kw) -> tuple[int, dict]:
    """Run the probe in-process with --format json; (exit status, document)."""
    out, err = io.StringIO(), io.StringIO()
    kw.setdefault("timeout", 3.0)
    code = run_probe(ProbeArgs(format="json", **kw), out, err)
    return code, json.loads(out.getvalue())


def probe_text(**kw) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    kw.setdefault("timeout", 3.0)
    code = run_probe(ProbeArgs(format="text", **kw), out, err)
    return code, out.getvalue()


def steps(doc: dict, attempt: int = 0) -> dict[str, dict]:
    return {s["step"]: s for s in doc["attempts"][attempt]["steps"]}


# ----------------------------------------------------------------------------- success

def test_ok_on_plain_ws_reports_every_step(fas):
    code, doc = probe_json(url=url(fas.hosts[0]), origin="https://app.example.com", header=["X-Probe: 1"])
    assert code == 0 and doc["ok"] is True and doc["symptom"] is None, doc
    assert list(doc) == ["version", "tool", "url", "ok", "symptom", "reason", "console", "detail", "attempts",
                         "hints", "causes"]
    assert doc["version"] == 1 and doc["tool"]["name"] == "wsproxylint" and doc["console"] is None
    assert list(doc["attempts"][0]) == ["attempt", "ok", "symptom", "reason", "detail", "status", "protocol",
                                        "headers", "steps"]
    assert doc["attempts"][0]["protocol"] == "http/1.1"
    s = steps(doc)
    assert list(s) == ["dns", "tcp", "http", "upgrade", "accept", "echo"]
    assert all(step["ok"] for step in s.values())
    for timed in ("dns", "tcp", "http", "echo"):
        assert isinstance(s[timed]["seconds"], float)
    assert s["dns"]["detail"] == f"{fas.hosts[0]} is an address, no lookup"
    assert doc["attempts"][0]["status"] == 101
    seen = fas.exchanges[-1]
    assert seen.status == 101 and seen.target == f"{GATEWAY_WS}?{WS_QUERY[GATEWAY_WS]}"
    assert seen.headers["origin"] == "https://app.example.com" and seen.headers["x-probe"] == "1"


def test_a_name_is_resolved_and_its_address_dialled():
    # localhost is the one name every machine resolves; the stand-in takes a free port on it
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with FasStandIn(("127.0.0.1",), plain_port=port) as fas:
        code, doc = probe_json(url=url("localhost", port))
    assert code == 0, doc
    s = steps(doc)
    assert s["dns"]["detail"].startswith("localhost -> ") and "127.0.0.1" in s["dns"]["detail"]
    assert s["tcp"]["detail"] == f"connected to 127.0.0.1:{port}"
    assert fas.exchanges[-1].headers["host"] == f"localhost:{port}"


def test_header_replaces_the_browser_header_of_the_same_name(fas):
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    code, doc = probe_json(url=url(fas.hosts[0]), header=["host: gw.example.com", "sec-websocket-key: " + key])
    assert code == 0, doc
    seen = fas.exchanges[-1].headers
    assert seen["host"] == "gw.example.com" and seen["sec-websocket-key"] == key  # one of each, not two
    assert doc["attempts"][0]["headers"]["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_ok_on_wss_with_the_private_ca(fas, pki):
    code, doc = probe_json(url=url(fas.hosts[0], 8443, tls=True), ca=str(pki.ca.cert))
    assert code == 0 and doc["ok"], doc
    assert steps(doc)["tls"]["ok"] and "certificate valid" in steps(doc)["tls"]["detail"]


def test_repeat_makes_that_many_attempts(fas):
    code, doc = probe_json(url=url(fas.hosts[0]), repeat=3)
    assert code == 0 and [a["attempt"] for a in doc["attempts"]] == [1, 2, 3]
    assert sum(1 for e in fas.exchanges if e.status == 101) == 3


def test_hold_keeps_a_quiet_call_and_then_echoes(fas):
    code, doc = probe_json(url=url(fas.hosts[0]), hold=1.0)
    assert code == 0, doc
    s = steps(doc)
    assert s["hold"]["ok"] and s["hold"]["seconds"] >= 1.0 and s["echo"]["ok"]


def test_warm_loads_pages_on_held_connections_first(fas):
    code, doc = probe_json(url=url(fas.hosts[0]), warm=True)
    assert code == 0, doc
    assert steps(doc)["warm"]["ok"]
    pages = [e for e in fas.exchanges if e.status == 200]
    assert len(pages) == 6 and {e.target for e in pages} == {"/gateway/"}
    assert len({e.connection for e in pages}) == 3  # three keep-alive connections, two requests each


# ----------------------------------------------------------------------------- failures

def test_name_not_resolved_for_an_invalid_name():
    code, doc = probe_json(url="wss://gw.example.invalid/gateway/websocketcall")
    assert code == 1 and doc["symptom"] == "name-not-resolved", doc
    assert list(steps(doc)) == ["dns"] and not steps(doc)["dns"]["ok"]
    assert doc["console"] == "net::ERR_NAME_NOT_RESOLVED"
    assert doc["causes"] and "resolve" in doc["causes"][0]["title"]


def test_refused_when_nothing_listens():
    host = free_address()
    code, text = probe_text(url=url(host))
    assert code == 1
    assert "result: refused" in text and "console: net::ERR_CONNECTION_REFUSED" in text
    assert "port 8080 is a FAS default port" in text
    assert "  tcp      FAIL" in text


def test_connect_timeout_is_told_apart_from_refused():
    # a listener whose backlog is full drops further SYNs: the browser's ERR_CONNECTION_TIMED_OUT
    host = free_address()
    srv = socket.socket()
    srv.bind((host, 8080))
    srv.listen(0)
    filler = socket.create_connection((host, 8080), timeout=2)
    try:
        code, doc = probe_json(url=url(host), timeout=1.0)
    finally:
        filler.close()
        srv.close()
    assert code == 1 and doc["symptom"] == "refused" and doc["reason"] == "timeout", doc
    assert doc["console"] == "net::ERR_CONNECTION_TIMED_OUT"
    assert "dropped" in doc["causes"][0]["title"]


@pytest.fixture
def closing_listener() -> Iterator[str]:
    """Accepts every connection and closes it at once: the browser's ERR_CONNECTION_RESET
    / ERR_EMPTY_RESPONSE."""
    host = free_address()
    srv = socket.socket()
    srv.bind((host, 8080))
    srv.listen(8)
    srv.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield host
    stop.set()
    t.join(2)
    srv.close()


def test_reset_when_the_server_closes_without_an_answer(closing_listener):
    code, doc = probe_json(url=url(closing_listener))
    assert code == 1 and doc["symptom"] == "reset", doc
    s = steps(doc)
    assert s["tcp"]["ok"] and not s["http"]["ok"] and "no response" in s["http"]["detail"]
    assert doc["console"] == "net::ERR_CONNECTION_RESET"


def test_tls_error_untrusted_certificate_without_ca_and_ok_with_insecure(fas):
    code, doc = probe_json(url=url(fas.hosts[0], 8443, tls=True))
    assert code == 1 and doc["symptom"] == "tls-error" and doc["reason"] == "untrusted-certificate", doc
    assert doc["console"] == "net::ERR_CERT_AUTHORITY_INVALID"
    assert doc["causes"][0]["title"].startswith("The certificate does not chain to a CA the client trusts")
    assert not any("plain" in c["title"] or c["rules"] for c in doc["causes"])  # a certificate was presented
    code, doc = probe_json(url=url(fas.hosts[0], 8443, tls=True), insecure=True)
    assert code == 0 and "not verified" in steps(doc)["tls"]["detail"]


def test_tls_error_protocol_when_wss_meets_a_plain_port(fas):
    code, text = probe_text(url=url(fas.hosts[0], 8080, tls=True))
    assert code == 1
    assert "result: tls-error (protocol-error)" in text and "console: net::ERR_SSL_PROTOCOL_ERROR" in text
    assert "port 8080 is FAS's plain HTTP port" in text


def test_tls_error_name_mismatch(pki, tmp_path):
    host = free_address()
    other = pki.ca.issue(tmp_path, "other", ("other.example.net",))
    with FasStandIn((host,), other.cert, other.key):
        code, doc = probe_json(url=url(host, 8443, tls=True), ca=str(pki.ca.cert))
    assert code == 1 and doc["symptom"] == "tls-error" and doc["reason"] == "name-mismatch", doc
    assert doc["console"] == "net::ERR_CERT_COMMON_NAME_INVALID"


def test_tls_error_expired_certificate(pki, tmp_path):
    host = free_address()
    leaf = expired_leaf(pki, tmp_path, host)
    with FasStandIn((host,), leaf[0], leaf[1]):
        code, doc = probe_json(url=url(host, 8443, tls=True), ca=str(pki.ca.cert))
    assert code == 1 and doc["reason"] == "expired-certificate", doc
    assert doc["console"] == "net::ERR_CERT_DATE_INVALID"


def expired_leaf(pki: Pki, directory: Path, host: str) -> tuple[Path, Path]:
    """A certificate for ``host`` signed by the test CA that expired in 2020 (``openssl ca``
    is the one OpenSSL 3.0 tool that takes explicit dates)."""
    d = directory / "expired"
    d.mkdir()
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    cnf = d / "ca.cnf"
    cnf.write_text(f"[ca]\ndefault_ca=CA\n[CA]\ndatabase={d / 'index.txt'}\nserial={d / 'serial'}\n"
                   f"new_certs_dir={d}\ndefault_md=sha256\npolicy=any\ncopy_extensions=copy\n"
                   "[any]\ncommonName=supplied\n")
    key, csr, crt = d / "leaf.key", d / "leaf.csr", d / "leaf.crt"

    def run(*a: object) -> None:
        subprocess.run(["openssl", *map(str, a)], check=True, capture_output=True, timeout=30)

    run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
        "-out", csr, "-subj", f"/CN={host}", "-addext", f"subjectAltName=IP:{host}")
    run("ca", "-batch", "-config", cnf, "-cert", pki.ca.cert, "-keyfile", pki.ca.key, "-in", csr, "-out", crt,
        "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-notext")
    return crt, key


def test_status_302_when_fas_refuses_a_bad_upgrade(fas):
    # an upgrade with a version FAS does not speak: FAS answers it as a plain GET
    code, doc = probe_json(url=url(fas.hosts[0]), header=["Sec-WebSocket-Version: 8"])
    assert code == 1 and doc["symptom"] == "status:302", doc
    assert doc["attempts"][0]["headers"]["location"] == "/gateway/index.html"
    assert doc["console"] == "Error during WebSocket handshake: Unexpected response code: 302"
    assert any(c["rules"] for c in doc["causes"])  # the table names the rules that catch it in a config


def test_incorrect_accept_is_a_missing_accept_symptom(pki):
    host = free_address()
    with FasStandIn((host,), wrong_accept=True):
        code, doc = probe_json(url=url(host))
    assert code == 1 and doc["symptom"] == "missing-accept" and doc["reason"] == "incorrect-accept", doc
    assert doc["console"] == "Error during WebSocket handshake: Incorrect 'Sec-WebSocket-Accept' header value"
    s = steps(doc)
    assert s["upgrade"]["ok"] and not s["accept"]["ok"] and "echo" not in s


def test_tls_reason_reads_openssl_words():
    assert tls_reason("certificate not accepted: self-signed certificate") == "untrusted-certificate"
    assert tls_reason("certificate not accepted: unable to get local issuer certificate") == "untrusted-certificate"
    assert tls_reason("certificate not accepted: certificate has expired") == "expired-certificate"
    assert tls_reason("certificate not accepted: Hostname mismatch, certificate is not valid for 'a'.") \
        == "name-mismatch"
    assert tls_reason("TLS handshake failed: [SSL: WRONG_VERSION_NUMBER] wrong version number") == "protocol-error"


# ----------------------------------------------------------------------------- usage

@pytest.mark.parametrize("kw, message", [
    ({"url": "https://gw.example.com/gateway/websocketcall"}, "expected ws:// or wss://"),
    ({"url": "wss:///gateway/websocketcall"}, "no host"),
    ({"url": "wss://gw.example.com:99999/"}, "bad port"),
    ({"url": "wss://gw.example.com/", "ca": "/nonexistent/ca.pem"}, "--ca"),
    ({"url": "wss://gw.example.com/", "config": "/nonexistent/nginx.conf"}, "--config"),
    ({"url": "wss://gw.example.com/", "header": ["no colon"]}, "--header"),
    ({"url": "wss://gw.example.com/", "repeat": 0}, "--repeat"),
    ({"url": "wss://gw.example.com/", "timeout": 0}, "--timeout"),
    ({"url": "wss://gw.example.com/", "format": "xml"}, "--format"),
])
def test_bad_usage_is_refused_before_any_network(kw, message):
    with pytest.raises(ProbeUsageError, match=message.replace("/", r"\/")):
        run_probe(ProbeArgs(**kw), io.StringIO(), io.StringIO())


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linter", "probe", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)


def test_cli_exit_statuses(fas):
    ok = cli(url(fas.hosts[0]), "--format", "json", "--header", "X-A: 1", "--header", "X-B: 2")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    assert fas.exchanges[-1].headers["x-a"] == "1" and fas.exchanges[-1].headers["x-b"] == "2"
    failed = cli(url(fas.hosts[0], 8443), "--timeout", "2")  # plain HTTP to FAS's TLS port
    assert failed.returncode == 1 and "result: reset" in failed.stdout, failed.stdout
    helped = cli("--help")
    assert helped.returncode == 0 and all(o in helped.stdout for o in ("--hold", "--warm", "--repeat", "--ca"))
    usage = cli("http://gw.example.com/")
    assert usage.returncode == 2 and "expected ws:// or wss://" in usage.stderr and not usage.stdout


# ----------------------------------------------------------------------------- --config, any dialect

def finding(rule: str, dialect: str, line: int, symptom: str | None, ws_path: str | None = GATEWAY_WS):
    from linter.core.findings import Finding
    from linter.core.tree import Loc

    return Finding(rule, rule.lower(), "error", dialect, Loc("proxy.conf", line), "m", symptom, "fix",
                   "0.0.0.0:443 tls", ws_path)


@pytest.mark.parametrize("dialect", parsers.names())
def test_findings_predicting_the_observed_symptom_come_first_in_every_dialect(dialect):
    from linter.app.probe import order_findings

    fs = [finding("WSP301", dialect, 3, "status:404", "/assistserver/topic"),
          finding("WSP401", dialect, 5, "idle-disconnect"),
          finding("WSP201", dialect, 9, "status:302", "/assistserver/topic"),
          finding("WSP101", dialect, 12, "status:302"),
          finding("WSP001", dialect, 1, None, None)]
    ordered, matching = order_findings(fs, "status:302", GATEWAY_WS)
    assert matching == 2
    # matching first, the probed URL's before another URL's; then the rest, the probed URL's
    # (and those on no URL) first, each group by line
    assert [f.rule for f in ordered] == ["WSP101", "WSP201", "WSP001", "WSP401", "WSP301"]
    ordered, matching = order_findings(fs, None, GATEWAY_WS)
    assert matching == 0 and [f.rule for f in ordered][:2] == ["WSP001", "WSP401"]


def test_probe_reads_an_apache_config_given_with_it(fas, tmp_path):
    conf = tmp_path / "httpd.conf"
    conf.write_text("<VirtualHost *:443>\n  ProxyPass /gateway/ http://10.20.0.11:8080/gateway/\n</VirtualHost>\n")
    out, err = io.StringIO(), io.StringIO()
    code = run_probe(ProbeArgs(url=url(fas.hosts[0]), config=str(conf), format="json"), out, err)
    doc = json.loads(out.getvalue())
    assert code == 0 and doc["ok"]
    assert doc["config"]["files"] == [{"path": str(conf), "dialect": "apache"}]

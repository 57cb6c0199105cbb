"""`--fas-backend`: a catch-all route to FAS on a port that is not FAS's default is checked
once the backend is named, and the verdict holds on the real HAProxy (2.6) in front of the
FAS stand-in listening on that port."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.fas import FasStandIn
from support.fixtures import cannot_run
from support.loopback import free_address
from support.probe_proxies import front_ports, haproxy_binary, render_haproxy, running_haproxy

from linter.app.handshake import Target, handshake
from linter.core.fas import DEFAULT_WS_PATHS, WS_QUERY
from linter.core.options import Options
from linter.engine.runner import run

PLAIN, _ = front_ports()
APP_PORT = 18000  # FAS behind a port no default names


@pytest.fixture
def fas_on_app_port():
    if haproxy_binary() is None:
        cannot_run("HAProxy is not installed (Debian: apt-get install haproxy)")
    with FasStandIn((free_address((APP_PORT,)),), plain_port=APP_PORT) as fas:
        yield fas


def site(tmp_path: Path, fas: FasStandIn, rules: str) -> tuple[str, Path]:
    front = free_address((PLAIN,))
    body = (
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n"
        "    timeout tunnel 1h\n\n"
        f"frontend fe\n    bind {front}:{PLAIN}\n{rules}    default_backend be_app\n\n"
        f"backend be_app\n    server app1 {fas.hosts[0]}:{APP_PORT}\n"
    )
    return front, render_haproxy(tmp_path / "haproxy", body)


def observed(front: str) -> dict[str, str]:
    out = {}
    for ws in DEFAULT_WS_PATHS:
        url = f"ws://gw.example.com{ws}?{WS_QUERY[ws]}"
        out[ws] = handshake(Target(url, address=(front, PLAIN), timeout=10.0)).symptom
    return out


def predicted(conf: Path, *named: str) -> dict[str, set[str | None]]:
    report = run([str(conf)], Options(fas_backends=named))
    out: dict[str, set[str | None]] = {ws: set() for ws in DEFAULT_WS_PATHS}
    for f in report.findings:
        for ws in f.ws_paths:  # one finding per cause names every URL it breaks
            if ws in out and f.severity == "error":
                out[ws].add(f.symptom)
    return out


def test_a_named_backend_on_another_port_gets_the_verdict_the_proxy_shows(tmp_path, fas_on_app_port):
    front, conf = site(tmp_path, fas_on_app_port, "    http-request del-header Connection\n")
    with running_haproxy(conf, [(front, PLAIN)]):
        seen = observed(front)
    assert seen == {ws: "status:302" for ws in DEFAULT_WS_PATHS}
    # not named: nothing says it is FAS (the port is no FAS port, no route names a FAS path)
    assert predicted(conf) == {ws: set() for ws in DEFAULT_WS_PATHS}
    assert predicted(conf, "be_app") == {ws: {"status:302"} for ws in DEFAULT_WS_PATHS}
    assert predicted(conf, f"{fas_on_app_port.hosts[0]}:{APP_PORT}") == {ws: {"status:302"} for ws in DEFAULT_WS_PATHS}


def test_a_named_backend_that_works_stays_quiet(tmp_path, fas_on_app_port):
    front, conf = site(tmp_path, fas_on_app_port, "")
    with running_haproxy(conf, [(front, PLAIN)]):
        seen = observed(front)
    assert set(seen.values()) == {"ok"}
    assert predicted(conf, "be_app") == {ws: set() for ws in DEFAULT_WS_PATHS}

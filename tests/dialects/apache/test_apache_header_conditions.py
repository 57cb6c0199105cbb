"""Apache `RequestHeader ... env=|expr=`: the condition is a fact on the header op, decided
per websocket URL in the planning step (mod_headers tests it on each request)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.model import Request
from linter.core.options import Options
from linter.engine.runner import run
from parsers.apache.interpret import header_condition

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samples/apache/bad-request-header-unset-upgrade.conf"
LINE = "    RequestHeader unset Upgrade\n"


def urls_flagged(tmp_path: Path, line: str) -> dict[str, set[str]]:
    text = SAMPLE.read_text()
    assert LINE in text
    conf = tmp_path / "apache2.conf"
    conf.write_text(text.replace(LINE, line))
    out: dict[str, set[str]] = {}
    for f in run([str(conf)], Options()).findings:
        for ws in f.ws_paths:  # one finding per cause names every URL it breaks
            out.setdefault(f.rule, set()).add(ws)
    return out


@pytest.mark.parametrize(
    "line,broken",
    [
        ('    RequestHeader unset Upgrade "expr=%{REQUEST_URI} =~ m#^/assistserver/#"\n', {"/assistserver/topic"}),
        ("    RequestHeader unset Upgrade expr=%{REQUEST_URI}=~/websocketcall$/\n", {"/gateway/websocketcall"}),
        ('    RequestHeader unset Upgrade "expr=%{REQUEST_URI} !~ m#^/gateway/#"\n', {"/assistserver/topic"}),
        (
            "    RequestHeader unset Upgrade \"expr=%{HTTP:Upgrade} == 'websocket'\"\n",
            {"/gateway/websocketcall", "/assistserver/topic"},
        ),
        ("    RequestHeader unset Upgrade env=!HTTPS\n", set()),  # the vhost is TLS: never applies
        ("    RequestHeader unset Upgrade env=HTTPS\n", {"/gateway/websocketcall", "/assistserver/topic"}),
    ],
)
def test_conditional_unset_upgrade_breaks_only_the_urls_it_holds_for(tmp_path, line, broken):
    got = urls_flagged(tmp_path, line)
    assert got.get("WSP101", set()) == broken
    assert got.get("WSP102", set()) == broken  # mod_proxy_http then writes no Connection: Upgrade either


def test_a_condition_that_cannot_be_decided_is_unknown():
    req = Request("/gateway/websocketcall", "", "https", {"upgrade": "websocket"})
    cond = header_condition("expr=-R '10.0.0.0/8'")
    assert cond is not None and cond.evaluate(req) is None
    env = header_condition("env=no_ws")
    assert env is not None and env.evaluate(req) is None
    assert header_condition("early") is None

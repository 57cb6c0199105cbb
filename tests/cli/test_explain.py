"""``explain`` and its table (linter/app/console_errors.py; the symptoms come from linter/core/symptoms.py): what pasted text maps to, every rule
filed under the console errors its findings carry, causes no config can show, the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from linter.app.console_errors import Cause, ConsoleError, all_errors, for_symptom, lookup, rule_symptoms
from linter.app.report import console_text
from linter.core.options import Options
from linter.core.symptoms import SYMPTOMS
from linter.engine.registry import all_rules, examples_of
from linter.engine.runner import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text,symptom", [
    ("Error during WebSocket handshake: Unexpected response code: 302", "status:302"),
    ("WebSocket connection to 'wss://gw.example.com/gateway/websocketcall?appkey=FWGW-1' failed: "
     "Error during WebSocket handshake: Unexpected response code: 503", "status:503"),
    ("302", "status:302"),
    (" 403 ", "status:403"),
    ("status:502", "status:502"),
    ("ERR_CONNECTION_RESET", "reset"),
    ("net::ERR_CONNECTION_REFUSED", "refused"),
    ("WebSocket connection to 'wss://x/gateway/websocketcall' failed: net::ERR_NAME_NOT_RESOLVED",
     "name-not-resolved"),
    ("net::ERR_NETWORK_CHANGED", "network-changed"),
    ("net::ERR_SSL_PROTOCOL_ERROR", "tls-error"),
    ("Sec-WebSocket-Accept", "missing-accept"),
    ("Error during WebSocket handshake: 'Sec-WebSocket-Accept' header is missing", "missing-accept"),
    ("WebSocket is closed before the connection is established.", "reset"),
    ("idle-disconnect", "idle-disconnect"),
])
def test_lookup_finds_the_symptom_first(text, symptom):
    found = lookup(text)
    assert found and found[0].symptom == symptom, [e.symptom for e in found]


@pytest.mark.parametrize("symptom", [*SYMPTOMS, "status:302", "status:503"])
def test_explain_and_the_reporters_word_a_symptom_alike_and_explain_reads_it_back(symptom):
    entry = for_symptom(symptom)
    assert entry is not None and entry.console == console_text(symptom)
    assert lookup(entry.console)[0].symptom == symptom


@pytest.mark.parametrize("symptom,code", [(s.id, c) for s in SYMPTOMS.values() for c in s.codes])
def test_every_code_of_the_table_names_its_symptom(symptom, code):
    assert symptom in [e.symptom for e in lookup(f"net::{code}")]


def test_lookup_of_nothing_known():
    assert lookup("hello world") == []


def test_any_status_has_an_entry():
    entry = for_symptom("status:418")
    assert entry is not None and entry.console.endswith("Unexpected response code: 418") and entry.causes
    assert for_symptom("not-a-symptom") is None


def test_public_types_are_frozen_dataclasses():
    entry = for_symptom("status:302")
    assert isinstance(entry, ConsoleError) and all(isinstance(c, Cause) for c in entry.causes)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.symptom = "x"  # type: ignore[misc]


def test_every_rule_appears_under_at_least_one_console_error():
    filed = {rid for e in all_errors() for c in e.causes for rid in c.rules}
    assert {r.id for r in all_rules()} <= filed


def test_rule_causes_come_from_the_registry():
    ids = {r.id for r in all_rules()}
    for e in all_errors():
        for c in e.causes:
            assert set(c.rules) <= ids, (e.symptom, c)
            assert c.title and c.check


def _emitted() -> dict[str, set[str]]:
    """Symptoms each rule's findings carry on every sample and every rule example."""
    out: dict[str, set[str]] = {}
    inputs: list[tuple[str, str]] = []
    for d in sorted((ROOT / "samples").iterdir()):
        if d.is_dir():
            inputs += [(str(p), "auto") for p in sorted(d.iterdir()) if p.name != "README.md"]
    for p, dialect in inputs:
        for f in run([p], Options(dialect=dialect)).findings:
            if f.symptom:
                out.setdefault(f.rule, set()).add(f.symptom)
    return out


def test_rules_are_filed_under_every_symptom_their_findings_carry(tmp_path):
    emitted = _emitted()
    for rule in all_rules():
        for dialect, ex in examples_of(rule).items():
            path = tmp_path / f"{rule.id}-{dialect}.conf"
            path.write_text(ex.bad)
            for f in run([str(path)], Options(dialect=dialect)).findings:
                if f.symptom:
                    emitted.setdefault(f.rule, set()).add(f.symptom)
    for rule in all_rules():
        missing = emitted.get(rule.id, set()) - set(rule_symptoms(rule))
        assert not missing, (f"{rule.id} findings carry {sorted(missing)}, which neither its console text nor "
                             f"its `symptoms` names: explain would not list it there")
        for s in rule_symptoms(rule):
            assert any(rule.id in c.rules for c in for_symptom(s).causes)


@pytest.mark.parametrize("symptom,words", [
    ("refused", "not running"),
    ("status:503", "restarting"),
    ("status:403", "session token"),
    ("name-not-resolved", "resolve"),
    ("network-changed", "network changed"),
    ("tls-error", "TLS"),
    ("status:502", "FAS is down"),
])
def test_causes_no_config_can_show(symptom, words):
    entry = for_symptom(symptom)
    outside = [c for c in entry.causes if not c.rules]
    assert any(words.lower() in c.title.lower() for c in outside), [c.title for c in outside]


def test_explain_cli_text(cli):
    r = cli("explain", "Error during WebSocket handshake: Unexpected response code: 302")
    assert r.code == 0
    assert r.out.startswith("Error during WebSocket handshake: Unexpected response code: 302  [status:302]")
    assert "detected in a config by WSP101" in r.out
    assert "no config shows this" in r.out


def test_explain_cli_json(cli):
    r = cli("explain", "--format", "json", "ERR_CONNECTION_REFUSED")
    doc = json.loads(r.out)
    assert doc["query"] == "ERR_CONNECTION_REFUSED"
    (err,) = doc["errors"]
    assert err["symptom"] == "refused" and err["console"] == "net::ERR_CONNECTION_REFUSED"
    assert any("WSP001" in c["rules"] for c in err["causes"])
    assert any(c["rules"] == [] for c in err["causes"])


def test_explain_unknown_text_exits_1(cli):
    r = cli("explain", "everything is fine")
    assert r.code == 1 and r.out == "" and "no known console error" in r.err

"""Output formats: SARIF against the official schema, GitHub annotations and their escaping,
text with the source line and caret, colour and progress only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _util import AMBIENT, write
from linter.core.findings import Finding, Related
from linter.app.report.github import escape_data, escape_property
from linter.app.report.github import render as github_render
from linter.app.report.text import excerpt
from linter.engine.registry import all_rules
from linter.engine.runner import Report
from linter.core.tree import Loc

DATA = Path(__file__).resolve().parents[1] / "data"

# a location's own proxy_set_header drops the server-level Upgrade and Connection (29 -> 24, 25)
SHADOWED = """\
events {}
http {
    server {
        listen 443 ssl;
        ssl_certificate /etc/ssl/gw.pem;
        ssl_certificate_key /etc/ssl/gw.key;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        location /gateway/ {
            proxy_set_header X-Real-IP $remote_addr;
            proxy_http_version 1.1;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
        location /assistserver/ {
            proxy_http_version 1.1;
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""


@pytest.fixture()
def shadowed(tmp_path: Path) -> Path:
    write(tmp_path, "conf/nginx.conf", SHADOWED)
    return tmp_path


# ----------------------------------------------------------------------------- SARIF

@pytest.fixture(scope="module")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_against_the_official_schema(cli, shadowed, sarif_validator):
    r = cli("check", "--format", "sarif", "conf/nginx.conf", cwd=shadowed)
    assert r.code == 1
    doc = json.loads(r.out)
    errors = sorted(sarif_validator.iter_errors(doc), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1


def test_sarif_rules_carry_help_and_default_levels(cli, shadowed):
    doc = json.loads(cli("check", "--format", "sarif", "conf/nginx.conf", cwd=shadowed).out)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    by_id = {r["id"]: r for r in rules}
    for rule in all_rules():
        entry = by_id[rule.id]
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] == rule.summary
        assert rule.why in entry["help"]["text"] and rule.fix in entry["help"]["text"]
        assert rule.summary in entry["help"]["markdown"]
        assert entry["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                          "info": "note"}[rule.severity]


def test_sarif_results_one_per_finding_with_relative_and_related_locations(cli, shadowed):
    js = json.loads(cli("check", "--format", "json", "conf/nginx.conf", cwd=shadowed).out)
    doc = json.loads(cli("check", "--format", "sarif", "conf/nginx.conf", cwd=shadowed).out)
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == shadowed.resolve().as_uri() + "/"
    results = run["results"]
    assert len(results) == len(js["findings"])
    for res, f in zip(results, js["findings"]):
        assert res["ruleId"] == f["rule"]
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == f["rule"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "conf/nginx.conf", "uriBaseId": "SRCROOT"}
        assert loc["region"]["startLine"] == f["line"]
        assert res["message"]["text"].startswith(f["message"])
        assert res["properties"]["symptom"] == f["symptom"]
        related = res.get("relatedLocations", [])
        assert [(r["physicalLocation"]["region"]["startLine"], r["message"]["text"]) for r in related] == \
               [(r["line"], r["message"]) for r in f["related"]]
    upgrade = next(r for r in results if r["ruleId"] == "WSP101")
    assert upgrade["locations"][0]["physicalLocation"]["region"]["startLine"] == 10
    assert upgrade["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 7
    # stable across runs
    again = json.loads(cli("check", "--format", "sarif", "conf/nginx.conf", cwd=shadowed).out)
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == \
           [r["partialFingerprints"] for r in results]


def test_sarif_clean_config_has_no_results(cli, tmp_path, sarif_validator):
    write(tmp_path, "nginx.conf", SHADOWED.replace("proxy_set_header X-Real-IP $remote_addr;", "")
          .replace("location /assistserver/ {", "location /assistserver/ {\n proxy_set_header Upgrade "
                   "$http_upgrade;\n proxy_set_header Connection upgrade;"))
    r = cli("check", "--format", "sarif", "nginx.conf", cwd=tmp_path)
    doc = json.loads(r.out)
    assert not list(sarif_validator.iter_errors(doc))
    assert doc["runs"][0]["results"] == [], r.out
    assert r.code == 0


# ----------------------------------------------------------------------------- github

def test_github_escaping_follows_actions_core():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotation_escapes_path_title_and_message():
    f = Finding(rule="WSP101", name="upgrade-not-forwarded", severity="warning", dialect="nginx",
                loc=Loc("conf/a,b:c.conf", 7), message="50% of\nlines", symptom="status:302", fix="do x, y",
                related=[Related(Loc("conf/a,b:c.conf", 3), "set here")])
    out = github_render(Report(findings=[f])).splitlines()[0]
    assert out == ("::warning file=conf/a%2Cb%3Ac.conf,line=7,title=WSP101 upgrade-not-forwarded::"
                   "50%25 of%0Alines%0Aconsole: Error during WebSocket handshake: Unexpected response code: 302"
                   "%0Afix: do x, y%0Asee: conf/a,b:c.conf:3: set here")


def test_github_format_is_automatic_under_github_actions(cli, shadowed):
    auto = cli("check", "conf/nginx.conf", cwd=shadowed, env={"GITHUB_ACTIONS": "true"})
    assert auto.code == 1
    *lines, checked, summary = auto.out.splitlines()  # annotations, then the text summary
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), auto.out
    assert checked.startswith("Checked ") and summary.startswith("Found ") and summary.endswith("1 file read.")
    assert "::error file=conf/nginx.conf,line=10,title=WSP101 upgrade-not-forwarded::" in auto.out
    # an explicit --format wins
    js = cli("check", "--format", "json", "conf/nginx.conf", cwd=shadowed, env={"GITHUB_ACTIONS": "true"})
    assert json.loads(js.out)["findings"]
    # not under GitHub Actions: text
    assert cli("check", "conf/nginx.conf", cwd=shadowed).out.startswith("conf/nginx.conf:")


# ----------------------------------------------------------------------------- text

def test_excerpt_points_at_the_directive_or_the_column():
    assert excerpt("        proxy_pass http://x;", None) == ("proxy_pass http://x;", "^^^^^^^^^^")
    assert excerpt("\tproxy_pass http://x;", 16) == ("proxy_pass http://x;", " " * 11 + "^")


def test_text_shows_source_line_caret_and_summary(cli, shadowed):
    r = cli("check", "conf/nginx.conf", cwd=shadowed)
    lines = r.out.splitlines()
    i = lines.index(next(line for line in lines if line.startswith("conf/nginx.conf:10: error WSP101")))
    assert lines[i + 1] == "     10 | proxy_set_header X-Real-IP $remote_addr;"
    assert lines[i + 2] == "        | ^^^^^^^^^^^^^^^^"
    assert re.fullmatch(r"Found \d+ errors?(, \d+ warnings?)? in 1 file read\.", lines[-1]), lines[-1]
    assert "\x1b[" not in r.out


def _on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run with stdout and stderr on a pseudo-terminal; everything written to it."""
    full_env = {k: v for k, v in os.environ.items() if k not in AMBIENT}
    full_env.update(env)
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "linter", *args], cwd=cwd, stdout=slave, stderr=slave,
                         stdin=subprocess.DEVNULL, env=full_env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_colour_on_a_terminal_unless_no_color(shadowed):
    coloured = _on_terminal(["check", "conf/nginx.conf"], shadowed, {})
    assert "\x1b[1;31merror\x1b[0m" in coloured
    plain = _on_terminal(["check", "conf/nginx.conf"], shadowed, {"NO_COLOR": "1"})
    assert "conf/nginx.conf:10: error WSP101" in plain and "\x1b[" not in plain


def test_progress_on_a_terminal_for_many_files_only(cli, tmp_path):
    for i in range(25):
        write(tmp_path, f"sites/s{i:02}-nginx.conf", "server {\n    listen 80;\n}\n")
    shown = _on_terminal(["check", "--format", "json", "sites"], tmp_path, {})
    assert "[25/25]" in shown
    piped = cli("check", "--format", "json", "sites", cwd=tmp_path)
    assert "[1/25]" not in piped.err and json.loads(piped.out)["files"]
    few = _on_terminal(["check", "--format", "json", "sites/s01-nginx.conf"], tmp_path, {})
    assert "[1/1]" not in few


def test_sarif_for_every_sample_is_valid(cli, sarif_validator):
    """Many findings, related lines in included files, fragments: still the schema."""
    root = Path(__file__).resolve().parents[2]
    r = cli("check", "--format", "sarif", "samples", cwd=root)
    doc = json.loads(r.out)
    errors = list(sarif_validator.iter_errors(doc))
    assert not errors, errors[0].message
    results = doc["runs"][0]["results"]
    assert len(results) > 20 and any("relatedLocations" in res for res in results)
    for res in results:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri["uriBaseId"] == "SRCROOT" and uri["uri"].startswith("samples/")


def test_sarif_artifacts_unique_when_two_entry_points_share_a_file(cli, tmp_path, sarif_validator):
    shared = "location /gateway/ {\n    proxy_pass http://127.0.0.1:8080;\n}\n"
    write(tmp_path, "shared/gw.conf", shared)
    for name in ("a", "b"):
        write(tmp_path, f"{name}/nginx.conf", "events {}\nhttp {\n    server {\n        listen 80;\n"
                                              "        include ../shared/gw.conf;\n    }\n}\n")
    doc = json.loads(cli("check", "--format", "sarif", "a/nginx.conf", "b/nginx.conf", cwd=tmp_path).out)
    assert not list(sarif_validator.iter_errors(doc))
    uris = [a["location"]["uri"] for a in doc["runs"][0]["artifacts"]]
    assert sorted(uris) == ["a/nginx.conf", "b/nginx.conf", "shared/gw.conf"]


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "nginx"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no ../shared/corpus here")
def test_every_format_over_the_real_world_corpus(cli, sarif_validator, tmp_path):
    """~700 configs written by others, one run per format: no traceback, SARIF valid, one
    GitHub annotation per JSON finding."""
    runs = {fmt: cli("check", "--format", fmt, str(CORPUS), cwd=tmp_path) for fmt in ("json", "sarif", "github",
                                                                                     "text")}
    for fmt, r in runs.items():
        assert r.code in (0, 1), (fmt, r.err[-500:])
    findings = json.loads(runs["json"].out)["findings"]
    sarif = json.loads(runs["sarif"].out)
    assert not list(sarif_validator.iter_errors(sarif))
    assert len(sarif["runs"][0]["results"]) == len(findings)
    annotations = [line for line in runs["github"].out.splitlines() if line.startswith("::")]
    assert len(annotations) == len(findings)  # then the summary lines
    assert runs["text"].out.rstrip().splitlines()[-1].startswith("Found ")

"""What a CI gate needs of ``check`` and its neighbours (issue 17 items 2, 3, 5, 6): no
accidental green, settings found per input, CI outputs that lose nothing, and the small
conventions (version, rule prefixes, explain's browser lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _util import write

from linter import __version__

# Upgrade headers not forwarded: WSP101/WSP102 errors at the location
BROKEN = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""


@pytest.fixture
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    write(tmp_path, "nginx.conf", BROKEN)
    return tmp_path


# ----------------------------------------------------------------------------- item 2


def test_a_path_without_config_is_exit_2_naming_it(cli, tmp_path):
    (tmp_path / "deploy").mkdir()
    write(tmp_path, "deploy/README.txt", "not a config\n")
    r = cli("check", "deploy", cwd=tmp_path)
    assert r.code == 2
    assert "config found in deploy" in r.err
    assert "No problems found" not in r.out and "No config checked" in r.out


def test_an_explicit_excluded_file_says_it_is_excluded(cli, broken):
    write(broken, ".wsproxylint.toml", 'exclude = ["nginx.conf"]\n')
    r = cli("check", "nginx.conf", cwd=broken)
    assert r.code == 0, r.err  # pre-commit hands excluded files over: skipping them is no failure
    assert "skipped nginx.conf: excluded by the exclude setting of" in r.err
    assert "config found" not in r.err


# ----------------------------------------------------------------------------- item 3


def test_settings_are_found_from_the_input_not_the_working_directory(cli, broken, tmp_path_factory):
    write(broken, ".wsproxylint.toml", 'ignore = ["WSP1"]\n')
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    r = cli("check", "--format", "json", str(broken / "nginx.conf"), cwd=elsewhere)
    rules = {f["rule"] for f in json.loads(r.out)["findings"]}
    assert rules and not any(x.startswith("WSP1") for x in rules), rules
    assert "settings" not in json.loads(r.out)  # one settings file: the contract's object, exactly


def test_inputs_under_different_settings_each_get_theirs_and_the_run_says_which(cli, tmp_path):
    write(tmp_path, "a/nginx.conf", BROKEN)
    write(tmp_path, "a/.wsproxylint.toml", 'ignore = ["WSP101", "WSP102"]\n')
    write(tmp_path, "b/nginx.conf", BROKEN)
    r = cli("check", "--format", "json", "a", "b", cwd=tmp_path)
    doc = json.loads(r.out)
    by_file = {}
    for f in doc["findings"]:
        by_file.setdefault(f["path"].split("/")[0], set()).add(f["rule"])
    assert "WSP101" in by_file["b"] and "WSP101" not in by_file.get("a", set())
    assert doc["settings"] == [{"path": "a/.wsproxylint.toml", "inputs": ["a"]}, {"path": None, "inputs": ["b"]}]
    text = cli("check", "a", "b", cwd=tmp_path)
    assert "Settings: a/.wsproxylint.toml for a" in text.out and "Settings: none for b" in text.out


def test_fail_on_is_judged_per_settings_file(cli, tmp_path):
    write(tmp_path, "a/nginx.conf", BROKEN)
    write(tmp_path, "a/.wsproxylint.toml", 'fail-on = "error"\nselect = ["WSP401"]\n')
    assert cli("check", "a", cwd=tmp_path).code == 0
    write(tmp_path, "b/nginx.conf", BROKEN)
    assert cli("check", "a", "b", cwd=tmp_path).code == 1


# ----------------------------------------------------------------------------- item 5


def test_github_prints_annotations_summary_and_appends_the_step_summary(cli, broken):
    summary = broken / "summary.md"
    summary.write_text("earlier step\n")
    r = cli("check", "--format", "github", "nginx.conf", cwd=broken, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.code == 1
    annotations = [ln for ln in r.out.splitlines() if ln.startswith("::")]
    assert annotations and r.out.splitlines()[-1].startswith("Found 4 errors, 1 warning in 1 file read")
    md = summary.read_text()
    assert md.startswith("earlier step\n### wsproxylint")
    assert md.count("| nginx.conf:") == len(annotations)  # every finding, past GitHub's annotation cap


def test_sarif_fingerprints_never_shared_and_invocation_carries_exit_status(cli, tmp_path, sarif_validator):
    # the same broken location twice in one file: same rule, message, path
    write(tmp_path, "nginx.conf", BROKEN.replace("    server {", "    server {\n        listen 81;", 1))
    write(tmp_path, "dup.conf", "")
    r = cli("check", "--format", "sarif", "nginx.conf", cwd=tmp_path)
    doc = json.loads(r.out)
    assert not list(sarif_validator.iter_errors(doc))
    results = doc["runs"][0]["results"]
    prints = [x["partialFingerprints"]["wsproxylint/v1"] for x in results]
    assert len(prints) == len(set(prints))
    inv = doc["runs"][0]["invocations"][0]
    assert inv == {"executionSuccessful": True, "exitCode": 1, "toolExecutionNotifications": []}
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["helpUri"].endswith(f"docs/rules.md#{rule['id'].lower()}-{rule['name']}")


def test_sarif_fingerprints_of_identical_findings_get_occurrence_numbers():
    from linter.app.report.sarif import fingerprints
    from linter.core.findings import Finding
    from linter.core.tree import Loc

    f = Finding(
        rule="WSP101",
        name="n",
        severity="error",
        dialect="nginx",
        loc=Loc("a.conf", 3),
        message="m",
        symptom=None,
        fix="x",
    )
    g = Finding(
        rule="WSP101",
        name="n",
        severity="error",
        dialect="nginx",
        loc=Loc("a.conf", 9),
        message="m",
        symptom=None,
        fix="x",
    )
    one, two = fingerprints([f, g])
    assert two == f"{one}:2"


def test_sarif_notes_an_unreadable_file_at_its_line(sarif_validator):
    from linter.app.report.sarif import render
    from linter.engine.result import Report

    report = Report(unreadable=[("conf/sites/a.conf:3", "cannot read conf/x.conf: Permission denied")])
    doc = json.loads(render(report, exit_code=2))
    assert not list(sarif_validator.iter_errors(doc))
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and "Permission denied" in note["message"]["text"]
    loc = note["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "conf/sites/a.conf" and loc["region"]["startLine"] == 3


def test_sarif_internal_error_is_a_notification():
    from linter.app.report.sarif import render
    from linter.engine.result import InternalError, Report

    doc = json.loads(render(Report(internal_errors=[InternalError("checks/x.py", "boom")]), exit_code=2))
    note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["level"] == "error" and "internal error in checks/x.py: boom" in note["message"]["text"]


def test_sarif_exit_2_is_visible_with_notifications(cli, tmp_path, sarif_validator):
    (tmp_path / "empty").mkdir()
    r = cli("check", "--format", "sarif", "empty", cwd=tmp_path)
    assert r.code == 2
    doc = json.loads(r.out)
    assert not list(sarif_validator.iter_errors(doc))
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    assert "no config found in empty" in inv["toolExecutionNotifications"][0]["message"]["text"]


def test_concise_format_one_line_per_finding_with_a_column(cli, broken):
    r = cli("check", "--format", "concise", "nginx.conf", cwd=broken)
    *lines, checked, summary = r.out.splitlines()
    assert r.code == 1 and checked.startswith("Checked ") and summary.startswith("Found")
    for line in lines:
        path, line_no, col, rest = line.split(":", 3)
        assert path == "nginx.conf" and int(line_no) > 0 and int(col) > 0
        severity, rule, name, _message = rest.split(" ", 4)[1:]
        assert severity in ("error", "warning", "info") and rule.startswith("WSP") and name
    assert any(line.startswith("nginx.conf:6:13: error WSP101 upgrade-not-forwarded ") for line in lines), lines


def test_output_file_statistics_and_exit_zero(cli, broken):
    out = broken / "report.json"
    r = cli("check", "--format", "json", "--output-file", str(out), "nginx.conf", cwd=broken)
    assert r.code == 1 and r.out == "" and json.loads(out.read_text())["findings"]
    r = cli("check", "--statistics", "--exit-zero", "nginx.conf", cwd=broken)
    assert r.code == 0
    rows = r.out.splitlines()
    assert any(row.split()[:3] == ["1", "WSP101", "upgrade-not-forwarded"] for row in rows), rows
    stats = json.loads(cli("check", "--statistics", "--format", "json", "nginx.conf", cwd=broken).out)
    assert {"rule": "WSP101", "name": "upgrade-not-forwarded", "severity": "error", "count": 1} in stats
    assert cli("check", "--statistics", "--format", "sarif", "nginx.conf", cwd=broken).code == 2
    assert cli("check", "--exit-zero", "missing.conf", cwd=broken).code == 2  # a failed run stays failed


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        ("always", {}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
        ("auto", {}, False),  # not a terminal
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_color_flag_and_environment(cli, broken, flag, env, coloured):
    r = cli("check", "--color", flag, "nginx.conf", cwd=broken, env=env)
    assert ("\x1b[" in r.out) is coloured


def test_color_auto_on_a_terminal_honours_term_dumb_and_no_color():
    from linter.app.output import use_color

    assert use_color("auto", True) is True
    import os

    for var, value in (("TERM", "dumb"), ("NO_COLOR", "1")):
        old = os.environ.get(var)
        os.environ[var] = value
        try:
            assert use_color("auto", True) is False
        finally:
            if old is None:
                del os.environ[var]
            else:
                os.environ[var] = old


# ----------------------------------------------------------------------------- item 6


def test_version(cli):
    r = cli("--version")
    assert (r.code, r.out.strip()) == (0, f"wsproxylint {__version__}")


def test_rules_json_lists_every_rule_with_its_url(cli):
    doc = json.loads(cli("rules", "--format", "json").out)
    ids = [r["id"] for r in doc]
    assert "WSP900" in ids and "WSP101" in ids and len(ids) == len(set(ids))
    one = json.loads(cli("rules", "WSP101", "--format", "json").out)
    assert one["id"] == "WSP101" and one["examples"]["nginx"]["bad"]


def test_select_and_ignore_take_prefixes(cli, broken):
    def rules(*args: str) -> set[str]:
        r = cli("check", "--format", "json", *args, "nginx.conf", cwd=broken)
        return {f["rule"] for f in json.loads(r.out)["findings"]}

    every = rules()
    assert rules("--select", "WSP1") == {x for x in every if x.startswith("WSP1")} != set()
    assert rules("--select", "WSP") == every
    assert rules("--ignore", "WSP10") == {x for x in every if not x.startswith("WSP10")}
    bad = cli("check", "--select", "XYZ", "nginx.conf", cwd=broken)
    assert bad.code == 2 and "unknown rule or prefix 'XYZ'" in bad.err


@pytest.mark.parametrize(
    "line",
    [
        "WebSocket connection to 'wss://gw.example.com/gateway/websocketcall?appkey=k' failed: ",
        "Firefox can’t establish a connection to the server at wss://gw.example.com/gateway/websocketcall?appkey=k.",
    ],
)
def test_explain_reads_lines_that_name_no_status_and_says_where_to_look(cli, line):
    r = cli("explain", line)
    assert r.code == 0, r.err
    flat = " ".join(r.out.split())
    assert "Network tab" in flat and "wsproxylint probe 'wss://gw.example.com/gateway/websocketcall?appkey=k" in flat
    assert "Network tab" in r.out
    doc = json.loads(cli("explain", "--format", "json", line).out)
    assert {"refused", "reset", "tls-error"} <= {e["symptom"] for e in doc["errors"]}
    assert doc["tool"] == {"name": "wsproxylint", "version": __version__} and doc["version"] == 1


def test_explain_names_a_status_without_the_hint(cli):
    doc = json.loads(cli("explain", "--format", "json", "Unexpected response code: 302").out)
    assert doc["next"] is None


@pytest.mark.parametrize("symptom", ["404", "refused", "302", "503"])
def test_a_lint_only_rule_never_ranks_first_for_a_live_failure(cli, symptom):
    from linter.app.console_errors import lint_only
    from linter.engine.registry import find_rule

    doc = json.loads(cli("explain", "--format", "json", symptom).out)
    first = doc["errors"][0]["causes"][0]
    for rule_id in first["rules"]:
        rule = find_rule(rule_id)
        assert rule is not None and not lint_only(rule), first
    assert cli("explain", "404").out.split("\n", 2)[1].find("WSP004") == -1


def test_probe_keeps_a_fired_lint_only_rule_below_live_causes():
    from linter.app.console_errors import for_symptom
    from linter.app.probe import Outcome, order_findings, ranked_causes
    from linter.core.findings import Finding
    from linter.core.tree import Loc

    entry = for_symptom("status:404")
    assert entry is not None and any(c.lint_only for c in entry.causes)
    # the config's only finding that carries 404 is the lint-only WSP004: no evidence
    wsp004 = Finding(
        rule="WSP004",
        name="fragment-assumption",
        severity="warning",
        dialect="nginx",
        loc=Loc("site.conf", 1),
        message="m",
        symptom="status:404",
        fix="x",
    )
    findings, matching = order_findings([wsp004], "status:404", "/gateway/websocketcall")
    assert matching == 0
    out = Outcome("wss://h/gateway/websocketcall", [], "status:404", None, "", findings=findings, matching=matching)
    ranked = ranked_causes(out)
    assert not ranked[0].lint_only and ranked[-1].lint_only


def test_check_help_renders_every_option_and_its_default(cli):
    from linter.app.check_options import check_options

    r = cli("check", "--help", env={"COLUMNS": "200"})
    assert r.code == 0
    flat = " ".join(r.out.replace("│", " ").split())
    for o in check_options():
        assert o.flag in flat
        if o.shown_default or o.default:
            assert str(o.shown_default or o.default).split()[0] in flat, o.flag
    assert "[tool.wsproxylint]" in flat

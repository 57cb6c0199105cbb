"""Inline suppressions: on the line or the line before, file-wide, by id or name, unknown and
unused ones reported on request. nginx end to end; Apache and HAProxy through hand-built
source files (their readers fill ``SourceFile.comments`` the same way)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from _util import write

from linter.core.findings import Finding
from linter.core.tree import Loc, SourceFile
from linter.engine.suppress import UNUSED_RULE, apply, parse

# WSP101 and WSP102 at line 6 (proxy_pass without upgrade headers), WSP103 too
BASE = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;{trailing}
            proxy_read_timeout 1h;
        }
        location /assistserver/ {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
            proxy_pass http://127.0.0.1:8080;
        }
    }
}
"""


def conf(trailing: str = "", before: str = "", head: str = "") -> str:
    text = BASE.replace("{trailing}", trailing)
    if before:
        text = text.replace("            proxy_pass http://127.0.0.1:8080;" + trailing,
                            f"            {before}\n            proxy_pass http://127.0.0.1:8080;" + trailing, 1)
    return head + text


def check(tmp_path: Path, text: str, *extra: str) -> tuple[dict, subprocess.CompletedProcess]:
    write(tmp_path, "nginx.conf", text)
    r = subprocess.run([sys.executable, "-m", "linter", "check", "--format", "json", *extra, "nginx.conf"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    return json.loads(r.stdout), r


def rules_at(doc: dict) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in doc["findings"]}


def test_unsuppressed_baseline(tmp_path):
    doc, r = check(tmp_path, conf())
    assert {("WSP101", 6), ("WSP102", 6), ("WSP103", 6)} <= rules_at(doc)
    assert r.returncode == 1


def test_trailing_comment_suppresses_listed_rules_only(tmp_path):
    doc, _ = check(tmp_path, conf(trailing="  # wsproxylint: disable=WSP101,WSP102 -- FAS 9 does not need it"))
    found = rules_at(doc)
    assert ("WSP101", 6) not in found and ("WSP102", 6) not in found
    assert ("WSP103", 6) in found


def test_comment_on_the_line_before_suppresses_by_name(tmp_path):
    doc, _ = check(tmp_path, conf(before="# wsproxylint: disable=upgrade-not-forwarded -- reason"))
    found = rules_at(doc)
    assert not any(rule == "WSP101" for rule, _ in found)
    assert ("WSP102", 7) in found  # the proxy_pass moved down one line


def test_comment_two_lines_above_does_not_suppress(tmp_path):
    text = conf().replace("        location /gateway/ {",
                          "        # wsproxylint: disable=WSP101\n        location /gateway/ {")
    doc, _ = check(tmp_path, text)
    assert ("WSP101", 7) in rules_at(doc)


def test_disable_file_anywhere(tmp_path):
    doc, _ = check(tmp_path, conf() + "# wsproxylint: disable-file=WSP101,WSP103 -- legacy FAS\n")
    rules = {rule for rule, _ in rules_at(doc)}
    assert "WSP101" not in rules and "WSP103" not in rules and "WSP102" in rules


def test_suppression_in_an_included_file_applies_there(tmp_path):
    write(tmp_path, "gw.conf", "location /gateway/ {\n"
                               "    # wsproxylint: disable=WSP101\n"
                               "    proxy_pass http://127.0.0.1:8080;\n"
                               "}\n")
    text = conf().replace("        location /gateway/ {\n            proxy_pass http://127.0.0.1:8080;\n"
                          "            proxy_read_timeout 1h;\n        }\n", "        include gw.conf;\n")
    doc, _ = check(tmp_path, text)
    by_file = {(Path(f["path"]).name, f["rule"]) for f in doc["findings"]}
    assert ("gw.conf", "WSP102") in by_file and ("gw.conf", "WSP101") not in by_file


def test_unknown_and_malformed_by_default_unused_on_request(tmp_path):
    text = conf(trailing="  # wsproxylint: disable=WSP101,WSP302,NOPE -- x") + \
        "# wsproxylint: disable-file=WSP203\n# wsproxylint disable WSP101\n# wsproxylint: nonsense\n" \
        "# wsproxylint: disable=WSP4O1 -- a typo: letter O\n"
    cannot_work = [
        (6, "unknown rule 'NOPE' in a suppression"),
        (19, "malformed suppression: 'wsproxylint disable WSP101' (write `# wsproxylint: disable=ID -- why`)"),
        (20, "malformed suppression: 'wsproxylint: nonsense' (write `# wsproxylint: disable=ID -- why`)"),
        (21, "unknown rule 'WSP4O1' in a suppression"),
    ]
    doc, r = check(tmp_path, text)
    assert sorted((f["line"], f["message"]) for f in doc["findings"] if f["rule"] == UNUSED_RULE.id) == cannot_work
    doc, r = check(tmp_path, text, "--report-unused-suppressions")
    unused = sorted((f["line"], f["message"]) for f in doc["findings"] if f["rule"] == UNUSED_RULE.id)
    assert unused == sorted(cannot_work + [
        (6, "suppression of WSP302 silences nothing on this line or the next"),
        (18, "suppression of WSP203 silences nothing in this file"),
    ])
    for f in doc["findings"]:
        if f["rule"] == UNUSED_RULE.id:
            assert f["name"] == "unused-suppression" and f["dialect"] == "nginx" and f["symptom"] is None
    # ignoring the pseudo-rule silences the report
    doc, _ = check(tmp_path, text, "--report-unused-suppressions", "--ignore", "WSP900")
    assert not any(f["rule"] == UNUSED_RULE.id for f in doc["findings"])


def test_a_typo_alone_fails_the_run(tmp_path):
    """A suppression that cannot work is a warning: at the default --fail-on the gate fails."""
    text = conf(trailing="  # wsproxylint: disable=WSP101,WSP102,WSP103,WSP201 -- ok").replace(
        "location /gateway/ {", "location /gateway/ {\n            # wsproxylint: disable=WSP4O1 -- typo")
    doc, r = check(tmp_path, text, "--ignore", "WSP301")
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("WSP900", 6)]
    assert r.returncode == 1


def test_disable_all(tmp_path):
    doc, _ = check(tmp_path, conf(before="# wsproxylint: disable=all -- legacy route, tracked elsewhere"))
    assert not any(line in (6, 7) for _, line in rules_at(doc))
    doc, _ = check(tmp_path, conf() + "# wsproxylint: disable-file=ALL -- generated\n")
    assert doc["findings"] == []
    # an `all` that silences nothing is unused like any other
    text = conf().replace("        location /assistserver/ {",
                          "        # wsproxylint: disable=all -- nothing here\n        location /assistserver/ {")
    doc, _ = check(tmp_path, text, "--report-unused-suppressions")
    assert [(f["line"], f["message"]) for f in doc["findings"] if f["rule"] == "WSP900"] == [
        (9, "suppression of all silences nothing on this line or the next")]


def test_text_summary_counts_suppressed(tmp_path):
    write(tmp_path, "nginx.conf", conf(trailing="  # wsproxylint: disable=WSP101,WSP102 -- reason"))
    r = subprocess.run([sys.executable, "-m", "linter", "check", "nginx.conf"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.rstrip().splitlines()[-1].endswith("in 1 file read (2 suppressed).")


# ----------------------------------------------------------------------------- other dialects

def _finding(path: str, line: int, rule: str = "WSP101", dialect: str = "apache") -> Finding:
    return Finding(rule=rule, name="x", severity="error", dialect=dialect, loc=Loc(path, line), message="m",
                   symptom=None, fix="f")


def test_apache_own_line_comment_suppresses_next_directive():
    # httpd.conf:  9 "# wsproxylint: disable=WSP101 -- ok"   10 "ProxyPass /gateway/ http://fas:8080/gateway/"
    # The Apache reader records only own-line comments (a trailing # is an argument there).
    sf = SourceFile("httpd.conf", "apache", comments={9: " wsproxylint: disable=WSP101 -- ok"})
    out = apply([_finding("httpd.conf", 10), _finding("httpd.conf", 10, "WSP102")], {"httpd.conf": sf})
    assert [f.rule for f in out.kept] == ["WSP102"]
    assert [f.rule for f in out.suppressed] == ["WSP101"]
    assert out.unused == []


def test_apache_trailing_hash_is_not_a_comment_so_nothing_is_suppressed():
    # "ProxyPass /gateway/ http://fas:8080/ # wsproxylint: disable=WSP101": the reader keeps
    # the '#...' as arguments and records it apart, not as a comment
    sf = SourceFile("httpd.conf", "apache", argument_comments={10: " wsproxylint: disable=WSP101 -- ok"})
    out = apply([_finding("httpd.conf", 10)], {"httpd.conf": sf})
    assert [f.rule for f in out.kept] == ["WSP101"]
    (bad,) = out.invalid
    assert (bad.rule, bad.loc.line) == ("WSP900", 10) and "put it on the line before" in bad.message
    # where the proxy refuses the line, that refusal is the report
    refused = Finding(rule="WSP003", name="config-rejected", severity="error", dialect="apache",
                      loc=Loc("httpd.conf", 10), message="m", symptom="config-rejected", fix="f")
    assert apply([refused], {"httpd.conf": sf}).invalid == []


def test_haproxy_file_wide_and_trailing():
    sf = SourceFile("haproxy.cfg", "haproxy", comments={
        2: " wsproxylint: disable-file=WSP401 -- calls are short here",
        14: " wsproxylint: disable=backend-connection-reuse -- FAS 2.6",
    })
    findings = [_finding("haproxy.cfg", 30, "WSP401", "haproxy"), _finding("haproxy.cfg", 14, "WSP201", "haproxy"),
                _finding("haproxy.cfg", 16, "WSP201", "haproxy"), _finding("other.cfg", 30, "WSP401", "haproxy")]
    out = apply(findings, {"haproxy.cfg": sf})
    assert [(f.loc.file, f.loc.line) for f in out.kept] == [("haproxy.cfg", 16), ("other.cfg", 30)]
    assert len(out.suppressed) == 2 and out.unused == []


def test_parse_reads_ids_names_and_reason():
    sf = SourceFile("x", "nginx", comments={3: " wsproxylint: disable = WSP101 , http10-to-backend -- why not",
                                            4: " just a comment"})
    (sup,) = parse(sf)
    assert sup.rules == {"WSP101": "WSP101", "WSP103": "http10-to-backend"}
    assert sup.reason == "why not" and sup.scope == "line" and sup.dialect == "nginx"


SOURCES = {"nginx": "# wsproxylint: disable-file=WSP401\nevents {}\n",
           "apache": "# wsproxylint: disable-file=WSP401\nServerName gw.example.com\n",
           "haproxy": "# wsproxylint: disable-file=WSP401\nglobal\n    maxconn 100\n"}


def test_every_supported_dialect_hands_its_comments_to_the_runner(tmp_path):
    """Suppressions work in a dialect only if its loader fills ``ProxyModel.sources`` (the
    reader's SourceFile list, with comments): this fails for a dialect that lands without it."""
    import parsers
    from linter.core.options import Options

    for dialect in parsers.names():
        path = tmp_path / f"x.{dialect}.conf"
        path.write_text(SOURCES[dialect])
        model = parsers.get(dialect).load(parsers.Source(str(path)), Options(dialect=dialect))
        comments = {sf.path: sf.comments for sf in model.sources}
        assert comments.get(str(path), {}).get(1, "").strip() == "wsproxylint: disable-file=WSP401", dialect


def test_rules_shows_the_pseudo_rule():
    r = subprocess.run([sys.executable, "-m", "linter", "rules", "WSP900"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("WSP900 unused-suppression")

"""What the server builds on, without the protocol: a buffer linted as ``check`` lints its
file (settings and roots found for it, the unsaved text read in place of the disk's by the
root and nowhere else), and the suppression comment it writes is one the engine reads."""

from __future__ import annotations

import pytest

from linter.app.buffer_lint import disable_edit, lint_buffer, rule_at
from linter.core import bounds
from linter.core.options import Options
from linter.engine.linting import lint

MAIN = "events {}\nhttp {\n    include sites/*.conf;\n}\n"
SITE = """\
server {
    listen 80;
    location /gateway/ {
        proxy_pass http://10.0.0.5:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout 1h;
    }
}
"""
BROKEN = SITE.replace("        proxy_set_header Upgrade $http_upgrade;\n", "")


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "sites").mkdir()
    (tmp_path / "nginx.conf").write_text(MAIN)
    (tmp_path / "sites" / "gw.conf").write_text(SITE)
    return tmp_path


def _rules(findings) -> set[tuple[str, int, str]]:
    return {(f.rule, f.loc.line, f.severity) for f in findings}


def test_stdin_named_after_a_file_a_root_includes_is_judged_in_the_root(tree):
    site = str(tree / "sites" / "gw.conf")
    options = Options(fas_version="2.6.0", stdin_name=site, ws_paths=("/gateway/websocketcall",))
    report = lint(["-"], options, stdin=BROKEN, roots=[str(tree / "nginx.conf")])
    assert ("WSP101", 4, "error") in _rules(report.findings)
    assert {f.loc.file for f in report.findings} == {site}
    # the disk's text again once the run is over: the held text does not outlive it
    assert bounds.read_text(site) == SITE
    clean = lint(["-"], options, stdin=SITE, roots=[str(tree / "nginx.conf")])
    assert not clean.findings


def test_stdin_no_root_includes_is_linted_alone(tree):
    other = tree / "other.conf"
    other.write_text(BROKEN)
    options = Options(fas_version="2.6.0", stdin_name=str(other))
    report = lint(["-"], options, stdin=BROKEN, roots=[str(tree / "nginx.conf")])
    # alone, a fragment: the missing header is a warning (a level not read may set it)
    assert ("WSP101", 4, "warning") in _rules(report.findings)


def test_buffer_uses_the_settings_file_and_roots_found_for_it(tree):
    (tree / ".wsproxylint.toml").write_text('fas-version = "2.6.0"\nroots = ["nginx.conf"]\nignore = ["WSP102"]\n')
    result = lint_buffer(str(tree / "sites" / "gw.conf"), BROKEN)
    assert result.judged
    assert ("WSP101", 4, "error") in _rules(result.findings)
    assert all(f.rule != "WSP102" for f in result.findings)


def test_a_broken_settings_file_is_said_not_raised(tree):
    (tree / ".wsproxylint.toml").write_text("fail-on = 'sometimes'\n")
    result = lint_buffer(str(tree / "sites" / "gw.conf"), BROKEN)
    assert not result.judged and "fail-on" in result.problems[0]


def test_an_excluded_file_is_not_judged(tree):
    (tree / ".wsproxylint.toml").write_text('exclude = ["sites"]\n')
    assert not lint_buffer(str(tree / "sites" / "gw.conf"), BROKEN).judged


@pytest.mark.parametrize(
    ("line", "at", "expected"),
    [
        ("    # wsproxylint: disable=WSP101,WSP102 -- why", "WSP101", "WSP101"),
        ("    # wsproxylint: disable=WSP101,WSP102 -- why", "WSP102", "WSP102"),
        ("# wsproxylint: disable-file=upgrade-not-forwarded", "not-forwarded", "WSP101"),
        ("    proxy_pass http://fas;  # wsproxylint: disable=WSP900", "WSP900", "WSP900"),
        ("    # wsproxylint: disable=WSP101 -- why", "proxylint", None),  # not on an id
        ("    # wsproxylint: disable=WSP101 -- why WSP102", "WSP102", None),  # the reason is no id
        ("    # wsproxylint: disable=WSP999", "WSP999", None),  # no such rule
        ("    proxy_pass http://fas;", "pass", None),
    ],
)
def test_rule_at(line, at, expected):
    found = rule_at(line, line.index(at) + 2)
    assert (found[0].id if found else None) == expected
    if found:
        assert line[found[1] : found[2]] in (found[0].id, found[0].name)


def test_disable_edit_inserts_before_the_line_or_extends_the_comment_there(tree):
    lines = BROKEN.splitlines()
    e = disable_edit(lines, 3, "WSP101")
    assert (e.line, e.start, e.end, e.text) == (3, 0, 0, "        # wsproxylint: disable=WSP101\n")
    lines.insert(3, e.text.rstrip("\n"))
    again = disable_edit(lines, 4, "WSP102")
    assert (again.line, again.start, again.text) == (3, len("        # wsproxylint: disable=WSP101"), ",WSP102")
    fixed = lines[3][: again.start] + again.text + lines[3][again.end :]
    assert fixed == "        # wsproxylint: disable=WSP101,WSP102"


@pytest.mark.parametrize("dialect", ["nginx", "apache", "haproxy"])
def test_the_inserted_suppression_silences_the_finding_in_every_dialect(tmp_path, dialect):
    import parsers

    ex = parsers.get(dialect).examples()["WSP101"]
    path = tmp_path / {"nginx": "nginx.conf", "apache": "httpd.conf", "haproxy": "haproxy.cfg"}[dialect]
    path.write_text(ex.bad)
    found = lint_buffer(str(path), ex.bad).findings
    before = [f for f in found if f.rule == "WSP101"]
    assert before
    lines = ex.bad.splitlines(keepends=True)
    for f in sorted(before, key=lambda f: -f.loc.line):
        e = disable_edit([x.rstrip("\n") for x in lines], f.loc.line - 1, "WSP101")
        assert e.start == 0  # a new comment line each
        lines.insert(e.line, e.text)
    after = lint_buffer(str(path), "".join(lines))
    assert not [f for f in after.findings if f.rule == "WSP101"]
    # the proxy takes the comment as it took the file: no new rejection, nothing else changed
    assert sorted((f.rule, f.message) for f in after.findings) == sorted(
        (f.rule, f.message) for f in found if f.rule != "WSP101"
    )


def test_check_stdin_filename_of_a_snippet_is_judged_in_its_root(tree, cli):
    """What an editor integration without the server pipes: `check - --stdin-filename`."""
    (tree / ".wsproxylint.toml").write_text('fas-version = "2.6.0"\nroots = ["nginx.conf"]\n')
    r = cli("check", "--format", "concise", "--stdin-filename", "sites/gw.conf", "-", cwd=tree, stdin=BROKEN)
    assert r.code == 1
    assert "sites/gw.conf:4:9: error WSP101" in r.out, r.out
    assert (tree / "sites" / "gw.conf").read_text() == SITE

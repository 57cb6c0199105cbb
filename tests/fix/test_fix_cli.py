"""``check --fix`` / ``--diff`` / ``--unsafe-fixes`` as a user runs them: what is written,
what is only shown, what is refused, and the JSON and text marks of a fixable finding."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def _copy(name: str, tmp_path: Path) -> Path:
    src = SAMPLES / name
    dest = tmp_path / Path(name).parent.name / src.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest)
    else:
        shutil.copy(src, dest)
    return dest


def test_diff_shows_the_edit_writes_nothing_and_exits_1(cli, tmp_path):
    conf = _copy("nginx/bad-upgrade-missing.conf", tmp_path)
    before = conf.read_bytes()
    r = cli("check", conf, "--diff")
    assert r.code == 1, r.err
    assert "+            proxy_set_header Upgrade $http_upgrade;" in r.out
    assert r.out.startswith("--- a/")
    assert conf.read_bytes() == before


def test_fix_writes_the_safe_edit_keeps_comments_and_relints_clean(cli, tmp_path):
    conf = _copy("nginx/bad-upgrade-missing.conf", tmp_path)
    before = conf.read_text()
    r = cli("check", conf, "--fix", "--format", "json")
    assert "fixed 1 finding in 1 file" in r.err
    doc = json.loads(r.out)
    assert [f for f in doc["findings"] if f["rule"] == "WSP101"] == []
    after = conf.read_text()
    # one line added, indented like proxy_pass; every other byte (comments too) unchanged
    marked = "proxy_pass http://10.20.0.11:8080;  # expect: WSP101 status:302\n"
    assert after == before.replace(marked, marked + "            proxy_set_header Upgrade $http_upgrade;\n", 1)
    again = cli("check", conf, "--diff")
    assert again.code == 0 and again.out == ""


def test_location_without_own_headers_repeats_the_inherited_ones(cli, tmp_path):
    """Adding a proxy_set_header to a location drops the server level's: the edit repeats them."""
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "events {}\nhttp {\n    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
        "    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n"
        "        proxy_set_header Host $host;\n        proxy_set_header Connection $connection_upgrade;\n"
        "        proxy_http_version 1.1;\n        proxy_read_timeout 3600s;\n"
        "        location /gateway/ {\n            proxy_pass http://10.20.0.11:8080;\n        }\n"
        "        location /assistserver/ {\n            proxy_pass http://10.20.0.11:8080;\n"
        "            proxy_set_header Upgrade $http_upgrade;\n"
        "            proxy_set_header Connection $connection_upgrade;\n        }\n    }\n}\n"
    )
    r = cli("check", conf, "--diff")
    assert r.code == 1
    added = [line[1:].strip() for line in r.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == [
        "proxy_set_header Host $host;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header Upgrade $http_upgrade;",
    ]


def test_unsafe_fix_needs_the_flag(cli, tmp_path):
    cfg = _copy("haproxy/bad-del-header-connection.cfg", tmp_path)
    before = cfg.read_bytes()
    r = cli("check", cfg, "--fix")
    assert cfg.read_bytes() == before
    assert "1 more fixable with --unsafe-fixes" in r.err  # one line: one finding naming both websocket URLs
    text = cli("check", cfg)
    assert "[*] fixable with --unsafe-fixes" in text.out
    r = cli("check", cfg, "--fix", "--unsafe-fixes")
    assert "del-header Connection" not in cfg.read_text()
    assert "WSP102" not in r.out


def test_fix_refuses_stdin(cli, tmp_path):
    text = (SAMPLES / "nginx/bad-upgrade-missing.conf").read_text()
    r = cli("check", "-", "--fix", stdin=text)
    assert r.code == 2
    assert "stdin" in r.err and "--diff" in r.err
    shown = cli("check", "-", "--diff", "--stdin-filename", "nginx.conf", stdin=text)
    assert shown.code == 1 and "proxy_set_header Upgrade $http_upgrade;" in shown.out


def test_fix_refuses_a_read_only_file_and_writes_nothing(cli, tmp_path):
    conf = _copy("nginx/bad-upgrade-missing.conf", tmp_path)
    before = conf.read_bytes()
    conf.chmod(0o444)
    try:
        r = cli("check", conf, "--fix")
    finally:
        conf.chmod(0o644)
    assert r.code == 2
    assert "read-only" in r.err and conf.name in r.err
    assert conf.read_bytes() == before


def test_a_fix_in_a_file_not_given_is_offered_not_applied(cli, tmp_path):
    (tmp_path / "snippets").mkdir()
    snippet = tmp_path / "snippets" / "fas.conf"
    snippet.write_text(
        "location /gateway/ {\n    proxy_pass http://10.20.0.11:8080;\n    proxy_http_version 1.1;\n"
        "    proxy_set_header Connection $connection_upgrade;\n    proxy_read_timeout 3600s;\n}\n"
        "location /assistserver/ {\n    proxy_pass http://10.20.0.11:8080;\n    proxy_http_version 1.1;\n"
        "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $connection_upgrade;\n"
        "    proxy_read_timeout 3600s;\n}\n"
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        "events {}\nhttp {\n    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
        "    server {\n        listen 443 ssl;\n        ssl_certificate a.crt;\n        ssl_certificate_key a.key;\n"
        f"        include {snippet};\n    }}\n}}\n"
    )
    before = snippet.read_bytes()
    r = cli("check", main, "--fix")
    assert snippet.read_bytes() == before
    assert "was not given: not applied" in r.err
    r = cli("check", main, snippet, "--fix")
    assert "proxy_set_header Upgrade $http_upgrade;" in snippet.read_text().split("location /assistserver/")[0]


def test_json_has_fix_edits_only_when_there_are_edits(cli):
    doc = json.loads(cli("check", SAMPLES / "nginx/bad-upgrade-missing.conf", "--format", "json").out)
    (finding,) = doc["findings"]
    fe = finding["fix_edits"]
    assert fe["safe"] is True
    (edit,) = fe["edits"]
    assert edit["start"] == edit["end"] and edit["start"]["line"] == 19
    assert edit["text"] == "\n            proxy_set_header Upgrade $http_upgrade;"
    doc = json.loads(cli("check", SAMPLES / "nginx/bad-assist-topic-not-routed.conf", "--format", "json").out)
    assert doc["findings"] and all("fix_edits" not in f for f in doc["findings"])


def test_fix_follows_a_symlink_and_keeps_the_mode(cli, tmp_path):
    conf = _copy("haproxy/bad-reuse-always.cfg", tmp_path)
    conf.chmod(0o640)
    link = tmp_path / "haproxy.cfg"
    os.symlink(conf, link)
    cli("check", link, "--fix")
    assert link.is_symlink()
    assert "http-reuse safe" in conf.read_text()
    assert conf.stat().st_mode & 0o777 == 0o640


def test_a_crlf_file_keeps_crlf_and_the_map_is_added_once(cli, tmp_path):
    conf = tmp_path / "nginx.conf"
    text = (SAMPLES / "nginx/bad-connection-close.conf").read_text()
    conf.write_bytes(text.replace("\n", "\r\n").encode())
    cli("check", conf, "--fix")
    data = conf.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.count(b"map $http_upgrade $connection_upgrade {") == 1
    assert b"proxy_set_header Connection $connection_upgrade;" in data
    assert cli("check", conf).code == 0


def test_a_fix_that_does_not_clear_its_finding_is_not_made_again(tmp_path):
    """Rounds stop on a finding already fixed once, so a fix the re-lint does not accept
    cannot pile up copies of its line."""
    import io
    from types import SimpleNamespace

    from linter.app.fixing import attach_edits, run_fixes
    from linter.core.options import Options
    from linter.engine.linting import lint

    conf = _copy("nginx/bad-upgrade-missing.conf", tmp_path)
    report = lint([str(conf)], Options())
    attach_edits(report)
    a = SimpleNamespace(diff=False, unsafe_fixes=False, stdin_filename=None)
    err = io.StringIO()
    run_fixes(a, [str(conf)], report, io.StringIO(), err, lambda: report)  # the same finding every round
    assert conf.read_text().count("proxy_set_header Upgrade $http_upgrade;") == 2  # /assistserver/'s and one
    assert "fixed 1 finding" in err.getvalue()


def test_sarif_carries_the_fix_as_a_valid_replacement(cli):
    jsonschema = __import__("pytest").importorskip("jsonschema")
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    doc = json.loads(cli("check", SAMPLES / "nginx/bad-upgrade-missing.conf", "--format", "sarif").out)
    assert not list(jsonschema.Draft4Validator(schema).iter_errors(doc))
    (result,) = doc["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    (rep,) = change["replacements"]
    region = rep["deletedRegion"]
    assert (region["startLine"], region["startColumn"]) == (region["endLine"], region["endColumn"]) == (19, 76)
    assert rep["insertedContent"]["text"] == "\n            proxy_set_header Upgrade $http_upgrade;"

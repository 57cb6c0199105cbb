"""``wsproxylint server`` in a real LSP session over stdio: a client process talks JSON-RPC
to the server as an editor does, and each answer is what ``check`` says about the file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_client import ROOT, LspClient, uri  # noqa: E402

BAD = """\
events {}
http {
    server {
        listen 80;
        server_name gw.example.com;
        location /gateway/ {
            proxy_pass http://10.0.0.5:8080;
            proxy_http_version 1.1;
            proxy_read_timeout 1h;
        }
        location /assistserver/ {
            proxy_pass http://10.0.0.5:8080;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
        }
    }
}
"""
GOOD = BAD.replace(
    "            proxy_http_version 1.1;\n            proxy_read_timeout 1h;",
    "            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n"
    '            proxy_set_header Connection "upgrade";\n            proxy_read_timeout 1h;',
    1,
)
WSP101_LINE = 7  # 1-based: the proxy_pass of location /gateway/

# a snippet judged inside the configuration that includes it (settings' roots)
MAIN = """\
events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    include sites/*.conf;
}
"""
SITE = """\
server {
    listen 80;
    location /gateway/ {
        proxy_pass http://10.0.0.5:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }
    location /assistserver/ {
        proxy_pass http://10.0.0.5:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }
}
"""


@pytest.fixture
def client(tmp_path):
    c = LspClient(tmp_path)
    yield c
    c.close()


def _open(c: LspClient, path: Path, text: str, language: str = "nginx") -> None:
    c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri(path), "languageId": language, "version": 1, "text": text}},
    )


def _change(c: LspClient, path: Path, text: str, version: int) -> None:
    c.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]},
    )


def test_session_open_change_hover_code_action_shutdown(client, tmp_path, cli):
    (tmp_path / ".wsproxylint.toml").write_text('fas-version = "2.6.0"\n')
    conf = tmp_path / "nginx.conf"
    conf.write_text(BAD)
    init = client.initialize(tmp_path, {"textDocument": {"codeAction": {"disabledSupport": True}}})
    caps = init["capabilities"]
    assert caps["hoverProvider"] and caps["codeActionProvider"]
    assert init["serverInfo"]["name"] == "wsproxylint"

    _open(client, conf, BAD)
    diags = client.diagnostics(conf, version=1)
    by_rule = {d["code"]: d for d in diags}
    assert "WSP101" in by_rule, diags
    d101 = by_rule["WSP101"]
    assert d101["range"]["start"]["line"] == WSP101_LINE - 1
    assert d101["range"]["start"]["character"] == 12  # the directive, not its indentation
    assert d101["severity"] == 1 and d101["source"] == "wsproxylint"
    assert d101["codeDescription"]["href"].endswith("/docs/rules.md#wsp101-upgrade-not-forwarded")
    assert "fix: " in d101["message"] and "browser: " in d101["message"]
    # the same verdicts as `check` on the file
    checked = cli("check", "--format", "json", conf, cwd=tmp_path)
    import json

    expected = {(f["rule"], f["line"]) for f in json.loads(checked.out)["findings"]}
    assert {(d["code"], d["range"]["start"]["line"] + 1) for d in diags} == expected

    # code actions on the line: the fix text (no edits on this base: shown disabled) and a suppression
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri(conf)},
            "range": d101["range"],
            "context": {"diagnostics": [d101]},
        },
    )
    titles = [a["title"] for a in actions]
    assert "Disable WSP101 for this line" in titles and "Disable WSP102 for this line" in titles
    assert len(titles) == len(set(titles))  # a rule found for both websocket URLs: offered once
    fix = next(a for a in actions if a["title"].startswith("WSP101: "))
    assert "Upgrade" in fix["title"] and fix["disabled"]["reason"]
    disable = next(a for a in actions if a["title"] == "Disable WSP101 for this line")
    (edit,) = disable["edit"]["changes"][uri(conf)]
    assert edit["range"]["start"] == {"line": WSP101_LINE - 1, "character": 0}
    assert edit["newText"] == "            # wsproxylint: disable=WSP101\n"

    # the suppression applied in the buffer silences the finding; hover over its id is the rule's doc
    lines = BAD.splitlines(keepends=True)
    suppressed = "".join(lines[: WSP101_LINE - 1] + [edit["newText"]] + lines[WSP101_LINE - 1 :])
    _change(client, conf, suppressed, 2)
    assert "WSP101" not in {d["code"] for d in client.diagnostics(conf, version=2)}
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri(conf)}, "position": {"line": WSP101_LINE - 1, "character": 40}},
    )
    rules = cli("rules", "WSP101")
    assert hover["contents"]["value"] == rules.out.rstrip("\n")
    assert hover["contents"]["value"].startswith("WSP101 upgrade-not-forwarded")
    nothing = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri(conf)}, "position": {"line": 0, "character": 2}},
    )
    assert nothing is None

    # the fixed text, unsaved: no diagnostics left (the file on disk is still the bad one)
    _change(client, conf, GOOD, 3)
    assert client.diagnostics(conf, version=3) == []
    assert conf.read_text() == BAD

    # close clears; shutdown and exit end the process with status 0
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri(conf)}})
    assert client.diagnostics(conf) == []
    assert client.close() == 0


def test_a_snippet_is_judged_inside_its_root_with_the_unsaved_text(client, tmp_path):
    """The map that makes `$connection_upgrade` right lives in the root: alone, the snippet's
    Connection header is unknown; with roots it is judged in context, and an unsaved edit of
    the snippet (dropping the Upgrade header) is what the root reads."""
    (tmp_path / "sites").mkdir()
    (tmp_path / "nginx.conf").write_text(MAIN)
    site = tmp_path / "sites" / "gw.conf"
    site.write_text(SITE)
    (tmp_path / ".wsproxylint.toml").write_text('fas-version = "2.6.0"\nroots = ["nginx.conf"]\n')
    client.initialize(tmp_path)
    _open(client, site, SITE)
    assert client.diagnostics(site, version=1) == []
    broken = SITE.replace("        proxy_set_header Upgrade $http_upgrade;\n", "", 1)
    _change(client, site, broken, 2)
    codes = {(d["code"], d["range"]["start"]["line"], d["severity"]) for d in client.diagnostics(site, version=2)}
    assert ("WSP101", 3, 1) in codes, codes  # an error: judged in context, not as a fragment (a warning)
    assert site.read_text() == SITE  # nothing written


def test_each_dialect_gets_diagnostics(client, tmp_path):
    """Apache and HAProxy files too: their bad example for WSP101 is flagged on open."""
    import parsers

    client.initialize(tmp_path)
    names = {"apache": "httpd.conf", "haproxy": "haproxy.cfg", "nginx": "nginx.conf"}
    for d in parsers.dialects():
        ex = d.examples().get("WSP101")
        if ex is None:
            continue
        path = tmp_path / d.name / names.get(d.name, "proxy.conf")
        path.parent.mkdir()
        path.write_text(ex.bad)
        _open(client, path, ex.bad, d.name)
        assert "WSP101" in {x["code"] for x in client.diagnostics(path)}, d.name


def test_a_file_of_no_proxy_gets_no_diagnostics_and_the_server_lives_on(client, tmp_path):
    client.initialize(tmp_path)
    other = tmp_path / "logging.conf"
    other.write_text("[handlers]\nkeys=console\n")
    _open(client, other, other.read_text(), "ini")
    assert client.diagnostics(other) == []
    assert (
        client.request(
            "textDocument/hover", {"textDocument": {"uri": uri(other)}, "position": {"line": 0, "character": 1}}
        )
        is None
    )


def test_without_pygls_the_command_says_how_to_install_it(tmp_path):
    """The server's dependency is an extra: its absence is a clear usage error (2)."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nclass _B:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _B())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "server"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert "pip install 'wsproxylint[server]'" in proc.stderr


def test_check_does_not_import_the_server_stack(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(BAD)
    code = (
        "import runpy, sys; sys.argv = ['wsproxylint', 'check', sys.argv[1]]\n"
        "try:\n    runpy.run_module('linter', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_positions_are_in_the_clients_units(client, tmp_path):
    """LSP counts UTF-16 code units by default: a character outside the BMP is two."""
    conf = tmp_path / "nginx.conf"
    lines = BAD.splitlines(keepends=True)
    lines[WSP101_LINE - 1] = lines[WSP101_LINE - 1].replace(";", ";  # gateway \U0001f680 pool", 1)
    text = "".join(lines)
    conf.write_text(text)
    client.initialize(tmp_path)
    _open(client, conf, text)
    (d,) = [d for d in client.diagnostics(conf) if d["code"] == "WSP101"]
    line = lines[WSP101_LINE - 1].rstrip()
    assert d["range"]["end"] == {"line": WSP101_LINE - 1, "character": len(line) + 1}

"""The README's editor set-ups are what a user pastes: each parses in its own language
(JSON for VS Code, TOML for Helix, Lua for Neovim: ``luac -p`` where installed, else a
check of its brackets, strings and blocks), and each starts the command that exists,
``wsproxylint server``, for all three proxies' files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linter.app.commands import COMMANDS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
EDITOR = README.split("\n## Editor\n", 1)[1].split("\n## ", 1)[0]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", EDITOR, re.S)


def test_the_section_has_each_editor():
    assert len(_blocks("json")) == 1 and len(_blocks("toml")) == 1 and len(_blocks("lua")) == 2
    assert COMMANDS["server"].name == "server"


def test_vscode_settings():
    (block,) = _blocks("json")
    settings = json.loads(block)
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["wsproxylint", "server"]
    assert len(settings["glspc.server.languageId"]) == 3
    assert set(settings["files.associations"].values()) <= set(settings["glspc.server.languageId"])


def test_helix_languages():
    (block,) = _blocks("toml")
    doc = tomllib.loads(block)
    server = doc["language-server"]["wsproxylint"]
    assert [server["command"], *server["args"]] == ["wsproxylint", "server"]
    languages = doc["language"]
    assert {lang["name"] for lang in languages} == {"nginx", "apache", "haproxy"}
    for lang in languages:
        assert lang["language-servers"] == ["wsproxylint"]
        assert lang["scope"] and lang["file-types"], lang["name"]


@pytest.mark.parametrize("index", [0, 1])
def test_neovim_lua(index, tmp_path):
    block = _blocks("lua")[index]
    assert '{ "wsproxylint", "server" }' in block
    assert all(f'"{ft}"' in block for ft in ("nginx", "apache", "haproxy"))
    luac = shutil.which("luac") or shutil.which("luac5.4") or shutil.which("luac5.3")
    if luac:
        script = tmp_path / "init.lua"
        script.write_text(block)
        proc = subprocess.run([luac, "-p", str(script)], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
    else:
        _balanced_lua(block)


def _balanced_lua(text: str) -> None:
    """Brackets pair up outside strings, strings close, and ``function``/``do``/``then``
    blocks end: what a copy-paste slip breaks."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    words: list[str] = []
    for m in re.finditer(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|--[^\n]*|[()\[\]{}]|"|\'|[A-Za-z_]\w*', text):
        tok = m.group()
        if tok in ('"', "'"):
            raise AssertionError(f"unterminated string at {m.start()}")
        if tok[0] in "\"'-":
            continue
        if tok in "([{":
            stack.append(tok)
        elif tok in pairs:
            assert stack and stack.pop() == pairs[tok], f"unbalanced {tok} at {m.start()}"
        else:
            words.append(tok)
    assert not stack, f"unclosed {stack}"
    opened = sum(words.count(w) for w in ("function", "do", "then")) - words.count("elseif")
    assert opened == words.count("end"), "a block without its end"


def test_the_fallback_check_catches_slips():
    good = _blocks("lua")[1]
    _balanced_lua(good)
    for broken in (good.replace("end,", ",", 1), good.replace("})", "}", 1), good.replace('"server"', '"server', 1)):
        with pytest.raises(AssertionError):
            _balanced_lua(broken)

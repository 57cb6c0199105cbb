"""The README's settings example, explain and github output are the tool's own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from linter.app import settings as config

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _out(*args: str) -> str:
    env = {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "linter", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env).stdout.rstrip()


def test_readme_settings_example_is_accepted(tmp_path):
    (block,) = re.findall(r"```toml\n(.*?)```", README, re.S)
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "nginx.conf").write_text("events {}\n")
    (tmp_path / ".wsproxylint.toml").write_text(block)
    s = config.load(str(tmp_path / ".wsproxylint.toml"))
    assert s.fail_on == "error" and s.roots == [str(tmp_path / "nginx" / "nginx.conf")]
    assert s.dialects == [(str(tmp_path / "nginx" / "includes" / "*.inc"), "nginx")]


def test_readme_explain_output():
    assert f"$ wsproxylint explain 403\n{_out('explain', '403')}\n```" in README


def test_readme_github_output():
    sample = "samples/nginx/bad-inherited-headers-dropped.conf"
    first = _out("check", "--format", "github", sample).splitlines()[0]
    assert f"$ wsproxylint check --format github {sample} | head -1\n{first}\n" in README

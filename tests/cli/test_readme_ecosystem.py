"""The user's documents show what the tool really prints and accepts: the README's settings
example and github output, the explain output of docs/troubleshooting.md; the README keeps
the two set-up commands CI relies on; and the code paths the documents name exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter.app import settings as config

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
TROUBLESHOOTING = (ROOT / "docs" / "troubleshooting.md").read_text()
# the documents written by hand (docs/rules.md is generated and has its own test)
DOCUMENTS = ("README.md", "docs/troubleshooting.md", "docs/architecture.md", "docs/contributing.md",
             "docs/verification.md")


def _out(*args: str) -> str:
    env = {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "linter", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env).stdout.rstrip()


def test_readme_settings_example_is_accepted(tmp_path):
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if b.startswith("# .wsproxylint.toml")]
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "nginx.conf").write_text("events {}\n")
    (tmp_path / ".wsproxylint.toml").write_text(block)
    s = config.load(str(tmp_path / ".wsproxylint.toml"))
    assert s.fail_on == "error" and s.roots == [str(tmp_path / "nginx" / "nginx.conf")]
    assert s.dialects == [(str(tmp_path / "nginx" / "includes" / "*.inc"), "nginx")]


def test_troubleshooting_explain_output():
    assert f"$ wsproxylint explain 403\n{_out('explain', '403')}\n```" in TROUBLESHOOTING


def test_readme_github_output():
    sample = "samples/nginx/bad-inherited-headers-dropped.conf"
    first = _out("check", "--format", "github", sample).splitlines()[0]
    assert f"$ wsproxylint check --format github {sample} | head -1\n{first}\n" in README


def test_readme_keeps_the_two_set_up_commands():
    """A fresh Debian box is set up with the first; CI runs the second through .ci/run."""
    assert "```sh\nbash scripts/setup.sh && .venv/bin/wsproxylint check samples/\n```" in README
    assert "```sh\nbash scripts/test.sh\n```" in README
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


# a path in backquotes under one of the repository's own directories, e.g. `linter/core/plan.py`
_PATH = re.compile(r"`((?:linter|parsers|checks|tests|scripts|samples|benchmarks|docs)/[\w./-]*)`")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_paths_named_in_the_documents_exist(document):
    """A module that moves leaves no stale path behind in the documents."""
    text = (ROOT / document).read_text()
    named = {p.rstrip("/.") for p in _PATH.findall(text)}
    assert named, f"{document} names no path of the repository"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"{document} names paths that do not exist: {missing}"

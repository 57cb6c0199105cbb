"""The pre-commit gate as a user sets it up from the README: the README's
``.pre-commit-config.yaml`` (only ``repo`` pointed at a local clone of this checkout),
pinned with ``pre-commit autoupdate --freeze``, installed with ``pre-commit install``, and
real ``git commit`` runs against a repository whose entry point is named in ``roots``.
Offline but for the package index the hook's environment installs from, as in CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _util import write

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

# what a copy of this checkout leaves out: local environments and build output
_NOT_SHIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    "build",
    "dist",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
)

NGINX = """\
events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    include sites/*.conf;
}
"""
GATEWAY = """\
server {
    listen 80;
    server_name gw.example.com;
    location /gateway/ {
        include snippets/websocket.conf;
        proxy_pass http://127.0.0.1:8080;
    }
    location /assistserver/ {
        include snippets/websocket.conf;
        proxy_pass http://127.0.0.1:8080;
    }
    location /static/ {
        include snippets/static.conf;
        proxy_pass http://127.0.0.1:8080;
    }
}
"""
WEBSOCKET = """\
proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_read_timeout 1h;
"""
# a second site with problems of its own, committed before the gate existed: a change that
# does not touch what it reads must not be blamed for them
LEGACY = """\
server {
    listen 8081;
    server_name legacy.example.com;
    location /gateway/ {
        proxy_pass http://127.0.0.1:8080;
    }
}
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "PYTHONPATH")}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@t",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@t",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
    )
    # the hook's git and pre-commit: the ones of the interpreter running the tests
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _run(*cmd: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    r = _run("git", *args, cwd=cwd, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.strip()


def _clone_of_this_checkout(dest: Path, env: dict[str, str]) -> str:
    """This checkout as it is on disk (uncommitted work included), committed in a repository
    of its own: what pre-commit clones. Returns the commit."""
    shutil.copytree(ROOT, dest, ignore=_NOT_SHIPPED, symlinks=True)
    _git("init", "-q", "-b", "main", cwd=dest, env=env)
    _git("add", "-A", cwd=dest, env=env)
    _git("commit", "-q", "-m", "wsproxylint under test", cwd=dest, env=env)
    return _git("rev-parse", "HEAD", cwd=dest, env=env)


def readme_precommit_config() -> str:
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "id: wsproxylint" in b]
    return block


def test_readme_pre_commit_workflow_gates_a_snippet_change(tmp_path):
    pytest.importorskip("pre_commit")
    env = _env(tmp_path)
    sha = _clone_of_this_checkout(tmp_path / "wsproxylint", env)

    repo = tmp_path / "proxy"
    write(repo, "nginx/nginx.conf", NGINX)
    write(repo, "nginx/sites/gw.conf", GATEWAY)
    write(repo, "nginx/sites/legacy.conf", LEGACY)
    write(repo, "nginx/snippets/websocket.conf", WEBSOCKET)
    write(repo, "nginx/snippets/static.conf", "expires 1h;\n")
    write(repo, ".wsproxylint.toml", 'roots = ["nginx/nginx.conf"]\n')
    config = readme_precommit_config()
    url = re.search(r"repo: (\S+)", config)
    assert url is not None
    write(repo, ".pre-commit-config.yaml", config.replace(url.group(1), str(tmp_path / "wsproxylint")))
    _git("init", "-q", "-b", "main", cwd=repo, env=env)

    # the README's pinning step: `rev: main` becomes the commit (no release tag in the clone)
    r = _run(sys.executable, "-m", "pre_commit", "autoupdate", "--freeze", cwd=repo, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(rf"^\s+rev: {sha}\b", (repo / ".pre-commit-config.yaml").read_text(), re.M)
    r = _run(sys.executable, "-m", "pre_commit", "install", cwd=repo, env=env)
    assert r.returncode == 0, r.stdout + r.stderr

    # the whole configuration handed over (the root among the files): everything is
    # reported, the legacy site's problems included
    _git("add", "-A", cwd=repo, env=env)
    first = _run("git", "commit", "-m", "proxy config", cwd=repo, env=env)
    assert first.returncode != 0, first.stdout + first.stderr
    assert "nginx/sites/legacy.conf:5: error WSP101" in first.stdout + first.stderr
    _git("commit", "-q", "--no-verify", "-m", "proxy config as deployed", cwd=repo, env=env)

    # an unrelated change: the websocket does not read static.conf, the legacy site is not blamed
    write(repo, "nginx/snippets/static.conf", "expires 2h;\n")
    _git("add", "-A", cwd=repo, env=env)
    ok = _run("git", "commit", "-m", "longer cache", cwd=repo, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert re.search(r"^wsproxylint\.+Passed$", ok.stdout + ok.stderr, re.M), ok.stdout + ok.stderr

    # the breaking change: Upgrade deleted from the snippet every websocket location includes
    write(repo, "nginx/snippets/websocket.conf", WEBSOCKET.replace("proxy_set_header Upgrade $http_upgrade;\n", ""))
    _git("add", "-A", cwd=repo, env=env)
    bad = _run("git", "commit", "-m", "tidy headers", cwd=repo, env=env)
    out = bad.stdout + bad.stderr
    assert bad.returncode != 0, out
    assert re.search(r"^wsproxylint\.+Failed$", out, re.M), out
    # the findings point at the locations that include the snippet, the line a reader opens
    assert "nginx/sites/gw.conf:6: error WSP101 [upgrade-not-forwarded]" in out, out
    assert "nginx/sites/gw.conf:10: error WSP101 [upgrade-not-forwarded]" in out, out
    # no finding blames the legacy site (the summary's "Checked" line names it as judged)
    assert not re.search(r"^nginx/sites/legacy\.conf:\d+:", out, re.M), out
    assert _git("log", "--format=%s", "-1", cwd=repo, env=env) == "longer cache"

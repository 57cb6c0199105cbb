"""The pre-commit hook: its ``files`` pattern against names it must and must not take, and a
real ``pre-commit try-repo`` run of this repository (when pre-commit is installed, as the
test extra does)."""

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
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict[str, str]:
    """The hook's scalar keys and its ``files`` block (a tiny reader: no YAML library needed)."""
    out: dict[str, str] = {}
    lines = HOOKS.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^[- ] (\w+): ?(.*)$", lines[i])
        if m and m.group(2) == "|":
            block = []
            i += 1
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i][4:])
                i += 1
            out[m.group(1)] = "\n".join(block)
            continue
        if m:
            out[m.group(1)] = m.group(2)
        i += 1
    return out


def test_hook_definition():
    hook = _hook()
    assert hook["id"] == "wsproxylint"
    assert hook["entry"] == "wsproxylint check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] == "true"
    assert hook["require_serial"] == "true"


MUST = [
    "nginx.conf", "etc/nginx/nginx.conf", "nginx/conf.d/fas.conf", "deploy/nginx/snippets/ws.conf",
    "sites-enabled/default", "etc/nginx/sites-available/gw.example.com", "conf.d/gateway.conf", "gw.nginx",
    "nginx-prod.conf", "snippets/proxy.conf",
    "httpd.conf", "apache2/apache2.conf", "etc/apache2/sites-enabled/000-default.conf",
    "apache2/mods-enabled/proxy_wstunnel.load", "conf-enabled/ssl.conf", "httpd/conf.d/fas.conf", "web/.htaccess",
    "haproxy.cfg", "etc/haproxy/haproxy.cfg", "haproxy-edge.cfg", "haproxy/conf.d/10-fas.cfg",
    # what the hand-written pattern took before the patterns became each dialect's: a proxy's
    # folder takes .conf, .cfg and .load whatever the proxy, snippets/ takes .load
    "haproxy/frontends.conf", "etc/nginx/stream.cfg", "httpd/extra/fas.cfg", "snippets/fas.load",
]
MUST_NOT = [
    "README.md", "nginx.conf.j2", "docs/nginx.md", "src/app.py", "conf.d/logging.yaml",
    "supervisor/conf.d/app.ini", "setup.cfg", "pyproject.toml", ".wsproxylint.toml", "haproxy.cfg.bak",
    "nginx/README.md", "templates/site.conf.tmpl", "package.json", "tox.ini", "myhaproxy.txt",
]


@pytest.mark.parametrize("name", MUST)
def test_files_pattern_takes_proxy_configs(name):
    # pre-commit matches with re.search on the path relative to the repository root
    assert re.search(_hook()["files"], name), name


@pytest.mark.parametrize("name", MUST_NOT)
def test_files_pattern_leaves_other_files(name):
    assert not re.search(_hook()["files"], name), name


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_pre_commit_try_repo_with_roots(tmp_path):
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    write(repo, "nginx/nginx.conf", "events {}\nhttp {\n    map $http_upgrade $connection_upgrade {\n"
                                    "        default upgrade;\n        '' close;\n    }\n    server {\n"
                                    "        listen 80;\n        include conf.d/*.conf;\n"
                                    "        location /assistserver/ {\n            proxy_http_version 1.1;\n"
                                    "            proxy_set_header Upgrade $http_upgrade;\n"
                                    "            proxy_set_header Connection $connection_upgrade;\n"
                                    "            proxy_read_timeout 1h;\n"
                                    "            proxy_pass http://127.0.0.1:8080;\n        }\n    }\n}\n")
    bad = ("location /gateway/ {\n    proxy_http_version 1.1;\n    proxy_set_header Connection $connection_upgrade;\n"
           "    proxy_read_timeout 1h;\n    proxy_pass http://127.0.0.1:8080;\n}\n")
    write(repo, "nginx/conf.d/fas.conf", bad)
    write(repo, ".wsproxylint.toml", 'roots = ["nginx/nginx.conf"]\n')
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    env.pop("GITHUB_ACTIONS", None)
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "wsproxylint", "--files",
           "nginx/conf.d/fas.conf"]
    r = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "nginx/conf.d/fas.conf:5: error WSP101 [upgrade-not-forwarded]" in r.stdout, r.stdout
    # the unrouted-topic and idle findings of a fragment read alone do not appear: read with the root
    assert "WSP003" not in r.stdout and "WSP301" not in r.stdout
    write(repo, "nginx/conf.d/fas.conf", bad.replace("    proxy_http_version 1.1;\n",
                                                     "    proxy_http_version 1.1;\n"
                                                     "    proxy_set_header Upgrade $http_upgrade;\n"))
    _git("add", "-A", cwd=repo)
    r = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Passed" in r.stdout

"""The GitHub Action (``action.yml``) run the way a runner runs a composite action, without
GitHub: the workflow is the README's, its ``with:`` are the inputs, each step's ``env:``
is evaluated (``inputs.*``, ``github.action_path``, ``steps.<id>.outputs.*``: the only
expressions the action uses) and its ``run:`` script runs as ``bash --noprofile --norc -eo
pipefail`` with the variables a runner sets (``GITHUB_ACTIONS``, ``GITHUB_WORKSPACE``,
``RUNNER_TEMP``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``...). The install step takes its
dependencies from the package index, as on a runner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _util import write

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

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
_EXPR = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")

BAD = """\
events {}
http {
    server {
        listen 80;
        location /gateway/ {
            proxy_pass http://127.0.0.1:8080;
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
GOOD = BAD.replace(
    "            proxy_pass http://127.0.0.1:8080;\n            proxy_read_timeout 1h;\n        }\n"
    "        location /assistserver/",
    "            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n"
    '            proxy_set_header Connection "upgrade";\n            proxy_read_timeout 1h;\n'
    "            proxy_pass http://127.0.0.1:8080;\n        }\n        location /assistserver/",
    1,
)


def readme_workflow() -> dict:
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "jobs:" in b]
    return yaml.safe_load(block)


def _our_step(workflow: dict) -> dict:
    (job,) = workflow["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("uses", "").split("@")[0].endswith("/wsproxylint")]
    return step


class Runner:
    """A composite action's steps, run with a runner's variables in one workspace."""

    def __init__(self, tmp: Path, action_path: Path, workspace: Path) -> None:
        self.tmp, self.action_path, self.workspace = tmp, action_path, workspace
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = tmp / "step_summary.md"
        self.summary.touch()

    def env(self, n: int) -> dict[str, str]:
        base = {
            k: v
            for k, v in os.environ.items()
            if k in ("PATH", "HOME", "LANG", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")
        }
        (self.tmp / f"output{n}").write_text("")
        base.update(
            CI="true",
            GITHUB_ACTIONS="true",
            RUNNER_OS="Linux",
            RUNNER_TEMP=str(self.tmp / "runner-temp"),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTION_PATH=str(self.action_path),
            GITHUB_OUTPUT=str(self.tmp / f"output{n}"),
            GITHUB_ENV=str(self.tmp / f"env{n}"),
            GITHUB_PATH=str(self.tmp / f"path{n}"),
            GITHUB_STEP_SUMMARY=str(self.summary),
        )
        (self.tmp / "runner-temp").mkdir(exist_ok=True)
        return base

    def value(self, expr: str, inputs: dict[str, str]) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs":
            return inputs[parts[1]]
        if expr == "github.action_path":
            return str(self.action_path)
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"action.yml uses an expression this runner does not know: {expr}")

    def run(self, step: dict, inputs: dict[str, str], n: int) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash" and "${{" not in step["run"], "values reach scripts through env: only"
        env = self.env(n)
        for k, v in step.get("env", {}).items():
            env[k] = _EXPR.sub(lambda m: self.value(m.group(1), inputs), str(v))
        script = self.tmp / f"step{n}.sh"
        script.write_text(step["run"])
        r = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if "id" in step:
            lines = (self.tmp / f"output{n}").read_text().splitlines()
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
        return r


def _inputs(given: dict) -> dict[str, str]:
    declared = ACTION["inputs"]
    unknown = set(given) - set(declared)
    assert not unknown, f"inputs action.yml does not declare: {unknown}"
    return {k: str(given.get(k, spec.get("default", ""))) for k, spec in declared.items()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Runner:
    tmp = tmp_path_factory.mktemp("action")
    action_path = tmp / "action"
    shutil.copytree(ROOT, action_path, ignore=_NOT_SHIPPED, symlinks=True)
    workspace = tmp / "workspace"
    workspace.mkdir()
    runner = Runner(tmp, action_path, workspace)
    install = ACTION["runs"]["steps"][0]
    r = runner.run(install, _inputs({"python": sys.executable}), 0)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    import linter

    assert f"wsproxylint {linter.__version__}" in r.stdout
    return runner


def _check(runner: Runner, given: dict, n: int) -> subprocess.CompletedProcess[str]:
    assert ACTION["runs"]["using"] == "composite"
    check = ACTION["runs"]["steps"][1]
    return runner.run(check, _inputs({"python": sys.executable, **given}), n)


def test_readme_workflow_fails_on_findings_with_annotations_and_sarif(installed):
    step = _our_step(readme_workflow())
    ws = installed.workspace
    write(ws, "deploy/proxy/nginx.conf", BAD)
    r = _check(installed, step["with"], 1)
    assert r.returncode == 1, r.stdout + r.stderr
    assert installed.outputs["check"]["exit-code"] == "1"
    assert re.search(r"^::error file=deploy/proxy/nginx\.conf,line=6,title=WSP101 ", r.stdout, re.M), r.stdout
    # the workflow's upload step reads the file the action wrote
    (job,) = readme_workflow()["jobs"].values()
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload["with"]["sarif_file"] == step["with"]["sarif-file"] and upload.get("if") == "always()"
    sarif = json.loads((ws / step["with"]["sarif-file"]).read_text())
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    results = {
        (res["ruleId"], res["locations"][0]["physicalLocation"]["region"]["startLine"])
        for res in sarif["runs"][0]["results"]
    }
    assert ("WSP101", 6) in results


def test_a_clean_config_passes(installed):
    ws = installed.workspace
    write(ws, "deploy/proxy/nginx.conf", GOOD)
    r = _check(installed, _our_step(readme_workflow())["with"], 2)
    assert r.returncode == 0, r.stdout + r.stderr
    assert installed.outputs["check"]["exit-code"] == "0"
    assert "::error" not in r.stdout and "::warning" not in r.stdout


def test_a_bad_path_fails_before_the_sarif_is_trusted(installed):
    r = _check(installed, {"paths": "deploy/no-such-dir", "sarif-file": "out.sarif"}, 3)
    assert r.returncode == 2, r.stdout + r.stderr
    assert installed.outputs["check"]["exit-code"] == "2"


def test_args_and_paths_are_words_not_shell(installed):
    ws = installed.workspace
    write(ws, "deploy/proxy/nginx.conf", BAD)
    r = _check(installed, {"paths": "deploy/proxy/nginx.conf", "args": "--select WSP103 --fail-on error"}, 4)
    assert r.returncode == 1 and {m for m in re.findall(r"title=(WSP\d+)", r.stdout)} == {"WSP103"}, r.stdout
    r = _check(installed, {"paths": "deploy/proxy/nginx.conf; touch pwned", "args": "$(touch pwned2)"}, 5)
    assert r.returncode == 2 and not (ws / "pwned").exists() and not (ws / "pwned2").exists()


def test_step_summary_input_decides_whether_the_tool_sees_the_summary_file(installed, tmp_path):
    """The summary itself is the github format's to write; the input only hands the runner's
    file over or not. A stand-in for the installed tool records what it was given."""
    seen = tmp_path / "seen"
    stub = write(tmp_path, "wsproxylint", f'#!/bin/sh\necho "${{GITHUB_STEP_SUMMARY:-none}} $*" >> {seen}\n')
    stub.chmod(0o755)
    real = installed.outputs["install"]["bin"]
    try:
        installed.outputs["install"]["bin"] = str(stub)
        for n, flag in ((6, "true"), (7, "false")):
            r = _check(installed, {"paths": "deploy/proxy/", "step-summary": flag}, n)
            assert r.returncode == 0, r.stderr
    finally:
        installed.outputs["install"]["bin"] = real
    lines = seen.read_text().splitlines()
    assert lines == [
        f"{installed.summary} check --format github deploy/proxy/",
        "none check --format github deploy/proxy/",
    ]

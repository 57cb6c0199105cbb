"""The package as a user gets it: ``python -m build`` makes an sdist and a wheel from a copy
of this checkout, ``twine check`` passes both, and each installs into a fresh venv (its
dependencies from the package index, as CI has it) where the console script and
``python -m linter`` lint a sample and name the version of ``linter/__init__.py``. Marked
``dist``: slow, and run by ``.ci/run`` with the rest of the suite."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import linter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "nginx" / "bad-inherited-headers-dropped.conf"

pytestmark = pytest.mark.dist

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


def _run(*cmd: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS", "NO_COLOR", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    pytest.importorskip("build")
    work = tmp_path_factory.mktemp("dist")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SHIPPED, symlinks=True)
    r = _run(sys.executable, "-m", "build", "--outdir", work / "out", src, cwd=work)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return work / "out"


def test_one_version_everywhere(dist):
    version = linter.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert sorted(p.name for p in dist.iterdir()) == [
        f"wsproxylint-{version}-py3-none-any.whl",
        f"wsproxylint-{version}.tar.gz",
    ]
    import tomllib

    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in spec["project"] and spec["project"]["dynamic"] == ["version"]
    assert spec["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "linter.__version__"}


def test_twine_check_passes(dist):
    pytest.importorskip("twine")
    r = _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir()), cwd=dist)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("PASSED") == 2, r.stdout


def test_the_wheel_holds_the_code_and_the_sdist_builds_it(dist):
    wheel = zipfile.ZipFile(next(dist.glob("*.whl")))
    tops = {n.split("/")[0] for n in wheel.namelist()}
    assert {"linter", "parsers", "checks"} <= tops and not tops & {"tests", "samples", "benchmarks"}
    # every rule module ships (the registry finds checks by scanning its package)
    shipped = {n for n in wheel.namelist() if n.startswith("checks/") and n.endswith(".py")}
    assert shipped == {f"checks/{p.name}" for p in (ROOT / "checks").glob("*.py")}
    entry = wheel.read(f"wsproxylint-{linter.__version__}.dist-info/entry_points.txt").decode()
    assert "wsproxylint = linter.app.cli:main" in entry
    names = tarfile.open(next(dist.glob("*.tar.gz"))).getnames()
    assert any(n.endswith("/README.md") for n in names) and any(n.endswith("/pyproject.toml") for n in names)


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_installs_and_runs_in_a_fresh_venv(dist, tmp_path, kind):
    (artifact,) = dist.glob(f"*.{kind}")
    venv = tmp_path / "venv"
    r = _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    r = _run(py, "-m", "pip", "install", "-q", artifact, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # out of this checkout's directory: the installed package answers, not the source tree
    for cmd in ([venv / "bin" / "wsproxylint"], [py, "-m", "linter"]):
        r = _run(*cmd, "check", "--format", "json", SAMPLE, cwd=tmp_path)
        assert r.returncode == 1, r.stderr
        doc = json.loads(r.stdout)
        assert doc["tool"] == {"name": "wsproxylint", "version": linter.__version__}
        assert {f["rule"] for f in doc["findings"]} >= {"WSP101", "WSP102"}
    r = _run(py, "-c", "import linter, os; print(linter.__file__)", cwd=tmp_path)
    assert str(venv) in r.stdout, r.stdout
    r = _run(venv / "bin" / "wsproxylint", "rules", cwd=tmp_path)
    assert r.returncode == 0 and "WSP101" in r.stdout


def test_the_tag_convention_is_the_one_the_documents_show():
    """Tags are `v` + the version (docs/releasing.md); a tag the documents name as an
    example is the current version's, and no workflow pins a branch or a made-up tag."""
    releasing = (ROOT / "docs" / "releasing.md").read_text()
    version = linter.__version__
    assert f'git tag -a v{version} -m "wsproxylint {version}"' in releasing
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"\bv\d+\.\d+\.\d+\b", readme + releasing))
    assert named <= {f"v{version}"}, named

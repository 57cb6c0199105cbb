"""Helpers shared by the test modules."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# set by CI runners and terminals; each changes what `check` prints (its default format, colour)
AMBIENT = ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_STEP_SUMMARY")


@dataclass
class CliResult:
    """What the in-process ``cli`` fixture returns: exit status, stdout, stderr."""

    code: int
    out: str
    err: str


def cli_process(*args: str | Path, cwd: str | Path, stdin: str | bytes | None = None,
                env: Mapping[str, str | None] | None = None, timeout: float = 60,
                command: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """``wsproxylint ARGS`` in a process of its own, for a test about the process: its exit
    status, start-up, an audit hook, a hang bounded by ``timeout`` (everything else uses the
    in-process ``cli`` fixture). ``command`` replaces ``python -m linter`` (a driver script,
    the console script); this checkout's code runs, whatever the venv's install points at.
    ``env`` as for ``cli``; output is decoded with replacement, so any bytes can be shown,
    and with universal newlines, as ``text=True`` would."""
    cmd = [*(command or (sys.executable, "-m", "linter")), *map(str, args)]
    full = {k: v for k, v in os.environ.items() if k not in AMBIENT}
    full.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(ROOT))
    for k, v in (env or {}).items():
        if v is None:
            full.pop(k, None)
        else:
            full[k] = v
    data = stdin.encode() if isinstance(stdin, str) else stdin
    r = subprocess.run(cmd, cwd=cwd, input=data, capture_output=True, timeout=timeout, env=full,
                       stdin=subprocess.DEVNULL if data is None else None)
    return subprocess.CompletedProcess(cmd, r.returncode, _text(r.stdout), _text(r.stderr))


def _text(data: bytes) -> str:
    return data.decode(errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def write(base: Path, rel: str, text: str) -> Path:
    """Write a dedented config file under ``base``, creating its directories."""
    p = base / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text))
    return p


def load(dialect: str, path, options=None, text: str | None = None):
    """The proxy model of one configuration, as the engine loads it (``path`` shown as given)."""
    import parsers
    from linter.core.options import Options

    d = parsers.get(dialect)
    assert d is not None, f"no dialect {dialect!r} registered"
    return d.load(parsers.Source(str(path), text), options or Options(dialect=dialect))

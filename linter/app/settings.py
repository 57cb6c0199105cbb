"""Settings files: ``.wsproxylint.toml``, or ``[tool.wsproxylint]`` in ``pyproject.toml``.

Found for each input from its directory upwards, as ruff does, so that
``cd /tmp && wsproxylint check /repo/deploy`` uses the repository's file; an input with none
above it takes the one found from the working directory upwards. The nearest wins; in one
directory ``.wsproxylint.toml`` wins over ``pyproject.toml``, and a ``pyproject.toml``
without the section does not count. ``--config`` names one file for every input. Paths in a settings file are relative
to the file's directory, so the same file works from any working directory. Command-line
flags win over the file. A key the linter does not know is an error, not silently
ignored: a typo in ``fail-on`` must not quietly let a broken config through CI.

``tomllib`` is imported only when a settings file exists (start-up time matters in
pre-commit).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import parsers
from linter.core.fas import parse_fas_backend
from linter.engine.patterns import anchor

DOTFILE = ".wsproxylint.toml"
FRONTS = ("ws", "wss")
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """A settings file that cannot be used: exit status 2."""


@dataclass(slots=True)
class Settings:
    """What a settings file says; None / empty where it says nothing."""

    path: str | None = None  # the file these settings came from
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    fas_version: str | None = None
    proxy_versions: dict[str, str] = field(default_factory=dict)  # dialect -> version
    ws_paths: list[str] = field(default_factory=list)
    fas_backends: list[str] = field(default_factory=list)  # HOST[:PORT] or backend names
    fronts: list[str] = field(default_factory=list)  # "ws", "wss"
    exclude: list[str] = field(default_factory=list)  # patterns, see matches()
    dialects: list[tuple[str, str]] = field(default_factory=list)  # (pattern, dialect)
    idle_timeout_threshold: float | None = None
    roots: list[str] = field(default_factory=list)  # absolute paths
    report_unused_suppressions: bool | None = None


def find(start: str | None = None) -> tuple[str, str] | None:
    """The nearest settings file from ``start`` (default: the working directory) upwards,
    as (path, kind) with kind "dotfile" or "pyproject"."""
    d = os.path.abspath(start or os.getcwd())
    while True:
        dot = os.path.join(d, DOTFILE)
        if os.path.isfile(dot):
            return dot, "dotfile"
        pp = os.path.join(d, PYPROJECT)
        if os.path.isfile(pp) and _has_section(pp):
            return pp, "pyproject"
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def for_inputs(paths: list[str], explicit: str | None = None) -> list[tuple[Settings, list[str]]]:
    """The settings each input is checked with, grouped by settings file in the order the
    inputs came (``-``, stdin, goes with the working directory)."""
    if explicit is not None:
        return [(load(explicit), list(paths))]
    fallback: list[tuple[str, str] | None] = []
    by_dir: dict[str, tuple[str, str] | None] = {}

    def nearest(p: str) -> tuple[str, str] | None:
        d = os.getcwd() if p == "-" else (p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)))
        d = os.path.abspath(d)
        if d not in by_dir:
            by_dir[d] = find(d)
        if by_dir[d] is not None:
            return by_dir[d]
        if not fallback:
            fallback.append(find())
        return fallback[0]

    groups: dict[str | None, tuple[Settings, list[str]]] = {}
    for p in paths:
        found = nearest(p)
        key = found[0] if found else None
        if key not in groups:
            groups[key] = (_load_found(found) if found else Settings(), [])
        groups[key][1].append(p)
    return list(groups.values())


def _has_section(path: str) -> bool:
    # a cheap look before parsing TOML: most pyproject.toml files have no such section
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "tool.wsproxylint" in f.read()
    except OSError:
        return False


def load(path: str | None = None) -> Settings:
    """The settings in ``path`` (``--config``), else in the nearest settings file, else none."""
    if path is None:
        found = find()
        return _load_found(found) if found is not None else Settings()
    if not os.path.isfile(path):
        raise ConfigError(f"--config: {path}: no such file")
    return _load_found((path, "pyproject" if os.path.basename(path) == PYPROJECT else "dotfile"))


def _load_found(found: tuple[str, str]) -> Settings:
    path, kind = found
    data = _read_toml(path)
    if kind == "pyproject":
        data = data.get("tool", {}).get("wsproxylint")
        if data is None:
            raise ConfigError(f"{path}: no [tool.wsproxylint] section")
        where = f"{path}: [tool.wsproxylint]"
    else:
        where = path
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table")
    return _parse(data, path, where)


def _read_toml(path: str) -> dict[str, Any]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef, import-not-found, unused-ignore]
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 text") from None


def _version_keys() -> dict[str, str]:
    """``<version_name>-version`` -> dialect, for every registered dialect."""
    return {f"{d.version_name}-version": d.name for d in parsers.dialects()}


def keys() -> tuple[str, ...]:
    """Every key a settings file may hold, in the order an error lists them."""
    return (
        "select",
        "ignore",
        "fail-on",
        "fas-version",
        *_version_keys(),
        "ws-paths",
        "fas-backends",
        "fronts",
        "exclude",
        "dialects",
        "idle-timeout-threshold",
        "roots",
        "report-unused-suppressions",
    )


def _parse(data: dict[str, Any], path: str, where: str) -> Settings:
    base = os.path.dirname(os.path.abspath(path))
    s = Settings(path=path)
    version_keys = _version_keys()
    for key, value in data.items():
        at = f"{where}: {key}"
        if key in ("select", "ignore"):
            ids = _strings(value, at, allow_csv=True)
            if key == "select":
                s.select = ids
            else:
                s.ignore = ids
        elif key == "fail-on":
            if value not in ("error", "warning", "info"):
                raise ConfigError(f'{at}: expected "error", "warning" or "info", not {value!r}')
            s.fail_on = value
        elif key == "fas-version" or key in version_keys:
            if not isinstance(value, str) or not _is_version(value):
                raise ConfigError(f'{at}: expected a version string "X.Y.Z", not {value!r}')
            if key == "fas-version":
                s.fas_version = value
            else:
                s.proxy_versions[version_keys[key]] = value
        elif key == "ws-paths":
            s.ws_paths = _strings(value, at)
            for p in s.ws_paths:
                if not p.startswith("/"):
                    raise ConfigError(f"{at}: a path starts with '/': {p!r}")
        elif key == "fas-backends":
            s.fas_backends = _strings(value, at)
            for b in s.fas_backends:
                try:
                    parse_fas_backend(b)
                except ValueError:
                    raise ConfigError(f"{at}: expected HOST[:PORT] or a backend name, not {b!r}") from None
        elif key == "fronts":
            s.fronts = _strings(value, at)
            for front in s.fronts:
                if front not in FRONTS:
                    raise ConfigError(f'{at}: expected "ws" or "wss", not {front!r}')
        elif key == "exclude":
            s.exclude = [anchor(p, base) for p in _strings(value, at)]
        elif key == "dialects":
            if not isinstance(value, dict):
                raise ConfigError(f'{at}: expected a table of "pattern" = "dialect"')
            for pattern, dialect in value.items():
                if parsers.get(dialect) is None:
                    known = ", ".join(parsers.names())
                    raise ConfigError(f"{at}: {pattern!r}: expected one of {known}, not {dialect!r}")
                s.dialects.append((anchor(pattern, base), dialect))
        elif key == "idle-timeout-threshold":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"{at}: expected a number of seconds > 0, not {value!r}")
            s.idle_timeout_threshold = float(value)
        elif key == "roots":
            s.roots = [os.path.normpath(os.path.join(base, p)) for p in _strings(value, at)]
        elif key == "report-unused-suppressions":
            if not isinstance(value, bool):
                raise ConfigError(f"{at}: expected true or false, not {value!r}")
            s.report_unused_suppressions = value
        else:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(keys())})")
    return s


def _strings(value: Any, at: str, allow_csv: bool = False) -> list[str]:
    if allow_csv and isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{at}: expected a list of strings, not {value!r}")
    return list(value)


def _is_version(text: str) -> bool:
    from linter.core.fas import version_tuple

    try:
        version_tuple(text)
    except ValueError:
        return False
    return True

"""HAProxy map files and dynamic ``use_backend`` names: routing that a file decides.

``use_backend %[path,map_beg(/etc/haproxy/paths.map,be_web)]`` picks the backend by looking
the request's path up in a file: a file line is ``key value`` (blank lines and ``#`` lines
skipped). The lookup runs per request, so it enters the model as a ``DynamicTarget`` that
the planning step asks for each websocket URL, never as a backend chosen while reading.

Where HAProxy finds the file (checked with HAProxy 2.6.12): an absolute path as written; a
relative one against HAProxy's working directory (``/`` under systemd), not the config's
directory, and ``default-path config`` does not change that for ``use_backend``, whose
expression is compiled after every file is read. A file HAProxy cannot open stops it
("failed to open pattern file"). The linter usually runs on a copy of the configuration,
not on the proxy host, so it looks for the file where it is written and then beside the
configuration (``/etc/haproxy/maps/hosts.map`` as ``maps/hosts.map`` next to the file that
names it, or in a directory above it up to the configuration's root: a conf.d file and a
maps/ folder beside haproxy.cfg); what it cannot find it says so, and the routing through it
stays unknown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from linter.core import bounds
from linter.core.model import Request

from .acl import Term, parse_term, regex_search

# map converters and how each compares the sample with a file key [manual 7.3.1 "map"]
_METHODS = {
    "map": "str",
    "map_str": "str",
    "map_beg": "beg",
    "map_end": "end",
    "map_sub": "sub",
    "map_dir": "dir",
    "map_dom": "dom",
    "map_reg": "reg",
    "map_regm": "reg",
    "map_int": "int",
    "map_ip": "ip",
}
_DYNAMIC = re.compile(r"^%\[(?P<expr>.*)\]$")


@dataclass(slots=True, frozen=True)
class MapFile:
    """A map file as read: (key, value) in file order, or why it could not be read."""

    written: str  # the path as the config writes it
    path: str | None  # where it was read from
    entries: tuple[tuple[str, str], ...] = ()
    error: str = ""


def parse_map(text: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ") if " " in line else line.partition("\t")
        out.append((key, value.strip()))
    return tuple(out)


def candidates(written: str, config_file: str, root_file: str = "") -> list[str]:
    """Where to look for a file the config names: as written, then beside the config file and
    each directory above it up to the configuration's root (a conf.d file names
    ``/etc/haproxy/maps/x.map``, which the copy holds as ``maps/x.map`` next to haproxy.cfg),
    each tail of an absolute path, longest first."""
    here = os.path.dirname(os.path.abspath(config_file)) if config_file and config_file != "-" else ""
    dirs = [here] if here else []
    top = os.path.dirname(os.path.abspath(root_file)) if root_file and root_file != "-" else ""
    if top and top != here:
        if here.startswith(top.rstrip("/") + "/"):
            d = here
            while d != top:
                d = os.path.dirname(d)
                dirs.append(d)
        else:
            dirs.append(top)
    if os.path.isabs(written):
        out = [written]
        parts = [p for p in written.split("/") if p]
        for d in dirs:
            out += [os.path.join(d, *parts[i:]) for i in range(1, len(parts))]
        return out
    return [os.path.join(d, written) for d in dirs]


def load_map(written: str, config_file: str, cache: dict[str, MapFile], root_file: str = "") -> MapFile:
    key = f"{config_file}\0{written}"
    found = cache.get(key)
    if found is not None:
        return found
    error = "not found where it is written nor beside the configuration"
    for path in candidates(written, config_file, root_file):
        if not os.path.exists(path):
            continue
        try:
            found = MapFile(written, path, parse_map(bounds.read_text(path)))
        except (OSError, bounds.ReadLimit) as e:
            error = bounds.reason(e)
            continue
        break
    else:
        found = MapFile(written, None, error=error)
    cache[key] = found
    return found


def split_expr(expr: str) -> list[str]:
    """``fetch(args),conv(args),...`` into its parts, commas inside parentheses kept."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in expr:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


@dataclass(slots=True)
class DynamicTarget:
    """A ``use_backend`` name computed per request: a sample, converters, then a map."""

    text: str  # as written
    sample: Term  # the fetch and the converters before the map
    method: str | None  # map comparison; None: the sample itself is the backend name
    map: MapFile | None
    default: str | None  # the map converter's default value

    @property
    def names(self) -> list[str]:
        """Every backend name the lookup can give, in file order, the default last."""
        out = [v for _, v in self.map.entries] if self.map is not None else []
        if self.default:
            out.append(self.default)
        return list(dict.fromkeys(out))

    def keys_for(self, name: str) -> list[str]:
        return [k for k, v in self.map.entries if v == name] if self.map is not None else []

    def pick(self, request: Request, servers: dict[str, int], fas_like: Callable[[str], bool]) -> str | None:
        """The backend name this request gets; None: no name (HAProxy then takes the
        default_backend). A sample the config cannot know (the browser's Host) picks the
        first name that is FAS's, as the Ladder does for host rules: the operator wrote
        that entry for the FAS host the browser uses."""
        if self.map is not None and self.map.path is None:
            return None  # not read: nothing to look up (the problem says so)
        got = self.sample.converted(request, servers)
        if got is None:
            for name in self.names:
                if fas_like(name):
                    return name
            return self.default
        if self.method is None:
            return got[0] if got else None
        for value in got:
            for key, name in self.map.entries if self.map is not None else ():
                if _matches(self.method, value, key):
                    return name
        return self.default


def _matches(method: str, got: str, key: str) -> bool:
    if method == "str":
        return got == key
    if method == "beg":
        return got.startswith(key)
    if method == "end":
        return got.endswith(key)
    if method == "sub":
        return key in got
    if method == "dir":
        return key.strip("/") in got.split("/")
    if method == "dom":
        return key in re.split(r"[/.?]", got)
    if method == "reg":
        return regex_search(key, got)
    if method == "int":
        return got.isdigit() and key.isdigit() and int(got) == int(key)
    return False


def dynamic_target(target: str, load: Callable[[str], MapFile]) -> DynamicTarget | None:
    """``%[fetch,conv...,map_xxx(file[,default])]`` or ``%[fetch,conv...]``; None when the
    name is not one expression of that form (text around it, a map converter unknown)."""
    m = _DYNAMIC.match(target.strip())
    if not m or "%[" in m.group("expr"):
        return None
    parts = split_expr(m.group("expr"))
    if not parts or not parts[0]:
        return None
    before: list[str] = [parts[0]]
    for i, part in enumerate(parts[1:], 1):
        conv = re.fullmatch(r"(?P<name>[\w.]+)(?:\((?P<args>.*)\))?", part)
        if conv is None:
            return None
        name = conv.group("name")
        if name in _METHODS:
            if i != len(parts) - 1:
                return None  # converters after the map: not modelled
            args = split_expr(conv.group("args") or "")
            if not args or not args[0]:
                return None
            default = args[1] if len(args) > 1 and args[1] else None
            sample = parse_term([",".join(before)])
            if sample is None:
                return None
            return DynamicTarget(target, sample, _METHODS[name], load(args[0]), default)
        before.append(part)
    sample = parse_term([",".join(before)])
    return None if sample is None else DynamicTarget(target, sample, None, None, None)

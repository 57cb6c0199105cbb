"""Read nginx configs into the common tree with crossplane.

crossplane parses one file at a time here (``single=True``); includes are resolved by this
module so that they follow nginx's rules (relative paths against the main config's
directory, globs sorted, a missing literal file is fatal, a glob matching nothing is not),
cycles are caught, and every included node keeps its own file and line plus the include
chain in ``via``. crossplane never raises on bad input with ``catch_errors``: it returns
``status``/``errors``, which become problems at their line, never a silent pass.
"""

from __future__ import annotations

import glob
import os
import stat

import crossplane
from crossplane.analyzer import analyze, enter_block_ctx
from crossplane.errors import NgxParserDirectiveError

from linter.tree import ConfigTree, Loc, Node, SourceFile, SourceProblem

MAX_INCLUDE_DEPTH = 32
MAX_FILES = 20000
MAX_FILE_BYTES = 64 * 1024 * 1024

# Directives that only stand at the top of a whole configuration.
_MAIN_ONLY = frozenset(
    {"http", "events", "stream", "mail", "worker_processes", "user", "pid", "load_module",
     "worker_rlimit_nofile", "daemon", "master_process", "error_log_main", "env", "thread_pool"}
)
_HTTP_LEVEL = frozenset({"server", "upstream", "map", "geo", "split_clients", "proxy_cache_path",
                         "limit_req_zone", "limit_conn_zone", "log_format", "types"})
_SERVER_LEVEL = frozenset({"location", "listen", "server_name"})

# Allowed in more contexts than crossplane 0.5.8's table knows (include: anywhere;
# resolver in upstream since nginx 1.27.3).
_CONTEXT_UNCHECKED = frozenset({"include", "resolver", "resolver_timeout"})
# Files every nginx package installs next to nginx.conf: a checkout often omits them.
_DISTRIBUTION_FILES = frozenset({"mime.types", "fastcgi_params", "fastcgi.conf", "scgi_params", "uwsgi_params",
                                 "koi-utf", "koi-win", "win-utf", "proxy_params"})

# crossplane's context tuples for each fragment kind
_CTX = {"main": (), "http": ("http",), "server": ("http", "server"),
        "location": ("http", "server", "location")}


def guess_context(parsed: list[dict]) -> str:
    names = {d["directive"] for d in parsed if d["directive"] != "#"}
    if names & _MAIN_ONLY or not names:
        return "main"
    if names & _HTTP_LEVEL:
        return "http"
    if names & _SERVER_LEVEL:
        return "server"
    return "location"


class _Reader:
    def __init__(self, root: str) -> None:
        self.root = root
        self.prefix = os.path.dirname(os.path.abspath(root))
        self.cache: dict[str, dict] = {}
        self.files: list[SourceFile] = []
        self.problems: list[SourceProblem] = []
        self.context = "main"

    # -- one file
    def parse_file(self, path: str) -> dict | None:
        if path in self.cache:
            return self.cache[path]
        if len(self.cache) >= MAX_FILES:
            return None
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise OSError(f"not a regular file: {path}")
            if st.st_size > MAX_FILE_BYTES:
                raise OSError(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: {path}")
            payload = crossplane.parse(
                path, single=True, comments=True, catch_errors=True,
                check_ctx=False, check_args=True, strict=False,
            )
        except (OSError, ValueError, RecursionError) as e:
            payload = {"status": "failed", "errors": [{"file": path, "error": str(e), "line": None}],
                       "config": [{"file": path, "status": "failed", "errors": [], "parsed": []}]}
        self.cache[path] = payload
        sf = SourceFile(path=path, dialect="nginx")
        self.files.append(sf)
        for err in payload.get("errors", []):
            line = err.get("line") or _last_line(path)
            msg = str(err.get("error") or "") or "unexpected end of file: a directive or block is not closed"
            # crossplane appends "in FILE:LINE"; the location says it already
            cut = msg.rfind(" in /")
            if cut > 0:
                msg = msg[:cut]
            self.problems.append(SourceProblem("syntax", msg, Loc(err.get("file") or path, line)))
        return payload

    # -- the tree
    def convert(self, path: str, parsed: list[dict], ctx: tuple, stack: tuple[str, ...],
                via: tuple[Loc, ...], sf: SourceFile) -> list[Node]:
        out: list[Node] = []
        for d in parsed:
            name = d["directive"]
            line = d.get("line") or 1
            if name == "#":
                sf.comments[line] = d.get("comment", "")
                continue
            args = d.get("args") or []
            loc = Loc(path, line)
            if ctx is not None:
                self.check_context(path, d, ctx)
            if name == "include" and args:
                out.extend(self.include(loc, args[0], ctx, stack, via))
                continue
            node = Node(name=name, args=list(args), loc=loc, via=via)
            if "block" in d:
                inner = enter_block_ctx(d, ctx) if ctx is not None else None
                node.children = self.convert(path, d["block"], inner, stack, via, sf)
            out.append(node)
        return out

    def check_context(self, path: str, d: dict, ctx: tuple) -> None:
        if d["directive"] in _CONTEXT_UNCHECKED:
            return
        try:
            analyze(fname=path, stmt=d, term="{" if "block" in d else ";", ctx=ctx,
                    strict=False, check_ctx=True, check_args=False)
        except NgxParserDirectiveError as e:
            self.problems.append(SourceProblem("syntax", e.strerror, Loc(path, d.get("line") or 1)))

    def include(self, loc: Loc, pattern: str, ctx: tuple | None, stack: tuple[str, ...],
                via: tuple[Loc, ...]) -> list[Node]:
        fragment = self.context != "main"
        full = pattern if os.path.isabs(pattern) else os.path.join(self.prefix, pattern)
        if glob.has_magic(full):
            names = sorted(glob.glob(full))
        else:
            names = [full] if os.path.exists(full) else []
            if not names:
                # A relative include missing from the tree being linted breaks the load;
                # an absolute one may just live on the server, not in this checkout.
                certain = (not fragment and not os.path.isabs(pattern)
                           and os.path.basename(pattern) not in _DISTRIBUTION_FILES)
                where = "" if os.path.isabs(pattern) else f" (relative to {self.prefix})"
                self.problems.append(SourceProblem(
                    "include", f'included file "{pattern}" not found{where}', loc, certain=certain))
                # keep the include in the tree: what it would have set is unknown
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
        out: list[Node] = []
        for name in names:
            real = os.path.realpath(name)
            if real in stack:
                self.problems.append(SourceProblem(
                    "include", f'include cycle: "{name}" includes itself through {loc}', loc))
                continue
            if len(stack) >= MAX_INCLUDE_DEPTH:
                self.problems.append(SourceProblem(
                    "include", f"includes nested deeper than {MAX_INCLUDE_DEPTH} levels", loc))
                return out
            if os.path.isdir(name):
                continue  # nginx cannot include a directory either; a glob may match one
            payload = self.parse_file(name)
            if payload is None:
                self.problems.append(SourceProblem(
                    "include", f"more than {MAX_FILES} files included; stopped reading", loc))
                return out
            sf = self._source(name)
            parsed = payload["config"][0]["parsed"] if payload.get("config") else []
            out.extend(self.convert(name, parsed, ctx, stack + (real,), via + (loc,), sf))
        return out

    def _source(self, path: str) -> SourceFile:
        for sf in self.files:
            if sf.path == path:
                return sf
        sf = SourceFile(path=path, dialect="nginx")
        self.files.append(sf)
        return sf


def _last_line(path: str) -> int:
    try:
        with open(path, "rb") as f:
            return max(1, f.read(MAX_FILE_BYTES).count(b"\n"))
    except OSError:
        return 1


def read(path: str) -> ConfigTree:
    """Read ``path`` and everything it includes into one tree."""
    r = _Reader(path)
    payload = r.parse_file(path)
    parsed = payload["config"][0]["parsed"] if payload and payload.get("config") else []
    r.context = guess_context(parsed)
    sf = r._source(path)
    nodes = r.convert(path, parsed, _CTX[r.context], (os.path.realpath(path),), (), sf)
    return ConfigTree(dialect="nginx", root_file=path, nodes=nodes, context=r.context,
                      files=r.files, problems=r.problems)

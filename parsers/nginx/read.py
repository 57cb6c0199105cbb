"""Read nginx configs into the common tree with crossplane.

crossplane's lexer tokenises and its analyzer validates every directive (context and
argument count), but the parse loop is ours, for two reasons: an included file or a
fragment must be analysed in the context nginx reads it in (``crossplane.parse`` starts
every file in the main context, where it silently skips argument checks inside blocks it
has no table for), and includes must follow nginx's rules (relative paths against the main
config's directory, globs sorted, a missing literal file is fatal, a glob matching nothing
is not) with cycles caught and bounds applied. Every error crossplane raises becomes a
problem at its line, never a silent pass; every node keeps its own file and line, plus the
include chain in ``via``.
"""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field

from crossplane.analyzer import CONTEXTS, DIRECTIVES, analyze, enter_block_ctx
from crossplane.errors import NgxParserBaseException, NgxParserDirectiveError
from crossplane.lexer import _balance_braces, _lex_file_object
from crossplane.parser import _prepare_if_args

from linter.tree import ConfigTree, Loc, Node, SourceFile, SourceProblem

# wsproxylint's bounds on one configuration (README, "Guarantees and bounds"). Hitting one
# is a "read" problem at the line where it was hit (exit status 2: not all was read), never
# a crash; what was read before it still counts.
MAX_INCLUDE_DEPTH = 32  # includes within includes
# blocks within blocks, across includes: the interpreter recurses twice per level, and the
# runner gives it a recursion limit (RECURSION_LIMIT) that holds this depth with room to spare
MAX_BLOCK_DEPTH = 450
MAX_FILES = 20000  # files read for one configuration
MAX_FILE_BYTES = 16 * 1024 * 1024  # one file
MAX_TOTAL_BYTES = 32 * 1024 * 1024  # all files of one configuration

_BOM = "\ufeff"


class ReadLimit(Exception):
    """A bound of wsproxylint's (not of nginx's) was hit: the rest was not read."""

# Directives that only stand at the top of a whole configuration.
_MAIN_ONLY = frozenset(
    {"http", "events", "stream", "mail", "worker_processes", "user", "pid", "load_module",
     "worker_rlimit_nofile", "daemon", "master_process", "error_log_main", "env", "thread_pool"}
)

# Allowed in more contexts than crossplane 0.5.8's table knows (include: anywhere;
# resolver in upstream since nginx 1.27.3).
_CONTEXT_UNCHECKED = frozenset({"include", "resolver", "resolver_timeout"})
# Files every nginx package installs next to nginx.conf: a checkout often omits them.
_DISTRIBUTION_FILES = frozenset({"mime.types", "fastcgi_params", "fastcgi.conf", "scgi_params", "uwsgi_params",
                                 "koi-utf", "koi-win", "win-utf", "proxy_params"})

_KNOWN_CONTEXTS = frozenset(CONTEXTS)

# crossplane's context tuples for each fragment kind
_CTX = {"main": (), "http": ("http",), "server": ("http", "server"), "location": ("http", "location")}


def guess_context(names: set[str]) -> str:
    """Where a file's top-level directives stand: a whole config, or a fragment's context.

    A fragment is given the context in which all of its top-level directives are allowed
    (crossplane's tables), the most specific first; a file of ``location`` blocks is taken
    as a server's inside, not as a nested location.
    """
    if names & _MAIN_ONLY or not names:
        return "main"
    best, best_bad = "main", None
    order = ("server", "location", "http", "main") if "location" in names else ("location", "server", "http", "main")
    for kind in order:
        mask = CONTEXTS[_CTX[kind]]
        bad = sum(1 for n in names if n in DIRECTIVES and not any(m & mask for m in DIRECTIVES[n]))
        if best_bad is None or bad < best_bad:
            best, best_bad = kind, bad
    return best


class _Reader:
    def __init__(self, root: str) -> None:
        self.root = root
        self.prefix = os.path.dirname(os.path.abspath(root))
        self.shown_prefix = os.path.dirname(root) or "."
        self.files: dict[str, SourceFile] = {}
        self.problems: list[SourceProblem] = []
        self.context = "main"
        self.total_bytes = 0
        self.noisy: set[str] = set()  # files where a stray "{" or ";" is not (or no longer) reported

    # -- one file, in the context it is included in
    def parse_file(self, path: str, ctx: tuple | None, stack: tuple[str, ...], via: tuple[Loc, ...],
                   lexed: Lexed | None = None, depth: int = 0) -> list[Node]:
        out: list[Node] = []  # what was read before a fatal error still counts
        # a file that cannot be read is reported where it is included (or at line 1 of
        # the entry point), and is not listed as read
        where = via[-1] if via else Loc(path, 1)
        try:
            if lexed is None:
                lexed = lex_file(path, MAX_TOTAL_BYTES - self.total_bytes)
            if isinstance(lexed.error, (OSError, ReadLimit)):
                raise lexed.error
        except ReadLimit as e:
            self.problems.append(SourceProblem("read", str(e), where))
            return out
        except OSError as e:
            reason = _reason(e)
            if via:
                self.problems.append(SourceProblem("include", f'cannot read included file "{path}": {reason}',
                                                   where, certain=not isinstance(e, _Device)))
            else:
                self.problems.append(SourceProblem("read", f"cannot read {path}: {reason}", where))
            return out
        self.total_bytes += lexed.size
        sf = self.files.get(path)
        if sf is None:
            sf = self.files[path] = SourceFile(path=path, dialect="nginx")
        if lexed.bom:
            self.problems.append(SourceProblem(
                "syntax", "the file starts with a byte-order mark (BOM): nginx takes it as part of the first "
                          "directive (unknown directive); save the file as UTF-8 without a BOM", Loc(path, 1)))
        last = lexed.last_line
        if lexed.error is not None:
            self.noisy.add(path)
        try:
            self.block(path, iter(lexed.tokens), ctx, stack, via, sf, out, depth)
            if lexed.error is not None:
                raise lexed.error
        except StopIteration:
            self.problems.append(SourceProblem("syntax", 'unexpected end of file, expecting ";" or "}"',
                                               Loc(path, last)))
        except NgxParserBaseException as e:
            self.problems.append(SourceProblem("syntax", e.strerror or "syntax error",
                                               Loc(path, e.lineno or last)))
        except (ValueError, RecursionError, RuntimeError) as e:
            msg = str(e) or "unexpected end of file: a block is not closed"
            self.problems.append(SourceProblem("syntax", msg, Loc(path, last)))
        return out

    def block(self, path: str, tokens, ctx: tuple | None, stack: tuple[str, ...], via: tuple[Loc, ...],
              sf: SourceFile, out: list[Node] | None = None, depth: int = 0) -> list[Node]:
        """crossplane's parse loop, with the context nginx would be in and includes our way."""
        out = [] if out is None else out
        if depth > MAX_BLOCK_DEPTH:
            # the block that crossed the bound is skipped whole, without recursing
            _skip_block(tokens)
            return out
        for token, lineno, quoted in tokens:
            if token == "}" and not quoted:
                break
            if token.startswith("#") and not quoted:
                sf.comments[lineno] = token[1:]
                continue
            if token in ("{", ";") and not quoted:
                # where a directive name should stand ("{ }", "};"): nginx refuses the file.
                # Said once per file, and not in a file whose braces do not balance (binary
                # junk): there the unbalanced brace is the error reported.
                if path not in self.noisy:
                    self.noisy.add(path)
                    self.problems.append(SourceProblem("syntax", f'unexpected "{token}"', Loc(path, lineno)))
                if token == "{":
                    self.block(path, tokens, None, stack, via, sf, None, depth + 1)  # skip the block
                continue
            stmt = {"directive": token, "line": lineno, "args": []}
            args = stmt["args"]
            token, _, quoted = next(tokens)
            while token not in ("{", ";", "}") or quoted:
                if token.startswith("#") and not quoted:
                    sf.comments.setdefault(lineno, token[1:])
                else:
                    args.append(token)
                token, _, quoted = next(tokens)
            if stmt["directive"] == "if":
                _prepare_if_args(stmt)
            loc = Loc(path, lineno)
            if ctx is not None and stmt["directive"] not in _CONTEXT_UNCHECKED:
                try:
                    analyze(fname=path, stmt=stmt, term=token, ctx=ctx, strict=False,
                            check_ctx=True, check_args=True)
                except NgxParserDirectiveError as e:
                    self.problems.append(SourceProblem("syntax", e.strerror, loc))
                    if e.strerror.endswith(' is not terminated by ";"'):
                        if token != "}" or quoted:
                            self.block(path, tokens, None, stack, via, sf, None, depth + 1)  # skip the block
                            continue
                        # the "}" closed the enclosing block: keep what the line says
                        out.append(Node(name=stmt["directive"], args=args, loc=loc, via=via))
                        break
                    if token != "{":
                        out.append(Node(name=stmt["directive"], args=args, loc=loc, via=via))
                        continue
            name = stmt["directive"]
            if name == "include" and args and token == ";":
                out.extend(self.include(loc, args[0], ctx, stack, via, depth))
                continue
            node = Node(name=name, args=args, loc=loc, via=via)
            if token == "{" and not quoted:
                inner = enter_block_ctx(stmt, ctx) if ctx is not None else None
                if inner is not None and inner not in _KNOWN_CONTEXTS:
                    inner = None  # a block crossplane has no table for (map, types, lua, ...)
                if depth + 1 > MAX_BLOCK_DEPTH:
                    self.problems.append(SourceProblem(
                        "read", f"blocks nested deeper than {MAX_BLOCK_DEPTH} levels (wsproxylint's bound): "
                                f"this block was not read", loc))
                node.children = self.block(path, tokens, inner, stack, via, sf, None, depth + 1)
            out.append(node)
        return out

    def include(self, loc: Loc, pattern: str, ctx: tuple | None, stack: tuple[str, ...],
                via: tuple[Loc, ...], depth: int = 0) -> list[Node]:
        fragment = self.context != "main"
        full = pattern if os.path.isabs(pattern) else os.path.join(self.prefix, pattern)
        if "\0" in full:
            self.problems.append(SourceProblem("include", f"included path {pattern!r} holds a NUL byte", loc))
            return [Node(name="include", args=[pattern], loc=loc, via=via)]
        if glob.has_magic(full):
            try:
                names = sorted(glob.glob(full))
            except (OSError, ValueError, RecursionError) as e:
                self.problems.append(SourceProblem(
                    "include", f'include "{pattern}" cannot be expanded: {_reason(e)}', loc))
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
        else:
            # lexists: a dangling or looping symlink is reported as unreadable, not missing
            names = [full] if os.path.lexists(full) else []
            if not names:
                # A relative include missing from the tree being linted breaks the load;
                # an absolute one may just live on the server, not in this checkout.
                certain = (not fragment and not os.path.isabs(pattern)
                           and os.path.basename(pattern) not in _DISTRIBUTION_FILES)
                where = "" if os.path.isabs(pattern) else \
                    f" (nginx looks for it relative to the main config's directory, {self.shown_prefix})"
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
                    "read", f"includes nested deeper than {MAX_INCLUDE_DEPTH} levels (wsproxylint's bound): "
                            f'"{name}" was not read', loc))
                return out
            if len(self.files) >= MAX_FILES:
                self.problems.append(SourceProblem(
                    "read", f"more than {MAX_FILES} files in one configuration (wsproxylint's bound): "
                            f'"{name}" and the files after it were not read', loc))
                return out
            # a directory, even one a glob matched, is read by nginx and fails the load
            # ("pread() ... Is a directory"): parse_file reports it
            out.extend(self.parse_file(name, ctx, stack + (real,), via + (loc,), None, depth))
        return out


def _tokens(text: str, path: str):
    """crossplane's tokens, mended: after an unquoted ``${var}`` crossplane 0.5.8 keeps the
    following whitespace and word in the same token (``/x/${rest} last``). An unquoted
    nginx token never holds whitespace, so such a token is split where nginx splits it.

    The text keeps its line ends as nginx sees them: only LF ends a line (and a comment);
    CR is whitespace, so a file with lone-CR line ends is one line, as in ``nginx -t``."""
    for token, line, quoted in _balance_braces(_lex_file_object([text]), path):
        if not quoted and token.startswith("#"):
            yield token.rstrip("\r"), line, quoted
            continue
        if quoted or "${" not in token or not any(c.isspace() for c in token):
            yield token, line, quoted
            continue
        for part in token.split():
            yield part, line, False


def _skip_block(tokens) -> None:
    """Consume tokens up to the "}" closing the block just opened, without recursion."""
    depth = 1
    for token, _, quoted in tokens:
        if quoted:
            continue
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return
    raise StopIteration


class _Device(OSError):
    """A character or block device: nginx reads one (``/dev/null``); wsproxylint does not."""


_KINDS = ((stat.S_ISDIR, "is a directory"), (stat.S_ISFIFO, "is a FIFO (named pipe)"),
          (stat.S_ISSOCK, "is a socket"), (stat.S_ISCHR, "is a character device"),
          (stat.S_ISBLK, "is a block device"))


def _regular(path: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((why for test, why in _KINDS if test(mode)), "is not a regular file")
    err = _Device if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else OSError
    raise err(f"{what}, not a regular file")


def _reason(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror[0].lower() + e.strerror[1:]
    return str(e) or type(e).__name__


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n} bytes"
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def read_bytes(path: str, budget: int = MAX_TOTAL_BYTES) -> bytes:
    """A file's bytes, never blocking and never more than the bounds allow.

    The type is checked before the file is opened (a FIFO would block ``open``), the file
    is opened non-blocking and without becoming a controlling terminal, and the type and
    size are checked again on what was opened (the path may have been swapped meanwhile).
    """
    _regular(path, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        _regular(path, st.st_mode)
        limit = min(MAX_FILE_BYTES, budget)
        _check_size(path, st.st_size, budget)
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > limit:  # the file grew while being read
                _check_size(path, got, budget)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _check_size(path: str, size: int, budget: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ReadLimit(f'"{path}" is {_mb(size)}, over wsproxylint\'s bound of {_mb(MAX_FILE_BYTES)} '
                        f"per file: not read")
    if size > budget:
        raise ReadLimit(f'"{path}" would take this configuration over wsproxylint\'s bound of '
                        f"{_mb(MAX_TOTAL_BYTES)} in all: not read")


@dataclass(slots=True)
class Lexed:
    """A file's tokens, and the error that stopped the lexer or the read, if one did (the
    tokens before it still count)."""

    tokens: list[tuple[str, int, bool]] = field(default_factory=list)
    error: Exception | None = None
    last_line: int = 1
    size: int = 0
    bom: bool = False


def lex_file(path: str, budget: int = MAX_TOTAL_BYTES) -> Lexed:
    """All of a file's tokens. The file is lexed once: the root's tokens serve both to
    guess its context and to parse it. Read errors are returned, not raised."""
    try:
        data = read_bytes(path, budget)
    except (OSError, ReadLimit, ValueError) as e:
        return Lexed(error=e if not isinstance(e, ValueError) else OSError(str(e)))
    text = data.decode("utf-8", errors="replace")
    out = Lexed(size=len(data), last_line=max(1, text.count("\n")))
    if text.startswith(_BOM):
        text, out.bom = text[1:], True
    try:
        for t in _tokens(text, path):
            out.tokens.append(t)
    except (NgxParserBaseException, ValueError, RecursionError, RuntimeError) as e:
        out.error = e
    return out


def read(path: str) -> ConfigTree:
    """Read ``path`` and everything it includes into one tree."""
    r = _Reader(path)
    lexed = lex_file(path)
    r.context = guess_context(_top_names(lexed.tokens))
    nodes = r.parse_file(path, _CTX[r.context], (os.path.realpath(path),), (), lexed)
    return ConfigTree(dialect="nginx", root_file=path, nodes=nodes, context=r.context,
                      files=list(r.files.values()), problems=r.problems)


def _top_names(tokens: list[tuple[str, int, bool]]) -> set[str]:
    """Directive names at the top level of a file, from tokens alone (no analysis)."""
    names: set[str] = set()
    depth = 0
    expect_directive = True
    for token, _, quoted in tokens:
        if quoted:
            expect_directive = False
            continue
        if token == "{":
            depth += 1
            expect_directive = True
        elif token == "}":
            depth -= 1
            expect_directive = True
        elif token == ";":
            expect_directive = True
        elif token.startswith("#"):
            continue
        elif expect_directive:
            if depth == 0:
                names.add(token)
            expect_directive = False
    return names

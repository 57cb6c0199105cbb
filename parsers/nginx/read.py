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
from typing import TYPE_CHECKING

from crossplane.analyzer import CONTEXTS, DIRECTIVES, analyze, enter_block_ctx
from crossplane.errors import NgxParserBaseException, NgxParserDirectiveError
from crossplane.lexer import _balance_braces, _lex_file_object
from crossplane.parser import _prepare_if_args

from linter.core import bounds
from linter.core.bounds import BOM, Device, ReadLimit
from linter.core.tree import ConfigTree, Loc, Node, SourceFile, SourceProblem

from ..common import Words
from .lex import lex_text, needs_crossplane
from .versions import ARGS_BY_VERSION

if TYPE_CHECKING:
    from .dump import VirtualFiles

# wsproxylint's bounds live in linter/bounds.py (README "Guarantees and bounds"), shared with
# the other readers: hitting one is a "read" problem where it was hit (exit status 2).

# Directives that only stand at the top of a whole configuration.
_MAIN_ONLY = frozenset(
    {
        "http",
        "events",
        "stream",
        "mail",
        "worker_processes",
        "user",
        "pid",
        "load_module",
        "worker_rlimit_nofile",
        "daemon",
        "master_process",
        "error_log_main",
        "env",
        "thread_pool",
    }
)

# Allowed in more contexts than crossplane 0.5.8's table knows (include: anywhere;
# resolver in upstream since nginx 1.27.3).
_CONTEXT_UNCHECKED = frozenset({"include", "resolver", "resolver_timeout"})
# Files every nginx package installs next to nginx.conf: a checkout often omits them.
_DISTRIBUTION_FILES = frozenset(
    {
        "mime.types",
        "fastcgi_params",
        "fastcgi.conf",
        "scgi_params",
        "uwsgi_params",
        "koi-utf",
        "koi-win",
        "win-utf",
        "proxy_params",
    }
)

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
        # files not on disk (an nginx -T dump, stdin): see dump.VirtualFiles
        self.vfs: VirtualFiles | None = None
        self.total_bytes = 0
        # files where a stray "{" or ";" was seen (it is said once per file), and the
        # problem held back until the file's braces are known to balance
        self.noisy: set[str] = set()
        self.stray: dict[str, SourceProblem] = {}
        self.words = Words()  # one copy of each word

    # -- one file, in the context it is included in
    def parse_file(
        self,
        path: str,
        ctx: tuple | None,
        stack: tuple[str, ...],
        via: tuple[Loc, ...],
        lexed: Tokens | Exception | None = None,
        depth: int = 0,
    ) -> list[Node]:
        out: list[Node] = []  # what was read before a fatal error still counts
        # a file that cannot be read is reported where it is included (or at line 1 of
        # the entry point), and is not listed as read
        where = via[-1] if via else Loc(path, 1)
        try:
            tokens = lexed if lexed is not None else self.tokens(path)
            if isinstance(tokens, Exception):
                raise tokens
        except ReadLimit as e:
            self.problems.append(SourceProblem("read", str(e), where))
            return out
        except (OSError, ValueError) as e:
            why = bounds.reason(e)
            if via:
                self.problems.append(
                    SourceProblem(
                        "include",
                        f'cannot read included file "{path}": {why}',
                        where,
                        certain=not isinstance(e, Device),
                    )
                )
            else:
                self.problems.append(SourceProblem("read", f"cannot read {path}: {why}", where))
            return out
        self.total_bytes += tokens.size
        sf = self.files.get(path)
        if sf is None:
            sf = self.files[path] = SourceFile(path=path, dialect="nginx")
        if tokens.bom:
            self.problems.append(
                SourceProblem(
                    "syntax",
                    "the file starts with a byte-order mark (BOM): nginx takes it as part of the first "
                    "directive (unknown directive); save the file as UTF-8 without a BOM",
                    Loc(path, 1),
                )
            )
        try:
            self.block(path, iter(tokens), ctx, stack, via, sf, out, depth)
            if tokens.error is not None:
                raise tokens.error
        except StopIteration:
            self.problems.append(
                SourceProblem("syntax", 'unexpected end of file, expecting ";" or "}"', Loc(path, tokens.last_line))
            )
        except NgxParserBaseException as e:
            self.problems.append(
                SourceProblem("syntax", e.strerror or "syntax error", Loc(path, e.lineno or tokens.last_line))
            )
        except (ValueError, RecursionError, RuntimeError) as e:
            msg = str(e) or "unexpected end of file: a block is not closed"
            self.problems.append(SourceProblem("syntax", msg, Loc(path, tokens.last_line)))
        stray = self.stray.pop(path, None)
        # not in a file whose braces do not balance (binary junk): there the unbalanced
        # brace is the error reported
        if stray is not None and tokens.error is None:
            self.problems.append(stray)
        return out

    def block(
        self,
        path: str,
        tokens,
        ctx: tuple | None,
        stack: tuple[str, ...],
        via: tuple[Loc, ...],
        sf: SourceFile,
        out: list[Node] | None = None,
        depth: int = 0,
    ) -> list[Node]:
        """crossplane's parse loop, with the context nginx would be in and includes our way."""
        out = [] if out is None else out
        word = self.words.__getitem__
        if depth > bounds.MAX_BLOCK_DEPTH:
            # the block that crossed the bound is skipped whole, without recursing
            _skip_block(tokens)
            return out
        for token, lineno, quoted in tokens:
            if token == "}" and not quoted:
                break
            if token.startswith("#") and not quoted:
                sf.comments[lineno] = token[1:]
                continue
            if (token == "{" or token == ";") and not quoted:
                # where a directive name should stand ("{ }", "};"): nginx refuses the file
                if path not in self.noisy:
                    self.noisy.add(path)
                    self.stray[path] = SourceProblem("syntax", f'unexpected "{token}"', Loc(path, lineno))
                if token == "{":
                    self.block(path, tokens, None, stack, via, sf, None, depth + 1)  # skip the block
                continue
            stmt = {"directive": word(token), "line": lineno, "args": []}
            args = stmt["args"]
            token, _, quoted = next(tokens)
            while token not in ("{", ";", "}") or quoted:
                if token.startswith("#") and not quoted:
                    sf.comments.setdefault(lineno, token[1:])
                else:
                    args.append(word(token))
                token, _, quoted = next(tokens)
            if stmt["directive"] == "if":
                _prepare_if_args(stmt)
            loc = Loc(path, lineno)
            if ctx is not None and stmt["directive"] not in _CONTEXT_UNCHECKED:
                try:
                    # positional: fname, stmt, term, ctx, strict, check_ctx, check_args
                    analyze(path, stmt, token, ctx, False, True, stmt["directive"] not in ARGS_BY_VERSION)
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
            # positional (keywords cost twice as much per node); args sized exactly: append over-allocates
            node = Node(name, args[:], loc, None, via)
            if token == "{" and not quoted:
                inner = enter_block_ctx(stmt, ctx) if ctx is not None else None
                if inner is not None and inner not in _KNOWN_CONTEXTS:
                    inner = None  # a block crossplane has no table for (map, types, lua, ...)
                if depth + 1 > bounds.MAX_BLOCK_DEPTH:
                    self.problems.append(
                        SourceProblem(
                            "read",
                            f"blocks nested deeper than {bounds.MAX_BLOCK_DEPTH} levels (wsproxylint's "
                            f"bound): this block was not read",
                            loc,
                        )
                    )
                node.children = self.block(path, tokens, inner, stack, via, sf, None, depth + 1)
            out.append(node)
        return out

    def include(
        self, loc: Loc, pattern: str, ctx: tuple | None, stack: tuple[str, ...], via: tuple[Loc, ...], depth: int = 0
    ) -> list[Node]:
        fragment = self.context != "main"
        vfs = self.vfs
        full = pattern if os.path.isabs(pattern) else os.path.join(self.prefix, pattern)
        if "\0" in full:
            self.problems.append(SourceProblem("include", f"included path {pattern!r} holds a NUL byte", loc))
            return [Node(name="include", args=[pattern], loc=loc, via=via)]
        if glob.has_magic(full):
            try:
                names = sorted(glob.glob(full)) if vfs is None else vfs.glob(full)
            except (OSError, ValueError, RecursionError) as e:
                self.problems.append(
                    SourceProblem("include", f'include "{pattern}" cannot be expanded: {bounds.reason(e)}', loc)
                )
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
        else:
            # lexists: a dangling or looping symlink is reported as unreadable, not missing
            names = [full] if (os.path.lexists(full) if vfs is None else vfs.exists(full)) else []
            if not names:
                # A relative include missing from the tree being linted breaks the load;
                # an absolute one may just live on the server, not in this checkout.
                certain = (
                    not fragment and not os.path.isabs(pattern) and os.path.basename(pattern) not in _DISTRIBUTION_FILES
                )
                where = (
                    ""
                    if os.path.isabs(pattern)
                    else f" (nginx looks for it relative to the main config's directory, {self.shown_prefix})"
                )
                self.problems.append(
                    SourceProblem("include", f'included file "{pattern}" not found{where}', loc, certain=certain)
                )
                # keep the include in the tree: what it would have set is unknown
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
        out: list[Node] = []
        for name in names:
            real = os.path.realpath(name) if vfs is None else vfs.realpath(name)
            if real in stack:
                self.problems.append(
                    SourceProblem("include", f'include cycle: "{name}" includes itself through {loc}', loc)
                )
                continue
            if len(stack) >= bounds.MAX_INCLUDE_DEPTH:
                self.problems.append(
                    SourceProblem(
                        "read",
                        f"includes nested deeper than {bounds.MAX_INCLUDE_DEPTH} levels (wsproxylint's "
                        f'bound): "{name}" was not read',
                        loc,
                    )
                )
                return out
            if len(self.files) >= bounds.MAX_FILES:
                self.problems.append(
                    SourceProblem(
                        "read",
                        f"more than {bounds.MAX_FILES} files in one configuration (wsproxylint's bound): "
                        f'"{name}" and the files after it were not read',
                        loc,
                    )
                )
                return out
            # a directory, even one a glob matched, is read by nginx and fails the load
            # ("pread() ... Is a directory"): parse_file reports it
            out.extend(self.parse_file(name, ctx, stack + (real,), via + (loc,), None, depth))
        return out

    def tokens(self, path: str) -> Tokens:
        text = self.vfs.text(path) if self.vfs is not None else None
        return Tokens(path, text, bounds.MAX_TOTAL_BYTES - self.total_bytes)


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


class Tokens:
    """A file's tokens, streamed once from the lexer.

    The file is read once, as bytes, through ``linter.core.bounds`` (type checked before the
    open, non-blocking, within the per-file and total bounds), and decoded with its line
    ends as nginx sees them (only LF ends a line). The root's tokens serve both to guess
    its context and to parse it, but only the head needed for the guess is buffered (up
    to the first directive that only a whole configuration holds, e.g. ``http``), so a big
    file's tokens never sit in memory all at once. A lexer error ends the stream and is
    kept in ``error``: the tokens before it still count.
    """

    __slots__ = ("_source", "_head", "error", "text", "size", "bom")

    def __init__(self, path: str, text: str | None = None, budget: int | None = None) -> None:
        """``text``: the file's text when it is not on disk (a dump, stdin); ``budget``:
        bytes left of the configuration's total bound. Raises OSError or ReadLimit."""
        if budget is None:
            budget = bounds.MAX_TOTAL_BYTES
        if text is None:
            data = bounds.read_bytes(path, budget)
            self.size = len(data)
            text = data.decode("utf-8", errors="replace")
        else:
            self.size = len(text)
            bounds.check_size(path, self.size, budget)
        self.bom = text.startswith(BOM)
        if self.bom:
            text = text[1:]
        self.text = text
        if needs_crossplane(text):
            # crossplane's own lexer, on the text read once; only a file holding "${" needs
            # mending (_tokens), which costs a Python step per token
            self._source = _tokens(text, path)
        else:
            self._source = lex_text(text, path)
        self._head: list[tuple[str, int, bool]] = []
        self.error: Exception | None = None

    @property
    def last_line(self) -> int:
        """Where an error at the end of the file is reported (only LF counts, as in nginx)."""
        return max(1, self.text.count("\n"))

    def _pull(self):
        # a loop, not ``yield from``: closing this generator (top_names stops early) must
        # not close the lexer, whose remaining tokens the parse reads
        try:
            for tok in self._source:  # noqa: UP028
                yield tok
        except (NgxParserBaseException, ValueError, RecursionError, RuntimeError) as e:
            self.error = e

    def top_names(self) -> set[str]:
        """Directive names at the top level of the file (from tokens alone, no analysis);
        stops early once a name only a whole configuration holds is seen."""
        names: set[str] = set()
        depth = 0
        expect_directive = True
        head = self._head
        for tok in self._pull():
            head.append(tok)
            token, _, quoted = tok
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
                    if token in _MAIN_ONLY:
                        break
                expect_directive = False
        return names

    def __iter__(self):
        head = self._head
        head.reverse()
        pop = head.pop
        while head:
            yield pop()
        if self.error is None:
            yield from self._pull()


def read(path: str, vfs: VirtualFiles | None = None) -> ConfigTree:
    """Read ``path`` and everything it includes into one tree (from ``vfs`` where it holds
    the files: an nginx -T dump, stdin)."""
    r = _Reader(path)
    r.vfs = vfs
    lexed: Tokens | Exception
    try:
        lexed = r.tokens(path)
        names = lexed.top_names()
    except (OSError, ValueError, ReadLimit) as e:
        lexed, names = e, set()
    r.context = guess_context(names)
    root_real = os.path.realpath(path) if vfs is None else vfs.realpath(path)
    nodes = r.parse_file(path, _CTX[r.context], (root_real,), (), lexed)
    return ConfigTree(
        dialect="nginx",
        root_file=path,
        nodes=nodes,
        context=r.context,
        files=list(r.files.values()),
        problems=r.problems,
    )

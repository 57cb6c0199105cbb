"""Read HAProxy configs into the common tree.

HAProxy's configuration is line-oriented: a statement is one line up to an unprotected
``#``, there is no line continuation and no include directive, and a section runs from its
keyword to the next section keyword or the end of the file [HAProxy manual 2.1]. So the
section state lives here, outside the grammar, and only the words of one line go through
pyparsing: quoting (``"..."`` weak, with ``${ENV}`` expanded; ``'...'`` strong), backslash
escapes and adjacent pieces that concatenate. A line with no quote and no backslash cannot
hold any of those, and is split on blanks directly, which is what keeps big configs fast.

Several files are one configuration, as ``haproxy -f a.cfg -f b.cfg`` reads them: a
directory gives its ``*.cfg`` files in C-locale order (hidden files skipped), and a main
``haproxy.cfg`` brings the ``conf.d/`` directory next to it, which is how the Red Hat and
Debian service units call HAProxy (``-f $CONFIG -f $CFGDIR``).

``.if/.elif/.else/.endif`` blocks are decided where the condition can be known (the
``version_atleast``/``version_before`` predicates against ``--haproxy-version``,
``defined()`` and ``streq()`` against this environment); a condition that cannot be known
keeps its branch, so both sides are read.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from linter.core import bounds
from linter.core.bounds import BOM, ReadLimit
from linter.core.fas import version_tuple
from linter.core.tree import ConfigTree, Loc, Node, SourceFile, SourceProblem

from ..clean_import import import_on_a_clean_stack
from ..common import Words

# wsproxylint's bounds (files, bytes) are linter/bounds.py's, shared with the other readers;
# hitting one is a "read" problem (exit status 2). HAProxy has no includes, and its
# ``.if`` blocks are a flat stack here (no recursion), so only files and bytes apply.

# Section keywords: a line starting with one of these opens a section wherever it stands.
PROXY_SECTIONS = frozenset({"defaults", "frontend", "backend", "listen"})
SECTIONS = PROXY_SECTIONS | frozenset(
    {
        "global",
        "peers",
        "resolvers",
        "userlist",
        "mailers",
        "program",
        "http-errors",
        "ring",
        "cache",
        "log-forward",
        "crt-store",
        "traces",
        "acme",
        "fcgi-app",
        "dynamic-update",
        "namespace_list",
    }
)
# Keywords whose first argument is part of the keyword (``timeout tunnel``).
_FAMILIES = frozenset(
    {
        "option",
        "timeout",
        "http-request",
        "http-response",
        "http-after-response",
        "tcp-request",
        "tcp-response",
        "http-check",
        "stats",
        "quic-initial",
    }
)
# Families whose first two arguments are (``tcp-request content accept``).
_TWO_LEVEL = frozenset({"tcp-request", "tcp-response"})

# plain lines remembered at most (see read_file)
_PLAIN_KEPT = 2048
_SIMPLE = re.compile(r"[\"'\\]")
_ENV = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_.][\w.]*)(?P<star>\[\*\])?(?:-(?P<default>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][\w]*))"
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}
_LITERAL_ESCAPES = frozenset({"\\", " ", "#", "'", '"', "$", ""})


class LineError(ValueError):
    """A line HAProxy would refuse to tokenise (an unmatched quote)."""


class ExpansionLimit(LineError):
    """Environment variables expand a word past wsproxylint's per-file byte bound
    (``setenv A "${A}${A}"`` doubles A at each line)."""


class _Grammar:
    """The words of one line: pyparsing, built once, on the first line that needs it."""

    _line: Any = None

    @classmethod
    def parse(cls, text: str, env: _Env) -> list[str]:
        if cls._line is None:
            cls._line = cls._build()
        import pyparsing as pp

        env_holder[0] = env
        try:
            return list(cls._line.parse_string(text, parse_all=True))
        except pp.ParseException:
            raise LineError(f"unmatched quote at column {_stop(text) + 1}") from None

    @staticmethod
    def _build() -> Any:
        """A line is blank-separated words, then an optional ``#`` comment. A word is
        adjacent pieces: a backslash escape, a 'strong' or "weak" quoted string, or plain
        characters. The whole line is one token (a per-word or per-piece pyparsing
        alternation costs three to ten times more on a big config); ``_decode`` reads the
        pieces of each word."""
        import_on_a_clean_stack("pyparsing")  # see parsers/clean_import.py
        import pyparsing as pp

        line = pp.Regex(rf"[ \t]*(?P<words>(?:{_WORD})?(?:[ \t]+(?:{_WORD}))*)[ \t]*(?:#.*)?")
        line.set_parse_action(lambda t: [_decode(m.group(0), env_holder[0]) for m in _WORDS.finditer(t["words"])])
        return line + pp.StringEnd()


_PIECE = r"""\\(?:x[0-9a-fA-F]{2}|.|$)|'[^']*'|"(?:\\.|[^"\\])*"|[^\s"'\\#]+"""
_WORD = f"(?:{_PIECE})+"
_PIECES = re.compile(_PIECE)
_WORDS = re.compile(_WORD)


def _stop(text: str) -> int:
    """Where a line stops being words: the opening quote that is never closed."""
    pos = 0
    while pos < len(text):
        if text[pos] in " \t":
            pos += 1
            continue
        if text[pos] == "#":
            return len(text)
        m = _WORDS.match(text, pos)
        if not m:
            return pos
        pos = m.end()
    return pos


def _decode(word: str, env: _Env) -> str:
    out = []
    for m in _PIECES.finditer(word):
        piece = m.group(0)
        first = piece[0]
        if first == "\\":
            out.append(_unescape_one_text(piece[1:]))
        elif first == "'":
            out.append(piece[1:-1])
        elif first == '"':
            out.append(env.expand(re.sub(r"\\(x[0-9a-fA-F]{2}|.)", _unescape_one, piece[1:-1])))
        else:
            out.append(piece)
    return "".join(out)


def _unescape_one(m: re.Match[str]) -> str:
    return _unescape_one_text(m.group(1))


def _unescape_one_text(code: str) -> str:
    if code.startswith("x") and len(code) == 3:
        return chr(int(code[1:], 16))
    if code in _ESCAPES:
        return _ESCAPES[code]
    # HAProxy replaces only the escapes that mean something (\\, \<space>, \#, quotes, $, \r \n
    # \t, \xNN) and leaves the others as written: a regex back-reference \1 stays \1
    return code if code in _LITERAL_ESCAPES else "\\" + code


class _Env:
    """Environment variables as HAProxy expands them inside double quotes. A variable this
    environment does not define keeps its ``${NAME}`` text, so a value that depends on it
    reads as unknown rather than as empty."""

    def __init__(self, environ: dict[str, str]) -> None:
        self.environ = environ
        self.file = ""
        self.line = 0
        self.section = ""

    def lookup(self, name: str) -> str | None:
        if name == ".FILE":
            return self.file
        if name == ".LINE":
            return str(self.line)
        if name == ".SECTION":
            return self.section
        return self.environ.get(name)

    def expand(self, text: str) -> str:
        if "$" not in text:
            return text

        parts: list[str] = []
        size = 0
        pos = 0
        for m in _ENV.finditer(text):
            name = m.group("braced") or m.group("bare")
            value = self.lookup(name)
            if value is None:
                value = m.group("default") if m.group("default") is not None else m.group(0)
            parts.append(text[pos : m.start()])
            parts.append(value)
            size += m.start() - pos + len(value)
            pos = m.end()
            if size > bounds.MAX_FILE_BYTES:
                raise ExpansionLimit(
                    f"environment variables expand this word past wsproxylint's bound of "
                    f"{bounds.mb(bounds.MAX_FILE_BYTES)}: the line was not read"
                )
        parts.append(text[pos:])
        return "".join(parts)


env_holder: list[_Env] = [_Env({})]


def split_words(text: str, env: _Env | None = None) -> list[str]:
    """The words of one line as HAProxy sees them (comment dropped)."""
    if not _SIMPLE.search(text):
        hash_at = text.find("#")
        return (text if hash_at < 0 else text[:hash_at]).split()
    return _Grammar.parse(text, env or _Env(dict(os.environ)))


_SETENV = frozenset({"setenv", "presetenv", "unsetenv"})


def keyword(words: list[str]) -> tuple[str, list[str]]:
    """A statement's keyword (multi-word for families like ``timeout``) and its arguments."""
    first = words[0]
    if first == "no" and len(words) >= 3 and words[1] == "option":
        return f"no option {words[2]}", words[3:]
    if first == "default" and len(words) >= 3 and words[1] == "option":
        return f"default option {words[2]}", words[3:]
    if first in _FAMILIES and len(words) >= 2:
        if first in _TWO_LEVEL and len(words) >= 3:
            return sys.intern(f"{first} {words[1]} {words[2]}"), words[3:]
        return sys.intern(f"{first} {words[1]}"), words[2:]
    return first, words[1:]


# ---------------------------------------------------------------------------- conditions

_PRED = re.compile(r"^(?P<neg>!?)\s*(?P<name>[a-z_]+)\((?P<args>[^)]*)\)$")


def eval_condition(text: str, version: str | None, environ: dict[str, str]) -> bool | None:
    """A ``.if`` condition: True/False where it can be known, None where it cannot."""
    text = text.strip()
    if "||" in text:
        parts = [eval_condition(p, version, environ) for p in text.split("||")]
        if any(p is True for p in parts):
            return True
        return None if any(p is None for p in parts) else False
    if "&&" in text:
        parts = [eval_condition(p, version, environ) for p in text.split("&&")]
        if any(p is False for p in parts):
            return False
        return None if any(p is None for p in parts) else True
    if text.startswith("!") and "(" not in text:
        inner = eval_condition(text[1:], version, environ)
        return None if inner is None else not inner
    if re.fullmatch(r"-?\d+", text):
        return int(text) != 0
    if text == "":
        return False
    m = _PRED.match(text)
    if not m:
        return None
    name, args = m.group("name"), [a.strip() for a in m.group("args").split(",")]
    result: bool | None = None
    if name in ("version_atleast", "version_before") and version and args[0]:
        try:
            at_least = version_tuple(version) >= version_tuple(args[0])
        except ValueError:
            return None
        result = at_least if name == "version_atleast" else not at_least
    elif name == "defined":
        result = args[0] in environ
    elif name in ("streq", "strneq") and len(args) == 2 and "$" not in m.group("args"):
        result = (args[0] == args[1]) == (name == "streq")
    if result is None:
        return None
    return not result if m.group("neg") else result


class _Frame:
    __slots__ = ("taken", "active", "parent_active", "loc", "seen_else")

    def __init__(self, parent_active: bool, loc: Loc) -> None:
        self.parent_active = parent_active
        self.taken = False
        self.active = False
        self.loc = loc
        self.seen_else = False

    def enter(self, verdict: bool | None) -> None:
        self.active = self.parent_active and not self.taken and verdict is not False
        if verdict is True:
            self.taken = True


# ---------------------------------------------------------------------------- files


def entry_files(path: str) -> list[str]:
    """The files one entry point stands for, in the order HAProxy reads them."""
    if os.path.isdir(path):
        return _cfg_files(path)
    files = [path]
    if os.path.basename(path) == "haproxy.cfg":
        confd = os.path.join(os.path.dirname(path), "conf.d")
        if os.path.isdir(confd):
            files.extend(_cfg_files(confd))
    return files


def _cfg_files(directory: str) -> list[str]:
    names = sorted(
        (n for n in os.listdir(directory) if n.endswith(".cfg") and not n.startswith(".")), key=lambda n: n.encode()
    )
    return [os.path.join(directory, n) for n in names if os.path.isfile(os.path.join(directory, n))]


class _Reader:
    def __init__(self, version: str | None, environ: dict[str, str]) -> None:
        self.version = version
        self.environ = environ
        self.env = _Env(environ)  # shares the dict: `setenv` in global reaches later lines
        self.nodes: list[Node] = []
        self.files: list[SourceFile] = []
        self.problems: list[SourceProblem] = []
        self.total_bytes = 0
        self.texts: dict[str, bytes] = {}  # files not on disk (stdin), by the name shown

    def read_file(self, path: str, entry: bool = False) -> None:
        # type checked before the open, non-blocking (a FIFO never blocks), within the
        # per-file and total bounds (linter/bounds.py)
        try:
            data = (
                self.texts[path]
                if path in self.texts
                else bounds.read_bytes(path, bounds.MAX_TOTAL_BYTES - self.total_bytes)
            )
        except ReadLimit as e:
            self.problems.append(SourceProblem("read", str(e), Loc(path, 1)))
            return
        except (OSError, ValueError) as e:
            # HAProxy stops on a file of its configuration it cannot read (a finding); the
            # entry point itself unread is "read": nothing of it was checked
            kind = "read" if entry else "include"
            self.problems.append(SourceProblem(kind, f"cannot read: {bounds.reason(e)}", Loc(path, 1)))
            return
        self.total_bytes += len(data)
        if b"\0" in data:
            self.problems.append(SourceProblem("syntax", "binary file, not an HAProxy configuration", Loc(path, 1)))
            return
        text = data.decode("utf-8", errors="replace")
        del data  # the text alone from here: a big config is not held twice while it is read
        if text.startswith(BOM):
            # HAProxy 2.6 takes the BOM as part of the first keyword ("unknown keyword
            # '\ufeffglobal' out of section"): said once, plainly; the rest is read as if
            # the mark were not there, so its own errors are not drowned
            text = text[1:]
            self.problems.append(
                SourceProblem(
                    "syntax",
                    "the file starts with a byte-order mark (BOM): HAProxy takes it as part of the first "
                    "keyword (unknown keyword out of section); save the file as UTF-8 without a BOM",
                    Loc(path, 1),
                )
            )
        source = SourceFile(path, "haproxy")
        self.files.append(source)
        self.env.file = path
        section: Node | None = None
        frames: list[_Frame] = []
        comments = source.comments
        sections = SECTIONS
        intern = Words().__getitem__  # this file's words, one string each
        # lines end at "\n" only (str.splitlines would also split on \x1c-\x1e, \x85, U+2028)
        lines = text.split("\n")
        del text
        lines.reverse()  # taken from the end, so each line is freed once read
        take = lines.pop
        no = 0
        # a plain statement line met before in this file (a fleet repeats `balance roundrobin`,
        # `timeout tunnel 3600s`, `acl is_gateway path_beg /gateway/` in every section): its
        # keyword and words, shared (nothing changes a node's args once read)
        plain: dict[str, tuple[str, list[str]]] = {}
        while lines:
            raw = take()
            no += 1
            line = raw.strip()
            if not line:
                continue
            known = plain.get(line)
            if known is not None and section is not None and not (frames and not frames[-1].active):
                section.children.append(Node(known[0], known[1], Loc(path, no)))  # type: ignore[union-attr]
                continue
            if line[0] == "#":
                comments[no] = line[1:]  # the text after "#", as every reader records it
                continue
            hash_at = line.find("#")
            simple = hash_at < 0
            if '"' in line or "'" in line or "\\" in line:
                simple = False
                if line[-1] == "\\":
                    line = raw.lstrip()  # an escaped trailing blank (`\ `) is part of the word
                self.env.line = no
                try:
                    words = list(map(intern, _Grammar.parse(line, self.env)))
                except LineError as e:
                    kind = "read" if isinstance(e, ExpansionLimit) else "syntax"
                    self.problems.append(SourceProblem(kind, str(e), Loc(path, no)))
                    continue
            else:
                # one string per distinct word (`server`, `check`, `if`, `-i` in every
                # section of a fleet): a fresh copy per line would be a large part of the tree
                words = list(map(intern, (line if hash_at < 0 else line[:hash_at]).split()))
            if hash_at >= 0:
                comments[no] = line[hash_at + 1 :]
            if not words:
                continue
            loc = Loc(path, no)
            first = words[0]
            if first[:1] == ".":
                self.directive(first, words, line, frames, loc)
                continue
            if frames and not frames[-1].active:
                continue
            if first in sections:
                section = Node(first, words[1:], loc, children=[])
                self.env.section = words[1] if len(words) > 1 else first
                self.nodes.append(section)
                continue
            if section is None:
                self.problems.append(
                    SourceProblem(
                        "syntax",
                        f"unknown keyword '{first}' out of section (each file must start with a section "
                        "such as global, defaults, frontend, backend or listen)",
                        loc,
                    )
                )
                continue
            name, args = keyword(words)
            if name in _SETENV:
                if section.name == "global" and args:
                    self.setenv(name, args)
            elif simple:
                if len(plain) >= _PLAIN_KEPT:
                    # a fleet's own lines (`server fas7 10.0.7.20:8080`) never come back: kept,
                    # they were the peak of the read; the repeated ones come back at once
                    plain.clear()
                plain[line] = (name, args)
            assert section.children is not None
            section.children.append(Node(name, args, loc))
        for frame in frames:
            self.problems.append(
                SourceProblem("syntax", "'.if' without a matching '.endif' before the end of the file", frame.loc)
            )

    def setenv(self, name: str, args: list[str]) -> None:
        """``global`` may set variables that later quoted words expand [manual 3.1]."""
        if name == "unsetenv":
            for a in args:
                self.environ.pop(a, None)
        elif len(args) >= 2 and (name == "setenv" or args[0] not in self.environ):
            self.environ[args[0]] = args[1]

    def directive(self, first: str, words: list[str], line: str, frames: list[_Frame], loc: Loc) -> None:
        cond_text = line[len(first) :].split("#", 1)[0].strip() if "#" in line else line[len(first) :].strip()
        if first == ".if":
            frame = _Frame(not frames or frames[-1].active, loc)
            frame.enter(eval_condition(" ".join(words[1:]) or cond_text, self.version, self.environ))
            frames.append(frame)
        elif first in (".elif", ".else"):
            if not frames or frames[-1].seen_else:
                self.problems.append(SourceProblem("syntax", f"'{first}' without a matching '.if'", loc))
                return
            frame = frames[-1]
            if first == ".else":
                frame.seen_else = True
                frame.enter(True)
            else:
                frame.enter(eval_condition(" ".join(words[1:]), self.version, self.environ))
        elif first == ".endif":
            if not frames:
                self.problems.append(SourceProblem("syntax", "'.endif' without a matching '.if'", loc))
                return
            frames.pop()
        elif first in (".diag", ".notice", ".warning", ".alert"):
            if first == ".alert" and (not frames or frames[-1].active) and all(f.taken for f in frames):
                self.problems.append(
                    SourceProblem("syntax", f"'.alert' stops HAProxy here: {' '.join(words[1:])}", loc)
                )
        else:
            self.problems.append(SourceProblem("syntax", f"unknown directive '{first}'", loc))


def read(
    path: str,
    version: str | None = None,
    environ: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
    text: str | None = None,
) -> ConfigTree:
    """One configuration from an entry point (a file, with its ``conf.d/``; or a directory),
    plus ``extra`` files given with it (``-f`` after ``-f``). ``text``: the entry's text
    when it is not on disk (stdin, shown as ``path``): then it is the whole configuration,
    as ``haproxy -f /dev/stdin`` reads it."""
    reader = _Reader(version, dict(os.environ) if environ is None else environ)
    if text is not None:
        reader.texts[path] = text.encode("utf-8", errors="surrogateescape")
        files = [path]
    else:
        try:
            files = entry_files(path)
        except (OSError, ValueError) as e:  # a directory that cannot be listed
            reader.problems.append(SourceProblem("read", f"cannot read: {bounds.reason(e)}", Loc(path, 1)))
            files = []
    known = {os.path.realpath(f) for f in files}
    files += [f for f in extra if os.path.realpath(f) not in known]
    for f in files[: bounds.MAX_FILES]:
        reader.read_file(f, entry=f == path)
    if len(files) > bounds.MAX_FILES:
        reader.problems.append(
            SourceProblem(
                "read",
                f"more than {bounds.MAX_FILES} files in one configuration (wsproxylint's bound): "
                f'"{files[bounds.MAX_FILES]}" and the files after it were not read',
                Loc(path, 1),
            )
        )
    names = {n.name for n in reader.nodes}
    # Without global or defaults the proxies' defaults (above all `mode`) are not in what
    # was read: a conf.d file or a documentation snippet.
    context = "main" if names & {"global", "defaults"} else "fragment"
    return ConfigTree(
        dialect="haproxy",
        root_file=path,
        nodes=reader.nodes,
        context=context,
        files=reader.files,
        problems=reader.problems,
    )

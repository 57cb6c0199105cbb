"""Read Apache httpd 2.4 configs into the common tree, the way httpd reads them.

httpd's config syntax is line oriented, so the reader is too: physical lines are joined on a
trailing backslash (``\\`` right before the newline, as ``ap_cfg_getline`` does), a line whose
first non-blank character is ``#`` is a comment (a ``#`` later on a line is an argument),
and sections ``<Name args>`` ... ``</Name>`` are tracked with a stack. Arguments are split
by a small pyparsing grammar (quotes, backslash escapes) only on lines that hold a quote or
a backslash; every other line is split on whitespace, which is what the grammar would give,
because that is most of a config and the grammar costs far more per line.

Reading follows httpd, in file order: ``Define`` and ``${VAR}``; ``<IfModule>`` against the
modules loaded *so far* (a section read before its ``LoadModule`` is skipped);
``<IfDefine>``; ``<IfVersion>`` against the httpd version in force; ``Include`` and
``IncludeOptional`` with globs, relative to ``ServerRoot``, directories read in sorted
order. A conditional section that holds is spliced into its parent, one that does not is
dropped, as httpd does. A directive of a module that the config never loads makes httpd
refuse it ("Invalid command": httpd runs ``LoadModule`` while it reads, the other
directives after); that is reported only for a main configuration (a fragment never says
which modules are loaded). In a fragment an ``<IfModule>`` is unknown: its section is read
as if the module were loaded (``<IfModule !...>`` skipped), and the sections that hold
websocket-relevant lines are remembered (``Reader.assumed``) so the verdicts can say what
they rest on.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from sys import intern

from linter.core import bounds
from linter.core.bounds import BOM, Device, ReadLimit
from linter.core.fas import version_tuple
from linter.core.tree import ConfigTree, Loc, Node, SourceFile, SourceProblem

from ..clean_import import import_on_a_clean_stack
from ..common import Words
from .modules import STATIC_MODULES, TRUNK_ONLY, module_names, module_of
from .trailing import refusal, trailing_hash

# wsproxylint's bounds (include depth, files, bytes, section depth) are linter/bounds.py's,
# shared with the other readers; hitting one is a "read" problem (exit status 2).

# Debian's /etc/apache2/envvars: apache2ctl exports these before httpd reads apache2.conf.
DEBIAN_ENV = {
    "APACHE_RUN_USER": "www-data",
    "APACHE_RUN_GROUP": "www-data",
    "APACHE_PID_FILE": "/var/run/apache2/apache2.pid",
    "APACHE_RUN_DIR": "/var/run/apache2",
    "APACHE_LOCK_DIR": "/var/lock/apache2",
    "APACHE_LOG_DIR": "/var/log/apache2",
    "APACHE_ARGUMENTS": "",
    "LANG": "C",
}
# modules whose directives decide what happens to a proxied websocket: a fragment's
# <IfModule> around them is worth a warning
PROXYING = frozenset({"proxy_module", "proxy_wstunnel_module", "rewrite_module", "headers_module"})
CONDITIONALS = frozenset({"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"})
_INCLUDES = frozenset({"include", "includeoptional"})
# directives the reader itself acts on while it reads (see Reader.directive)
_READER_DIRECTIVES = frozenset({"loadmodule", "define", "undefine", "serverroot"})
# what the reader does with a directive, by name (one lookup per line): include files, act on
# it and keep it, keep it, or leave it out of the tree (no one reads it)
_INCLUDE, _READER, _PLAIN, _UNREAD = "include", "reader", "plain", "unread"
_MAIN_HINT = re.compile(r"^[ \t]*(ServerRoot|LoadModule)[ \t]", re.MULTILINE | re.IGNORECASE)
_LOADS_MODULES = re.compile(r"^[ \t]*LoadModule[ \t]", re.MULTILINE | re.IGNORECASE)
_VAR = re.compile(r"\$\{([A-Za-z_][\w.:-]*)\}")

_grammar = None
# one word as ``ap_getword_conf`` takes it: a double- or single-quoted word runs to the
# matching quote (a backslash escapes the quote or itself) or to the end of the line; any
# other word runs to whitespace, quotes inside it included
WORD = r"""\"(?P<dq>(?:\\.|[^"\\])*)\"?|'(?P<sq>(?:\\.|[^'\\])*)'?|(?P<bare>[^\s"'][^\s]*)"""
_ESC = {"dq": re.compile(r'\\([\\"])'), "sq": re.compile(r"\\([\\'])"), "bare": re.compile(r"\\(\\)")}


def _args_grammar():
    """The argument grammar, a pyparsing ``Regex`` for one WORD (whitespace between words
    is skipped). Lines are scanned with the element's compiled pattern rather than through
    ``parse_string``: pyparsing's per-token machinery cost four times the whole read on
    the corpus. Built on first use, so reading nginx never imports pyparsing."""
    global _grammar
    if _grammar is None:
        import_on_a_clean_stack("pyparsing")
        import pyparsing as pp

        _grammar = pp.Regex(WORD)
    return _grammar


def _unescape(m: re.Match[str]) -> str:
    return m.group(1)  # a function, not a template: re expands a template on every match


def split_args(text: str, words: Words | None = None) -> list[str]:
    """Arguments of one logical line, as httpd splits them. Each word is one shared copy:
    the entry in ``words`` (a reader's, freed with it) or else the interned string."""
    if "\\" not in text:
        found = text.split()
        if ('"' not in text and "'" not in text) or _unquoted(found):
            return _shared(found, words)
    return _grammar_split(text, words)


def _grammar_split(text: str, words: Words | None) -> list[str]:
    """The words of a line that needs the grammar (a backslash, a quoted word holding a
    space or running into another): pyparsing's element for WORD, scanned over the line."""
    out: list[str] = []
    for m in _args_grammar().re.finditer(text):
        kind = m.lastgroup  # the one named group of the alternative that matched
        if kind is None:
            out.append("")
            continue
        word = m.group(kind)
        out.append(_ESC[kind].sub(_unescape, word) if "\\" in word else word)
    return _shared(out, words)


def _unquoted(found: list[str]) -> bool:
    """Quoted words without spaces or escapes ("/gateway/", 'on'), most quoted lines: the
    whitespace split of a line without a backslash, unquoted in place. False when a token
    is not exactly one such word (the line is then the grammar's; ``found`` is spoiled)."""
    for i, w in enumerate(found):
        q = w[0]
        if q == '"' or q == "'":
            if len(w) < 2 or w[-1] != q or w.count(q) != 2:
                return False
            found[i] = w[1:-1]
    return True


def _shared(found: list[str], words: Words | None) -> list[str]:
    return list(map(intern if words is None else words.__getitem__, found))


def decode(data: bytes) -> str:
    """UTF-8, else Latin-1 (httpd reads bytes; a Latin-1 comment must not stop the read)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, logical line): continuation joined, CR before LF dropped; the
    text after the last LF is no line."""
    return list(_numbered(text))


def _numbered(text: str):
    """``logical_lines`` as an iterator: the reader walks the lines once, without a list of
    (number, line) pairs as long as the file."""
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1]:
        lines.pop()
    if "\r" in text:
        lines = [line.removesuffix("\r") for line in lines]
    # a line ends with a backslash only where one stands before a line end (CR LF, LF) or at
    # the very end: without one, no continuation (most files, regexes with \. included)
    if "\\" not in text or not ("\\\n" in text or "\\\r\n" in text or text.endswith(("\\", "\\\r"))):
        return enumerate(lines, 1)
    return _joined(lines)


def _joined(lines: list[str]):
    i, n = 0, len(lines)
    while i < n:
        start = i + 1
        line = lines[i]
        if line.endswith("\\") and not line.endswith("\\\\") and i + 1 < n:
            # pieces joined once at the end: joining line by line is quadratic in the
            # number of continued lines
            pieces = []
            while line.endswith("\\") and not line.endswith("\\\\") and i + 1 < n:
                pieces.append(line[:-1])
                i += 1
                line = lines[i]
            pieces.append(line)
            line = "".join(pieces)
        i += 1
        yield start, line


class _Frame:
    __slots__ = ("active", "loc", "mark", "name", "node", "out", "shown", "text")

    def __init__(
        self, name: str, shown: str, loc: Loc, node: Node | None, active: bool, out: list[Node], text: str = ""
    ) -> None:
        self.text = text  # the opening line of a conditional section, as written
        # an <IfModule> whose answer a fragment cannot know: the count of directives that
        # matter here when it opened (-1: a section whose answer is known)
        self.mark = -1
        self.name = name  # lower case
        self.shown = shown  # as written
        self.loc = loc
        self.node = node  # None for a conditional section (spliced into its parent)
        self.active = active
        self.out = out  # where the section's content goes


class Reader:
    def __init__(
        self, root: str, version: str, defines: tuple[str, ...] = (), keep: frozenset[str] | None = None
    ) -> None:
        self.root = root
        self.root_dir = os.path.dirname(os.path.abspath(root))
        self.version = version_tuple(version)
        self.defines: dict[str, str] = {d: "" for d in defines}
        self.modules: set[str] = set(STATIC_MODULES)
        self.saw_loadmodule = False
        self.server_root: str | None = None
        self.files: dict[str, SourceFile] = {}
        self.problems: list[SourceProblem] = []
        # directives read while their module was not loaded: (line, name as written with a
        # "<" for a section, module)
        self.unloaded: list[tuple[Loc, str, str]] = []
        self.undefined_vars: list[tuple[str, Loc]] = []
        # a directive's name as written -> (its lower-case name, interned; its module; what
        # the reader does with it): a fleet repeats a few dozen names in every virtual host
        self.names: dict[str, tuple[str, str | None, str]] = {}
        # the simple directives to build nodes for (None: all); sections are always built
        self.keep = keep
        self.real_dirs: dict[str, str] = {}  # a directory -> its real path
        self.words = Words()  # one copy of each argument word
        # ``Listen`` lines httpd skips: (the line, its arguments, the conditional section
        # that was false, that section's opening line)
        self.skipped_listens: list[tuple[Loc, list[str], Loc, str]] = []
        # a fragment's <IfModule> sections that hold directives that matter here: (the
        # section's line, its opening as written, whether its content was read)
        self.assumed: list[tuple[Loc, str, bool]] = []
        self.relevant = 0  # directives of the PROXYING modules read (or skipped) so far
        self.unknown_open = 0  # unknown <IfModule> sections open now
        self.last_unknown = False
        # text from stdin that sets ServerRoot or loads modules itself: a main configuration
        self.main_hint = False
        self.entry_real: str | None = None
        self.total_bytes = 0
        self.files_bound_hit = False
        self.expansion_bound_hit = False

    # ------------------------------------------------------------------ files
    def trailing_hash(self, sf: SourceFile, name: str, args: list[str], loc: Loc, line: str) -> None:
        """A comment written after a directive: httpd reads it as arguments. Recorded for
        the suppressions (one there silences nothing), and a refusal when httpd refuses it."""
        hash_at = line.find(" #")
        if hash_at < 0:
            hash_at = line.find("\t#")
        at = trailing_hash(args)
        if at < 0 or hash_at < 0:  # no word begins with '#' after a blank ("#x" quoted is a value)
            return
        sf.argument_comments[loc.line] = line[hash_at + 2 :]
        refused = refusal(name, args, at)
        if refused is not None:
            self.problems.append(
                SourceProblem(
                    "rejected",
                    f"httpd reads the `#` after {name} and the words after it as arguments, and refuses the "
                    f"configuration: {refused}",
                    loc,
                    fix="put the comment on a line of its own before the directive: httpd reads `#` as a comment "
                    "only at the start of a line",
                )
            )

    def read_file(self, path: str, stack: tuple[str, ...], via: tuple[Loc, ...]) -> list[Node]:
        # type checked before the open, non-blocking (a FIFO never blocks), within the
        # per-file and total bounds (linter/bounds.py)
        where = via[-1] if via else Loc(path, 1)
        try:
            data = bounds.read_bytes(path, bounds.MAX_TOTAL_BYTES - self.total_bytes)
        except ReadLimit as e:
            self.problems.append(SourceProblem("read", str(e), where))
            return []
        except (OSError, ValueError) as e:
            # an include that cannot be read stops httpd (a device it may read: not certain);
            # the entry file itself is not read, so not checked (exit status 2)
            if via:
                self.problems.append(
                    SourceProblem(
                        "include", f"cannot read {path}: {bounds.reason(e)}", where, certain=not isinstance(e, Device)
                    )
                )
            else:
                self.problems.append(SourceProblem("read", f"cannot read {path}: {bounds.reason(e)}", where))
            return []
        self.total_bytes += len(data)
        sf = self.files.get(path)
        if sf is None:
            sf = self.files[path] = SourceFile(path=path, dialect="apache")
        if b"\0" in data:
            self.problems.append(
                SourceProblem("syntax", f"{path} is not a text config file (it holds NUL bytes)", Loc(path, 1))
            )
            return []
        text = decode(data)
        if text.startswith(BOM):
            text = text[1:]  # httpd skips a UTF-8 byte-order mark (apache2 -t accepts one)
        if not stack and not self.main_hint:
            # the entry file is a main config when it loads modules anywhere, not only
            # before its first <IfModule>: one decided as a fragment at that <IfModule>
            # would read a section httpd skips (a Listen before its LoadModule). (ServerRoot
            # alone does not say it: templates of static-module builds set it too.)
            self.main_hint = bool(_LOADS_MODULES.search(text))
        return self.parse_text(path, text, sf, stack, via)

    def parse_text(
        self, path: str, text: str, sf: SourceFile, stack: tuple[str, ...], via: tuple[Loc, ...]
    ) -> list[Node]:
        top: list[Node] = []
        frames: list[_Frame] = []
        out = top
        active = True
        last = 1
        names = self.names
        modules = self.modules
        keep = self.keep
        copies = self.words  # (``words`` below is a closing line's)
        setdefault = copies.setdefault
        comments = sf.comments
        for lineno, raw in _numbered(text):
            last = lineno
            line = raw.strip()
            if not line:
                continue
            first = line[0]
            if first == "#":
                comments[lineno] = line[1:]
                continue
            if first == "<":
                loc = Loc(path, lineno)
                if line.startswith("</"):
                    words = line[2:].rstrip(">").split()  # words after the name are ignored
                    name = words[0] if words else ""
                    lname = name.lower()
                    if not frames:
                        self.problems.append(
                            SourceProblem("syntax", f"</{name}> without matching <{name}> section", loc)
                        )
                        continue
                    frame = frames[-1]
                    if lname != frame.name:
                        self.problems.append(
                            SourceProblem(
                                "syntax",
                                f"Expected </{frame.shown}> but saw </{name}> "
                                f"(<{frame.shown}> opened at line {frame.loc.line})",
                                loc,
                            )
                        )
                        if not any(f.name == lname for f in frames):
                            continue  # a stray closer: keep reading inside the open section
                        while frames[-1].name != lname:
                            if frames.pop().mark >= 0:
                                self.unknown_open -= 1
                        frame = frames[-1]
                    closed = frames.pop()
                    if closed.mark >= 0:
                        self.unknown_open -= 1
                        if self.relevant > closed.mark:
                            self.assumed.append((closed.loc, closed.text, closed.active))
                    out = frames[-1].out if frames else top
                    active = frames[-1].active if frames else True
                    continue
                if not line.endswith(">"):
                    word = line[1:].split(None, 1)[0] if len(line) > 1 else ""
                    self.problems.append(SourceProblem("syntax", f"<{word}> directive missing closing '>'", loc))
                    line = line + ">"
                inner = line[1:-1].strip()
                parts = inner.split(None, 1)
                shown = parts[0] if parts else ""
                lname = intern(shown.lower())
                argtext = parts[1] if len(parts) > 1 else ""
                if len(frames) >= bounds.MAX_BLOCK_DEPTH:
                    self.problems.append(
                        SourceProblem(
                            "read",
                            f"sections nested deeper than {bounds.MAX_BLOCK_DEPTH} levels (wsproxylint's bound): "
                            "the rest of the file was not read",
                            loc,
                        )
                    )
                    frames.clear()  # stop here; the open sections are this one problem, not 450 more
                    break
                if not active:
                    frames.append(_Frame(lname, shown, loc, None, False, out))
                    continue
                args = self.args(argtext, loc)
                if lname in CONDITIONALS:
                    self.last_unknown = False
                    holds = self.condition(lname, args, loc)
                    frame = _Frame(lname, shown, loc, None, holds, out, line)
                    if self.last_unknown:
                        frame.mark = self.relevant
                        self.unknown_open += 1
                    frames.append(frame)
                    active = holds
                    continue
                node = Node(lname, args, loc, [], via)
                self.note_module(lname, "<" + shown, loc)
                out.append(node)
                frames.append(_Frame(lname, shown, loc, node, True, node.children))  # type: ignore[arg-type]
                out = node.children  # type: ignore[assignment]
                continue
            if not active:
                if line[:7].lower() == "listen " or line[:7].lower() == "listen\t":
                    self.skip_listen(line, Loc(path, lineno), frames)
                if self.unknown_open and module_of(line.split(None, 1)[0].lower()) in PROXYING:
                    self.relevant += 1  # a skipped line that would matter if the section held
                continue
            # a plain line split once, name and words together; a line with a backslash or a
            # ${VAR} is split after its name, and its words as split_args takes them
            special = "\\" in line or "${" in line
            if special:
                parts = line.split(None, 1)
                name = parts[0]
            else:
                found = line.split()
                name = found[0]
            known = names.get(name)
            if known is None:
                lname = intern(name.lower())
                kind = (
                    _INCLUDE
                    if lname in _INCLUDES
                    else _READER
                    if lname in _READER_DIRECTIVES
                    else _PLAIN
                    if keep is None or lname in keep
                    else _UNREAD
                )
                known = names[name] = (lname, module_of(lname), kind)
            lname, module, kind = known
            if kind is _UNREAD:
                if "#" in line:  # a '#' after the name is an argument to httpd, not a comment
                    rest = line.split(None, 1)[1] if " " in line or "\t" in line else ""
                    self.trailing_hash(sf, name, split_args(rest, copies), Loc(path, lineno), line)
                # a directive nobody reads after this: no node, no words; what the reader
                # itself checks (its module, its ${VAR} expansion) still happens
                if module is not None:
                    if module in PROXYING:
                        self.relevant += 1
                    if module not in modules:
                        self.unloaded.append((Loc(path, lineno), name, module))
                if "${" in line:
                    rest = parts[1] if len(parts) > 1 else ""
                    if "${" in rest:
                        self.expand(rest, Loc(path, lineno))
                continue
            loc = Loc(path, lineno)
            if special:
                rest = parts[1] if len(parts) > 1 else ""
                args = split_args(self.expand(rest, loc) if "${" in rest else rest, copies)
            else:
                del found[0]
                if ('"' in line or "'" in line) and not _unquoted(found):
                    args = _grammar_split(line.split(None, 1)[1], copies)  # a quote: there are words
                else:
                    args = list(map(setdefault, found, found))
            if "#" in line:  # a '#' after the name is an argument to httpd, not a comment
                self.trailing_hash(sf, name, args, loc, line)
            if kind is _INCLUDE:
                if args:
                    out.extend(self.include(loc, args[0], lname == "includeoptional", stack, via))
                else:
                    self.problems.append(SourceProblem("syntax", f"{name} takes one argument", loc))
                continue
            if module is not None:
                if module in PROXYING:
                    self.relevant += 1
                if module not in modules:
                    self.unloaded.append((loc, name, module))
            if kind is _READER:
                self.directive(lname, args)
            out.append(Node(lname, args, loc, None, via))
        for frame in reversed(frames):
            if frame.mark >= 0:
                self.unknown_open -= 1
            self.problems.append(
                SourceProblem(
                    "syntax",
                    f"<{frame.shown}> was not closed (opened at line {frame.loc.line}, end of file at line {last})",
                    frame.loc,
                )
            )
        return top

    def skip_listen(self, line: str, loc: Loc, frames: list[_Frame]) -> None:
        """Remember a ``Listen`` in a section that is false: a site on its port never opens."""
        cause = next((f for f in frames if not f.active), None)
        if cause is None:
            return
        args = split_args(line.split(None, 1)[1]) if len(line.split(None, 1)) > 1 else []
        if args:
            self.skipped_listens.append((loc, args, cause.loc, cause.text))

    # ------------------------------------------------------------------ lines
    def args(self, text: str, loc: Loc) -> list[str]:
        if "${" in text:
            text = self.expand(text, loc)
        return split_args(text, self.words)  # every character belongs to a word or to the space between

    def expand(self, text: str, loc: Loc) -> str:
        """``${VAR}`` replaced. ``Define A ${A}${A}`` doubles A at each line: the result is
        built only while it stays within the per-file byte bound, else the line is kept
        unexpanded and the bound is reported (a few such lines would take gigabytes)."""
        parts: list[str] = []
        size = 0
        pos = 0
        for m in _VAR.finditer(text):
            name = m.group(1)
            if name in self.defines:
                value = self.defines[name]
            elif name in DEBIAN_ENV:
                value = DEBIAN_ENV[name]
            else:
                self.undefined_vars.append((name, loc))
                value = m.group(0)
            parts.append(text[pos : m.start()])
            parts.append(value)
            size += m.start() - pos + len(value)
            pos = m.end()
            if size > bounds.MAX_FILE_BYTES:
                if not self.expansion_bound_hit:
                    self.expansion_bound_hit = True
                    self.problems.append(
                        SourceProblem(
                            "read",
                            f"${{...}} expands this line past wsproxylint's bound of "
                            f"{bounds.mb(bounds.MAX_FILE_BYTES)}: not expanded",
                            loc,
                        )
                    )
                return text
        parts.append(text[pos:])
        return "".join(parts)

    def directive(self, name: str, args: list[str]) -> None:
        if name == "loadmodule" and args:
            self.saw_loadmodule = True
            self.modules.update(module_names(args[0], args[1] if len(args) > 1 else ""))
        elif name == "define" and args:
            self.defines[args[0]] = args[1] if len(args) > 1 else ""
        elif name == "undefine" and args:
            self.defines.pop(args[0], None)
        elif name == "serverroot" and args:
            self.server_root = args[0]

    def note_module(self, name: str, shown: str, loc: Loc) -> None:
        module = module_of(name)
        if module in PROXYING:
            self.relevant += 1
        if module is not None and module not in self.modules:
            self.unloaded.append((loc, shown, module))

    def condition(self, name: str, args: list[str], loc: Loc) -> bool:
        text = " ".join(args)
        negate = text.startswith("!")
        if negate:
            text = text[1:].strip()
        if name == "ifmodule":
            holds = self.module_loaded(text)
        elif name == "ifdefine":
            holds = text in self.defines
        elif name == "ifversion":
            holds = self.version_matches(args, loc)
            negate = False
        elif name in ("ifdirective", "ifsection"):
            module = module_of(text.lower())
            holds = text.lower() not in TRUNK_ONLY and (module is None or module in self.modules)
        else:  # iffile: the server's file system is not ours to see; read the section
            holds = True
        return holds != negate

    def module_loaded(self, text: str) -> bool:
        key = text.strip().lower()
        if not self.saw_loadmodule and self.is_fragment_guess():
            # a fragment: which modules the server loads is not known. Read the section (the
            # author wrote it for a server that runs), and remember it was an assumption
            self.last_unknown = key not in self.modules
            return True
        return key in self.modules

    def is_fragment_guess(self) -> bool:
        name = os.path.basename(self.root).lower()
        return name not in ("httpd.conf", "apache2.conf") and not self.main_hint

    def version_matches(self, args: list[str], loc: Loc) -> bool:
        if not args:
            return True
        negate = False
        op, ver = "=", args[-1]
        if len(args) >= 2:
            op = args[0]
        else:
            m = re.match(r"^(!?)(=|==|>=|<=|>|<|~)?(.+)$", args[0])
            if m:
                negate, op, ver = bool(m.group(1)), m.group(2) or "=", m.group(3)
        if op.startswith("!"):
            negate, op = True, op[1:] or "="
        if op == "~" or (ver.startswith("/") and ver.endswith("/") and len(ver) > 1):
            rx = ver.strip("/")
            shown = ".".join(str(p) for p in self.version)
            try:
                return bool(re.search(rx, shown)) != negate
            except re.error:
                return not negate
        try:
            want = version_tuple(ver)
        except ValueError:
            self.problems.append(SourceProblem("syntax", f"<IfVersion> cannot read the version {ver!r}", loc))
            return False
        have = self.version[: len(want)] if ver.count(".") < 2 else self.version
        want = want[: len(have)]
        result = {
            "=": have == want,
            "==": have == want,
            ">": have > want,
            ">=": have >= want,
            "<": have < want,
            "<=": have <= want,
        }.get(op)
        if result is None:
            self.problems.append(SourceProblem("syntax", f"<IfVersion> unknown operator {op!r}", loc))
            return False
        return result != negate

    # ------------------------------------------------------------------ includes
    def include(
        self, loc: Loc, pattern: str, optional: bool, stack: tuple[str, ...], via: tuple[Loc, ...]
    ) -> list[Node]:
        if "\0" in pattern:
            self.problems.append(SourceProblem("include", f"included path {pattern!r} holds a NUL byte", loc))
            return [Node(name="include", args=[pattern], loc=loc, via=via)]
        if os.path.isabs(pattern):
            full = pattern
        else:
            # relative to ServerRoot; a checkout's ServerRoot (/etc/apache2) is usually not
            # on this machine, so the entry file's directory stands for it
            bases = [b for b in (self.server_root,) if b and os.path.isdir(b)] + [self.root_dir]
            full = os.path.join(bases[0], pattern)
            for b in bases:
                cand = os.path.join(b, pattern)
                if _safe_glob(cand) if glob.has_magic(cand) else os.path.exists(cand):
                    full = cand
                    break
        fragment = self.is_fragment_guess() and not self.saw_loadmodule
        if glob.has_magic(full):
            try:
                names = sorted(glob.glob(full))
            except (OSError, ValueError, RecursionError) as e:
                self.problems.append(
                    SourceProblem("include", f'Include "{pattern}" cannot be expanded: {bounds.reason(e)}', loc)
                )
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
            if not names and not optional:
                self.problems.append(
                    SourceProblem(
                        "include",
                        f'Include "{pattern}": no file matches the wildcard (httpd refuses to start; '
                        "IncludeOptional allows no match)",
                        loc,
                        certain=not fragment and not os.path.isabs(pattern),
                    )
                )
        elif os.path.isdir(full):
            names = self.directory(full)
        elif os.path.lexists(full):  # a dangling or looping symlink is unreadable, not missing
            names = [full]
        else:
            names = []
            if not optional:
                self.problems.append(
                    SourceProblem(
                        "include",
                        f'Include "{pattern}": could not open configuration file {full}',
                        loc,
                        certain=not fragment and not os.path.isabs(pattern),
                    )
                )
                return [Node(name="include", args=[pattern], loc=loc, via=via)]
        out: list[Node] = []
        for name in names:
            if os.path.isdir(name):
                for sub in self.directory(name):
                    out.extend(self.include_one(sub, loc, stack, via))
                continue
            out.extend(self.include_one(name, loc, stack, via))
        return out

    def directory(self, path: str) -> list[str]:
        """The files under an included directory, in httpd's sorted order; a subdirectory
        that cannot be listed is reported, the rest is read. No more names than the file
        bound allows are gathered (a directory of a million files costs no more)."""
        found: list[str] = []
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(path, onerror=errors.append):
            dirnames.sort()
            found.extend(os.path.join(dirpath, f) for f in sorted(filenames))
            if len(found) > bounds.MAX_FILES:
                break
        for e in errors:
            self.problems.append(
                SourceProblem(
                    "read", f"cannot read directory {e.filename or path}: {bounds.reason(e)}", Loc(self.root, 1)
                )
            )
        return found

    def realpath(self, name: str) -> str:
        """``os.path.realpath``, with each directory resolved once: a fleet includes thousands
        of files from one directory, and realpath checks every component of every path."""
        head, tail = os.path.split(name)
        if not head or tail in ("", ".", "..") or os.path.islink(name):
            return os.path.realpath(name)
        real_dir = self.real_dirs.get(head)
        if real_dir is None:
            real_dir = self.real_dirs[head] = os.path.realpath(head)
        return os.path.join(real_dir, tail)

    def include_one(self, name: str, loc: Loc, stack: tuple[str, ...], via: tuple[Loc, ...]) -> list[Node]:
        real = self.realpath(name)
        if self.entry_real is None:  # resolved only when something is included: most files include nothing
            self.entry_real = os.path.realpath(self.root)
        if real in stack or real == self.entry_real:
            self.problems.append(
                SourceProblem("include", f'include cycle: "{name}" includes itself through {loc}', loc)
            )
            return []
        if len(stack) + 1 >= bounds.MAX_INCLUDE_DEPTH:  # the entry file is the first level
            self.problems.append(
                SourceProblem(
                    "read",
                    f"includes nested deeper than {bounds.MAX_INCLUDE_DEPTH} levels (wsproxylint's bound): "
                    f'"{name}" was not read',
                    loc,
                )
            )
            return []
        if len(self.files) >= bounds.MAX_FILES:
            if not self.files_bound_hit:
                self.files_bound_hit = True
                self.problems.append(
                    SourceProblem(
                        "read",
                        f"more than {bounds.MAX_FILES} files in one configuration (wsproxylint's bound): "
                        f'"{name}" and the files after it were not read',
                        loc,
                    )
                )
            return []
        return self.read_file(name, stack + (real,), via + (loc,))


def read(
    path: str, version: str, defines: tuple[str, ...] = (), text: str | None = None, keep: frozenset[str] | None = None
) -> ConfigTree:
    """Read ``path`` and everything it includes into one tree (and the reader's facts:
    modules loaded, directives whose module was missing). With ``text``, that is the entry
    file's content (stdin, shown as ``path``); what it includes is still read from disk,
    relative to ``ServerRoot`` or else to ``path``'s directory, as httpd would. With
    ``keep``, only those simple directives (lower case) get a node: the loader passes the
    ones its interpreter reads, since a fleet's tree is most of the memory."""
    r = Reader(path, version, defines, keep)
    if text is None:
        nodes = r.read_file(path, (), ())
    else:
        sf = r.files[path] = SourceFile(path=path, dialect="apache")
        sf.text = text
        # no file name to tell a main config by: one that sets ServerRoot or loads modules is
        r.main_hint = bool(_MAIN_HINT.search(text))
        nodes = r.parse_text(path, text, sf, (), ())
    whole = r.saw_loadmodule or not r.is_fragment_guess()
    if whole:
        # httpd loads every module while it reads (LoadModule runs on read) and runs the
        # other directives afterwards: a directive is invalid when its module is never loaded
        for loc, shown, module in r.unloaded:
            if module in r.modules:
                continue
            r.problems.append(
                SourceProblem(
                    "rejected",
                    f"Invalid command '{shown}', perhaps misspelled or defined by a module not "
                    f"included in the server configuration ({module} is never loaded)",
                    loc,
                )
            )
    context = "main" if whole else ("virtualhost" if any(n.name == "virtualhost" for n in nodes) else "server")
    facts = ReaderFacts(r.modules, r.saw_loadmodule, r.skipped_listens, r.assumed)
    return ConfigTree(
        dialect="apache",
        root_file=path,
        nodes=nodes,
        context=context,
        files=list(r.files.values()),
        problems=r.problems,
        facts=facts,
    )


@dataclass(slots=True)
class ReaderFacts:
    """What httpd decides while reading and the tree does not show: the modules loaded
    (LoadModule runs on read), Listen lines an <IfModule> skipped, and <IfModule>/<IfDefine>
    sections whose outcome was assumed."""

    modules: set[str]
    saw_loadmodule: bool
    skipped_listens: list[tuple[Loc, list[str], Loc, str]]
    assumed: list[tuple[Loc, str, bool]]


def _safe_glob(pattern: str) -> list[str]:
    try:
        return glob.glob(pattern)
    except (OSError, ValueError, RecursionError):
        return []

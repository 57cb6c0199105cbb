"""The common tree: one node type for nginx, Apache httpd and HAProxy.

Every reader in ``parsers/`` produces these nodes. Interpreters consume them; checks never
see them. A node always knows the file and line it came from, because every finding must
point at a line the user can open. Includes are already expanded: an included file's nodes
sit where the include stood, each keeping its own file and line, and ``via`` remembers the
include chain so a message can say how a line got there.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, unsafe_hash=True)
class Loc:
    """A place in a config file (1-based line). Treat it as immutable: it is hashed.

    Every directive has one and the model keeps nearly all of them, so it holds just the
    two fields: a third (the column, which no reader knows) put each Loc in the next
    allocator size class, 16 bytes more per directive in both the tree and the model. Not
    ``frozen``: a frozen dataclass sets each field through ``object.__setattr__``, which
    made creating a Loc three times slower (a third of HAProxy's reading time).
    """

    file: str
    line: int

    @property
    def column(self) -> int | None:
        """The reports' column: no reader knows one, so none is claimed."""
        return None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True, eq=False)
class Node:
    """One directive or section.

    ``children`` is None for a simple directive and a list (possibly empty) for a block,
    so "a block with nothing in it" and "not a block" stay distinct.
    """

    name: str
    args: list[str]
    loc: Loc
    children: list[Node] | None = None
    via: tuple[Loc, ...] = ()

    def iter(self, name: str) -> list[Node]:
        """Direct children with this name (case as the dialect normalised it)."""
        if not self.children:
            return []
        return [c for c in self.children if c.name == name]

    def first(self, name: str) -> Node | None:
        if self.children:
            for c in self.children:
                if c.name == name:
                    return c
        return None


def node_files(nodes: list[Node], deep: bool = True) -> frozenset[str]:
    """The files whose lines make up ``nodes``, with the files that included them (``via``),
    and the lines of their blocks when ``deep``. A change in any of them can change what the
    block does, which is how a changed snippet finds the findings it causes in the block that
    includes it."""
    out: set[str] = set()
    # neighbours share their file and their include chain (one tuple per include): each is
    # added once per run of equal ones
    last_file: str | None = None
    last_via: tuple[Loc, ...] = ()
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if n.loc.file is not last_file:
            last_file = n.loc.file
            out.add(last_file)
        if n.via and n.via is not last_via:
            last_via = n.via
            out.update([v.file for v in last_via])
        if deep and n.children:
            stack.extend(n.children)
    return frozenset(out)


@dataclass(slots=True)
class SourceProblem:
    """Something the reader could not take: a syntax error, an unreadable include, a cycle.

    ``certain`` is False when the reader only saw part of the configuration and the
    problem may not exist in the whole (a fragment's relative include, for instance).
    """

    kind: str  # "syntax" | "include" | "read" | "rejected" (the proxy refuses what it read)
    message: str
    loc: Loc
    certain: bool = True
    # what to change, in the dialect's words ("": the rule's generic advice)
    fix: str = ""


@dataclass(slots=True)
class SourceFile:
    """One file a reader opened: its comments (where suppressions live) and, when it is not on disk, its text."""

    path: str
    dialect: str
    comments: dict[int, str] = field(default_factory=dict)
    # the file's text when it is not on disk (stdin, a file of an nginx -T dump)
    text: str | None = None
    # text after a `#` that the proxy reads as arguments of the directive on that line, not
    # as a comment (httpd, after a directive): a suppression written there silences nothing
    argument_comments: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class ConfigTree:
    """What one entry point reads as: its nodes, the files it pulled in, what went wrong.

    ``context`` says where the top-level nodes stand: "main" for a whole configuration,
    or the enclosing context a fragment was written for (nginx "http", "server",
    "location"); the interpreter lowers its confidence in facts a fragment cannot show.
    """

    dialect: str
    root_file: str
    nodes: list[Node]
    context: str = "main"
    files: list[SourceFile] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    # what the reader learnt that the nodes do not carry, for the dialect's own interpreter
    # (Apache: the modules loaded while reading); opaque to everything else
    facts: object = None

    @property
    def is_fragment(self) -> bool:
        return self.context != "main"

    def walk(self) -> list[Node]:
        """Every node, depth first, in file order."""
        out: list[Node] = []
        stack = list(reversed(self.nodes))
        while stack:
            n = stack.pop()
            out.append(n)
            if n.children:
                stack.extend(reversed(n.children))
        return out

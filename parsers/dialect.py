"""What a dialect is: the one object the rest of wsproxylint knows a proxy by.

Everything outside ``parsers/`` that depends on which proxies exist (the command line's
``--dialect`` and version flags, settings keys, detection, the docs, the pre-commit file
patterns, the tests' parametrisation) reads it from the registered ``Dialect`` objects
(``parsers.dialects()``), so a new proxy is a new package here, not edits across the tree.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from linter.core.fixes import FixEdits, FixRequest
    from linter.core.model import Advice, ProxyModel
    from linter.core.options import Options
    from linter.core.rules import Example
    from linter.core.tree import ConfigTree
    from parsers.edit_text import Texts


@dataclass(slots=True, frozen=True)
class Source:
    """One configuration to read: its entry point, its text when it is not on disk (stdin),
    and the files the proxy reads with it (``haproxy -f main.cfg -f extra.cfg``)."""

    path: str
    text: str | None = None
    companions: tuple[str, ...] = field(default=())


class Dialect:
    """A proxy's configuration language: how to recognise its files, read them into the
    common tree, and interpret the tree into the proxy model.

    A subclass sets the class attributes and implements ``read`` and ``interpret``; the
    others have defaults that fit a dialect with one kind of file.
    """

    name: ClassVar[str]  # the word in --dialect, the JSON report and settings ("apache")
    display: ClassVar[str]  # how people call the proxy ("Apache"), in help and messages
    # the stem of the version flag and settings key: --httpd-version, httpd_version
    version_name: ClassVar[str]
    # the version an unknown one is taken as (None: no version-dependent default)
    assumed_version: ClassVar[str | None] = None
    # regular expressions (Python ``re``, verbose-safe) of file paths pre-commit hands over
    file_patterns: ClassVar[tuple[str, ...]] = ()

    def detect(self, path: str, head: str) -> int:
        """How sure this dialect is that ``path`` (first bytes ``head``) is one of its
        files: 0 not at all; among dialects the highest wins, ties to the first registered.
        By convention 3 is a name only this proxy uses, 2 content only it has, 1 content
        it shares with others."""
        return 0

    def entry_rank(self, path: str, head: str) -> int:
        """0: a whole configuration, 1: a file that includes others, 2: anything else.
        Entry points are read first, so a file is judged inside what includes it."""
        return 2

    def companions(self, given: list[tuple[str, int]]) -> dict[str, tuple[str, ...]]:
        """Files given together (path, rank) that one entry point reads as one
        configuration, by entry point; most dialects follow includes instead."""
        return {}

    def read(self, source: Source, options: Options) -> ConfigTree:
        """The common tree of ``source`` and its includes, with the reader's facts
        (``ConfigTree.facts``) that the tree's nodes do not carry."""
        raise NotImplementedError

    def interpret(self, tree: ConfigTree, options: Options) -> ProxyModel:
        """The proxy model of a tree this dialect read; may consume the tree."""
        raise NotImplementedError

    def load(self, source: Source, options: Options) -> ProxyModel:
        """Read and interpret one configuration: what the engine calls."""
        tree = self.read(source, options)
        model = self.interpret(tree, options)
        model.sources = tree.files  # comments (suppressions) and the file list for the engine
        return model

    def examples(self) -> Mapping[str, Example]:
        """By rule id, a broken config in this dialect that the rule flags and its fixed
        form (``rules``, docs/rules.md and SARIF show them; tests prove each). Read from
        the dialect package's ``examples.EXAMPLES`` when it has one."""
        return self._examples_module()[0]

    def inexpressible(self) -> Mapping[str, str]:
        """By rule id, why this proxy cannot express the rule's broken setup at all (an
        nginx ``listen`` always opens its port): those rules do not apply to it, and need
        no example. Every other rule applies. Read from ``examples.NOT_EXPRESSIBLE``."""
        return self._examples_module()[1]

    def _examples_module(self) -> tuple[Mapping[str, Example], Mapping[str, str]]:
        package = type(self).__module__
        try:
            mod = importlib.import_module(f"{package}.examples")
        except ModuleNotFoundError as e:
            if e.name != f"{package}.examples":
                raise
            return {}, {}
        return getattr(mod, "EXAMPLES", {}), getattr(mod, "NOT_EXPRESSIBLE", {})

    def edits(self, request: FixRequest, texts: Texts) -> FixEdits | None:
        """The edits that make ``request``'s fix in this dialect's files (read through
        ``texts``, one per run), or None when this dialect has no mechanical edit for it there. Read
        from the dialect package's ``edits.edits`` when it has one."""
        package = type(self).__module__
        try:
            mod = importlib.import_module(f"{package}.edits")
        except ModuleNotFoundError as e:
            if e.name != f"{package}.edits":
                raise
            return None
        result: FixEdits | None = mod.edits(request, texts)
        return result

    @property
    def advice(self) -> Advice:
        """The dialect's words for each fix a check names."""
        raise NotImplementedError

    def version(self, options: Options) -> str | None:
        """The version the run was told this proxy has, else None."""
        return options.proxy_versions.get(self.name)

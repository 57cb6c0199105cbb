"""What the three interpreters do alike: compile a config's regex safely, read a duration,
split ``host:port``, and start and finish a model. Each dialect keeps its own grammar
(nginx sums ``1m30s``, HAProxy counts a bare number in milliseconds, httpd in seconds); the
mechanism is here once, the units are the dialect's."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from linter.core.model import Advice, Backend, ConfigProblem, FailureStatuses, ProxyModel, Route, Site
from linter.core.options import Options
from linter.core.tree import ConfigTree

# what a config's regex can raise when Python compiles or runs it: a pattern Python cannot
# take matches nothing (the proxy's PCRE refuses most of them at start-up), it never stops the lint
REGEX_ERRORS = (re.error, OverflowError, RecursionError)


@contextmanager
def quiet_regex() -> Iterator[None]:
    """Patterns such as ``[[`` make ``re`` print a FutureWarning on stderr: not ours to show."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def compile_regex(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """``pattern`` compiled, or None when Python cannot take it."""
    try:
        with warnings.catch_warnings():  # (quiet_regex, without a generator's cost per call)
            warnings.simplefilter("ignore")
            return re.compile(pattern, flags)
    except REGEX_ERRORS:
        return None


class Durations:
    """One dialect's time syntax: a number, then one of ``units`` (seconds each) or none
    (``bare``); ``compound``: parts may follow each other (nginx ``1h 30m``). (A plain class:
    a dataclass would cost every run its start-up for three instances.)"""

    __slots__ = ("units", "bare", "number", "compound", "_part", "_whole")

    def __init__(
        self,
        units: Mapping[str, float],
        bare: str,
        number: Callable[[str], float] = int,
        decimals: bool = False,
        compound: bool = False,
    ) -> None:
        self.units, self.bare, self.number, self.compound = units, bare, number, compound
        digits = r"\d+(?:\.\d*)?|\.\d+" if decimals else r"\d+"
        part = rf"({digits})({'|'.join(sorted(map(re.escape, units), key=len, reverse=True))})?"  # "ms" before "m"
        self._part = re.compile(part)
        self._whole = re.compile(rf"(?:{part})+" if compound else part)

    def seconds(self, text: str) -> float | None:
        """``text`` in seconds (a float where a unit is a fraction); None when unreadable."""
        if self.compound:
            text = text.replace(" ", "")
            if not self._whole.fullmatch(text):
                return None
            return sum(self.number(n) * self.units[u or self.bare] for n, u in self._part.findall(text))
        m = self._whole.fullmatch(text)
        return None if m is None else self.number(m.group(1)) * self.units[m.group(2) or self.bare]


def split_hostport(text: str) -> tuple[str, str]:
    """Host and port text of ``host:port``, ``[v6]:port`` or ``host``. An unbracketed
    address with more than one colon is IPv6 without a port: all host."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") else ""
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port
    return text, ""


def port_number(text: str, default: int | None = None) -> int | None:
    """The port ``text`` names; ``default`` when it is empty, None when it is no number."""
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        return None


class Words(dict[str, str]):
    """One string for each distinct word of one read: ``words[w]`` is the first string equal
    to ``w`` met. A fleet repeats the same few words (keywords, flags, paths, header names) in
    every site, and a copy per line would be a large part of the tree; the table is the
    reader's and goes with it (``sys.intern``'s table would keep every distinct word of a big
    config to the end of the process). The three readers share their words through it; the
    few strings the model keeps per route (labels, notes) go through ``sys.intern``, since
    they live as long as the model."""

    def __missing__(self, word: str) -> str:
        self[word] = word
        return word


class ModelStart:
    """What every interpreter knows before reading a line: the proxy version it judges for
    (given by ``--proxy-version`` or assumed), whether the tree is a whole configuration,
    and the reader's problems, which come first in the model as the proxy reports them."""

    dialect: str = ""
    assumed_version: str = ""

    def __init__(self, tree: ConfigTree, options: Options, consume: bool = False) -> None:
        self.tree = tree
        self.options = options
        # the caller gives the tree up: parts of it are released as they are interpreted,
        # so that a big fleet's tree and model are never both whole in memory
        self.consume = consume
        given = options.proxy_versions.get(self.dialect)
        self.version: str = given or self.assumed_version
        self.version_assumed = not given
        self.whole = tree.context == "main"
        self.problems = [ConfigProblem(p.kind, p.message, p.loc, p.certain, fix=p.fix) for p in tree.problems]
        # one frozenset per distinct set of files (a fleet's blocks share a handful)
        self.file_sets: dict[frozenset[str], frozenset[str]] = {}
        self.block_files: dict[Route | Site, frozenset[str]] = {}

    def files(self, files: frozenset[str]) -> frozenset[str]:
        """``files`` as the one shared copy of that set: many blocks of a fleet read the same."""
        return self.file_sets.setdefault(files, files)

    def note_files(self, block: Route | Site, files: frozenset[str]) -> None:
        """Record the files ``block`` reads (``ProxyModel.block_files``) when they are more
        than the file of its own line and the entry point: the entry point handed over is
        the whole configuration (the ``roots`` focus keeps everything then), so it never
        needs naming."""
        if len(files) > 1 or block.loc.file not in files:
            extra = files - {block.loc.file, self.tree.root_file}
            if extra:
                self.block_files[block] = self.files(extra)

    def model(
        self,
        sites: list[Site],
        backends: list[Backend],
        statuses: FailureStatuses,
        advice: Advice,
        version_text: str | None = None,
    ) -> ProxyModel:
        return ProxyModel(
            dialect=self.dialect,
            root_file=self.tree.root_file,
            sites=sites,
            backends=backends,
            statuses=statuses,
            advice=advice,
            problems=self.problems,
            files=[f.path for f in self.tree.files],
            fragment=self.tree.is_fragment,
            proxy_version=version_text or self.version,
            version_assumed=self.version_assumed,
            block_files=self.block_files,
        )

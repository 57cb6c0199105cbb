"""HAProxy ACLs and rule conditions, evaluated against a model ``Request``.

Only what a request shows can be decided: the path, the query, the method, the handshake
headers, whether the front connection is TLS and its port. The browser's Host and SNI are
not in the config, nor are client addresses, maps or files, so fetches of those evaluate to
None (unknown). How routing treats an unknown is the interpreter's choice (see
``FirstMatch``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from linter.core.model import Request

from ..common import compile_regex

# Predefined ACLs [HAProxy manual 7.4]: True/False where a browser's upgrade GET decides them.
PREDEFINED: dict[str, bool | None] = {
    "TRUE": True,
    "FALSE": False,
    "HTTP": True,
    "HTTP_1.0": False,
    "HTTP_1.1": True,
    "HTTP_2.0": False,
    "HTTP_CONTENT": True,
    "HTTP_URL_ABS": False,
    "HTTP_URL_SLASH": True,
    "HTTP_URL_STAR": False,
    "LOCALHOST": None,
    "METH_CONNECT": False,
    "METH_DELETE": False,
    "METH_GET": True,
    "METH_HEAD": False,
    "METH_OPTIONS": False,
    "METH_POST": False,
    "METH_PUT": False,
    "METH_TRACE": False,
    "RDP_COOKIE": None,
    "REQ_CONTENT": None,
    "WAIT_END": None,
}

# fetches whose value the config cannot know
_UNKNOWN_HEADERS = frozenset(
    {
        "host",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-real-ip",
        "cookie",
        "authorization",
        "user-agent",
        "referer",
        "x-forwarded-host",
    }
)
_SHOWN = 20  # patterns of a file shown in a term's text
_UNDECIDABLE = frozenset({"req.cook", "cook", "src", "dst", "hdr_ip", "req.hdr_ip"})
_SUFFIXES = ("beg", "end", "sub", "reg", "dir", "dom", "len", "cnt", "found", "val")
_FLAGS_WITH_ARG = frozenset({"-f", "-m", "-M"})
_NUMERIC_OPS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


@dataclass(slots=True)
class Term:
    """One ACL test: ``fetch[(arg)][,conv] [flags] values``."""

    fetch: str
    arg: str
    converters: list[str]
    method: str | None
    icase: bool
    values: list[str]
    text: str
    from_file: bool = False
    # pattern files its values come from (`-f FILE`; `-M`: the file is a map, its keys count);
    # the interpreter reads them and gives a Term with their values (``with_file_values``)
    files: tuple[tuple[str, bool], ...] = ()

    def samples(self, req: Request, servers: dict[str, int]) -> list[str] | None:
        f = self.fetch
        if f in ("path", "req.path"):
            return [req.path]
        if f in ("url", "req.url"):
            return [req.path + (f"?{req.query}" if req.query else "")]
        if f in ("query", "req.query"):
            return [req.query]
        if f in ("method", "req.method"):
            return ["GET"]
        if f in ("hdr", "req.hdr", "fhdr", "req.fhdr", "hdr_cnt", "req.hdr_cnt"):
            name = self.arg.lower()
            if not name or name in _UNKNOWN_HEADERS:
                return None
            value = req.headers.get(name)
            if f.endswith("hdr_cnt"):
                return ["0" if value is None else str(len(value.split(",")) if "f" not in f else 1)]
            if value is None:
                return []
            return [value] if f.startswith(("fhdr", "req.fhdr")) else [v.strip() for v in value.split(",")]
        if f in ("ssl_fc", "ssl_fc_has_crt"):
            return ["1" if req.scheme == "https" and f == "ssl_fc" else "0"]
        if f in ("dst_port", "so_port"):
            return None if req.port is None else [str(req.port)]
        if f in ("req.proto_http", "req_proto_http"):
            return ["1"]
        if f in ("req.ver", "req_ver"):
            return ["1.1"]
        if f == "always_true":
            return ["1"]
        if f == "always_false":
            return ["0"]
        if f in ("nbsrv", "srv_is_up") and self.arg:
            # servers are taken as up: a maintenance fallback is not the path a working call takes
            count = servers.get(self.arg.split("/")[0])
            if count is None:
                return None
            return [str(count)] if f == "nbsrv" else ["1"]
        return None

    def converted(self, req: Request, servers: dict[str, int]) -> list[str] | None:
        """The fetch's values after the converters; None when the config cannot know them."""
        if self.from_file:
            return None
        got = self.samples(req, servers)
        if got is None:
            return None
        for conv in self.converters:
            if conv == "lower":
                got = [g.lower() for g in got]
            elif conv == "upper":
                got = [g.upper() for g in got]
            else:
                return None
        return got

    def evaluate(self, req: Request, servers: dict[str, int]) -> bool | None:
        got = self.converted(req, servers)
        if got is None:
            return None
        method = self.method or self.default_method()
        if method == "found":
            return bool(got)
        if method == "bool":
            return any(g not in ("", "0") for g in got)
        if method == "int":
            return self._int_match(got)
        if method == "len":
            return any(self._int_match([str(len(g))], v) for g in got for v in self.values) if self.values else None
        return any(_str_match(method, g, v, self.icase) for g in got for v in self.values)

    def default_method(self) -> str:
        if (
            self.fetch
            in (
                "ssl_fc",
                "ssl_fc_has_crt",
                "req.proto_http",
                "req_proto_http",
                "always_true",
                "always_false",
                "srv_is_up",
            )
            and not self.values
        ):
            return "bool"
        if self.fetch in ("dst_port", "so_port", "nbsrv", "hdr_cnt", "req.hdr_cnt"):
            return "int"
        return "str"

    def _int_match(self, got: list[str], only: str | None = None) -> bool | None:
        values = [only] if only is not None else self.values
        op = None
        if values and values[0] in _NUMERIC_OPS:
            op, values = values[0], values[1:]
        try:
            nums = [int(g) for g in got]
        except ValueError:
            return None
        for v in values:
            if op is not None:
                try:
                    if any(_NUMERIC_OPS[op](n, int(v)) for n in nums):
                        return True
                except ValueError:
                    return None
                continue
            lo, _, hi = v.partition(":")
            try:
                low = int(lo) if lo else None
                high = int(hi) if hi else (low if not _ else None)
            except ValueError:
                return None
            if any((low is None or n >= low) and (high is None or n <= high) for n in nums):
                return True
        return False


def with_file_values(term: Term, values: list[str]) -> Term:
    """``term`` with the patterns its ``-f`` files hold added to its own values: decidable
    again when its fetch is (the files were read)."""
    undecidable = term.fetch.startswith("base") or term.fetch in _UNDECIDABLE or term.fetch == "?"
    return Term(
        fetch=term.fetch,
        arg=term.arg,
        converters=term.converters,
        method=term.method,
        icase=term.icase,
        values=[*term.values, *values],
        # the file's patterns shown with it: what it tests is then visible in messages, and a
        # FAS prefix among them names FAS as an inline one would
        text=f"{term.text} [{' '.join(values[:_SHOWN])}{' ...' if len(values) > _SHOWN else ''}]",
        from_file=undecidable,
    )


def regex_search(pattern: str, text: str, flags: int = 0) -> bool:
    """``re.search``, where a pattern Python cannot compile matches nothing (HAProxy's PCRE
    refuses most of those at start-up; a broken regex must not stop the lint)."""
    rx = compile_regex(pattern, flags)
    return rx is not None and rx.search(text) is not None


def _str_match(method: str, got: str, want: str, icase: bool) -> bool:
    if method == "reg":
        return regex_search(want, got, re.I if icase else 0)
    if icase:
        got, want = got.lower(), want.lower()
    if method == "str":
        return got == want
    if method == "beg":
        return got.startswith(want)
    if method == "end":
        return got.endswith(want)
    if method == "sub":
        return want in got
    if method == "dir":
        return want.strip("/") in got.split("/") or ("/" + want.strip("/") + "/") in ("/" + got.strip("/") + "/")
    if method == "dom":
        return want in re.split(r"[/.?]", got)
    return False


def parse_term(words: list[str]) -> Term | None:
    """``fetch[(arg)][,conv...] [flags] [values]`` as written in an ``acl`` line or ``{ }``.

    A fleet repeats the same tests in every frontend (``path_beg /gateway/``): one Term per
    distinct text serves them all (nothing changes a Term once parsed), which saves both
    the parse and a Term per frontend."""
    if not words:
        return None
    return _parse_term(tuple(words))


@lru_cache(maxsize=8192)
def _parse_term(words: tuple[str, ...]) -> Term:
    text = " ".join(words)
    m = re.match(r"^([a-zA-Z_][\w.]*)(?:\(([^)]*)\))?((?:,[\w.]+(?:\([^)]*\))?)*)$", words[0])
    if not m:
        return Term(fetch="?", arg="", converters=[], method=None, icase=False, values=[], text=text, from_file=True)
    fetch, arg, convs = m.group(1), (m.group(2) or "").split(",")[0].strip(), m.group(3)
    converters = [c for c in re.findall(r",([\w.]+)", convs)] if convs else []
    method = None
    for suffix in _SUFFIXES:
        if fetch.endswith("_" + suffix) and fetch not in ("ssl_fc", "hdr_cnt", "req.hdr_cnt"):
            base = fetch[: -len(suffix) - 1]
            if base in ("path", "url", "hdr", "req.hdr", "base", "query", "req.path", "req.url"):
                fetch, method = base, {"cnt": "int", "val": "int"}.get(suffix, suffix)
                if suffix == "cnt":
                    fetch = "hdr_cnt"
            break
    icase = False
    from_file = False
    files: list[tuple[str, bool]] = []
    as_map = "-M" in words
    values: list[str] = []
    i = 1
    while i < len(words):
        w = words[i]
        if w == "--":
            values.extend(words[i + 1 :])
            break
        if w.startswith("-") and len(w) > 1 and not values:
            if w == "-i":
                icase = True
            elif w in _FLAGS_WITH_ARG and i + 1 < len(words):
                if w == "-m":
                    method = words[i + 1]
                elif w == "-f":
                    files.append((words[i + 1], as_map))
                    from_file = True
                else:
                    from_file = True
                i += 1
            i += 1
            continue
        values.append(w)
        i += 1
    if fetch.startswith("base") or fetch in _UNDECIDABLE:
        from_file = True  # not decidable here
    return Term(
        fetch=fetch,
        arg=arg,
        converters=converters,
        method=method,
        icase=icase,
        values=values,
        text=text,
        from_file=from_file,
        files=tuple(files),
    )


@dataclass(slots=True)
class AclCondition:
    """``if|unless`` followed by ACL names (``!`` negates), ``{ anonymous }`` terms and ``||``."""

    # the condition as written; None where ``text`` can say it again from ``groups`` (ACL
    # names ANDed: a fleet holds thousands of those, each read in a message at most)
    written: str | None
    # OR of ANDs of (negated, Term | name); tuples: a fleet holds thousands, never changed
    groups: tuple[tuple[tuple[bool, object], ...], ...]
    unless: bool
    # each name's declaration, or its declarations (ORed) when it has several: a tuple of
    # one per name was a fifth of a fleet's conditions (see acl_terms)
    acls: dict[str, Term | tuple[Term, ...]]
    servers: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        if self.written is not None:
            return self.written
        names = [str(name) for _, name in self.groups[0]]
        return " ".join(["unless" if self.unless else "if", *names])

    def evaluate(self, request: Request) -> bool | None:
        # _or over _and over _item, inlined: a fleet's routing asks this for every rule of
        # every frontend, for each websocket URL and listener
        unknown_or = False
        verdict: bool | None = False
        for group in self.groups:
            unknown_and = False
            v: bool | None = True
            for negated, item in group:
                iv = self._item(item, request)
                if iv is None:
                    unknown_and = True
                    continue
                if iv == negated:
                    v = False
                    break
            else:
                v = None if unknown_and else True
            if v is True:
                verdict = True
                break
            if v is None:
                unknown_or = True
        else:
            verdict = None if unknown_or else False
        if verdict is None:
            return None
        return not verdict if self.unless else verdict

    def _item(self, item: object, request: Request) -> bool | None:
        if isinstance(item, Term):
            return item.evaluate(request, self.servers)
        name = str(item)
        terms = self.acls.get(name)
        if terms is None:
            return PREDEFINED.get(name)
        if type(terms) is Term:  # one declaration, the usual case (see acl_terms)
            return terms.evaluate(request, self.servers)
        unknown = False
        for t in terms:  # type: ignore[union-attr]  # declarations of one name are ORed
            v = t.evaluate(request, self.servers)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False

    def mentions(self) -> str:
        """The condition with its named ACLs spelled out, so what it tests is visible. Made
        each time it is asked (a plan's FAS-backend search and messages ask): kept on every
        condition of a fleet, the texts were a large part of the memory at the end of a run."""
        shown = []
        for group in self.groups:
            for _, item in group:
                if isinstance(item, str) and item in self.acls:
                    shown.append(f"{item}: " + " | ".join(t.text for t in acl_terms(self.acls[item])))
        return f"{self.text} ({'; '.join(shown)})" if shown else self.text


def acl_terms(declared: Term | tuple[Term, ...]) -> tuple[Term, ...]:
    """An ACL name's declarations as ``AclCondition.acls`` holds them, as a tuple."""
    return (declared,) if type(declared) is Term else declared  # type: ignore[return-value]


def parse_condition(
    words: list[str], acls: dict[str, Term | tuple[Term, ...]], servers: dict[str, int]
) -> AclCondition | None:
    """``words`` start with ``if`` or ``unless``; None when there is no condition."""
    if not words or words[0] not in ("if", "unless"):
        return None
    text = " ".join(words)
    if "!" not in text and "{" not in text and "||" not in words and "or" not in words:
        # ACL names ANDed, the usual condition: no negation, no anonymous ACL, no OR
        items = [_named(False, w) for w in words[1:] if w]
        return AclCondition(
            written=None if len(items) == len(words) - 1 else text,
            groups=(tuple(items),),
            unless=words[0] == "unless",
            acls=acls,
            servers=servers,
        )
    groups: list[list[tuple[bool, object]]] = [[]]
    i = 1
    body = words[1:]
    i = 0
    while i < len(body):
        w = body[i]
        if w in ("||", "or"):
            groups.append([])
            i += 1
            continue
        negated = False
        while w.startswith("!"):
            negated = not negated
            w = w[1:]
            if not w:
                i += 1
                w = body[i] if i < len(body) else ""
        if w == "{" or w.startswith("{"):
            inner: list[str] = [w[1:]] if len(w) > 1 else []
            i += 1
            while i < len(body) and body[i] != "}" and not body[i].endswith("}"):
                inner.append(body[i])
                i += 1
            if i < len(body) and body[i] != "}":
                inner.append(body[i][:-1])
            term = parse_term([x for x in inner if x])
            if term is not None:
                groups[-1].append((negated, term))
            i += 1
            continue
        if w:
            groups[-1].append(_named(negated, w))
        i += 1
    return AclCondition(
        written=text,
        groups=tuple(tuple(g) for g in groups if g) or ((),),
        unless=words[0] == "unless",
        acls=acls,
        servers=servers,
    )


@lru_cache(maxsize=4096)
def _named(negated: bool, name: str) -> tuple[bool, str]:
    """One ``(negated, name)`` item per ACL name: every frontend of a fleet tests the same
    names (``is_gateway``), so their conditions share the item and its string."""
    return negated, name


@dataclass(slots=True)
class Always:
    """An unconditional rule, for places that want a condition object."""

    text: str = "always"

    def evaluate(self, request: Request) -> bool | None:
        return True


class Ladder:
    """A frontend's ``use_backend`` rules in order: which one takes a request.

    The config cannot know the browser's Host, SNI or address. A rule whose condition hangs
    on those is taken as matching when its backend is FAS's (servers on FAS's ports: the
    operator wrote it for the FAS host the browser uses) and as not matching otherwise (it
    serves another host), so host-routed frontends send the websocket where a browser on
    the FAS host sends it, whatever the order of the host rules.

    The answer for the last request asked about is kept, so a frontend with thousands of
    rules is walked once per request, not once per rule."""

    __slots__ = ("rules", "picks", "_request", "_index", "_pick")

    def __init__(self) -> None:
        # (condition, the rule's backend is FAS's)
        self.rules: list[tuple[AclCondition | Always, bool]] = []
        # rules whose backend name is computed per request (``use_backend %[...]``): the
        # name a request gets, None when it names no backend (HAProxy then applies
        # default_backend and evaluates no further rule)
        self.picks: dict[int, Callable[[Request], str | None]] = {}
        self._request: Request | None = None
        self._index: int | None = None
        self._pick: str | None = None

    def first(self, request: Request) -> int | None:
        if self._request is not request:
            self._index = None
            self._pick = None
            for i, (cond, fas) in enumerate(self.rules):
                verdict = cond.evaluate(request)
                if verdict is True or (verdict is None and fas):
                    self._index = i
                    pick = self.picks.get(i)
                    if pick is not None:
                        self._pick = pick(request)
                    break
            self._request = request
        return self._index

    def picked(self, request: Request) -> str | None:
        """The backend name a dynamic rule that takes ``request`` computed for it."""
        self.first(request)
        return self._pick


class FirstMatch:
    """``use_backend`` rule ``index`` of a ladder takes the request.

    ``text`` (the rule's condition with its ACLs spelled out) is made when first read,
    from the rule's condition: a fleet's thousands of rules are shown in few messages."""

    __slots__ = ("ladder", "index", "rule")

    def __init__(self, ladder: Ladder, index: int, rule: AclCondition | Always) -> None:
        self.ladder = ladder
        self.index = index
        self.rule = rule

    @property
    def text(self) -> str:
        rule = self.rule
        return rule.mentions() if isinstance(rule, AclCondition) else rule.text

    def __repr__(self) -> str:
        return f"FirstMatch(index={self.index}, text={self.text!r})"

    def evaluate(self, request: Request) -> bool | None:
        return self.ladder.first(request) == self.index


class PickedBy:
    """Dynamic ``use_backend`` rule ``index`` takes the request and computes ``name`` for
    it (a map lookup): one guard per backend the lookup can give. ``text`` shows the map
    keys that lead there, so a key such as ``/gateway/`` names FAS as a route pattern would."""

    __slots__ = ("ladder", "index", "name", "text")

    def __init__(self, ladder: Ladder, index: int, name: str, text: str) -> None:
        self.ladder = ladder
        self.index = index
        self.name = name
        self.text = text

    def evaluate(self, request: Request) -> bool | None:
        return self.ladder.first(request) == self.index and self.ladder.picked(request) == self.name


@dataclass(slots=True)
class NoneMatched:
    """None of a frontend's ``use_backend`` rules matched, or a dynamic one that did named
    no backend: the default backend's turn."""

    ladder: Ladder
    text: str = "no use_backend rule matched"

    def evaluate(self, request: Request) -> bool | None:
        index = self.ladder.first(request)
        return index is None or (index in self.ladder.picks and self.ladder.picked(request) is None)

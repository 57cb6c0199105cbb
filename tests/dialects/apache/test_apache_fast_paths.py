"""The Apache reader's fast paths give what the slow, general ones give.

``split_args`` splits most lines with ``str.split`` (plain words, and quoted words without
spaces or escapes inside); the grammar takes every other line. Both must agree on every
line, so the fast path is checked against the grammar alone.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.apache.read import (
    _ESC,
    _args_grammar,
    _unescape,
    logical_lines,
    split_args,
)


def _grammar_words(text: str) -> list[str]:
    out: list[str] = []
    for m in _args_grammar().re.finditer(text):
        kind = m.lastgroup
        if kind is None:
            out.append("")
            continue
        word = m.group(kind)
        out.append(_ESC[kind].sub(_unescape, word) if "\\" in word else word)
    return out


_pieces = st.sampled_from(['"', "'", " ", "\t", "a", "b/c", "=", "\\", '""', "''", '"x"', "'y'", "#", "%{X}"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_pieces, max_size=12).map("".join))
def test_split_args_agrees_with_the_grammar(text):
    assert split_args(text) == _grammar_words(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_pieces, max_size=12).map("".join))
def test_the_reader_splits_a_directive_line_as_the_grammar_does(text):
    # the reader splits a line once, name and words together, and hands only lines with a
    # backslash, a ${VAR} or a quoted word it cannot take to the grammar
    from linter.core.tree import SourceFile
    from parsers.apache.read import Reader

    line = "ProxyPass " + text.replace("\n", " ")
    r = Reader("site.conf", "2.4.62")
    nodes = r.parse_text("site.conf", line + "\n", SourceFile(path="site.conf", dialect="apache"), (), ())
    rest = line.strip().split(None, 1)
    assert [n.args for n in nodes] == [_grammar_words(rest[1] if len(rest) > 1 else "")]


def test_quoted_words_without_spaces_take_the_fast_path_and_keep_their_text():
    assert split_args('"/gateway/" "http://10.0.0.1:8080/gateway/" upgrade=websocket') == \
        ["/gateway/", "http://10.0.0.1:8080/gateway/", "upgrade=websocket"]
    assert split_args("'a\"b' \"c'd\" e\"f\"") == ['a"b', "c'd", 'e"f"']
    # a quoted word that holds a space, or two quotes run together, is the grammar's
    assert split_args('"a b" "c"d') == ["a b", "c", "d"]


def test_logical_lines_is_a_list_of_numbered_lines():
    assert logical_lines("A\n\nB \\\n C\n") == [(1, "A"), (2, ""), (3, "B  C")]


# ---------------------------------------------------------------- nodes nobody reads

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "corpus" / "apache"


def _findings(paths: list[str], monkeypatch, keep) -> list[dict]:
    from linter.core.options import Options
    from linter.engine.runner import run
    from parsers.apache import interpret

    monkeypatch.setattr(interpret, "DIRECTIVES_READ", keep)
    report = run(paths, Options(dialect="apache"))
    assert not report.internal_errors
    return [dataclasses.asdict(f) for f in report.findings]


def _entries() -> list[str]:
    out = [str(p) for p in sorted((ROOT / "samples" / "apache").iterdir()) if p.name != "README.md"]
    if CORPUS.is_dir():
        out.append(str(CORPUS))
    return out


@pytest.mark.parametrize("entry", _entries(), ids=lambda p: Path(p).name)
def test_unread_directives_left_out_of_the_tree_change_no_finding(entry, monkeypatch):
    """The loader builds nodes only for the directives the interpreter reads
    (``DIRECTIVES_READ``); a directive read but not listed would silently change findings."""
    from parsers.apache import interpret

    filtered = _findings([entry], monkeypatch, interpret.DIRECTIVES_READ)
    whole = _findings([entry], monkeypatch, None)
    assert filtered == whole
    if entry == str(CORPUS):
        assert whole  # the comparison is over real findings


# ---------------------------------------------------------------- backend URLs

def _split_url_by_regex(url: str):
    from parsers.apache.interpret import _DEFAULT_PORTS, _URL

    m = _URL.match(url)
    if not m:
        return "", url, None, ""
    scheme, hostport, path = m.group(1).lower(), m.group(2), m.group(3) or ""
    if hostport.startswith("["):
        host, _, rest = hostport[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = hostport.partition(":")
    try:
        port = int(port_text) if port_text else _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, host.lower(), port, path


_url_pieces = st.sampled_from(["http", "https", "ws", "wss", "balancer", "HTTP", "fcgi", "://", ":", "/", "[", "]",
                               "::1", "10.0.0.1", "Host", "8080", "x", "$1", "\n", " ", "?a=b", "#"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_url_pieces, max_size=10).map("".join))
def test_split_url_agrees_with_the_url_regex(url):
    from parsers.apache.interpret import split_url

    assert split_url(url) == _split_url_by_regex(url)


def test_split_url_of_common_backends():
    from parsers.apache.interpret import split_url

    assert split_url("http://10.4.210.20:8080/gateway/") == ("http", "10.4.210.20", 8080, "/gateway/")
    assert split_url("balancer://app7/") == ("balancer", "app7", None, "/")
    assert split_url("wss://Fas.Example") == ("wss", "fas.example", 443, "")
    # the regex's $ matches before a final newline, and its . never matches one
    for url in ("http://h/a\n", "http://h/a\nb", "http://h\n/a"):
        assert split_url(url) == _split_url_by_regex(url)


# ---------------------------------------------------------------- RewriteCond

def _cond_by_substitution(test, pattern, flags, request):
    from parsers.apache.interpret import _SERVER_VAR, _match_cond, _server_var

    unknown = False

    def sub(m):
        nonlocal unknown
        v = _server_var(m.group(1), request)
        if v is None:
            unknown = True
            return ""
        return v

    value = _SERVER_VAR.sub(sub, test) if "%{" in test else test
    if unknown or "$" in value:
        return None
    return _match_cond(value, pattern, flags)


_var_pieces = st.sampled_from(["%{", "}", "HTTP:Upgrade", "HTTPS", "HTTP_HOST", "REQUEST_URI", "SERVER_PORT",
                               "NOPE", "x", "$"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_var_pieces, max_size=6).map("".join),
       st.sampled_from(["websocket", "off", "on", "!on", "=80", "^/gateway", "-f", "."]),
       st.sampled_from([frozenset(), frozenset({"nc"})]), st.booleans(), st.booleans())
def test_a_rewritecond_of_one_variable_reads_as_the_substitution_does(test, pattern, flags, upgrade, tls):
    from linter.core.resolve import page_request, upgrade_request
    from parsers.apache.interpret import _cond

    request = (upgrade_request if upgrade else page_request)("/gateway/websocketcall", tls, 443 if tls else 80)
    assert _cond(test, pattern, flags, request) == _cond_by_substitution(test, pattern, flags, request)

"""The fast nginx lexer (parsers/nginx/lex.py) gives exactly what crossplane's lexer gives:
same tokens, lines, quoted flags, same early ends and brace errors, on text whose lines
end in LF. Checked on every sample and on generated text built from the characters that
steer the lexer.

Line ends are where crossplane and nginx part: crossplane reads with universal newlines
(a lone CR ends its line), nginx ends a line only at LF (a lone CR is whitespace; see
tests/robustness/test_hostile_inputs.py, checked against ``nginx -t``). Both of the reader's lexer
paths (this lexer, and crossplane's lexer fed the text untranslated for ``${`` and Lua
files) follow nginx; the CR tests below hold them to it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from crossplane.errors import NgxParserBaseException
from crossplane.lexer import lex
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.nginx.lex import lex_text, needs_crossplane

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "nginx"


def _run(tokens) -> tuple[list, tuple | None]:
    out = []
    try:
        for t in tokens:
            out.append(t)
    except NgxParserBaseException as e:
        return out, (type(e).__name__, e.strerror, e.lineno)
    return out, None


def _both(path: str) -> tuple[tuple, tuple]:
    """crossplane's lexer on the file, and ours on its text as the reader reads it (bytes,
    line ends untouched)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    return _run(lex(path)), _run(lex_text(text, path))


def _sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix == ".conf")


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_samples_lex_as_crossplane_does(path: Path) -> None:
    ours, theirs = _both(str(path))
    assert ours == theirs


# pieces that drive every branch: escapes, both quotes, comments, braces, LF line ends,
# unicode whitespace, words (no CR: there crossplane and nginx disagree, see below)
PIECES = st.sampled_from(["a", "bc", "$x", "$", "{", "}", ";", "#", "\\", '"', "'", " ", "\t", "\n",
                          "\x0b", "\xa0", "location", "/p", "(", ")", "é"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_generated_text_lexes_as_crossplane_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    fd, path = tempfile.mkstemp(suffix=".conf")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        with open(path, encoding="utf-8", errors="replace") as f:
            read_back = f.read()
        if needs_crossplane(read_back):
            return
        crossplane_result, ours = _both(path)
        assert ours == crossplane_result, repr(text)
    finally:
        os.unlink(path)


def test_text_crossplane_must_lex_itself() -> None:
    assert needs_crossplane("location ~ ^/x/(?<rest>.*) { rewrite ^ /y/${rest} last; }")
    assert needs_crossplane("content_by_lua_block { ngx.say('hi') }")
    assert not needs_crossplane("location / { proxy_pass http://fas; }")


def _crossplane_path(text: str) -> list:
    """The reader's other lexer path: crossplane's lexer on the untranslated text."""
    from parsers.nginx.read import _tokens

    return _run(_tokens(text, "t.conf"))[0]


LEXERS = {"regex": lambda text: _run(lex_text(text, "t.conf"))[0], "crossplane": _crossplane_path}


@pytest.mark.parametrize("lexer", sorted(LEXERS))
def test_a_lone_cr_is_whitespace_as_in_nginx(lexer: str) -> None:
    """nginx -t counts a lone-CR file as one line (test_hostile_inputs)."""
    tokens = LEXERS[lexer]("events {}\rhttp {\r    server_name a\rb;\r}\r")
    assert tokens == [("events", 1, False), ("{", 1, False), ("}", 1, False), ("http", 1, False),
                      ("{", 1, False), ("server_name", 1, False), ("a", 1, False), ("b", 1, False),
                      (";", 1, False), ("}", 1, False)]


@pytest.mark.parametrize("lexer", sorted(LEXERS))
def test_crlf_lines_are_counted_at_the_lf(lexer: str) -> None:
    tokens = LEXERS[lexer]("events {}\r\n# note\r\nhttp {\r\n  # a\rb;\r\n}\r\n")
    assert tokens == [("events", 1, False), ("{", 1, False), ("}", 1, False), ("# note", 2, False),
                      ("http", 3, False), ("{", 3, False), ("# a\rb;", 4, False), ("}", 5, False)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "{", "}", ";", "#", '"', " ", "\n", "\r", "\r\n"]), max_size=30))
def test_cr_is_whitespace_to_the_regex_lexer(pieces: list[str]) -> None:
    """Outside comments and quotes a CR is a space: same tokens, same lines."""
    text = "".join(pieces)
    if "#" in text or '"' in text:
        return
    assert _run(lex_text(text, "t.conf")) == _run(lex_text(text.replace("\r", " "), "t.conf"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "$x", "{", "}", ";", "#", "\\", '"', "'", " ", "\n", "\r", "\r\n",
                                 "\xa0", "é"]), max_size=40))
def test_with_cr_the_regex_lexer_is_crossplanes_state_machine_on_nginx_line_ends(pieces: list[str]) -> None:
    """crossplane's lexer fed the text untranslated (the reader's other path) and ours agree
    on text with CRs too: both count lines at LF only."""
    text = "".join(pieces)
    if needs_crossplane(text):
        return
    assert _run(lex_text(text, "t.conf"))[0] == _crossplane_path(text), repr(text)

"""The fast nginx lexer (parsers/nginx/lex.py) gives exactly what crossplane's lexer gives:
same tokens, lines, quoted flags, same early ends and brace errors. Checked on every
sample and on generated text built from the characters that steer the lexer."""

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

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "nginx"


def _run(tokens) -> tuple[list, tuple | None]:
    out = []
    try:
        for t in tokens:
            out.append(t)
    except NgxParserBaseException as e:
        return out, (type(e).__name__, e.strerror, e.lineno)
    return out, None


def _both(path: str) -> tuple[tuple, tuple]:
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return _run(lex(path)), _run(lex_text(text, path))


def _sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix == ".conf")


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_samples_lex_as_crossplane_does(path: Path) -> None:
    ours, theirs = _both(str(path))
    assert ours == theirs


# pieces that drive every branch: escapes, both quotes, comments, braces, line ends of
# every kind, unicode whitespace, words
PIECES = st.sampled_from(["a", "bc", "$x", "$", "{", "}", ";", "#", "\\", '"', "'", " ", "\t", "\n", "\r\n",
                          "\r", "\x0b", "\xa0", "location", "/p", "(", ")", "é"])


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

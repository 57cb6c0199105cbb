"""crossplane's nginx lexer, token for token, without its per-character generators.

crossplane 0.5.8 lexes through six stacked generators per character (escape pairing, line
counting, two PEP 479 wrappers, brace balancing), which is most of what reading a large
config costs. This lexer walks the same state machine with
regular expressions over whole runs of text and yields exactly what
``crossplane.lexer.lex`` yields: the same tokens, lines and quoted flags, the same end of
stream where crossplane's ends early (an unterminated quote or comment, a trailing lone
backslash, a last token with nothing after it) and the same brace errors, on text whose
lines end in LF. Line ends follow nginx, not crossplane: only LF ends a line; a CR is
whitespace (crossplane reads with universal newlines, so a lone CR would end its lines).
``tests/test_nginx_lexer.py`` holds it to that, on every sample and on generated text.

Two inputs go to crossplane's own lexer instead: text holding ``${`` (crossplane's
parameter-expansion branch, which the reader mends afterwards) and text naming a
directive an extension lexes itself (``*_by_lua_block``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from crossplane.errors import NgxParserSyntaxError
from crossplane.lexer import EXTERNAL_LEXERS

Token = tuple[str, int, bool]

_SPACE = re.compile(r"\s+")
# a word: anything but whitespace, braces and ";", where a backslash takes the next
# character with it whatever it is (crossplane pairs escapes before anything else). Both
# patterns are "unrolled" (a run of plain characters, then an escape pair and another run),
# so a long token costs a step per run, not per character, and a failed match cannot
# backtrack (a huge word lexes in linear time).
_WORD = re.compile(r"[^\s{};\\]*(?:\\.[^\s{};\\]*)*", re.S)
_QUOTED = {'"': re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.S), "'": re.compile(r"[^'\\]*(?:\\.[^'\\]*)*'", re.S)}
_ESCAPE = re.compile(r"\\(.)", re.S)


def _unescape_quotes(raw: str, quote: str) -> str:
    """Inside quotes crossplane turns an escaped quote into the quote and keeps every
    other escape pair as written."""
    return _ESCAPE.sub(lambda e: quote if e.group(1) == quote else e.group(0), raw)


def needs_crossplane(text: str) -> bool:
    """Text this lexer leaves to crossplane's: parameter expansion, extension lexers."""
    if "${" in text:
        return True
    return any(name in text for name in EXTERNAL_LEXERS)


def lex_text(text: str, filename: str | None = None, start: int = 0, first_line: int = 1) -> Iterator[Token]:
    """Tokens of ``text``, with its line ends as nginx sees them: only LF ends a line (and a
    comment), a CR is whitespace (a comment's trailing CRs are dropped). On LF-only text
    this is exactly crossplane's lexer; crossplane reads files with universal newlines,
    where nginx counts a lone-CR file as one line (``nginx -t``). ``start``: lex from this
    offset (a line's first character), which is line ``first_line``, without copying the rest
    of the text (the fixes look up one block of a big file)."""
    n = len(text)
    pos = start
    line = first_line
    counted = start  # text[:counted] has had its newlines added to ``line``
    depth = 0
    last = 0  # line of the last token given, for the end-of-file brace error
    count = text.count
    space = _SPACE.match
    word = _WORD.match
    while True:
        m = space(text, pos)
        if m is not None:
            pos = m.end()
        if pos >= n:
            break
        c = text[pos]
        line += count("\n", counted, pos)
        counted = pos
        if c in "{};":
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth < 0:
                    raise NgxParserSyntaxError('unexpected "}"', filename, line)
            last = line
            yield c, line, False
            pos += 1
            continue
        if c == "#":
            end = text.find("\n", pos)
            if end < 0:
                break  # crossplane drops a comment the file ends in
            body = text[pos:end]
            # a backslash pairs with the newline when an odd run of them ends the line
            run = len(body) - len(body.rstrip("\\"))
            if run % 2 and run < len(body):
                body = body[:-1]
            if body[-1:] == "\r":
                body = body.rstrip("\r")  # CRLF: the CR is not part of the comment
            last = line
            yield body, line, False
            pos = end + 1
            continue
        if c == '"' or c == "'":
            m = _QUOTED[c].match(text, pos + 1)
            if m is None:
                break  # unterminated: crossplane's stream just ends
            raw = text[pos + 1 : m.end() - 1]
            if "\\" in raw:
                raw = _unescape_quotes(raw, c)
            last = line
            yield raw, line, True
            pos = m.end()
            continue
        m = word(text, pos)  # never None: the pattern matches the empty string
        end = m.end() if m is not None else pos
        if end == pos or end >= n or text[end] == "\\":  # empty: a lone backslash at the very end
            break  # crossplane never gives a token the file ends in
        tok = text[pos:end]
        start_line = line
        if tok.startswith("\\\n"):
            start_line += 1  # the first unit is the escaped newline, counted before the token
        last = start_line
        yield tok, start_line, False
        pos = end
    if depth > 0:
        raise NgxParserSyntaxError('unexpected end of file, expecting "}"', filename, last)

"""A hypothesis strategy that breaks valid configs the way edits, merges and tools do:
deletions, duplications, byte flips, truncations, random nesting and hostile tokens
(include targets that cycle, loop or block, NULs, BOMs, lone CRs, unbalanced quotes).

Shared by tests/robustness/test_properties.py and scripts/fuzz.py (its hypothesis engine). The
vocabulary is the union of every dialect's structural words: a mutation that means
nothing to a dialect is still input it must survive.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from support.runners import RUNNERS

# the name a mutated whole configuration is written under: its live runner's first choice
ENTRY_NAME = {name: runner.entry_names[0] for name, runner in RUNNERS.items()}


def scratch_dir(dialect: str, parent: str | None = None) -> Path:
    """A directory with the neighbours hostile includes point at: a cycle back to the
    entry point, a symlink loop, a FIFO, a directory named like a config, a glob target."""
    if parent is None and os.path.isdir("/dev/shm"):
        parent = "/dev/shm"
    base = Path(tempfile.mkdtemp(prefix=f"wsproxylint-{dialect}-", dir=parent))
    entry = ENTRY_NAME[dialect]
    (base / "conf.d").mkdir()
    (base / "conf.d" / "a.conf").write_text("server { listen 80; include ../b.conf; }\n")
    (base / "b.conf").write_text(f"include {entry};\n")
    (base / "dir.conf").mkdir()
    os.symlink("loop2.conf", base / "loop1.conf")
    os.symlink("loop1.conf", base / "loop2.conf")
    os.mkfifo(base / "fifo.conf")
    return base

TOKENS = (
    b"{", b"}", b";", b'"', b"'", b"#", b"\\", b"$", b"${", b"}", b"\r", b"\r\n", b"\n", b"\x00", b"\xef\xbb\xbf",
    b"\xff\xfe", b"\xc3", b"\t", b" ", b"(", b")", b"<", b">", b"</", b"\\\n",
    # nginx
    b"include b.conf;", b"include fifo.conf;", b"include dir.conf;", b"include loop1.conf;",
    b"include conf.d/*.conf;", b"include /dev/zero;", b"include *;", b"include ../../../../etc/hostname;",
    b"location /gateway/websocketcall {", b"location ~ ^/(a|b {", b"if ($http_upgrade) {", b"map $a $b {",
    b"upstream u { server 127.0.0.1:8080; keepalive 8; }", b"proxy_pass http://u;", b"proxy_pass https://127.0.0.1:8443/;",
    b"proxy_set_header Connection $connection_upgrade;", b"proxy_set_header Upgrade $http_upgrade;",
    b"server {", b"http {", b"events {}", b"listen 443 ssl http2;", b"rewrite ^ /x last;", b"return 301 /;",
    # Apache httpd
    b"<VirtualHost *:80>", b"</VirtualHost>", b"<Location /gateway>", b"</Location>", b"<IfModule x>",
    b"Include b.conf", b"IncludeOptional conf.d/*.conf", b"Include fifo.conf", b"ProxyPass / ws://127.0.0.1:8080/",
    b"RewriteRule ^ - [L]", b"Define X", b"${X}",
    # HAProxy
    b"frontend f", b"backend b", b"defaults", b"global", b"bind :80", b"use_backend b if { path_beg /g }",
    b"server s 127.0.0.1:8080", b"timeout tunnel 1h", b"http-request set-header Connection close",
)


def _apply(data: bytes, op: int, a: int, b: int, blob: bytes, n: int) -> bytes:
    size = len(data)
    i, j = (a % (size + 1), b % (size + 1)) if size else (0, 0)
    i, j = min(i, j), max(i, j)
    if op == 0:  # delete a range
        return data[:i] + data[j:]
    if op == 1:  # duplicate a range somewhere
        return data[:j] + data[i:j] + data[j:]
    if op == 2 and size:  # flip bytes
        return data[:i] + bytes((x ^ (n | 1)) & 0xFF for x in data[i:i + 1 + n % 4]) + data[i + 1 + n % 4:]
    if op == 3:  # truncate
        return data[:i]
    if op == 4:  # wrap a range in a block, or nest blocks without closing them
        if n % 2:
            return data[:i] + b"x {\n" + data[i:j] + b"\n}\n" + data[j:]
        return data[:i] + b"location /n {\n" * (1 + n % 40) + data[i:]
    if op == 5:  # insert a hostile token
        return data[:i] + blob + data[i:]
    if op == 6:  # swap two ranges' order
        return data[:i] + data[j:] + data[i:j]
    return data[:i] + blob + data[j:]  # replace a range


@st.composite
def mutated(draw, seeds: list[bytes], max_mutations: int = 6):
    """One seed, then up to ``max_mutations`` edits."""
    data = draw(st.sampled_from(seeds))
    count = draw(st.integers(0, max_mutations))
    for _ in range(count):
        op = draw(st.integers(0, 7))
        a, b = draw(st.integers(0, 1 << 20)), draw(st.integers(0, 1 << 20))
        n = draw(st.integers(0, 255))
        blob = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8)))
        data = _apply(data, op, a, b, blob, n)
    return data

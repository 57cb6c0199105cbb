"""HAProxy's lean path for big configs must not change what is read or found.

The reader shares the words of a repeated plain line; the interpreter, when the loader hands it the tree, drops each section once interpreted and
shares model parts that cannot differ. These tests hold each of those to the plain path."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.options import Options
from linter.core.resolve import build_plans
from linter.engine.registry import all_checks
from linter.core.tree import Loc
from parsers.haproxy.interpret import interpret
from parsers.haproxy.read import read

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = sorted(p for p in (ROOT / "samples" / "haproxy").iterdir() if p.name != "README.md")

FLEET = """\
global
    log stdout local0
defaults
    mode http
    timeout client 30s
    timeout server 30s
{sites}"""
SITE = """\
frontend fe{i}
    bind :{port} ssl crt /etc/haproxy/site.pem alpn http/1.1
    acl is_gateway path_beg /gateway/
    acl host_{i} hdr(host) -i site{i}.example.com
    http-request set-header X-Forwarded-Proto https
    use_backend fas{i} if host_{i} is_gateway
    default_backend app{i}
backend app{i}
    balance roundrobin
    http-reuse safe
    server a{i} 10.0.0.{i}:8000 check
backend fas{i}
    balance roundrobin
    {tunnel}
    server f{i} 10.0.1.{i}:8080 check
"""


def fleet(tmp_path: Path, sites: int = 4) -> str:
    text = FLEET.format(sites="".join(
        SITE.format(i=i, port=8400 + i, tunnel="timeout tunnel 1h" if i % 2 else "http-reuse always")
        for i in range(sites)))
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    return str(path)


def findings(path: str, consume: bool) -> list[tuple]:
    options = Options()
    model = interpret(read(path, None, environ={}), options, consume=consume)
    plans = build_plans(model, options)
    out = [f for registered in all_checks() for f in registered.run(plans)]
    return sorted(str(f.dedup_key()) for f in out)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_consumed_tree_gives_the_same_findings(sample: Path) -> None:
    assert findings(str(sample), consume=True) == findings(str(sample), consume=False)


def test_consumed_fleet_gives_the_same_findings(tmp_path: Path) -> None:
    path = fleet(tmp_path)
    got = findings(path, consume=True)
    assert got == findings(path, consume=False)
    assert got  # the fleet has bugs to find: the comparison is not between two empty lists


def test_consumed_tree_keeps_no_section_bodies(tmp_path: Path) -> None:
    tree = read(fleet(tmp_path), None, environ={})
    interpret(tree, Options(), consume=True)
    assert tree.nodes == []
    kept = read(fleet(tmp_path), None, environ={})
    interpret(kept, Options())
    assert any(n.children for n in kept.nodes)  # without consume the caller's tree is untouched


def test_repeated_lines_read_as_their_own(tmp_path: Path) -> None:
    tree = read(fleet(tmp_path), None, environ={})
    lines = Path(tree.root_file).read_text().split("\n")
    nodes = [c for s in tree.nodes for c in s.children or []]
    balances = [n for n in nodes if n.name == "balance"]
    assert len(balances) == 8 and all(n.args == ["roundrobin"] for n in balances)
    for n in nodes:  # each node is its own line, with the words that line holds
        assert lines[n.loc.line - 1].split() == [*n.name.split(), *n.args]
        assert n.loc == Loc(tree.root_file, n.loc.line)
        assert hash(n.loc) == hash(Loc(tree.root_file, n.loc.line))
        assert repr(n.loc) == repr(Loc(tree.root_file, n.loc.line))


def test_repeated_line_in_a_skipped_block_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "haproxy.cfg"
    path.write_text("global\nbackend a\n    http-reuse never\n.if streq(a,b)\n    http-reuse never\n"
                    "    balance first\n.endif\n    http-reuse never\n")
    tree = read(str(path), None, environ={})
    assert [(c.name, c.loc.line) for c in tree.nodes[1].children or []] == [("http-reuse", 3), ("http-reuse", 8)]


def test_setenv_lines_are_not_shared(tmp_path: Path) -> None:
    # the second setenv must still take effect for the quoted word after it
    path = tmp_path / "haproxy.cfg"
    path.write_text('global\n    setenv P 1\n    setenv P 1\n    unsetenv P\n    setenv P 1\n'
                    'frontend f\n    bind ":${P}"\n')
    tree = read(str(path), None, environ={})
    front = tree.nodes[1]
    assert front.children and front.children[0].args == [":1"]

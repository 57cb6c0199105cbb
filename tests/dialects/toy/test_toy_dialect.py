"""A proxy wsproxylint has never heard of, added by registering one ``Dialect``: the command
line, settings, reports, rule listing, docs and pre-commit hook take it without any edit to
``checks/`` or ``linter/``.

The toy language has two directives, one per line (``#`` starts a comment)::

    listen 443 tls
    route /gateway/ http://fas.example:8080 upgrade

A route forwards the browser's Upgrade and Connection headers only when it says
``upgrade``; from toy 2.0 on every route does (so ``--toy-version`` changes a verdict).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import parsers
from linter.core.fixes import Fix, FixTexts
from linter.core.model import (
    Backend,
    FailureStatuses,
    Listener,
    PathMatch,
    ProxyAction,
    ProxyModel,
    Route,
    RouteTable,
    Server,
    Setting,
    Site,
    Timeouts,
    UpstreamRequest,
)
from linter.core.tree import ConfigTree, Loc, Node, SourceFile

HERE = Path(__file__).resolve().parent
BROKEN_LINE = 3  # broken.toy: the /gateway/ route without `upgrade`


class ToyAdvice(FixTexts):
    # every fix worded (a fix a dialect cannot word is an error): the one this test reads
    # precisely, the others generically
    TEXTS = {**{f: f"toy: {f.value}" for f in Fix}, Fix.FORWARD_UPGRADE: "add `upgrade` to {where}"}


class Toy(parsers.Dialect):
    name = "toy"
    display = "Toy"
    version_name = "toy"
    assumed_version = "1.0.0"
    file_patterns = (r"\.toy$",)

    def detect(self, path: str, head: str) -> int:
        return 3 if path.endswith(".toy") else 0

    def entry_rank(self, path: str, head: str) -> int:
        return 0

    def inexpressible(self) -> dict[str, str]:
        # the toy's `listen` always opens its port, as nginx's does
        return {"WSP204": "a toy `listen` opens the port it names"}

    def read(self, source, options) -> ConfigTree:
        text = source.text if source.text is not None else Path(source.path).read_text()
        nodes, comments = [], {}
        for no, line in enumerate(text.splitlines(), 1):
            code, hash_mark, comment = line.partition("#")
            if hash_mark:
                comments[no] = comment  # the text after "#", as every reader records it
            words = code.split()
            if words:
                nodes.append(Node(words[0], words[1:], Loc(source.path, no)))
        return ConfigTree("toy", source.path, nodes, files=[SourceFile(source.path, "toy", comments, source.text)])

    def interpret(self, tree: ConfigTree, options) -> ProxyModel:
        version = self.version(options)
        forwards_by_itself = version is not None and int(version.split(".")[0]) >= 2
        listeners = [
            Listener("0.0.0.0", int(n.args[0]), "tls" in n.args, n.loc, tls_material=n.loc if "tls" in n.args else None)
            for n in tree.nodes
            if n.name == "listen"
        ]
        routes, backends = [], []
        for n in (n for n in tree.nodes if n.name == "route"):
            target = urlsplit(n.args[1])
            backend = Backend(n.args[1], [Server(target.hostname or "", target.port, n.loc)], n.loc)
            upgrade = forwards_by_itself or "upgrade" in n.args[2:]
            upstream = UpstreamRequest(
                forward_client_headers=Setting(True),
                hop_by_hop_forwarded=frozenset({"upgrade", "connection"} if upgrade else ()),
                ops=(),
                empty_value_removes=False,
                ops_loc=None,
            )
            action = ProxyAction(n.args[1], backend, target.scheme == "https", n.loc, upstream, Timeouts(Setting(None)))
            routes.append(Route(PathMatch("prefix", n.args[0]), n.loc, f"route {n.args[0]}", action=action))
            backends.append(backend)
        site = Site("toy site", [], listeners, tree.nodes[0].loc, routes=RouteTable(routes, "first-match"))
        return ProxyModel(
            dialect="toy",
            root_file=tree.root_file,
            sites=[site],
            backends=backends,
            statuses=FailureStatuses(plain_to_tls_port="status:502", tls_to_plain_port="status:502"),
            advice=ToyAdvice(),
            files=[f.path for f in tree.files],
            proxy_version=version or self.assumed_version or "",
            version_assumed=version is None,
        )

    @property
    def advice(self) -> ToyAdvice:
        return ToyAdvice()


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """The toy dialect registered for one test, and a directory holding its two configs."""
    parsers.register(Toy())
    for name in ("good.toy", "broken.toy"):
        shutil.copy(HERE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    parsers.unregister("toy")


def rules(result) -> set[tuple[str, str, int]]:
    return {(f["rule"], f["path"], f["line"]) for f in json.loads(result.out)["findings"]}


def test_check_finds_the_broken_route_at_its_line_and_passes_the_good_config(toy, cli):
    broken = cli("check", "--format", "json", "broken.toy")
    assert broken.code == 1, broken.err
    doc = json.loads(broken.out)
    assert doc["files"] == [{"path": "broken.toy", "dialect": "toy"}]
    assert ("WSP101", "broken.toy", BROKEN_LINE) in rules(broken)
    assert {f["dialect"] for f in doc["findings"]} == {"toy"}
    wsp101 = next(f for f in doc["findings"] if f["rule"] == "WSP101")
    assert wsp101["fix"] == "add `upgrade` to `route /gateway/`"

    good = cli("check", "--format", "json", "good.toy")
    assert (good.code, json.loads(good.out)["findings"]) == (0, []), good.out

    text = cli("check", "broken.toy")
    assert text.code == 1 and f"broken.toy:{BROKEN_LINE}" in text.out and "WSP101" in text.out

    # the reader's comments are where suppressions live
    lines = (toy / "broken.toy").read_text().splitlines()
    lines[BROKEN_LINE - 1] += "  # wsproxylint: disable=WSP101 -- a toy"
    (toy / "quiet.toy").write_text("\n".join(lines) + "\n")
    quiet = cli("check", "--format", "json", "quiet.toy")
    assert "WSP101" not in {f["rule"] for f in json.loads(quiet.out)["findings"]}
    assert {f["rule"] for f in json.loads(quiet.out)["findings"]} == {f["rule"] for f in doc["findings"]} - {"WSP101"}


def test_sarif_names_the_file_dialect_and_the_line(toy, cli):
    r = cli("check", "--format", "sarif", "broken.toy")
    assert r.code == 1, r.err
    run = json.loads(r.out)["runs"][0]
    hits = [
        (res["ruleId"], res["properties"]["dialect"], loc["physicalLocation"]["region"]["startLine"])
        for res in run["results"]
        for loc in res["locations"]
    ]
    assert ("WSP101", "toy", BROKEN_LINE) in hits
    assert [a["properties"]["dialect"] for a in run["artifacts"]] == ["toy"]


def test_dialect_flag_version_flag_and_settings_key(toy, cli):
    (toy / "gateway.conf").write_text((toy / "broken.toy").read_text())
    guessed = json.loads(cli("check", "--format", "json", "gateway.conf").out)
    assert guessed["files"][0]["dialect"] != "toy"  # by name and content it is no toy file
    forced = cli("check", "--format", "json", "--dialect", "toy", "gateway.conf")
    assert json.loads(forced.out)["files"] == [{"path": "gateway.conf", "dialect": "toy"}]
    assert ("WSP101", "gateway.conf", BROKEN_LINE) in rules(forced)

    # toy 2.0 forwards the upgrade on every route: the same config is clean
    assert cli("check", "--toy-version", "2.0.0", "broken.toy").code == 0
    bad = cli("check", "--toy-version", "two", "broken.toy")
    assert bad.code == 2 and "--toy-version: not a version number" in bad.err
    (toy / ".wsproxylint.toml").write_text('toy-version = "2.1.0"\n[dialects]\n"*.conf" = "toy"\n')
    assert cli("check", "broken.toy").code == 0
    assert cli("check", "--format", "json", "gateway.conf").code == 0
    assert cli("check", "--toy-version", "1.4.0", "broken.toy").code == 1  # the flag wins over the file


def test_help_rules_docs_and_hook_include_it(toy, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # typer's help table: one line per option
    helped = cli("check", "--help")
    assert helped.code == 0 and "--toy-version" in helped.out and "auto, nginx, apache, haproxy, toy" in " ".join(helped.out.split())
    empty = toy / "empty"
    empty.mkdir()
    assert "no nginx, Apache, HAProxy or Toy config found" in cli("check", "empty").err

    listed = cli("rules")
    assert listed.code == 0 and "WSP101" in listed.out
    assert cli("rules", "WSP101").code == 0

    from linter.app.docs import rules_document
    from linter.app.precommit import hooks_document

    # a rule applies to every registered dialect that does not say it cannot express it
    doc = rules_document()
    wsp103 = doc.split("## WSP103", 1)[1].split("\n## ", 1)[0]
    wsp204 = doc.split("## WSP204", 1)[1].split("\n## ", 1)[0]
    assert "**Applies to:** nginx, apache, toy (the other proxies" in wsp103
    assert "**Applies to:** apache (the other proxies" in wsp204
    files = hooks_document().split("files: |\n", 1)[1]
    pattern = "\n".join(line[4:] for line in files.splitlines())
    assert re.search(pattern, "deploy/edge.toy") and not re.search(pattern, "deploy/edge.toml")


def test_registering_is_undone(toy):
    assert "toy" in parsers.names()
    with pytest.raises(ValueError):
        parsers.register(Toy())

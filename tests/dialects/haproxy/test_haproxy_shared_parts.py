"""HAProxy model parts that the interpreter builds once and hands to every section that
declares the same thing (conditions, ACL sets, loc-less defaults) or spells out on demand:
each must still say and do what its own section wrote."""

from __future__ import annotations

from _util import load
from linter.core.options import Options
from parsers.haproxy.acl import AclCondition, FirstMatch, parse_condition, parse_term
from parsers.haproxy.read import read


def _acls() -> dict:
    return {"is_gw": parse_term(["path_beg", "/gateway/"]),
            "host": (parse_term(["hdr(host)", "-i", "a.example"]), parse_term(["hdr(host)", "-i", "b.example"]))}


def test_anded_condition_says_its_text_as_written() -> None:
    for words in (["if", "host", "is_gw"], ["unless", "is_gw"], ["if"], ["if", "", "is_gw"],
                  ["if", "!is_gw", "host"], ["if", "is_gw", "||", "host"], ["if", "{", "path", "/x", "}"]):
        cond = parse_condition(words, _acls(), {})
        assert cond is not None
        assert cond.text == " ".join(words)


def test_first_match_text_spells_out_the_acls_of_its_rule() -> None:
    cond = parse_condition(["if", "host", "is_gw"], _acls(), {})
    assert isinstance(cond, AclCondition)
    shown = FirstMatch(None, 0, cond).text  # type: ignore[arg-type]
    assert shown == ("if host is_gw (host: hdr(host) -i a.example | hdr(host) -i b.example; "
                     "is_gw: path_beg /gateway/)")
    assert cond.mentions() == shown


def test_single_and_several_declarations_evaluate_as_declared() -> None:
    from linter.core.model import Request

    acls = _acls()
    req = Request("/gateway/websocketcall", "", "https", {"host": "a.example"})
    assert parse_condition(["if", "is_gw"], acls, {}).evaluate(req) is True  # type: ignore[union-attr]
    assert parse_condition(["unless", "is_gw"], acls, {}).evaluate(req) is False  # type: ignore[union-attr]
    # host is not known from the config: unknown, whichever declaration
    assert parse_condition(["if", "host"], acls, {}).evaluate(req) is None  # type: ignore[union-attr]


CONFIG = """\
global
    log stdout local0
defaults
    mode http
    timeout client 30s
    timeout server 30s
frontend a
    bind :8001
    acl is_gw path_beg /gateway/
    use_backend fas if is_gw
    default_backend app
frontend b
    bind :8002
    acl is_gw path_beg /gateway/
    use_backend fas if is_gw
    default_backend app
backend fas
    server f1 10.0.0.1:8080
backend app
    server a1 10.0.0.2:8000
backend app2
    server a2 10.0.0.3:8000
"""


def test_sections_declaring_the_same_acls_route_alike() -> None:
    model = load("haproxy", "haproxy.cfg", Options(), text=CONFIG)
    guards = [site.routes.routes[0].steps[0] for site in model.sites]
    assert len(guards) == 2
    assert [g.condition.rule.text for g in guards] == ["if is_gw", "if is_gw"]
    assert [g.action.backend.name for g in guards] == ["fas", "fas"]
    # the default `http-reuse safe`: no line of the config set it
    app, app2 = (b for b in model.backends if b.name.startswith("app"))
    assert app.pool == app2.pool and app.pool.loc is None and app.pool.value == 1
    assert app.servers[0].port == app2.servers[0].port == 8000


def test_words_are_what_was_written(tmp_path) -> None:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(CONFIG)
    tree = read(str(cfg))
    backends = [n for n in tree.nodes if n.name == "backend"]
    servers = [c for b in backends for c in b.children or []]
    assert [c.args for c in servers] == [["f1", "10.0.0.1:8080"], ["a1", "10.0.0.2:8000"], ["a2", "10.0.0.3:8000"]]
    assert [c.name for c in servers] == ["server"] * 3

"""Reading Apache httpd configs as httpd reads them, and what the interpreter makes of them.

Each syntax behaviour asserted here was checked with ``apache2 -t`` (httpd 2.4.71):
where a section error is reported, that a ``#`` after a directive is an argument, that a
directive is valid when its module is loaded anywhere in the config (LoadModule runs on
read), that ``<IfModule>`` is decided by the modules loaded so far.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _util import write

from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW
from linter.core.model import ProxyAction, Request, Respond, ServeLocal
from linter.core.options import Options
from linter.core.resolve import trace, upgrade_request
from _util import load as _load
from parsers.apache.read import logical_lines, read, split_args

VERSION = "2.4.62"
MODS = "/usr/lib/apache2/modules"


def tree_of(path: Path, version: str = VERSION):
    tree = read(str(path), version)
    return tree, tree.facts


def names(tree) -> list[str]:
    return [n.name for n in tree.walk()]


def problems(tree) -> list[tuple[str, int, str]]:
    return [(p.kind, p.loc.line, p.message) for p in tree.problems]


# ---------------------------------------------------------------- words and lines

@pytest.mark.parametrize("text,words", [
    ("a b  c", ["a", "b", "c"]),
    ('"a b" c', ["a b", "c"]),
    ("'a b' c", ["a b", "c"]),
    (r'"say \"hi\"" x', ['say "hi"', "x"]),
    (r'"back\\slash"', ["back\\slash"]),
    ('"unclosed to the end', ["unclosed to the end"]),
    ('foo"bar baz"', ['foo"bar', 'baz"']),  # a quote only opens a word at its start
    ('"a"b', ["a", "b"]),
    ('"" x', ["", "x"]),
    (r"^/(.*)\.js$ x", [r"^/(.*)\.js$", "x"]),  # a backslash before another character stays
    ("set X-Tag #1", ["set", "X-Tag", "#1"]),
])
def test_words_as_httpd_splits_them(text, words):
    assert split_args(text) == words


def test_continuation_joins_lines_and_crlf_is_a_line_end():
    text = "ProxyPass /a \\\r\n    http://b/ \\\n  upgrade=websocket\r\nNext x\\\\\nLast\n"
    lines = list(logical_lines(text))
    assert lines[0] == (1, "ProxyPass /a     http://b/   upgrade=websocket")
    # a doubled backslash at the end is no continuation
    assert lines[1] == (4, "Next x\\\\")
    assert lines[2] == (5, "Last")


@pytest.mark.parametrize("text,expected", [
    # a backslash inside a line (a regex) is no continuation
    ("RewriteRule ^/(.*)\\.js$ /x\r\nNext y", [(1, "RewriteRule ^/(.*)\\.js$ /x"), (2, "Next y")]),
    ("A b\r", [(1, "A b")]),  # a final CR without LF is dropped too
    ("A \\", [(1, "A \\")]),  # a backslash at the very end has nothing to join
    ("A\r\rB\n", [(1, "A\r\rB")]),  # a CR not before LF stays; after the last LF there is no line
])
def test_lines_without_continuation(text, expected):
    assert list(logical_lines(text)) == expected


def test_hash_mid_line_is_an_argument_and_at_line_start_a_comment(tmp_path):
    p = write(tmp_path, "site.conf", """\
        # a comment
        <VirtualHost *:80>
            ServerName gw.example.com  # not a comment
        </VirtualHost>
        """)
    tree, _ = tree_of(p)
    server = next(n for n in tree.walk() if n.name == "servername")
    assert server.args == ["gw.example.com", "#", "not", "a", "comment"]
    assert tree.files[0].comments[1].strip() == "a comment"


def test_directive_names_are_case_insensitive_and_keep_their_line(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <virtualhost *:80>
            PROXYPASS /gateway/ ws://10.20.0.11:8080/gateway/
        </VIRTUALHOST>
        """)
    tree, _ = tree_of(p)
    assert not tree.problems
    vhost = tree.nodes[0]
    assert vhost.name == "virtualhost" and vhost.children[0].name == "proxypass"
    assert vhost.children[0].loc.line == 2


def test_latin1_file_is_read(tmp_path):
    p = tmp_path / "site.conf"
    p.write_bytes("# r\xe9seau interne\r\n<VirtualHost *:80>\r\nServerName caf\xe9.example.com\r\n</VirtualHost>\r\n"
                  .encode("latin-1"))
    tree, _ = tree_of(p)
    assert not tree.problems
    assert tree.nodes[0].children[0].args == ["caf\xe9.example.com"]


# ---------------------------------------------------------------- sections

def test_mismatched_section_reported_at_the_closing_line(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            <Location /a>
        </VirtualHost>
        """)
    tree, _ = tree_of(p)
    assert problems(tree) == [("syntax", 3, ("Expected </Location> but saw </VirtualHost> "
                                              "(<Location> opened at line 2)"))]


def test_unclosed_section_reported_at_its_opening_line(tmp_path):
    p = write(tmp_path, "site.conf", "ServerName x\n<VirtualHost *:80>\n    ServerName a\n")
    tree, _ = tree_of(p)
    assert [(k, line) for k, line, _ in problems(tree)] == [("syntax", 2)]
    assert "was not closed" in tree.problems[0].message


def test_closing_without_opening_and_missing_bracket(tmp_path):
    p = write(tmp_path, "site.conf", "</Location>\n<Location /a\n</Location>\n")
    tree, _ = tree_of(p)
    assert problems(tree) == [
        ("syntax", 1, "</Location> without matching <Location> section"),
        ("syntax", 2, "<Location> directive missing closing '>'"),
    ]


def test_nested_sections_keep_their_children(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:443>
            <Location /gateway/>
                ProxyPass ws://10.20.0.11:8080/gateway/
            </Location>
        </VirtualHost>
        """)
    tree, _ = tree_of(p)
    loc = tree.nodes[0].children[0]
    assert (loc.name, loc.args, loc.children[0].name) == ("location", ["/gateway/"], "proxypass")


# ---------------------------------------------------------------- reading as httpd does

def _main(tmp_path: Path, body: str, modules: tuple[str, ...] = ("proxy", "proxy_http")) -> Path:
    loads = "".join(f"LoadModule {m}_module {MODS}/mod_{m}.so\n" for m in modules)
    return write(tmp_path, "httpd.conf", loads + body)


def test_ifmodule_sees_only_modules_loaded_so_far(tmp_path):
    p = write(tmp_path, "httpd.conf", f"""\
        <IfModule ssl_module>
            Listen 443
        </IfModule>
        LoadModule ssl_module {MODS}/mod_ssl.so
        <IfModule mod_ssl.c>
            Listen 8443
        </IfModule>
        <IfModule !headers_module>
            Listen 81
        </IfModule>
        """)
    tree, _ = tree_of(p)
    assert [n.args for n in tree.walk() if n.name == "listen"] == [["8443"], ["81"]]


def test_ifmodule_in_a_fragment_is_read(tmp_path):
    p = write(tmp_path, "sites-enabled/fas.conf", """\
        <IfModule mod_ssl.c>
            <VirtualHost *:443>
                ServerName gw.example.com
            </VirtualHost>
        </IfModule>
        """)
    tree, _ = tree_of(p)
    assert tree.is_fragment and [n.name for n in tree.nodes] == ["virtualhost"]


def test_define_and_variables(tmp_path):
    p = _main(tmp_path, """\
        Define FAS 10.20.0.11:8080
        <IfDefine FAS>
            ProxyPass /gateway/ http://${FAS}/gateway/
        </IfDefine>
        <IfDefine !FAS>
            ProxyPass /other/ http://elsewhere/
        </IfDefine>
        ErrorLog ${APACHE_LOG_DIR}/error.log
        """)
    tree, _ = tree_of(p)
    pp = [n.args for n in tree.walk() if n.name == "proxypass"]
    assert pp == [["/gateway/", "http://10.20.0.11:8080/gateway/"]]
    assert next(n for n in tree.walk() if n.name == "errorlog").args == ["/var/log/apache2/error.log"]


@pytest.mark.parametrize("version,expected", [("2.4.62", ["new"]), ("2.4.41", ["old"])])
def test_ifversion_follows_the_httpd_version(tmp_path, version, expected):
    p = _main(tmp_path, """\
        <IfVersion >= 2.4.47>
            ServerName new
        </IfVersion>
        <IfVersion < 2.4.47>
            ServerName old
        </IfVersion>
        """)
    tree, _ = tree_of(p, version)
    assert [n.args[0] for n in tree.walk() if n.name == "servername"] == expected


def test_include_globs_directories_and_serverroot(tmp_path):
    root = tmp_path / "etc"
    write(root, "conf.d/b.conf", "ServerName b\n")
    write(root, "conf.d/a.conf", "ServerName a\n")
    write(root, "extra/x/one.conf", "ServerName x1\n")
    write(root, "extra/two.conf", "ServerName x2\n")
    p = write(root, "httpd.conf", f"""\
        ServerRoot {root}
        LoadModule proxy_module {MODS}/mod_proxy.so
        Include conf.d/*.conf
        Include extra/
        IncludeOptional nothing/*.conf
        Include missing.conf
        """)
    tree, _ = tree_of(p)
    assert [n.args[0] for n in tree.walk() if n.name == "servername"] == ["a", "b", "x2", "x1"]
    assert [(k, line) for k, line, _ in problems(tree)] == [("include", 6)]
    sn = [n for n in tree.walk() if n.name == "servername"]
    assert sn[0].loc.file.endswith("conf.d/a.conf") and sn[0].via[0].line == 3


def test_include_cycle_is_reported(tmp_path):
    write(tmp_path, "a.conf", "Include b.conf\n")
    write(tmp_path, "b.conf", "Include a.conf\n")
    p = _main(tmp_path, "Include a.conf\n")
    tree, _ = tree_of(p)
    assert any("cycle" in m for _, _, m in problems(tree))


def test_directive_of_a_module_never_loaded_is_rejected_but_not_in_a_fragment(tmp_path):
    p = _main(tmp_path, "RequestHeader unset Upgrade\nProxyTimeout 30\n")
    tree, _ = tree_of(p)
    assert problems(tree) == [("rejected", 3, ("Invalid command 'RequestHeader', perhaps misspelled or defined by "
                                               "a module not included in the server configuration (headers_module "
                                               "is never loaded)"))]
    frag = write(tmp_path, "sites-enabled/x.conf", "<VirtualHost *:80>\nRequestHeader unset Upgrade\n</VirtualHost>\n")
    tree, _ = tree_of(frag)
    assert not tree.problems


def test_loadmodule_after_the_directive_still_counts(tmp_path):
    p = write(tmp_path, "httpd.conf", f"ProxyTimeout 30\nLoadModule proxy_module {MODS}/mod_proxy.so\n")
    tree, _ = tree_of(p)
    assert not tree.problems


def test_binary_file_is_a_read_problem_not_a_crash(tmp_path):
    p = tmp_path / "httpd.conf"
    p.write_bytes(b"\x00\x01\x02 binary")
    tree, _ = tree_of(p)
    assert [(p.kind, p.loc.line) for p in tree.problems] == [("syntax", 1)]


# ---------------------------------------------------------------- interpretation

def plan_action(path: Path, ws: str = GW, options: Options | None = None, port: int = 443, tls: bool = True):
    model = _load("apache", path, options or Options())
    site = model.sites[0]
    _, action, _, _ = trace(site, upgrade_request(ws, tls, port))
    return model, action


def test_proxypass_is_first_match(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            ProxyPass / http://10.20.0.11:8080/
            ProxyPass /gateway/websocketcall ws://10.20.0.11:8080/gateway/websocketcall
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, ProxyAction) and action.loc.line == 2


def test_exclusion_stops_proxying(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            ProxyPass /gateway/websocketcall !
            ProxyPass /gateway/ ws://10.20.0.11:8080/gateway/
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, ServeLocal)


def test_later_location_wins(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            <Location /gateway/websocketcall>
                ProxyPass ws://10.20.0.11:8080/gateway/websocketcall
            </Location>
            <Location /gateway>
                ProxyPass http://10.20.0.11:8080/gateway
            </Location>
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, ProxyAction) and action.loc.line == 6


def test_location_prefix_respects_segments(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            <Location /gate>
                ProxyPass http://10.20.0.11:8080/gate
            </Location>
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, ServeLocal)


def test_upgrade_param_and_worker_sharing(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            ProxyPass /gateway/ http://10.20.0.11:8080/ upgrade=websocket
            ProxyPass /assistserver/ http://10.20.0.11:8080/assistserver/
        </VirtualHost>
        """)
    model = _load("apache", p, Options())
    site = model.sites[0]
    _, gw, _, _ = trace(site, upgrade_request(GW, False, 80))
    _, topic, _, _ = trace(site, upgrade_request(TOPIC, False, 80))
    # the second URL has the first worker's URL as prefix: it shares that worker and its upgrade=
    assert gw.backend is topic.backend
    assert "upgrade" in topic.upstream.hop_by_hop_forwarded
    assert gw.backend.pool.value > 0 and gw.backend.pool.loc is None


def test_disablereuse_and_timeouts(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            Timeout 20
            ProxyPass /gateway/ ws://10.20.0.11:8080/gateway/ disablereuse=On timeout=600
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert action.backend.pool.value == 0
    assert action.timeouts.idle.value == 600 and action.timeouts.idle.loc.line == 3
    _, old = plan_action(p, options=Options(proxy_versions={"apache": "2.4.52"}), port=80, tls=False)
    assert old.timeouts.idle.value == 20 and old.timeouts.idle.loc.line == 2


def test_rewrite_p_guarded_by_upgrade(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            RewriteEngine on
            RewriteCond %{HTTP:Upgrade} =websocket [NC]
            RewriteRule ^/gateway/(.*) ws://10.20.0.11:8080/gateway/$1 [P,L]
            ProxyPass /gateway/ http://10.20.0.11:8080/gateway/
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, ProxyAction) and action.loc.line == 4 and action.backend.pool.value == 0


def test_redirect_and_missing_module(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            Redirect /gateway/ https://gw.example.com/gateway/
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert isinstance(action, Respond) and action.status == 302
    main = _main(tmp_path, """\
        Listen 80
        <VirtualHost *:80>
            ProxyPass /gateway/ ws://10.20.0.11:8080/gateway/
        </VirtualHost>
        """, modules=("proxy",))
    _, action = plan_action(main, port=80, tls=False)
    assert isinstance(action, Respond) and action.status == 500 and "proxy_http_module" in action.reason


def test_route_order_as_httpd_2_4_71_answers(tmp_path):
    """Orders measured on httpd 2.4.71 (dead backend -> 503, redirect -> 302, file -> 404):
    server ProxyPass beats server Redirect; a <Location> Redirect beats every ProxyPass;
    ProxyPass /seg matches /seg and /seg/ but not /segx."""
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            Redirect /red/ http://elsewhere.example/red/
            ProxyPass /red/ http://127.0.0.1:1/red/
            ProxyPass /seg http://127.0.0.1:1/seg
            ProxyPass /both/ http://127.0.0.1:1/server/
            <Location /both/>
                Redirect http://elsewhere.example/loc/
            </Location>
        </VirtualHost>
        """)
    model = _load("apache", p, Options())
    site = model.sites[0]

    def answer(path: str):
        _, action, _, _ = trace(site, upgrade_request(path, False, 80))
        return type(action).__name__, action.loc.line

    assert answer("/red/x") == ("ProxyAction", 3)
    assert answer("/seg") == ("ProxyAction", 4)
    assert answer("/seg/x") == ("ProxyAction", 4)
    assert answer("/segx")[0] == "ServeLocal"
    assert answer("/both/x") == ("Respond", 7)


def _findings(path: Path, *args: str) -> set[tuple[str, int]]:
    from linter.engine.runner import run

    opts = Options(fas_version=args[0] if args else None)
    return {(f.rule, f.loc.line) for f in run([str(path)], opts).findings if f.severity in ("error", "warning")}


REUSE_SITE = """\
    <VirtualHost *:443>
        SSLEngine on
        SSLCertificateFile /etc/ssl/certs/gw.example.com.crt
        Timeout 3600
        {env}
        ProxyPass /gateway/ http://10.20.0.11:8080/gateway/ upgrade=websocket
        ProxyPass /assistserver/ http://10.20.0.11:8080/assistserver/ upgrade=websocket disablereuse=On
    </VirtualHost>
    """


@pytest.mark.parametrize("env,flagged", [
    ("", True),
    ("SetEnv proxy-nokeepalive 1", False),  # every request closes its backend connection: no pool
    ("SetEnv proxy-initial-not-pooled 1", False),  # a browser's websocket is its connection's first request
])
def test_reuse_mitigations_by_environment(tmp_path, env, flagged):
    """On httpd 2.4.71 with a backend that reports the client port: without the variable,
    the upgrade arrived on the backend connection three page requests had used; with
    proxy-initial-not-pooled, each new browser connection got a new backend connection."""
    p = write(tmp_path, "site.conf", REUSE_SITE.format(env=env))
    assert (("WSP201", 6) in _findings(p, "2.5.2")) is flagged


def test_sslproxyengine_inherited_from_the_main_server(tmp_path):
    p = _main(tmp_path, """\
        LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
        Listen 443
        SSLProxyEngine on
        <VirtualHost *:443>
            SSLEngine on
            SSLCertificateFile /etc/ssl/certs/gw.example.com.crt
            Timeout 3600
            ProxyPass /gateway/ wss://fas1.example.com:8443/gateway/ disablereuse=On
            ProxyPass /assistserver/ wss://fas1.example.com:8443/assistserver/ disablereuse=On
        </VirtualHost>
        """)
    assert _findings(p) == set()
    no_ssl = _main(tmp_path / "b", """\
        Listen 443
        <VirtualHost *:443>
            Timeout 3600
            ProxyPass /gateway/ wss://fas1.example.com:8443/gateway/ disablereuse=On
        </VirtualHost>
        """)
    # mod_ssl not loaded: httpd cannot make TLS toward the backend
    assert ("WSP202", 6) in _findings(no_ssl)


def test_proxypassmatch_and_locationmatch(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            ProxyPassMatch ^/(gateway/websocketcall|assistserver/topic)$ ws://10.20.0.11:8080/$1
            <LocationMatch "^/gateway/(?!websocketcall)">
                ProxyPass http://10.20.0.11:8080/
            </LocationMatch>
        </VirtualHost>
        """)
    _, gw = plan_action(p, port=80, tls=False)
    _, topic = plan_action(p, TOPIC, port=80, tls=False)
    assert gw.loc.line == 2 and topic.loc.line == 2 and gw.tls is False
    assert "upgrade" in gw.upstream.hop_by_hop_forwarded


def test_header_unset_does_not_hide_handshake_headers(tmp_path):
    """httpd 2.4.71 with `Header unset Sec-WebSocket-Accept` and `Header always unset
    Upgrade` in front of a backend answering 101: the 101 still carried both."""
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            Header unset Sec-WebSocket-Accept
            Header always unset Upgrade
            ProxyPass /gateway/ ws://10.20.0.11:8080/gateway/
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert action.upstream.hidden_response_headers == ()


def test_proxy_section_settings_reach_the_shared_worker(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            <Proxy "http://10.20.0.11:8080/">
                ProxySet upgrade=websocket disablereuse=On timeout=900
            </Proxy>
            ProxyPass /gateway/ http://10.20.0.11:8080/gateway/
        </VirtualHost>
        """)
    _, action = plan_action(p, port=80, tls=False)
    assert "upgrade" in action.upstream.hop_by_hop_forwarded
    assert action.backend.pool.value == 0 and action.timeouts.idle.value == 900


@pytest.mark.parametrize("lines,name", [
    ("", "10.20.0.12"),
    ("SSLProxyCheckPeerName off", None),
    ("SSLProxyCheckPeerCN off", None),  # used when SSLProxyCheckPeerName is not set
    ("SSLProxyCheckPeerName on\nSSLProxyCheckPeerCN off", "10.20.0.12"),
    ("ProxyPreserveHost On", "gw.example.com"),  # the browser's Host name is checked instead
])
def test_backend_peer_name_by_ip(tmp_path, lines, name):
    """The name mod_ssl requires in FAS's certificate (WSP205 judges it; IP SANs never match)."""
    p = write(tmp_path, "site.conf", "<VirtualHost *:443>\nSSLProxyEngine on\n" + lines +
              "\nProxyPass /gateway/ wss://10.20.0.12:8443/gateway/\n</VirtualHost>\n")
    _, action = plan_action(p)
    assert action.tls and action.tls_ready.value and not action.tls_settings.ip_names
    required = action.tls_settings.name.value
    request = Request("/gateway/websocketcall", "", "https", {"host": "gw.example.com", "upgrade": "websocket"})
    assert (required.evaluate(request) if required is not None else None) == name


def test_trunk_only_directive_rejected_unless_guarded_by_ifdirective(tmp_path):
    p = write(tmp_path, "site.conf", """\
        <VirtualHost *:80>
            <IfDirective ProxyWebsocketIdleTimeout>
                ProxyWebsocketIdleTimeout 3600
            </IfDirective>
            ProxyWebsocketAsync On
            ProxyPass /gateway/ ws://10.20.0.11:8080/gateway/
        </VirtualHost>
        """)
    model = _load("apache", p, Options())
    assert [(pr.kind, pr.loc.line) for pr in model.problems] == [("rejected", 5)]


@pytest.mark.parametrize("text, expected", [("60", 60.0), ("60s", 60.0), (" 1.5 ", 1.5), ("500ms", 0.5), ("500MS", 0.5),
                                            ("", None), ("s", None), ("5m", None), ("ten", None), ("5ss", None)])
def test_httpd_time_is_seconds_or_milliseconds(text, expected):
    from parsers.apache.interpret import seconds

    assert seconds(text) == expected


@pytest.mark.parametrize("text, expected", [("80", ("0.0.0.0", 80)), ("10.0.0.1:8443", ("10.0.0.1", 8443)),
                                            ("[::1]:443", ("::1", 443)), ("*:80", ("0.0.0.0", 80)),
                                            ("::1", ("::1", None)), ("host:x", ("host", None))])
def test_listen_address_and_port(text, expected):
    from parsers.apache.interpret import split_listen

    assert split_listen(text) == expected

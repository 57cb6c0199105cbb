"""Apache httpd: the path mod_proxy sends to FAS, <Location> authorization, and which
routes take page requests. Verdicts checked on httpd 2.4.71 through the samples named in
each test (samples/apache/, verified by tests/live/test_verify_samples.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from _util import load

from linter.core.fas import ASSIST_TOPIC_WS as TOPIC
from linter.core.fas import GATEWAY_WS as GW
from linter.core.model import ProxyAction, Respond
from linter.core.options import Options
from linter.core.resolve import build_plans

HEAD = """\
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
LoadModule proxy_balancer_module modules/mod_proxy_balancer.so
LoadModule slotmem_shm_module modules/mod_slotmem_shm.so
LoadModule lbmethod_byrequests_module modules/mod_lbmethod_byrequests.so
Listen 80
<VirtualHost *:80>
    Timeout 3600
"""


def plans(tmp_path: Path, body: str, options: Options | None = None):
    options = options or Options(dialect="apache")
    conf = tmp_path / "apache2.conf"
    conf.write_text(HEAD + textwrap.indent(textwrap.dedent(body), " " * 4) + "</VirtualHost>\n")
    return build_plans(load("apache", conf, options), options)


def plan_for(planset, ws: str = GW):
    (plan,) = [p for p in planset.plans if p.ws_path == ws]
    return plan


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("ProxyPass /gateway/ ws://10.0.0.1:8080/gateway/", GW),
        # the URL's path replaces the matched one (bad-proxypass-strips-prefix.conf)
        ("ProxyPass /gateway ws://10.0.0.1:8080/", "//websocketcall"),
        ("ProxyPass /gateway/ ws://10.0.0.1:8080/", "/websocketcall"),
        ("ProxyPass /gateway/websocketcall ws://10.0.0.1:8080/ws", "/ws"),
        # ProxyPassMatch: groups substituted (good-proxypassmatch-ws-only.conf) ...
        ("ProxyPassMatch ^/(gateway/websocketcall)$ ws://10.0.0.1:8080/$1", GW),
        ("ProxyPassMatch ^/gateway/(.*)$ ws://10.0.0.1:8080/$1", "/websocketcall"),
        # ... and without a back-reference the whole path is appended to the URL
        ("ProxyPassMatch ^/gateway/ ws://10.0.0.1:8080", GW),
    ],
)
def test_the_path_mod_proxy_sends(tmp_path, line, path):
    plan = plan_for(plans(tmp_path, line + "\nProxyPass /assistserver/ ws://10.0.0.1:8080/assistserver/\n"))
    assert isinstance(plan.action, ProxyAction)
    assert plan.final_path == path
    assert plan.final_query == plan.request.query  # mod_proxy passes the query string on


def test_proxypass_in_a_location_replaces_the_section_path(tmp_path):
    plan = plan_for(plans(tmp_path, "<Location /gateway/>\n    ProxyPass ws://10.0.0.1:8080/\n</Location>\n"))
    assert plan.final_path == "/websocketcall"


def test_a_prefix_of_the_proxys_own_maps_onto_fas_paths(tmp_path):
    """good-proxypass-prefix-mapped.conf"""
    options = Options(dialect="apache", ws_paths=("/fas/gateway/websocketcall",))
    plan = plans(tmp_path, "ProxyPass /fas/ ws://10.0.0.1:8080/\n", options).plans[0]
    assert plan.final_path == GW


# ----------------------------------------------------------------------------- authorization


def test_require_all_denied_refuses_everyone(tmp_path):
    ps = plans(
        tmp_path,
        """\
        ProxyPass /gateway/ ws://10.0.0.1:8080/gateway/
        ProxyPass /assistserver/ ws://10.0.0.1:8080/assistserver/
        <Location /assistserver/>
            Require all denied
        </Location>
        """,
    )
    plan = plan_for(ps, TOPIC)
    assert plan.denied is not None and plan.denied.text == "Require all denied"
    assert isinstance(plan.action, Respond) and plan.action.status == 403
    assert plan_for(ps).refusals == ()


def test_require_lines_are_alternatives_and_name_who_gets_in(tmp_path):
    plan = plan_for(
        plans(
            tmp_path,
            """\
            ProxyPass /gateway/ ws://10.0.0.1:8080/gateway/
            <Location /gateway/>
                Require ip 10.0.0.0/8
                Require valid-user
            </Location>
            """,
        )
    )
    (rule,) = plan.refusals
    assert plan.denied is None
    assert "10.0.0.0/8" in rule.admits and "credentials" in rule.admits
    assert rule.status == 401


def test_the_last_matching_section_with_authorization_wins(tmp_path):
    """good-require-reopened.conf, and the reverse order"""
    opened = """\
        ProxyPass /assistserver/ ws://10.0.0.1:8080/assistserver/
        <Location /assistserver/>
            Require ip 10.0.0.0/8
        </Location>
        <Location /assistserver/topic>
            Require all granted
        </Location>
        """
    assert plan_for(plans(tmp_path, opened), TOPIC).refusals == ()
    closed = """\
        ProxyPass /assistserver/ ws://10.0.0.1:8080/assistserver/
        <Location /assistserver/topic>
            Require all granted
        </Location>
        <Location /assistserver/>
            Require ip 10.0.0.0/8
        </Location>
        """
    (rule,) = plan_for(plans(tmp_path, closed), TOPIC).refusals
    assert rule.admits == "clients from 10.0.0.0/8"


def test_a_section_without_authorization_keeps_the_earlier_one(tmp_path):
    plan = plan_for(
        plans(
            tmp_path,
            """\
            ProxyPass /gateway/ ws://10.0.0.1:8080/gateway/
            <Location /gateway/>
                Require all denied
            </Location>
            <Location /gateway/websocketcall>
                RequestHeader set X-Ws 1
            </Location>
            """,
        )
    )
    assert plan.denied is not None


# ----------------------------------------------------------------------------- pools


def test_an_anchored_proxypassmatch_for_the_websocket_urls_takes_no_pages(tmp_path):
    """good-proxypassmatch-ws-only.conf: no false reuse alarm for FAS 2.5.2"""
    options = Options(dialect="apache", fas_version="2.5.2")
    ps = plans(
        tmp_path,
        """\
        ProxyPassMatch ^/(gateway/websocketcall|assistserver/topic)$ ws://10.0.0.1:8080/$1
        ProxyPass /gateway/ http://10.0.0.1:8080/gateway/
        """,
        options,
    )
    assert ps.pool_fillers(plan_for(ps)) == []
    loose = plans(tmp_path, "ProxyPassMatch ^/(gateway|assistserver)/ ws://10.0.0.1:8080\n", options)
    assert [f.route_label for f in loose.pool_fillers(plan_for(loose))] == ["ProxyPassMatch ^/(gateway|assistserver)/"]


def test_a_proxypassmatch_url_with_back_references_reuses_no_connection(tmp_path):
    """good-proxypassmatch-backref.conf: on httpd 2.4.71 every request through such a
    worker opened its own backend connection, pages included."""
    options = Options(dialect="apache", fas_version="2.5.2")
    backref = plan_for(plans(tmp_path, "ProxyPassMatch ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1\n", options))
    assert backref.proxy is not None and backref.proxy.backend is not None
    assert backref.proxy.backend.pool.value == 0
    appended = plan_for(plans(tmp_path, "ProxyPassMatch ^/gateway/ ws://10.0.0.1:8080\n", options))
    assert appended.proxy is not None and appended.proxy.backend is not None
    assert appended.proxy.backend.pool.value > 0


@pytest.mark.parametrize(
    ("rule", "path", "query"),
    [
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1 [P]", GW, "appkey=FWGW-example"),
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/$1 [P]", "/websocketcall", "appkey=FWGW-example"),
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1? [P]", GW, ""),
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1 [P,QSD]", GW, ""),
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1?v=2 [P]", GW, "v=2"),
        ("RewriteRule ^/gateway/(.*)$ ws://10.0.0.1:8080/gateway/$1?v=2 [P,QSA]", GW, "v=2&appkey=FWGW-example"),
    ],
)
def test_the_path_and_query_a_rewrite_rule_proxies_with(tmp_path, rule, path, query):
    options = Options(dialect="apache")
    conf = tmp_path / "apache2.conf"
    conf.write_text(
        "LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_http_module modules/mod_proxy_http.so\n"
        "LoadModule rewrite_module modules/mod_rewrite.so\nListen 80\n<VirtualHost *:80>\n    Timeout 3600\n"
        f"    RewriteEngine On\n    {rule}\n</VirtualHost>\n"
    )
    plan = plan_for(build_plans(load("apache", conf, options), options))
    assert isinstance(plan.action, ProxyAction)
    assert (plan.final_path, plan.final_query) == (path, query)


@pytest.mark.parametrize(
    ("url", "path", "pooled"),
    [
        ("ws://10.0.0.1:8080", GW, True),
        ("ws://10.0.0.1:8080/gateway/$1", GW, False),
        ("ws://10.0.0.1:8080/$1", "/websocketcall", False),
    ],
)
def test_proxypass_in_a_locationmatch_works_as_a_proxypassmatch(tmp_path, url, path, pooled):
    """bad-locationmatch-pooled-fas252.conf, good-locationmatch-backref.conf (httpd 2.4.71)"""
    ps = plans(
        tmp_path,
        f'<LocationMatch "^/gateway/(.*)$">\n    ProxyPass {url}\n</LocationMatch>\n'
        "ProxyPass /assistserver/ ws://10.0.0.1:8080/assistserver/ disablereuse=On\n",
    )
    gw = plan_for(ps)
    assert gw.final_path == path
    assert gw.proxy is not None and gw.proxy.backend is not None
    assert bool(gw.proxy.backend.pool.value) is pooled
    # the later ProxyPass does not share the regex route's worker: its disablereuse=On holds
    topic = plan_for(ps, TOPIC)
    assert topic.proxy is not None and topic.proxy.backend is not None
    assert topic.proxy.backend is not gw.proxy.backend and topic.proxy.backend.pool.value == 0


# ------------------------------------------------------- which worker serves a regex route


def test_a_longer_page_worker_serves_a_proxypassmatch_websocket(tmp_path):
    """bad-proxypassmatch-served-by-page-worker.conf: mod_proxy picks the worker by the
    longest name that fits the URL it built, so the /gateway/ page worker (no
    upgrade=websocket) takes the websocket and the upgrade is dropped (httpd 2.4.71)."""
    ps = plans(
        tmp_path,
        "ProxyPassMatch ^/(gateway/websocketcall|assistserver/topic)$ http://10.0.0.1:8080 upgrade=websocket\n"
        "ProxyPass /gateway/ http://10.0.0.1:8080/gateway/\n"
        "ProxyPass /assistserver/ http://10.0.0.1:8080/assistserver/\n",
    )
    gw = plan_for(ps)
    assert gw.proxy is not None and gw.final_path == GW
    assert "upgrade" not in gw.sent
    assert gw.proxy.backend is not None and gw.proxy.backend.name == "http://10.0.0.1:8080/gateway/"


def test_a_proxypassmatch_worker_of_another_scheme_serves_its_websocket(tmp_path):
    """good-proxypassmatch-wss-own-worker.conf: no page worker fits a ws:// URL."""
    ps = plans(
        tmp_path,
        "ProxyPassMatch ^/(gateway/websocketcall|assistserver/topic)$ ws://10.0.0.1:8080\n"
        "ProxyPass /gateway/ http://10.0.0.1:8080/gateway/\n",
    )
    gw = plan_for(ps)
    assert gw.sent["upgrade"].value == "websocket"
    assert gw.proxy is not None and gw.proxy.backend is not None and gw.proxy.backend.name == "ws://10.0.0.1:8080"


def test_a_locationmatch_without_wildcard_is_a_plain_path_for_proxypass(tmp_path):
    """bad-locationmatch-without-wildcard.conf: no * or ? in the text, so the ProxyPass
    takes it as a plain path (no request matches) and its worker is an ordinary one, which
    the later page lines share: upgrade=websocket and the pool included (httpd 2.4.71)."""
    ps = plans(
        tmp_path,
        '<LocationMatch "^/(gateway/websocketcall|assistserver/topic)$">\n'
        "    ProxyPass http://10.0.0.1:8080 upgrade=websocket\n</LocationMatch>\n"
        "ProxyPass /gateway/ http://10.0.0.1:8080/gateway/\n"
        "ProxyPass /assistserver/ http://10.0.0.1:8080/assistserver/ disablereuse=On\n",
        Options(dialect="apache", fas_version="2.5.2"),
    )
    for ws, label in ((GW, "ProxyPass /gateway/"), (TOPIC, "ProxyPass /assistserver/")):
        plan = plan_for(ps, ws)
        assert plan.route is not None and plan.route.label == label
        assert plan.sent["upgrade"].value == "websocket"
        assert plan.proxy is not None and plan.proxy.backend is not None
        assert plan.proxy.backend.name == "http://10.0.0.1:8080" and plan.proxy.backend.pool.value > 0
    # with a wildcard the section is a regex route again
    wild = plans(
        tmp_path,
        '<LocationMatch "^/(gateway/websocketcall|assistserver/topic)(/.*)?$">\n'
        "    ProxyPass ws://10.0.0.1:8080\n</LocationMatch>\n"
        "ProxyPass /gateway/ http://10.0.0.1:8080/gateway/\n",
    )
    gw = plan_for(wild)
    assert gw.route is not None and gw.route.label.startswith("<LocationMatch")
    assert gw.sent["upgrade"].value == "websocket"


def test_location_access_rules_apply_to_a_rewrite_rule_proxy(tmp_path):
    """bad-rewrite-proxy-location-denied.conf: a RewriteRule [P] proxies while translating,
    and the <Location> access check still runs before it: 403 (httpd 2.4.71)."""
    options = Options(dialect="apache")
    conf = tmp_path / "apache2.conf"
    conf.write_text(
        "LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_http_module modules/mod_proxy_http.so\n"
        "LoadModule rewrite_module modules/mod_rewrite.so\nListen 80\n<VirtualHost *:80>\n    Timeout 3600\n"
        "    <Location /assistserver/>\n        Require all denied\n    </Location>\n"
        "    RewriteEngine On\n    RewriteCond %{HTTP:Upgrade} =websocket [NC]\n"
        '    RewriteRule ^/?(gateway|assistserver)/(.*) "ws://10.0.0.1:8080/$1/$2" [P,L]\n</VirtualHost>\n'
    )
    ps = build_plans(load("apache", conf, options), options)
    topic = plan_for(ps, TOPIC)
    assert isinstance(topic.action, Respond) and topic.action.status == 403
    assert isinstance(plan_for(ps).action, ProxyAction)


def test_a_balancers_certificate_name_is_its_members_host(tmp_path):
    """bad-balancer-member-ip-peer-name.conf: mod_ssl checks the member's own host (an IP
    here, which it never matches: 500), not the balancer's label."""
    ps = plans(
        tmp_path,
        "SSLProxyEngine on\nSSLProxyVerify require\nSSLProxyCACertificateFile /etc/ssl/ca.pem\n"
        "SSLProxyCheckPeerName on\n"
        '<Proxy "balancer://fasws">\n    BalancerMember wss://10.0.0.1:8443\n</Proxy>\n'
        "ProxyPass /gateway/ balancer://fasws/gateway/\n",
    )
    gw = plan_for(ps)
    assert gw.proxy is not None and gw.proxy.tls
    name = gw.proxy.tls_settings.name
    assert name.value is not None and name.value.evaluate(gw.request) == "10.0.0.1"
    assert name.loc is not None and name.loc.line == 14  # the BalancerMember line
    assert gw.proxy.tls_settings.ip_names is False


def test_proxyset_finds_only_the_balancers_defined_above_it_in_its_server(tmp_path):
    """bad-proxyset-balancer-other-vhost.conf: "ProxySet can not find 'balancer://fas'
    Balancer." when no <Proxy balancer://fas> or ProxyPass to it comes first in that server."""
    options = Options(dialect="apache")

    def rejected(body: str) -> list[str]:
        model = load("apache", _write(tmp_path, body), options)
        return [p.message for p in model.problems if p.kind == "rejected"]

    proxy = '<Proxy "balancer://fas">\n    BalancerMember http://10.0.0.1:8080\n</Proxy>\n'
    assert rejected("ProxySet balancer://fas timeout=60\n" + proxy)
    assert not rejected(proxy + "ProxySet balancer://fas timeout=60\n")
    assert not rejected("ProxyPass /gateway/ balancer://fas/gateway/\nProxySet balancer://fas timeout=60\n")


def _write(tmp_path: Path, body: str) -> Path:
    conf = tmp_path / "apache2.conf"
    conf.write_text(HEAD + textwrap.indent(body, " " * 4) + "</VirtualHost>\n")
    return conf

"""One finding per cause: ``merge_urls`` joins the findings of one rule at one line that
differ only by the websocket URL, ``merge_listeners`` those that differ only by the
listener, and both keep apart what is not the same cause."""

from __future__ import annotations

from linter.core.fas import ASSIST_TOPIC_WS, GATEWAY_WS
from linter.core.findings import Finding, Related, merge_listeners, merge_urls
from linter.core.tree import Loc

ORDER = (GATEWAY_WS, ASSIST_TOPIC_WS)
LOC1, LOC2 = Loc("n.conf", 1), Loc("n.conf", 2)


def finding(
    ws_path: str | None,
    message: str,
    *,
    line: int = 7,
    severity: str = "error",
    fix: str = "fix it",
    symptom: str | None = "status:302",
    related: list[Related] | None = None,
    listener: str | None = "0.0.0.0:443 tls",
    ws_paths: tuple[str, ...] = (),
) -> Finding:
    return Finding(
        "WSP101",
        "upgrade-not-forwarded",
        severity,
        "nginx",
        Loc("n.conf", line),
        message,
        symptom,
        fix,
        listener,
        ws_path,
        related or [],
        ws_paths=ws_paths,
    )


def test_same_words_name_both_urls_in_run_order():
    out = merge_urls(
        [
            finding(ASSIST_TOPIC_WS, f"{ASSIST_TOPIC_WS} is redirected with 301", related=[Related(LOC2, "b")]),
            finding(GATEWAY_WS, f"{GATEWAY_WS} is redirected with 301", related=[Related(LOC1, "a")]),
        ],
        ORDER,
    )
    assert len(out) == 1
    f = out[0]
    assert f.ws_path == GATEWAY_WS and f.ws_paths == ORDER
    assert f.message == f"{GATEWAY_WS} and {ASSIST_TOPIC_WS} are redirected with 301"
    assert [r.message for r in f.related] == ["a", "b"]


def test_words_without_the_url_get_the_urls_appended():
    out = merge_urls(
        [finding(GATEWAY_WS, "Connection is 'close'"), finding(ASSIST_TOPIC_WS, "Connection is 'close'")], ORDER
    )
    assert [f.message for f in out] == [f"Connection is 'close' (on {GATEWAY_WS} and {ASSIST_TOPIC_WS})"]


def test_different_words_are_each_kept_once_and_fixes_too():
    out = merge_urls(
        [
            finding(GATEWAY_WS, "location /gateway/ hides it", fix="fix /gateway/"),
            finding(ASSIST_TOPIC_WS, "location /assistserver/ hides it", fix="fix /assistserver/"),
        ],
        ORDER,
    )
    assert len(out) == 1
    assert out[0].message == (
        f"location /gateway/ hides it (on {GATEWAY_WS}); location /assistserver/ hides it (on {ASSIST_TOPIC_WS})"
    )
    assert out[0].fix == "fix /gateway/; fix /assistserver/"


def test_other_causes_stay_apart():
    apart = [
        finding(GATEWAY_WS, "a"),
        finding(ASSIST_TOPIC_WS, "a", line=8),  # another line
        finding(ASSIST_TOPIC_WS, "a", severity="warning", line=9),
        finding(GATEWAY_WS, "a", line=9),  # another severity
        finding(GATEWAY_WS, "b", line=10, symptom="status:404"),
        finding(ASSIST_TOPIC_WS, "b", line=10),  # another symptom
        finding(None, "no url", line=11),
    ]
    assert len(merge_urls(apart, ORDER)) == len(apart)


def test_two_findings_for_one_url_are_two_causes():
    out = merge_urls([finding(GATEWAY_WS, "x"), finding(GATEWAY_WS, "y"), finding(ASSIST_TOPIC_WS, "x")], ORDER)
    assert sorted(f.ws_paths for f in out) == [(GATEWAY_WS,), (GATEWAY_WS, ASSIST_TOPIC_WS)]


def test_the_same_words_are_merged_before_other_words():
    out = merge_urls([finding(GATEWAY_WS, "y"), finding(GATEWAY_WS, "x"), finding(ASSIST_TOPIC_WS, "x")], ORDER)
    assert sorted((f.ws_paths, f.message) for f in out) == [
        ((GATEWAY_WS,), "y"),
        ((GATEWAY_WS, ASSIST_TOPIC_WS), f"x (on {GATEWAY_WS} and {ASSIST_TOPIC_WS})"),
    ]


# -- listeners -----------------------------------------------------------------------------------

TLS, PLAIN, OTHER = "0.0.0.0:443 tls", "0.0.0.0:80", "*:8443 tls"
RUN_LISTENERS = (TLS, PLAIN, OTHER)


def test_one_line_on_two_listeners_is_one_finding_in_run_order():
    both = (GATEWAY_WS, ASSIST_TOPIC_WS)
    words = f"Connection is 'close' (on {GATEWAY_WS} and {ASSIST_TOPIC_WS})"
    out = merge_listeners(
        [
            finding(GATEWAY_WS, words, listener=PLAIN, ws_paths=both, fix="fix :80", related=[Related(LOC2, "b")]),
            finding(GATEWAY_WS, words, listener=TLS, ws_paths=both, fix="fix :443", related=[Related(LOC1, "a")]),
        ],
        RUN_LISTENERS,
    )
    assert len(out) == 1
    f = out[0]
    assert f.listener == TLS and f.listeners == (TLS, PLAIN)
    assert f.ws_paths == both
    # the listeners join the URLs' parenthesis; the first listener's fix leads
    assert f.message == f"Connection is 'close' (on {GATEWAY_WS} and {ASSIST_TOPIC_WS}; listeners {TLS} and {PLAIN})"
    assert f.fix == "fix :443; fix :80"
    assert sorted(r.message for r in f.related) == ["a", "b"]


def test_words_naming_the_url_get_the_listeners_appended():
    out = merge_listeners(
        [finding(GATEWAY_WS, f"{GATEWAY_WS} goes to a pool", listener=x) for x in (OTHER, PLAIN, TLS)],
        RUN_LISTENERS,
    )
    assert [(f.listeners, f.message) for f in out] == [
        ((TLS, PLAIN, OTHER), f"{GATEWAY_WS} goes to a pool (on listeners {TLS}, {PLAIN} and {OTHER})")
    ]


def test_listeners_with_other_words_urls_or_verdicts_stay_apart():
    apart = [
        finding(GATEWAY_WS, "a", listener=TLS),
        finding(GATEWAY_WS, "b", listener=PLAIN),  # other words
        finding(ASSIST_TOPIC_WS, "a", listener=PLAIN),  # another URL
        finding(GATEWAY_WS, "a", listener=OTHER, severity="warning"),  # another severity
        finding(GATEWAY_WS, "a", listener="[::]:443 tls", symptom="status:502"),  # another symptom
        finding(GATEWAY_WS, "a", listener="[::]:80", line=8),  # another line
    ]
    out = merge_listeners(apart, RUN_LISTENERS)
    assert len(out) == len(apart)
    assert all(f.listeners == (f.listener,) for f in out)


def test_the_same_finding_twice_is_said_once_unchanged():
    """A file read by two entry points: the same listener, the same words, one finding."""
    twice = [finding(GATEWAY_WS, "a", listener=TLS), finding(GATEWAY_WS, "a", listener=TLS)]
    nowhere = [finding(None, "syntax", listener=None), finding(None, "syntax", listener=None)]
    out = merge_listeners(twice + nowhere, RUN_LISTENERS)
    assert [(f.message, f.listener, f.listeners) for f in out] == [("a", TLS, (TLS,)), ("syntax", None, ())]


def test_a_merged_finding_merged_again_is_worded_once():
    """Entry points checked in worker processes are merged again by the run: a finding that
    already names its listeners keeps its words."""
    once = merge_listeners([finding(GATEWAY_WS, "a", listener=x) for x in (TLS, PLAIN)], RUN_LISTENERS)
    again = merge_listeners(
        once + merge_listeners([finding(GATEWAY_WS, "a", listener=x) for x in (PLAIN, TLS)], RUN_LISTENERS),
        RUN_LISTENERS,
    )
    assert [(f.listeners, f.message) for f in again] == [((TLS, PLAIN), f"a (on listeners {TLS} and {PLAIN})")]

"""One finding per cause: ``merge_urls`` joins the findings of one rule at one line that
differ only by the websocket URL, and keeps apart what is not the same cause."""

from __future__ import annotations

from linter.core.fas import ASSIST_TOPIC_WS, GATEWAY_WS
from linter.core.findings import Finding, Related, merge_urls
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
        "0.0.0.0:443 tls",
        ws_path,
        related or [],
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

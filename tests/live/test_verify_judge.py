"""The verification's verdict logic on hand-made findings and observations: it must fail
when the proxy and wsproxylint disagree, in either direction."""

from __future__ import annotations

import pytest
from support.fixtures import cannot_run
from support.runners.base import Front
from support.verify import Finding, Observation, _same_version, judge

from linter.core.fas import ASSIST_TOPIC_WS, GATEWAY_WS
from linter.app.handshake import HandshakeResult

TLS = Front(443, "127.9.9.9", 20443, True, True)
PLAIN = Front(80, "127.9.9.9", 20080, False, False)


def finding(symptom: str, severity: str = "error", listener: str | None = "0.0.0.0:443 tls",
            ws_path: str | None = GATEWAY_WS) -> Finding:
    return Finding("WSP999", severity, symptom, listener, ws_path, "x.conf:1", "test")


def seen(symptom: str, front: Front = TLS, path: str = GATEWAY_WS) -> Observation:
    return Observation("current", front, path, "fresh", HandshakeResult(symptom, "test"))


def test_agreement_passes():
    obs = [seen("status:302"), seen("ok", path=ASSIST_TOPIC_WS)]
    assert judge([finding("status:302")], obs, "current") == []


def test_predicted_error_that_never_happens_is_a_problem():
    problems = judge([finding("status:302")], [seen("ok"), seen("ok", path=ASSIST_TOPIC_WS)], "current")
    assert len(problems) == 1 and "every handshake it concerns was ok" in problems[0]


def test_failure_without_a_finding_is_a_problem():
    problems = judge([], [seen("status:502")], "current")
    assert len(problems) == 1 and "predicted for it: nothing" in problems[0]


def test_failure_with_another_symptom_is_a_problem():
    problems = judge([finding("status:302")], [seen("status:502")], "current")
    assert any("status:502" in p and "status:302" in p for p in problems)


def test_finding_for_another_listener_or_url_does_not_cover_a_failure():
    assert judge([finding("status:302", listener="0.0.0.0:80")], [seen("status:302")], "current")
    assert judge([finding("status:302", ws_path=ASSIST_TOPIC_WS)], [seen("status:302")], "current")


def test_finding_naming_several_listeners_covers_each_of_them():
    """One cause on two listeners (a snippet both servers include) is one finding: a failure
    on either listener is its symptom, and neither is left unpredicted."""
    both = Finding("WSP999", "error", "status:302", "0.0.0.0:443 tls", GATEWAY_WS, "x.conf:1", "test",
                   (GATEWAY_WS,), ("0.0.0.0:443 tls", "0.0.0.0:80"))
    assert judge([both], [seen("status:302", TLS), seen("status:302", PLAIN)], "current") == []
    # an error naming both listeners is witnessed on each of them
    problems = judge([both], [seen("status:302", TLS), seen("ok", PLAIN)], "current")
    assert len(problems) == 1 and "on /gateway/websocketcall :80" in problems[0]
    first_only = finding("status:302")
    problems = judge([first_only], [seen("status:302", TLS), seen("status:302", PLAIN)], "current")
    assert len(problems) == 1 and ":80" in problems[0] and "predicted for it: nothing" in problems[0]


def test_finding_without_listener_or_url_covers_every_handshake():
    obs = [seen("reset", PLAIN), seen("reset", TLS, ASSIST_TOPIC_WS)]
    assert judge([finding("reset", listener=None, ws_path=None)], obs, "current") == []


def test_warning_may_or_may_not_happen():
    assert judge([finding("status:302", "warning")], [seen("ok")], "current") == []
    assert judge([finding("status:302", "warning")], [seen("status:302")], "current") == []


def test_config_rejected_is_not_a_handshake_symptom():
    assert judge([finding("config-rejected", listener=None, ws_path=None)], [seen("status:302")], "current")


def test_a_skip_for_a_missing_proxy_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        cannot_run("/usr/sbin/nginx is not installed")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        cannot_run("/usr/sbin/nginx is not installed")


def test_a_pinned_version_is_compared_to_its_own_precision():
    """httpd's websocket behaviour changes within 2.4 (2.4.47): a sample pinned to 2.4.41 is
    not judged as if the installed 2.4.71 were that version."""
    assert not _same_version("2.4.41", "2.4.71")
    assert _same_version("2.4", "2.4.71") and _same_version("1.22", "1.22.1") and _same_version("2.6.12", "2.6.12")
    assert not _same_version("2.8", "2.6.12")


def test_finding_naming_several_urls_is_witnessed_on_each():
    both = Finding("WSP999", "error", "status:302", "0.0.0.0:443 tls", GATEWAY_WS, "x.conf:1", "test",
                   (GATEWAY_WS, ASSIST_TOPIC_WS))
    assert judge([both], [seen("status:302"), seen("status:302", path=ASSIST_TOPIC_WS)], "current") == []
    # the topic's handshake went through: the finding claims more than happened
    problems = judge([both], [seen("status:302"), seen("ok", path=ASSIST_TOPIC_WS)], "current")
    assert len(problems) == 1 and ASSIST_TOPIC_WS in problems[0]
    # and it covers the failure on its second URL, which a first-URL-only reading would not
    assert judge([both], [seen("status:302", path=ASSIST_TOPIC_WS), seen("status:302")], "current") == []

"""A finding's fix as a code action: its edits when it carries them (the autofix of issue 19
adds ``edits`` to findings), its text alone as a disabled action otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

pytest.importorskip("lsprotocol")

from lsprotocol import types as t  # noqa: E402

from linter.app.server import _fix_action  # noqa: E402

DIAG = t.Diagnostic(range=t.Range(t.Position(6, 12), t.Position(6, 40)), message="m", code="WSP101")


def _finding(edits=None):
    return SimpleNamespace(rule="WSP101", fix="add proxy_set_header Upgrade $http_upgrade;", edits=edits)


def test_edits_become_a_workspace_edit_in_every_file_they_touch(tmp_path):
    a, b = tmp_path / "nginx.conf", tmp_path / "sites" / "gw.conf"
    edits = SimpleNamespace(
        safe=True,
        note="",
        edits=(
            SimpleNamespace(file=str(a), start_line=7, start_col=0, end_line=7, end_col=0, text="    x;\n"),
            SimpleNamespace(file=str(b), start_line=2, start_col=4, end_line=2, end_col=9, text="y"),
        ),
    )
    action = _fix_action(t, _finding(edits), DIAG, can_disable=False)
    assert action.title == "WSP101: add proxy_set_header Upgrade $http_upgrade;" and action.is_preferred
    changes = action.edit.changes
    assert set(changes) == {a.as_uri(), b.as_uri()}
    (first,) = changes[a.as_uri()]
    assert (first.range.start.line, first.range.start.character, first.new_text) == (6, 0, "    x;\n")
    (second,) = changes[b.as_uri()]
    assert (second.range.start.character, second.range.end.character) == (4, 9)


def test_an_unsafe_fix_says_so_and_is_not_preferred():
    edits = SimpleNamespace(
        safe=False,
        note="splits the upstream",
        edits=(SimpleNamespace(file="/x.conf", start_line=1, start_col=0, end_line=1, end_col=0, text="z"),),
    )
    action = _fix_action(t, _finding(edits), DIAG, can_disable=True)
    assert action.title.endswith("(unsafe: splits the upstream)") and not action.is_preferred


def test_without_edits_the_fix_is_shown_only_where_the_client_shows_disabled_actions():
    assert _fix_action(t, _finding(), DIAG, can_disable=False) is None
    action = _fix_action(t, _finding(), DIAG, can_disable=True)
    assert action.edit is None and action.disabled.reason

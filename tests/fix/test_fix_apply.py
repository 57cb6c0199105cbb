"""How edits are chosen and made: several at one point, overlaps, files not given, unsafe ones."""

from __future__ import annotations

from linter.app.fixing import apply, choose, within
from linter.core.findings import Finding
from linter.core.fixes import Edit, FixEdits
from linter.core.tree import Loc


def _finding(edits: tuple[Edit, ...], safe: bool = True) -> Finding:
    return Finding("WSP101", "x", "error", "nginx", Loc(edits[0].file, edits[0].start_line), "m", None, "f",
                   edits=FixEdits(edits, safe=safe))


def test_inserts_at_one_point_keep_their_order_and_replacements_their_columns():
    text = "a {\n    b 1;  # keep\n}\n"
    edits = [Edit("f", 2, 16, 2, 16, "\n    c;"), Edit("f", 2, 16, 2, 16, "\n    d;"), Edit("f", 2, 6, 2, 7, "2")]
    assert apply(text, edits) == "a {\n    b 2;  # keep\n    c;\n    d;\n}\n"


def test_a_deleted_line_takes_its_end_with_it():
    assert apply("x\ny\nz\n", [Edit("f", 2, 0, 3, 0, "")]) == "x\nz\n"


def test_choose_skips_duplicates_overlaps_unsafe_and_files_not_given(tmp_path):
    given = tmp_path / "a.conf"
    other = tmp_path / "elsewhere" / "b.conf"
    same = Edit(str(given), 3, 0, 3, 0, "x\n")
    findings = [
        _finding((same,)),
        _finding((same,)),  # the same fix for another websocket URL: made once
        _finding((Edit(str(given), 5, 2, 5, 9, "y"),)),
        _finding((Edit(str(given), 5, 4, 5, 6, "z"),)),  # overlaps the one before
        _finding((Edit(str(given), 8, 0, 8, 0, "u\n"),), safe=False),
        _finding((Edit(str(other), 1, 0, 1, 0, "o\n"),)),
    ]
    plan = choose(findings, [str(given)], unsafe=False)
    assert plan.edits == {str(given): [same, Edit(str(given), 5, 2, 5, 9, "y")]}
    assert len(plan.fixed) == 3 and len(plan.conflicting) == 1 and len(plan.unsafe) == 1 and len(plan.outside) == 1
    assert str(given) in choose(findings, [str(tmp_path)], unsafe=True).edits
    assert len(choose(findings, [str(tmp_path)], unsafe=True).edits[str(other)]) == 1


def test_within_a_directory_given_but_not_a_sibling_with_the_same_prefix(tmp_path):
    (tmp_path / "conf").mkdir()
    assert within(str(tmp_path / "conf" / "x.conf"), [str(tmp_path / "conf")])
    assert not within(str(tmp_path / "conf2" / "x.conf"), [str(tmp_path / "conf")])

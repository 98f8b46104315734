"""Ergonomics: 50 responses judged with the keyboard alone, then saved and read back."""

from __future__ import annotations

import yaml
from PySide6.QtCore import Qt

from tests.ui.preview.conftest import run_and_wait


def test_judge_50_responses_by_keyboard(qtbot, review_window) -> None:
    w = review_window
    run_and_wait(qtbot, w)  # 25 cases × 2 targets
    preview = w.features.review.preview
    assert preview.case_id == "case-000"
    flow = preview.keyboard
    flow.presses = 0
    for _ in range(25):
        qtbot.keyClick(preview, Qt.Key.Key_A)  # column 1 is picked; accept it
        qtbot.keyClick(preview, Qt.Key.Key_A)  # column 2 was picked next; accept it
        qtbot.keyClick(preview, Qt.Key.Key_J)  # next case
    spec = w.doc.session.spec
    judged = [r for c in spec.cases for r in c.responses if r.verdict is not None]
    assert len(judged) == 50
    keys_per_accept = flow.presses / len(judged)
    assert keys_per_accept <= 2, keys_per_accept  # 75 keys for 50 accepts = 1.5
    with qtbot.waitSignal(w.doc.sig_saved, timeout=10000):
        qtbot.keyClick(preview, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    data = yaml.safe_load(w.doc.path.read_text(encoding="utf-8"))
    on_disk = [r for c in data["cases"] for r in c.get("responses", [])]
    assert len(on_disk) == 50
    assert all(r["verdict"] == "accept" and r["reviewer"] == "ana" and r["time"]
               and r["run"] for r in on_disk)
    assert {r["target"] for r in on_disk} == {"model-a", "model-b"}


def test_pick_by_number_reject_with_preset_and_prefer(qtbot, review_window) -> None:
    w = review_window
    run_and_wait(qtbot, w, ["case-000"])
    preview = w.features.review.preview
    qtbot.keyClick(preview, Qt.Key.Key_2)
    qtbot.keyClick(preview, Qt.Key.Key_A)  # number + A: two keys for an accept
    qtbot.keyClick(preview, Qt.Key.Key_1)
    qtbot.keyClick(preview, Qt.Key.Key_R)
    popup = preview.popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup.edit, Qt.Key.Key_3)  # third preset: over-refusal
    assert popup.edit.text() == "over-refusal"
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    qtbot.keyClick(preview, Qt.Key.Key_1)
    qtbot.keyClick(preview, Qt.Key.Key_P)
    qtbot.keyClick(preview, Qt.Key.Key_2)  # column 1 better than column 2
    case = w.doc.session.spec.case("case-000")
    verdicts = {r.target: (r.verdict.value, r.reason) for r in case.responses}
    assert verdicts == {"model-a": ("reject", "over-refusal"), "model-b": ("accept", None)}
    assert len(case.preferences) == 1
    pref = case.preferences[0]
    a = case.response(pref.a)
    assert a is not None and a.target == "model-a" and pref.better.value == "a"
    assert pref.reviewer == "ana"
    # a typed reason and a tie
    qtbot.keyClick(preview, Qt.Key.Key_2)
    qtbot.keyClick(preview, Qt.Key.Key_R)
    qtbot.keyClicks(preview.popup.edit, "too formal")
    qtbot.keyClick(preview.popup.edit, Qt.Key.Key_Return)
    qtbot.keyClick(preview, Qt.Key.Key_T)
    assert case.preferences[0].better.value == "tie"
    assert {r.target: r.reason for r in case.responses}["model-b"] == "too formal"
    # every judgment is one undo step
    stack = w.doc.undo_stack
    stack.undo()
    assert case.preferences[0].better.value == "a"

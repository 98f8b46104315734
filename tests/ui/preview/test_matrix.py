"""The Results tab: verdict colours, checks, filters, counts, and a click opens the case."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from align_studio.domain import Message
from align_studio.editing.commands import SetField
from align_studio.ui.preview.matrix_model import CASE_ID_ROLE
from tests.ui.preview.conftest import run_and_wait


def _row(model, case_id: str) -> int:
    return next(r for r in range(model.rowCount())
                if model.index(r, 0).data(CASE_ID_ROLE) == case_id)


def test_matrix_counts_filters_colours_and_click(qtbot, review_window) -> None:
    w = review_window
    run_and_wait(qtbot, w, [f"case-{i:03d}" for i in range(5)])
    preview, panel = w.features.review.preview, w.features.review.matrix_panel
    qtbot.keyClick(preview, Qt.Key.Key_A)  # case-000: accept model-a
    qtbot.keyClick(preview, Qt.Key.Key_A)  # accept model-b (it fails the check)
    qtbot.keyClick(preview, Qt.Key.Key_J)
    qtbot.keyClick(preview, Qt.Key.Key_2)
    qtbot.keyClick(preview, Qt.Key.Key_R)
    qtbot.keyClick(preview.popup.edit, Qt.Key.Key_6)  # too long
    qtbot.keyClick(preview.popup.edit, Qt.Key.Key_Return)
    w.features.review.show_results.trigger()
    panel._reload()
    model = panel.model
    assert model.answered_count() == 10
    r0, r1 = _row(model, "case-000"), _row(model, "case-001")
    assert model.index(r0, 1).data().startswith("✓ accepted") and "1/1" in model.index(r0, 1).data()
    assert "0/1" in model.index(r0, 2).data()
    assert model.index(r1, 2).data().startswith("✗ rejected")
    green = QColor(model.index(r0, 1).data(Qt.ItemDataRole.BackgroundRole))
    red = QColor(model.index(r1, 2).data(Qt.ItemDataRole.BackgroundRole))
    assert green.green() > green.red() and red.red() > red.green()
    assert "too long" in model.index(r1, 2).data(Qt.ItemDataRole.ToolTipRole)
    stats = model.stats()
    assert stats.per_target["model-a"].acceptance == 1.0
    assert stats.per_target["model-b"].acceptance == 0.5
    assert stats.per_behavior["polite"].judged == 3
    assert "10 of 50 answered" in panel.summary.text()
    assert "acceptance 67%" in panel.summary.text()
    panel.filters["rejected"].setChecked(True)
    assert [model.case_at(r).id for r in range(model.rowCount())] == ["case-001"]
    panel.filters["rejected"].setChecked(False)
    panel.filters["disagrees"].setChecked(True)  # accepted though the check failed
    assert [model.case_at(r).id for r in range(model.rowCount())] == ["case-000"]
    panel.filters["disagrees"].setChecked(False)
    panel.filters["unjudged"].setChecked(True)
    assert [model.case_at(r).id for r in range(model.rowCount())] == \
        ["case-001", "case-002", "case-003", "case-004"]
    # a click on a cell opens its case in the preview
    ix = model.index(2, 1)
    rect = panel.table.visualRect(ix)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert preview.case_id == model.case_at(2).id == "case-003"
    assert w.editor.tabs.currentWidget() is preview


def test_editing_a_case_marks_verdicts_stale_undo_clears(qtbot, review_window) -> None:
    w = review_window
    run_and_wait(qtbot, w, ["case-000"])
    preview = w.features.review.preview
    qtbot.keyClick(preview, Qt.Key.Key_A)
    qtbot.keyClick(preview, Qt.Key.Key_A)
    case = w.doc.session.spec.case("case-000")
    msg: Message = case.messages[0]
    stack = w.doc.undo_stack
    count = stack.count()
    stack.push_command(SetField(msg, "content", msg.content + "!"))
    stack.push_command(SetField(msg, "content", msg.content + "?"))  # typing merges
    assert stack.count() == count + 1
    assert all(r.stale for r in case.responses)
    qtbot.wait(10)
    assert "Stale" in preview.columns[0].verdict.text()
    assert preview.judge_bar.confirm.isEnabled()
    stack.undo()
    assert not any(r.stale for r in case.responses)
    assert msg.content.endswith("refunds**")
    stack.redo()
    assert all(r.stale for r in case.responses)
    qtbot.keyClick(preview, Qt.Key.Key_1)
    qtbot.keyClick(preview, Qt.Key.Key_C)  # keep the verdict: no longer stale
    assert [bool(r.stale) for r in case.responses] == [False, True]
    # a linked behavior's statement changing makes the rest stale again
    behavior = w.doc.session.spec.behavior("polite")
    stack.push_command(SetField(behavior, "statement", "Answer politely and briefly."))
    assert all(r.stale for r in case.responses)


def test_identical_answer_of_a_new_run_shows_carried_verdict(qtbot, review_window) -> None:
    w = review_window
    run_and_wait(qtbot, w, ["case-000"])
    preview = w.features.review.preview
    first_run = w.features.review.controller.last_run_id
    qtbot.keyClick(preview, Qt.Key.Key_A)
    run_and_wait(qtbot, w, ["case-000"])  # the same answers from the cache in a new run
    assert w.features.review.controller.last_run_id != first_run
    qtbot.wait(10)
    # The very answer that was judged: its verdict stands, nothing to confirm (issue 16).
    banner = preview.columns[0].verdict.text()
    assert "Carried forward" not in banner and "Accepted" in banner, banner
    ctl = w.features.review.controller
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=15000):
        assert ctl.start(["case-000"], refresh=True)  # asked again: a new, identical answer
    qtbot.wait(10)
    banner = preview.columns[0].verdict.text()
    assert f"Carried forward from run {first_run}" in banner
    assert "Not judged" in preview.columns[1].verdict.text()
    qtbot.keyClick(preview, Qt.Key.Key_1)
    qtbot.keyClick(preview, Qt.Key.Key_C)  # keep it for the new run
    r = w.doc.session.spec.case("case-000").responses[0]
    assert r.run == w.features.review.controller.last_run_id and r.carried_from == first_run

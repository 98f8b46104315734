"""First-hour fixes of issue 16, driven through the real widgets (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from align_studio.ui.preview.judge_bar import JudgeBar
from align_studio.ui.shell.tab_key import TabKey


def test_a_new_case_is_named_after_its_title(qtbot, opened) -> None:
    cases = opened.editor.cases
    opened.editor.show_tab(TabKey.CASES)
    cases.add_case()
    case = cases.current_case()
    assert case.id == "case-001"  # a placeholder until the title is written
    qtbot.keyClicks(cases.form.title_edit, "Refund asked on day 31!")
    assert case.id == "case-001"  # not renamed per keystroke
    cases.form.title_edit.editingFinished.emit()  # the PM leaves the title field
    qtbot.waitUntil(lambda: case.id == "refund-asked-day-31", timeout=2000)
    assert cases.form.id_edit.text() == "refund-asked-day-31"
    opened.doc.undo_stack.undo()  # the naming is one undo step of its own
    assert case.id == "case-001" and case.title == "Refund asked on day 31!"


def test_an_existing_id_is_never_renamed(qtbot, opened) -> None:
    # Even one that looks automatic: it may be linked from elsewhere (bundles, run history).
    cases = opened.editor.cases
    cases.select_case("c1")
    cases.form.id_edit.setText("case-007")
    case = opened.doc.session.spec.case("case-007")
    assert case is not None
    cases.form.title_edit.setText("A brand new title")
    cases.form.title_edit.editingFinished.emit()
    qtbot.wait(50)
    assert case.id == "case-007"


def test_a_duplicate_is_named_after_the_title_too(opened) -> None:
    cases = opened.editor.cases
    cases.add_case()
    cases.form.title_edit.setText("Late refund")
    cases.form.title_edit.editingFinished.emit()
    QApplication.processEvents()
    cases.duplicate_case()
    ids = [c.id for c in opened.doc.session.spec.cases]
    assert ids[-2:] == ["late-refund", "late-refund-2"]


def test_a_new_behavior_is_named_after_its_statement(qtbot, opened) -> None:
    panel = opened.editor.behaviors
    opened.editor.show_tab(TabKey.BEHAVIORS)
    panel.add_behavior()
    spec = opened.doc.session.spec
    new = next(b for b in spec.behaviors if b.id.startswith("behavior-"))
    panel.form.statement.setPlainText("Never promise a refund date.")
    QApplication.sendEvent(panel.form.statement,
                           QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    qtbot.waitUntil(lambda: new.id == "never-promise-refund-date", timeout=2000)


def test_preference_pickers_never_compare_an_answer_with_itself(qtbot) -> None:
    bar = JudgeBar()
    qtbot.addWidget(bar)
    bar.set_columns(["Only one"])  # a case shown while the spec had one target
    bar.set_columns(["A", "B", "C"])
    assert (bar.left.currentIndex(), bar.right.currentIndex()) == (0, 1)  # was "1 vs 1"

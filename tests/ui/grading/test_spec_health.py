"""Spec health: findings of a bad spec, jumping to them, acknowledging (saved, undoable)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from align_studio.grading.lint import Finding
from align_studio.ui.grading.lint_panel import FINDING_ROLE


def _rows(panel) -> dict[str, list[Finding]]:
    out = {}
    for r in range(panel.model.rowCount()):
        head = panel.model.item(r)
        out[head.text()] = [head.child(c).data(FINDING_ROLE) for c in range(head.rowCount())]
    return out


def test_findings_grouped_with_why_and_fix(qtbot, demo) -> None:
    panel = demo.features.grading.lint
    groups = _rows(panel)
    rules = {f.rule for fs in groups.values() for f in fs}
    assert {"vague-behavior", "behavior-without-case", "refuse-without-look-alike",
            "no-boundary-cases", "case-without-expected"} <= rules
    assert any(title.startswith("Warnings (") for title in groups)
    vague = next(f for f in groups[next(t for t in groups if t.startswith("Warnings"))]
                 if f.rule == "vague-behavior")
    assert vague.path == ("behaviors", 2, "statement")
    tab = demo.editor.tabs.tabText(demo.editor.tabs.indexOf(panel))
    assert tab.startswith("Spec health (")
    # select it: the details say why it matters and how to fix it
    head = panel.model.item(0)
    for c in range(head.rowCount()):
        if head.child(c).data(FINDING_ROLE).rule == "vague-behavior":
            panel.tree.setCurrentIndex(head.child(c).index())
    html = panel.details.toPlainText()
    assert "Why it matters" in html and "How to fix it" in html and vague.fix[:20] in html
    # double-click jumps to the behavior
    panel.tree.doubleClicked.emit(panel.tree.currentIndex())
    assert demo.editor.tabs.currentWidget() is demo.editor.behaviors
    assert demo.editor.behaviors.list.current_row() == 2


def test_acknowledge_writes_yaml_and_undoes(qtbot, demo, workspace: Path) -> None:
    panel = demo.features.grading.lint
    finding = next(f for fs in _rows(panel).values() for f in fs
                   if f.rule == "refuse-without-look-alike")
    panel.acknowledge(finding, "look-alikes live in the shared safety spec")
    acked = _rows(panel)
    assert any(t.startswith("Acknowledged (1)") for t in acked)
    assert all(f.rule != "refuse-without-look-alike" or f.acknowledged
               for fs in acked.values() for f in fs)
    assert demo.isWindowModified()
    demo.save()
    qtbot.waitUntil(lambda: not demo.isWindowModified(), timeout=5000)
    text = (workspace / "demo.yaml").read_text()
    assert "acknowledgments:\n  - rule: refuse-without-look-alike\n" \
           "    where: behavior b-no-dose\n" \
           "    reason: look-alikes live in the shared safety spec\n" in text
    assert text.startswith("# Measuring test spec\n")
    # Undo takes it back; the finding is open again (after the debounce)
    demo.action_registry.undo.trigger()
    assert demo.doc.session.spec.acknowledgments == []
    qtbot.waitUntil(lambda: not any(t.startswith("Acknowledged") for t in _rows(panel)),
                    timeout=3000)
    demo.save()
    qtbot.waitUntil(lambda: not demo.isWindowModified(), timeout=5000)
    assert "acknowledgments" not in (workspace / "demo.yaml").read_text()


def test_findings_follow_edits(qtbot, demo) -> None:
    panel = demo.features.grading.lint
    before = {f.rule for fs in _rows(panel).values() for f in fs}
    assert "vague-behavior" in before
    from align_studio.editing.commands import SetField

    b = demo.doc.session.spec.behaviors[2]
    demo.doc.undo_stack.push_command(SetField(b, "statement", "Greet the customer by name "
                                              "in the first sentence."))
    qtbot.waitUntil(lambda: "vague-behavior" not in
                    {f.rule for fs in _rows(panel).values() for f in fs}, timeout=3000)


def test_judge_dialog_sets_prompt_undoably(qtbot, demo) -> None:
    from align_studio.grading.llm_judge import DEFAULT_JUDGE_PROMPT
    from align_studio.ui.grading.judge_dialog import JudgeDialog

    spec = demo.doc.session.spec
    dlg = JudgeDialog(spec, demo.doc.undo_stack, demo)
    assert dlg.prompt.toPlainText() == DEFAULT_JUDGE_PROMPT
    assert dlg.target.currentData() == "t-b"
    dlg.target.setCurrentIndex(dlg.target.findData("t-a"))
    dlg.prompt.setPlainText("Grade {response} strictly.")
    dlg.accept()
    assert spec.judge.target == "t-a" and spec.judge.prompt == "Grade {response} strictly."
    demo.action_registry.undo.trigger()
    assert spec.judge.target == "t-b" and spec.judge.prompt is None
    # the built-in prompt unchanged is not written into the spec
    dlg = JudgeDialog(spec, demo.doc.undo_stack, demo)
    dlg.accept()
    assert spec.judge.prompt is None
    dlg.close()


def test_menu_and_tabs(qtbot, demo) -> None:
    titles = [t for t, _ in demo.action_registry.menus]
    assert "&Grading" in titles and titles[-1] == "&Help"
    demo.features.grading.show_measures.trigger()
    assert demo.editor.tabs.currentWidget() is demo.features.grading.measures
    qtbot.keyClick(demo, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert demo.editor.tabs.currentWidget() is demo.features.grading.lint


def test_acknowledge_button_asks_for_a_reason(qtbot, demo) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    panel = demo.features.grading.lint
    head = panel.model.item(0)
    panel.tree.setCurrentIndex(head.child(0).index())
    finding = panel.current_finding()
    asked: list[str] = []

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        asked.append(dlg.labelText())
        dlg.setTextValue("  known and accepted  ")
        dlg.accept()

    QTimer.singleShot(20, answer)
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    assert asked and finding.message in asked[0]
    ack = demo.doc.session.spec.acknowledgments[-1]
    assert (ack.rule, ack.where, ack.reason) == (finding.rule, finding.where,
                                                 "known and accepted")
    assert ack.by and ack.time is not None
    # an empty reason acknowledges nothing
    panel.tree.setCurrentIndex(panel.model.item(0).child(0).index())

    def cancel() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QInputDialog):
            QTimer.singleShot(20, cancel)
            return
        dlg.setTextValue("   ")
        dlg.accept()

    QTimer.singleShot(20, cancel)
    panel.acknowledge_current()
    assert len(demo.doc.session.spec.acknowledgments) == 1

"""A PM adds, edits, renames and removes behaviors; the table follows; YAML is exact."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from align_studio.ui.shell.tab_key import TabKey
from align_studio.ui.spec.list_model import OBJECT_ROLE


def test_add_behavior_type_tab_and_save(qtbot, opened, workspace: Path) -> None:
    w = opened
    path = workspace / "support.yaml"
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.editor.tabs.currentWidget() is w.editor.behaviors
    panel = w.editor.behaviors
    panel.list.select_row(1)
    qtbot.mouseClick(panel.list.add_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 3 and panel.list.current_row() == 2
    assert QApplication.focusWidget() is panel.form.statement
    qtbot.keyClicks(panel.form.statement, "Answer in the customer's language.")
    qtbot.keyClick(panel.form.statement, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.form.kind
    panel.form.kind.setCurrentIndex(panel.form.kind.findText("tone"))
    panel.form.kind.activated.emit(panel.form.kind.currentIndex())
    idx = panel.model.index(2, 3)
    assert idx.data() == "Answer in the customer's language."
    assert panel.model.index(2, 1).data() == "tone"
    assert panel.model.index(2, 0).data(OBJECT_ROLE) is w.doc.session.spec.behaviors[2]
    qtbot.keyClick(w.editor.tabs, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not w.isWindowModified(), timeout=5000)
    text = path.read_text()
    # named after its statement once the PM tabbed out of it (issue 16)
    assert ("  - id: answer-customers-language\n    kind: tone\n"
            "    statement: Answer in the customer's language.\n") in text
    assert text.startswith("# Support assistant spec — edited by hand too\n")


def test_rename_updates_links_and_undo(qtbot, opened, workspace: Path) -> None:
    w = opened
    panel = w.editor.behaviors
    w.editor.show_tab(TabKey.BEHAVIORS)
    panel.list.select_row(1)
    form = panel.form
    form.id.setFocus()
    form.id.end(False)
    qtbot.keyClicks(form.id, "s")
    spec = w.doc.session.spec
    assert spec.behaviors[1].id == "refunds" and spec.cases[0].behaviors == ["refunds"]
    assert w.doc.undo_stack.count() == 1
    w.doc.undo_stack.undo()
    assert spec.behaviors[1].id == "refund" and spec.cases[0].behaviors == ["refund"]
    assert form.id.text() == "refund" and not w.isWindowModified()


def test_remove_and_move_keep_selection(qtbot, opened, answer) -> None:
    w = opened
    panel = w.editor.behaviors
    w.editor.show_tab(TabKey.BEHAVIORS)
    panel.list.select_row(1)
    qtbot.mouseClick(panel.list.up_button, Qt.MouseButton.LeftButton)
    spec = w.doc.session.spec
    assert [b.id for b in spec.behaviors] == ["refund", "no-pii"]
    assert panel.list.current_row() == 0 and panel.form.id.text() == "refund"
    found: list[str] = []
    answer("Yes", found)
    panel.remove_selected()
    assert "1 case link it" in found[0]
    assert [b.id for b in spec.behaviors] == ["no-pii"] and spec.cases[0].behaviors == []
    w.doc.undo_stack.undo()
    assert spec.cases[0].behaviors == ["refund"] and len(spec.behaviors) == 2


def test_empty_state_teaches_and_adds(qtbot, window, workspace: Path) -> None:
    w = window
    assert w.center.currentWidget() is w.empty
    assert "Pick a spec on the left or create one with Ctrl+N" in w.empty.text.text()
    assert w.open_spec(workspace / "blank.yaml")
    panel = w.editor.behaviors
    w.editor.show_tab(TabKey.BEHAVIORS)
    assert panel.currentWidget() is panel.empty
    assert "A behavior is one rule" in panel.empty.text.text()
    qtbot.mouseClick(panel.empty.button, Qt.MouseButton.LeftButton)
    assert panel.currentWidget() is panel.list and panel.model.rowCount() == 1
    w.doc.undo_stack.undo()
    assert panel.currentWidget() is panel.empty


def test_targets_form_and_params(qtbot, opened, workspace: Path) -> None:
    w = opened
    w.editor.show_tab(TabKey.TARGETS)
    panel = w.editor.targets
    assert panel.form.model.text() == "llama3"
    panel.form.model.setFocus()
    panel.form.model.selectAll()
    qtbot.keyClicks(panel.form.model, "qwen2.5:7b")
    pm = panel.form.params_model
    panel.form._add_param()
    assert pm.rowCount() == 1 and pm.index(0, 0).data() == "temperature"
    assert pm.setData(pm.index(0, 1), "0.2")
    assert w.doc.session.spec.targets[0].params == {"temperature": 0.2}
    w.save()
    qtbot.waitUntil(lambda: not w.isWindowModified(), timeout=5000)
    text = (workspace / "support.yaml").read_text()
    assert "model: qwen2.5:7b" in text and "temperature: 0.2" in text

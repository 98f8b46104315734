"""A PM types into the Overview form, undoes, redoes and saves with the keyboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from align_studio.ui.workspace.model import MODIFIED_ROLE


def _ctrl(qtbot, key, shift: bool = False) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    if shift:
        mods |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), key, mods)


def test_type_tab_undo_redo_save(qtbot, opened, workspace: Path) -> None:
    w = opened
    path = workspace / "support.yaml"
    before = path.read_text().splitlines(keepends=True)
    ov = w.editor.overview
    ov.title.setFocus()
    ov.title.end(False)
    qtbot.keyClicks(ov.title, " bot")
    assert w.doc.session.spec.title == "Support assistant bot"
    assert w.isWindowModified()
    row = w.workspace_panel.model.row_of(path)
    assert w.workspace_panel.model.index(row).data(MODIFIED_ROLE)
    qtbot.keyClick(ov.title, Qt.Key.Key_Tab)  # → Id
    assert QApplication.focusWidget() is ov.id
    qtbot.keyClick(ov.id, Qt.Key.Key_Tab)  # → Product
    assert QApplication.focusWidget() is ov.product
    qtbot.keyClicks(ov.product, "Shop help")
    assert w.action_registry.undo.text().replace("&", "") == "Undo Edit product"
    _ctrl(qtbot, Qt.Key.Key_Z)
    assert w.doc.session.spec.product is None and ov.product.text() == ""
    _ctrl(qtbot, Qt.Key.Key_Z)
    assert w.doc.session.spec.title == "Support assistant" and not w.isWindowModified()
    _ctrl(qtbot, Qt.Key.Key_Z, shift=True)
    _ctrl(qtbot, Qt.Key.Key_Z, shift=True)
    assert ov.product.text() == "Shop help" and ov.title.text() == "Support assistant bot"
    _ctrl(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: not w.isWindowModified(), timeout=5000)
    after = path.read_text().splitlines(keepends=True)
    assert "title: Support assistant bot\n" in after and "product: Shop help\n" in after
    # Every other line, comments included, is byte-identical.
    assert [x for x in after if x not in ("title: Support assistant bot\n",
                                          "product: Shop help\n")] == \
        [x for x in before if x != "title: Support assistant\n"]
    assert not w.workspace_panel.model.index(row).data(MODIFIED_ROLE)


def test_system_prompt_and_inline_problem(qtbot, opened, workspace: Path) -> None:
    w = opened
    ov = w.editor.overview
    ov.title.setFocus()
    ov.title.selectAll()
    qtbot.keyClick(ov.title, Qt.Key.Key_Backspace)
    w.editor.refresh_problems()
    title_problem = ov.binder._problems["title"]
    assert title_problem.isVisibleTo(w) and "no title" in title_problem.text.text()
    assert "no title" in w.editor.problems_panel.header.text() or \
        w.editor.problems_panel.model.rowCount() == 1
    qtbot.keyClicks(ov.title, "Support")
    ov.system_prompt.setFocus()
    ov.system_prompt.moveCursor(ov.system_prompt.textCursor().MoveOperation.End)
    qtbot.keyClicks(ov.system_prompt, "Be brief.")
    w.editor.refresh_problems()
    assert not title_problem.isVisibleTo(w)
    w.save()
    qtbot.waitUntil(lambda: not w.isWindowModified(), timeout=5000)
    text = (workspace / "support.yaml").read_text()
    assert "You are a helpful support assistant.\n  Be brief." in text
    assert "title: Support\n" in text and "# the most important rule" in text

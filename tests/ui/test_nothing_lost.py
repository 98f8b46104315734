"""Nothing lost: external changes reload or ask, saves never overwrite silently, closing
asks, and the recovery journal follows the unsaved edits."""

from __future__ import annotations

import os
import time
from pathlib import Path

from align_studio.editing import SetField
from align_studio.editing.journal import journal_path
from align_studio.ui.shell.tab_key import TabKey


def _touch_externally(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    tmp = path.with_name(".editor-tmp")
    tmp.write_text(text.replace(old, new, 1))
    os.replace(tmp, path)  # like an editor that replaces the file


def test_clean_spec_reloads_quietly_keeping_selection(qtbot, opened, workspace: Path) -> None:
    w = opened
    w.editor.show_tab(TabKey.BEHAVIORS)
    w.editor.behaviors.list.select_row(1)
    _touch_externally(workspace / "support.yaml", "Explain the refund", "Always explain the refund")
    qtbot.waitUntil(lambda: w.doc.session.spec.behaviors[1].statement.startswith("Always"),
                    timeout=5000)
    assert w.editor.behaviors.list.current_row() == 1
    assert w.editor.behaviors.form.statement.toPlainText().startswith("Always")
    assert not w.isWindowModified()


def test_dirty_spec_asks_keep_mine_then_forced_save(qtbot, opened, workspace: Path,
                                                    answer) -> None:
    w = opened
    path = workspace / "support.yaml"
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Mine"))
    found: list[str] = []
    answer("Keep mine", found)
    _touch_externally(path, "version: 1", "version: 3")
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    assert "changed outside Align Studio" in found[0]
    assert w.doc.session.spec.title == "Mine"
    w.save()
    qtbot.waitUntil(lambda: not w.isWindowModified(), timeout=5000)
    assert "title: Mine\n" in path.read_text()


def test_save_conflict_reload_loses_mine(qtbot, opened, workspace: Path, answer) -> None:
    w = opened
    path = workspace / "support.yaml"
    w.doc.watcher.stop()  # the save, not the watcher, must notice this time
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Mine"))
    path.write_text(path.read_text().replace("title: Support assistant", "title: Theirs"))
    found: list[str] = []
    answer("Reload (lose mine)", found)
    w.save()
    qtbot.waitUntil(lambda: w.doc.session.spec.title == "Theirs", timeout=5000)
    assert found and not w.isWindowModified()
    assert "title: Theirs\n" in path.read_text()


def test_diff_shows_disk_against_mine(opened) -> None:
    from align_studio.editing.unsaved import unified_diff

    w = opened
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Mine"))
    diff = unified_diff(w.doc.spec_file, w.doc.spec_file.snapshot())
    assert "-title: Support assistant" in diff and "+title: Mine" in diff


def test_journal_follows_unsaved_edits(qtbot, opened, workspace: Path) -> None:
    w = opened
    journal = journal_path(workspace / ".align-studio", workspace / "support.yaml")
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Draft"))
    started = time.monotonic()
    qtbot.waitUntil(journal.exists, timeout=4000)
    assert time.monotonic() - started <= 2.5
    assert '"title": "Draft"' in journal.read_text()
    w.save()
    qtbot.waitUntil(lambda: not journal.exists(), timeout=4000)


def test_close_asks_save_discard_cancel(qtbot, opened, workspace: Path, answer) -> None:
    w = opened
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Unsaved"))
    answer("Cancel")
    assert not w.close_spec() and w.doc is not None
    answer("Save")
    assert w.close_spec() and w.doc is None
    assert "title: Unsaved\n" in (workspace / "support.yaml").read_text()
    assert w.open_spec(workspace / "support.yaml")
    w.doc.undo_stack.push_command(SetField(w.doc.session.spec, "title", "Gone"))
    answer("Discard")
    assert w.open_spec(workspace / "blank.yaml")
    assert "Gone" not in (workspace / "support.yaml").read_text()
    assert not journal_path(workspace / ".align-studio", workspace / "support.yaml").exists()


def test_shortcuts_dialog_lists_every_shortcut(opened) -> None:
    from align_studio.ui.shell.shortcuts_dialog import ShortcutsDialog, shortcut_rows

    w = opened
    rows = shortcut_rows(w.action_registry.by_menu())
    names = {r[1] for r in rows}
    assert {"Save", "New Spec", "Settings", "Keyboard Shortcuts", "Add Behavior"} <= names
    assert any(r[2] == "Ctrl+S" for r in rows)
    dialog = ShortcutsDialog(w.action_registry.by_menu(), w)
    assert "Ctrl+Shift+Z" in dialog.table.text()
    dialog.deleteLater()


def test_controls_have_accessible_names(opened) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

    w = opened
    for panel in (w.editor.overview, w.editor.behaviors, w.editor.targets):
        for cls in (QLineEdit, QPlainTextEdit, QComboBox):
            for widget in panel.findChildren(cls):
                if widget.objectName().startswith("qt_") or isinstance(widget.parent(),
                                                                      QComboBox):
                    continue  # Qt's own parts: the line edit inside a spin box or combo
                assert widget.accessibleName(), f"{cls.__name__} without a name in {panel}"

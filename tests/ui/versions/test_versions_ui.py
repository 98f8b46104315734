"""Save Version, the History tab (open read-only, compare two, restore) in the real window,
on a real git repository made in a temporary copy of the example workspace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from align_studio.editing.commands import SetField
from align_studio.ui.versions.save_dialog import SaveVersionDialog
from align_studio.versions import WorkspaceRepo, history
from tests.ui.versions.modal import when_modal


def _save_version(qtbot, window, message: str, answer_unsaved: bool = False) -> object:
    versions = window.features.versions
    if answer_unsaved:
        when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Save).click())

    def fill(dialog: SaveVersionDialog) -> None:
        dialog.message.setPlainText(message)
        dialog.accept()

    seen = when_modal(SaveVersionDialog, fill)
    with qtbot.waitSignal(versions.sig_version_saved, timeout=15000) as blocker:
        versions.save_version.trigger()
    assert seen, "the Save Version dialog did not appear"
    return blocker.args[0]


def _history_loaded(qtbot, window) -> object:
    panel = window.features.versions.history
    with qtbot.waitSignal(panel.sig_loaded, timeout=10000):
        window.features.versions.show_history.trigger()
    return panel


def test_save_versions_compare_open_and_restore(qtbot, window, spec: Path) -> None:
    window.settings.setValue("user/author", "Ana Product")
    assert window.open_spec(spec)
    doc = window.doc
    first_number = doc.session.spec.version

    v1 = _save_version(qtbot, window, "First shared version")
    assert v1.spec_version == first_number and v1.author == "Ana Product"

    # an unsaved edit: Save Version offers to save it first, then bumps the number
    doc.undo_stack.push_command(SetField(doc.session.spec, "title", "Northwind help chat"))
    assert doc.is_modified()
    v2 = _save_version(qtbot, window, "Friendlier title", answer_unsaved=True)
    assert v2.spec_version == first_number + 1
    assert not window.doc.is_modified()
    assert window.editor.overview.version.value() == first_number + 1  # the Overview updates
    with WorkspaceRepo.for_file(spec) as repo:
        assert [v.title for v in history(repo, spec)] == ["Friendlier title",
                                                          "First shared version"]

    panel = _history_loaded(qtbot, window)
    assert window.editor.tabs.currentWidget() is panel
    assert panel.model.rowCount() == 2
    assert panel.model.index(0, 0).data() == f"v{first_number + 1}"
    assert panel.model.index(0, 2).data() == "Ana Product"
    assert panel.model.index(1, 3).data() == "First shared version"

    # compare the two: the title change and the new changelog line, readable
    panel.select_rows(0, 1)
    assert panel.compare_button.isEnabled()
    with qtbot.waitSignal(panel.sig_compared, timeout=10000):
        panel.compare_button.click()
    text = panel.diff_view.toPlainText()
    assert "Northwind support chat" in text and "Northwind help chat" in text
    assert "Friendlier title" in text  # the changelog entry
    assert f"version {first_number}" in text and f"version {first_number + 1}" in text

    # open the old version read-only
    panel.select_rows(1)
    viewers = window.features.versions.viewers
    panel.open_button.click()
    qtbot.waitUntil(lambda: len(viewers) == 1, timeout=10000)
    assert viewers[0].text.isReadOnly()
    assert "title: Northwind support chat" in viewers[0].text.toPlainText()
    viewers[0].close()

    # restore it (confirmed) as a new version; the open spec reloads
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    with qtbot.waitSignal(window.features.versions.sig_version_saved, timeout=15000) as blocker:
        panel.restore_button.click()
    v3 = blocker.args[0]
    assert v3.spec_version == first_number + 2
    assert window.doc.session.spec.title == "Northwind support chat"
    assert window.doc.session.spec.version == first_number + 2
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10000)
    assert panel.model.index(0, 3).data().startswith(f"Restored version {first_number}")


def test_nothing_to_save_and_a_damaged_version_is_marked(qtbot, window, spec: Path) -> None:
    window.settings.setValue("user/author", "Ana")
    assert window.open_spec(spec)
    _save_version(qtbot, window, "Only version")
    # a second save with no change says so and changes nothing
    when_modal(SaveVersionDialog, lambda d: (d.message.setPlainText("again"), d.accept()))
    when_modal(QMessageBox, lambda box: box.accept())
    with qtbot.waitSignal(window.features.versions.sig_failed, timeout=10000) as blocker:
        window.features.versions.save_version.trigger()
    assert "has not changed" in blocker.args[0]

    # damage the stored copy of the version: History lists it with a problem mark
    with WorkspaceRepo.for_file(spec) as repo:
        blob = history(repo, spec)[0].blob
        obj = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"not zlib at all")
    cache = spec.parent / ".align-studio" / "cache" / "versions-cache.json"
    cache.unlink(missing_ok=True)
    panel = _history_loaded(qtbot, window)
    assert panel.model.rowCount() == 1
    assert "cannot be read" in panel.model.index(0, 0).data(3)  # ToolTipRole
    assert panel.model.index(0, 0).data(1) is not None  # DecorationRole: the warning icon
    assert "cannot be opened" in panel.status.text()
    panel.select_rows(0)
    assert not panel.open_button.isEnabled() and not panel.restore_button.isEnabled()

"""The target form: picking a provider profile from the list edits the target (undoably)."""

from __future__ import annotations

from align_studio.ui.shell.tab_key import TabKey


def test_choosing_a_provider_from_the_list_sets_it_and_undo_restores(qtbot, opened) -> None:
    w = opened
    w.editor.show_tab(TabKey.TARGETS)
    form = w.editor.targets.form
    target = w.doc.session.spec.targets[0]
    assert target.provider == "local" and form.provider.currentText() == "local"
    form.provider.addItem("cloud")  # as if a profile named so were set up in Settings
    form.provider.setCurrentIndex(form.provider.findText("cloud"))
    form.provider.activated.emit(form.provider.currentIndex())  # what a click in the list does
    assert w.doc.session.spec.targets[0].provider == "cloud"
    assert w.isWindowModified()
    w.doc.undo_stack.undo()
    assert w.doc.session.spec.targets[0].provider == "local"
    assert form.provider.currentText() == "local"

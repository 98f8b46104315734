"""File → Sync in the real window: set a remote (a bare repository in tmp_path), push, and a
pull whose overlapping edit is settled in the merge dialog; the open spec reloads."""

from __future__ import annotations

from pathlib import Path

from dulwich.repo import Repo
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from align_studio.editing.commands import SetField
from align_studio.storage.specfile import SpecFile
from align_studio.ui.versions.merge_dialog import MergeDialog
from align_studio.ui.versions.remote_dialog import RemoteDialog
from align_studio.versions import WorkspaceRepo, clone, history, push, save_version
from align_studio.versions.remote import remote_url
from tests.ui.versions.modal import when_modal


def test_set_remote_push_and_pull_with_a_conflict(qtbot, window, spec: Path,
                                                  tmp_path: Path) -> None:
    bare = tmp_path / "remote.git"
    Repo.init_bare(str(bare), mkdir=True, default_branch=b"main").close()
    window.settings.setValue("user/author", "Ana")
    sync = window.features.versions.sync
    save_version(spec, "First version", "Ana")

    def fill(dialog: RemoteDialog) -> None:
        dialog.url.setText(str(bare))
        dialog.accept()

    when_modal(RemoteDialog, fill)
    sync.set_remote_action.trigger()
    qtbot.waitUntil(lambda: "Remote set" in window.statusBar().currentMessage(), timeout=10000)
    with WorkspaceRepo.open(spec.parent) as repo:
        assert remote_url(repo) == str(bare)

    with qtbot.waitSignal(sync.sig_synced, timeout=15000) as pushed:
        sync.push_action.trigger()
    assert pushed.args[0].startswith("Pushed")

    # a teammate changes the title and pushes
    other = clone(str(bare), str(tmp_path / "ben"))
    theirs = other.workspace / spec.name
    sf = SpecFile.load(theirs)
    sf.spec.title = "Ben's title"
    sf.save()
    save_version(theirs, "Ben renames", "Ben")
    push(other)
    other.close()

    # here, the same title edited in the app (unsaved): Pull offers to save, then conflicts
    assert window.open_spec(spec)
    doc = window.doc
    doc.undo_stack.push_command(SetField(doc.session.spec, "title", "Ana's title"))
    when_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Save).click())
    shown: list[MergeDialog] = []

    def choose(dialog: MergeDialog) -> None:
        shown.append(dialog)
        assert len(dialog.boxes) == 1
        assert not dialog.complete.isEnabled()  # every conflict needs a choice
        box = dialog.boxes[0]
        texts = [w.toPlainText() for w in box.findChildren(QPlainTextEdit)]
        assert {"Northwind support chat", "Ana's title", "Ben's title"} <= set(texts)
        box.theirs.click()
        assert dialog.complete.isEnabled()
        dialog.complete.click()

    when_modal(MergeDialog, choose)
    with qtbot.waitSignal(sync.sig_pulled, timeout=20000) as pulled:
        sync.pull_action.trigger()
    assert shown, "the merge dialog did not appear"
    # the only local change was the (saved, unversioned) title: taking theirs leaves a
    # fast-forward to the teammate's version
    assert pulled.args[0].startswith(("Updated", "Merged")), pulled.args[0]
    assert window.doc.session.spec.title == "Ben's title"  # the open spec reloaded
    assert not window.doc.is_modified()
    assert SpecFile.load(spec).spec.title == "Ben's title"
    assert "<<<<<<<" not in spec.read_text()
    with WorkspaceRepo.open(spec.parent) as repo:
        assert history(repo, spec)[0].message == "Ben renames"

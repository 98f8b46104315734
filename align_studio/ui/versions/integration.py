"""Versions in the main window: Spec → Save Version…, the History tab, restore, and sync.

:func:`install` creates one :class:`VersionsIntegration` per window after its first
paint. Nothing here imports dulwich until a version is saved, listed or synced (:mod:`ops` and
:mod:`sync_controller` import the versions core when they run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from align_studio.ui.exchange.job import run_off_gui
from align_studio.ui.exchange.menus import make_action
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey
from align_studio.ui.versions import ops
from align_studio.ui.versions.history_panel import HistoryPanel
from align_studio.ui.versions.save_dialog import SaveVersionDialog
from align_studio.ui.versions.sync_controller import SyncController
from align_studio.ui.versions.version_view import VersionViewDialog
from align_studio.versions import NothingToSave

if TYPE_CHECKING:
    from align_studio.ui.shell.context import AppContext
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor

AUTHOR_KEY = "user/author"


class VersionsIntegration(QObject):
    """Owns the versions actions and the History tab of the open spec."""

    sig_version_saved = Signal(object)
    """A version was saved or restored (the :class:`Version`), and the spec reloaded."""
    sig_failed = Signal(str)
    """A versions operation failed; the message shown to the PM."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.window = w = ctx.window  # the parent of the dialogs
        self.history: HistoryPanel | None = None
        self.viewers: list[QDialog] = []
        self.busy = False
        self.save_version = make_action(w, "Save &Version…", ["Ctrl+Alt+S"], "save",
                                        "Save the spec as a new version with a message")
        self.show_history = make_action(w, "&History", ["Ctrl+Alt+H"], "diff",
                                        "The saved versions of the spec; compare and restore")
        self.save_version.triggered.connect(self.save_new_version)
        self.show_history.triggered.connect(self.open_history)
        registry = ctx.action_registry
        spec_menu = registry.menu("&Spec")
        spec_menu.addSeparator()
        spec_menu.addAction(self.save_version)
        spec_menu.addAction(self.show_history)
        registry.list_in("&Spec", [self.save_version, self.show_history])
        registry.spec_actions.extend([self.save_version, self.show_history])
        for a in (self.save_version, self.show_history):
            a.setEnabled(ctx.doc is not None)
        self.sync = SyncController(ctx, self.ensure_saved, self.author)
        file_menu = registry.menu("&File")
        file_menu.insertMenu(registry.settings, self.sync.menu)
        file_menu.insertSeparator(registry.settings)
        self.sync.sig_pulled.connect(lambda _m: self._after_change())
        ctx.add_open_step(self.attach)

    # ---- the History tab -------------------------------------------------------------
    def attach(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the History tab to the editor of the spec just opened."""
        panel = HistoryPanel(doc.path, self.ctx.workspace, self.ctx.runner, editor)
        panel.sig_open_requested.connect(self.open_version)
        panel.sig_restore_requested.connect(self.restore)
        editor.add_tab(TabKey.HISTORY, panel, icon("diff"))
        self.history = panel
        panel.destroyed.connect(lambda *_: self._forget(panel))

        def shown(index: int) -> None:
            if editor.tabs.widget(index) is panel:
                panel.refresh()

        editor.tabs.currentChanged.connect(shown)

    def _forget(self, panel: object) -> None:
        if self.history is panel:
            self.history = None

    def open_history(self) -> None:
        """Show the History tab of the open spec."""
        editor = self.ctx.editor
        if editor is not None and self.history is not None:
            if editor.tabs.currentWidget() is self.history:
                self.history.refresh()
            editor.show_tab(TabKey.HISTORY)

    # ---- saving ----------------------------------------------------------------------
    def author(self, ask: bool = True) -> str:
        """The author name from Settings; asked once (and remembered) when it is missing."""
        name = str(self.ctx.settings.value(AUTHOR_KEY, "", str) or "").strip()
        if name or not ask:
            return name
        name, ok = QInputDialog.getText(self.window, "Your name", "Your name, written on "
                                        "the versions you save (change it in Settings):")
        name = name.strip() if ok else ""
        if name:
            self.ctx.settings.setValue(AUTHOR_KEY, name)
        return name

    def ensure_saved(self, doing: str) -> bool:
        """Offer to save unsaved edits first; False when the PM declines or saving fails."""
        doc = self.ctx.doc
        if doc is None or not doc.is_modified():
            return True
        answer = QMessageBox.question(
            self.window, doing, f"{doc.path.name} has unsaved edits. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return answer == QMessageBox.StandardButton.Save and doc.save_and_wait()

    def save_new_version(self) -> None:
        """Spec → Save Version…: ask for a message, then commit off the GUI thread."""
        doc = self.ctx.doc
        if doc is None or self.busy or not self.ensure_saved("Save Version"):
            return
        dialog = SaveVersionDialog(doc.path.name, doc.session.spec.version,
                                   self.author(ask=False), self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        message, author = dialog.values()
        if not self.author(ask=False):
            self.ctx.settings.setValue(AUTHOR_KEY, author)
        path, ws, ops = doc.path, self.ctx.workspace, _ops()
        self._run(f"Saving a version of {path.name}…",
                  lambda: ops.save(path, ws, message, author), "Save Version")

    def restore(self, commit: str, label: str) -> None:
        """Restore a version (after confirming) as a new version."""
        doc = self.ctx.doc
        if doc is None or self.busy or not self.ensure_saved("Restore Version"):
            return
        answer = QMessageBox.question(
            self.window, "Restore Version",
            f"Restore {label} of {doc.path.name}?\n\nIts content becomes a new version; "
            "the versions in between stay in the history.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return
        author = self.author()
        if not author:
            return
        path, ws, ops = doc.path, self.ctx.workspace, _ops()
        self._run(f"Restoring {label} of {path.name}…",
                  lambda: ops.restore(path, ws, commit, author), "Restore Version")

    def open_version(self, commit: str, label: str) -> None:
        """Open one version read-only in a window of its own."""
        doc = self.ctx.doc
        if doc is None:
            return
        path, ws, ops = doc.path, self.ctx.workspace, _ops()

        def show(text: Any) -> None:
            viewer = VersionViewDialog(path.name, label, text.text, self.window)
            self.viewers.append(viewer)
            viewer.finished.connect(lambda _r: self.viewers.remove(viewer))
            viewer.show()

        run_off_gui(self.ctx.runner, lambda: ops.open_version(path, ws, commit), show,
                    lambda e: self._failed("Open Version", e), lane="versions")

    # ---- running ---------------------------------------------------------------------
    def _run(self, message: str, work: Any, title: str) -> None:
        self.busy = True
        self.ctx.status(message)
        run_off_gui(self.ctx.runner, work, self._saved, lambda e: self._failed(title, e),
                    lane="versions")

    def _saved(self, version: Any) -> None:
        self.busy = False
        self._after_change()
        self.ctx.status(
            f"Saved version {version.spec_version} ({version.short}): {version.title}", 8000)
        self.sig_version_saved.emit(version)

    def _after_change(self) -> None:
        doc = self.ctx.doc
        if doc is not None:
            if doc.is_modified():
                doc.check_disk()
            else:
                doc.reload()
        self.ctx.rescan(select=doc.path if doc else None)
        if self.history is not None:
            self.history.refresh()

    def _failed(self, title: str, exc: BaseException) -> None:
        self.busy = False
        self.ctx.clear_status()
        if isinstance(exc, NothingToSave):
            QMessageBox.information(self.window, title, f"{exc}.")
        else:
            QMessageBox.warning(self.window, title, f"{exc}")
        self.sig_failed.emit(str(exc))


def _ops() -> Any:
    # Imported on the GUI thread, never first in a worker: an import in a worker thread
    # races PySide's import hook (seen as crashes with matplotlib).

    return ops


def install(ctx: AppContext) -> VersionsIntegration:
    """Add versions and sync to the window of ``ctx``."""
    return VersionsIntegration(ctx)

"""The main window: assembles the workspace browser, the spec editor and the actions.

The features (Preview and Results, measuring, hand-over, versions) are installed after the
first paint from the list in :mod:`align_studio.ui.shell.features`; each is given the window's
:class:`~align_studio.ui.shell.context.AppContext` and none imports this module.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QUndoGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

# This module is on the way to the first paint, so what the first paint does not need is
# imported after it, where it is used (the start-up budget: bench_startup allows 1.5 × a
# bare window's start, ~0.2-0.4 s on a busy 2-core machine, and the app was at 1.1-1.46).
# Measured (python, after this module; median of 3): icons 8 ms, undo_keys 7, empty_state
# 38, recovery_dialog 9, editing.journal 25, editing.preview 17, diff_dialog 8,
# settings_dialog 13, shortcuts_dialog 2, about 12, workspace_ops ~300 (it brings domain
# and storage, pydantic), the features ~0.9 s.
from align_studio.ui.shell import layout_memory
from align_studio.ui.shell.actions import Actions
from align_studio.ui.shell.context import AppContext
from align_studio.ui.shell.gc_policy import collect_after_close
from align_studio.ui.shell.tab_key import TabKey
from align_studio.ui.shell.tasks import TaskRunner
from align_studio.ui.workspace.opening import SpecOpener
from align_studio.ui.workspace.panel import WorkspacePanel

if TYPE_CHECKING:
    from align_studio.editing.journal import Recovery
    from align_studio.ui.shell.empty_state import EmptyState
    from align_studio.ui.shell.features import Features
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor


#: The Qt-free layers under the editor and the features (pydantic models, httpx, dulwich,
#: SQLite): ~0.6 s of imports, some of it in single calls that hold the GIL ~150 ms
#: (pydantic building a model's validator). After the first paint they load in one
#: background task, so no turn of the GUI thread waits for them; a core module defines no
#: Qt class (tests/test_layering.py), so nothing Qt is imported off the GUI thread.
CORE_AFTER_FIRST_PAINT = (
    "align_studio.storage", "align_studio.editing.journal", "align_studio.review.live",
    "align_studio.review.estimate", "align_studio.runs.process",
    "align_studio.providers.connection", "align_studio.grading.llm_judge",
    "align_studio.grading.lint", "align_studio.grading.drift", "align_studio.versions",
    "align_studio.exchange.promptfoo_import", "align_studio.exchange.promptfoo_export",
    "align_studio.exchange.training", "align_studio.exchange.tabular",
    "align_studio.exchange.logs_inbox", "align_studio.exchange.bundle_import",
)
#: Then the UI modules, on the GUI thread, one per turn of the event loop (~10-35 ms each
#: once the core is loaded), so the first opened spec finds them loaded (bench_large_spec).
UI_AFTER_FIRST_PAINT = (
    "align_studio.ui.spec.behaviors_panel", "align_studio.ui.cases.panel",
    "align_studio.ui.spec.editor", "align_studio.ui.preview.integration",
    "align_studio.ui.grading.integration", "align_studio.ui.exchange.integration",
    "align_studio.ui.versions.integration",
)


def import_core() -> None:
    """Import :data:`CORE_AFTER_FIRST_PAINT` (a background task: no Qt module among them)."""
    for name in CORE_AFTER_FIRST_PAINT:
        importlib.import_module(name)


class MainWindow(QMainWindow):
    """Align Studio's window. It only assembles panels and routes actions."""

    sig_spec_opened = Signal(Path)
    """A spec was opened in the editor."""
    sig_ready = Signal()
    """The workspace was scanned and pending recoveries were offered."""

    def __init__(self, workspace: Path, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = TaskRunner(self)
        self._session_keys: object | None = None
        self.undo_group = QUndoGroup(self)
        # Not ``self.actions``: that would hide QWidget.actions().
        self.action_registry = a = Actions(self, self.undo_group)
        a.build_menus()
        self.workspace_panel = WorkspacePanel(self.runner, [a.new_spec, a.duplicate, a.rename,
                                                            a.delete], self)
        self.workspace_panel.sig_spec_activated.connect(self.request_open)
        #: What the features are given (the open spec, the workspace, the runner…).
        self.ctx = AppContext(self, settings, self.runner, a, self.workspace_panel,
                              workspace.resolve(), self.open_spec, self.show_settings)
        #: The installed features, once start() has installed them.
        self.features: Features | None = None
        # Specs load on a worker (issue 4); the features' steps run after each opening.
        self.opener = SpecOpener(self, self.runner, self.ctx.open_steps)
        self.opener.sig_opened.connect(self._spec_ready)
        self.opener.sig_finished.connect(
            lambda _r, ok: ok or self.doc or self.opener.busy() or self._show_empty())
        self.center = QStackedWidget(self)
        self.empty: EmptyState | None = None  # "No spec open", built after the first paint
        # By keyword: a positional widget makes PySide weigh the (Qt.Orientation, parent)
        # overload, which builds the whole ``Qt`` namespace (~18 ms) before the first paint.
        self.splitter = QSplitter(parent=self)  # horizontal
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.workspace_panel)
        self.splitter.addWidget(self.center)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 920])
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage("Ready")
        self._connect_actions()
        layout_memory.restore_window(self, settings, self.splitter)
        self._update_title()

    # ---- what the context holds ----------------------------------------------------------
    @property
    def doc(self) -> SpecDocument | None:
        """The open spec's document."""
        return self.ctx.doc

    @property
    def editor(self) -> SpecEditor | None:
        """The open spec's editor."""
        return self.ctx.editor

    @property
    def workspace(self) -> Path:
        """The folder of specs shown."""
        return self.ctx.workspace

    # ---- start-up ------------------------------------------------------------------------
    def start(self) -> None:
        """After the first paint: the icons, then the features and the editor's modules one
        per turn of the event loop, then the features' menus, the workspace listing and the
        offer of pending recoveries."""
        from align_studio.ui.shell.undo_keys import UndoKeysFilter  # after the first paint: 7 ms

        self._add_icons()
        # Shown by now: the first window's workspace list gets its share (a size set before
        # the first show is lost, and the list then took 510 of 1,280 px).
        layout_memory.size_new_splitter(self.settings, self.splitter)
        self._undo_keys = UndoKeysFilter(self, [self.action_registry.undo,
                                                self.action_registry.redo])
        then = lambda _r=None: self._import_next(list(UI_AFTER_FIRST_PAINT))  # noqa: E731
        self.runner.run(import_core, then, then, lane="start")

    def _import_next(self, pending: list[str]) -> None:
        # UI modules on the GUI thread (a first import of one on a worker races PySide's
        # import hook), one per turn, so the window repaints and takes input between them.
        if pending:
            importlib.import_module(pending.pop(0))
            QTimer.singleShot(0, lambda: self._import_next(pending))
        else:
            self._finish_start()

    def _finish_start(self) -> None:
        # The feature boundary: the features are imported (above) and installed only now.
        from align_studio.ui.shell.features import install_features

        if self.features is None:
            self.features = install_features(self.ctx)
        self.workspace_panel.sig_scanned.connect(self._after_first_scan)
        self.workspace_panel.set_root(self.workspace)

    def _add_icons(self) -> None:
        # After the first paint: reading and recolouring the SVGs is not needed to show it.
        from align_studio.ui.shell.icons import app_icon, icon  # after the first paint: 8 ms

        self.setWindowIcon(app_icon())
        self.action_registry.apply_icons()
        self._show_empty().set_icon(icon("spec"))

    def _show_empty(self) -> EmptyState:
        # Built after the first paint: its centred labels touch the ``Qt`` namespace, whose
        # Python enums cost ~18 ms to build.
        if self.empty is None:
            from align_studio.ui.shell.empty_state import EmptyState  # after the first paint: 38 ms

            self.empty = EmptyState("No spec open", "Pick a spec on the left or create one "
                                    "with Ctrl+N.", "New spec", None, self)
            self.empty.sig_action_clicked.connect(self.new_spec)
            self.center.addWidget(self.empty)
        if self.doc is None:
            self.center.setCurrentWidget(self.empty)
        return self.empty

    def _after_first_scan(self) -> None:
        self.workspace_panel.sig_scanned.disconnect(self._after_first_scan)
        from align_studio.editing.journal import pending_recoveries  # after the paint: 25 ms

        pending = {r.spec_path for r in pending_recoveries(self.workspace / ".align-studio")}
        last = Path(str(self.settings.value("spec/last", "", str) or ""))
        rid = self.request_open(last) if last.is_file() and last.parent.resolve() == \
            self.workspace and last.resolve() not in pending else None  # those: offered below
        self.offer_recoveries()
        if rid:  # ready once the last spec is open (or could not be)
            def ended(done_id: int, _ok: bool) -> None:
                if done_id == rid:
                    self.sig_ready.emit()

            self.opener.sig_finished.connect(ended)
        else:
            self.sig_ready.emit()

    def offer_recoveries(self) -> None:
        """Show the restore offer if a crash left unsaved edits in this workspace."""
        from align_studio.editing.journal import pending_recoveries  # after the paint: 25 ms
        from align_studio.ui.spec.recovery_dialog import RecoveryDialog  # after the paint: 9 ms

        pending = pending_recoveries(self.workspace / ".align-studio")
        if self.doc is not None:  # edits of the open spec are offered when it opened
            pending = [r for r in pending if r.spec_path != self.doc.path.resolve()]
        if pending:
            dialog = RecoveryDialog(pending, self)
            dialog.sig_restore_requested.connect(
                lambda rec: self.request_open(rec.spec_path, rec))
            dialog.open()

    # ---- workspace -----------------------------------------------------------------------
    def set_workspace(self, root: Path) -> None:
        """Show another folder of specs."""
        if not self.close_spec():
            return
        self.ctx.set_workspace(root.resolve())
        self.settings.setValue("workspace/last", str(self.workspace))
        self.workspace_panel.set_root(self.workspace)
        self._update_title()

    def choose_workspace(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open workspace", str(self.workspace))
        if folder:
            self.set_workspace(Path(folder))

    def new_spec(self) -> None:
        from align_studio.ui.workspace import ops as ops  # after the paint: ~300 ms (domain)

        path = ops.new_spec(self, self.workspace)
        if path is not None:
            self.workspace_panel.rescan(select=path)
            self.request_open(path)

    def duplicate_spec(self) -> None:
        from align_studio.ui.workspace import ops as ops  # after the paint: ~300 ms (domain)

        src = self.workspace_panel.current_path()
        path = ops.duplicate_spec(self, self.workspace, src) if src else None
        if path is not None:
            self.workspace_panel.rescan(select=path)

    def rename_spec(self) -> None:
        from align_studio.ui.workspace import ops as ops  # after the paint: ~300 ms (domain)

        src = self.workspace_panel.current_path()
        if src is None or (self.doc and self.doc.path == src and not self.close_spec()):
            return
        path = ops.rename_spec(self, src)
        self.workspace_panel.rescan(select=path or src)
        if path is not None:
            self.request_open(path)

    def delete_spec(self) -> None:
        from align_studio.ui.workspace import ops as ops  # after the paint: ~300 ms (domain)

        src = self.workspace_panel.current_path()
        if src is None:
            return
        if self.doc and self.doc.path == src and not self.close_spec():
            return
        if ops.delete_spec(self, src):
            self.workspace_panel.rescan()

    # ---- the open spec -------------------------------------------------------------------
    def open_spec(self, path: Path, recovery: Recovery | None = None) -> bool:
        """Open ``path`` and return once it is open (True) or not; the window keeps painting
        while the file loads on a worker. For scripts and tests; the UI uses request_open."""
        rid = self.request_open(path, recovery)
        return rid == 0 or (rid is not None and self.opener.wait(rid))

    def request_open(self, path: Path, recovery: Recovery | None = None) -> int | None:
        """Start opening ``path`` (restoring ``recovery`` into it, if given): read on a worker,
        shown when ready; a later request wins. The request id, 0 if it is already open, None
        if the user kept the open spec."""
        path = Path(path)
        if self.doc is not None and self.doc.path == path and recovery is None:
            self.opener.cancel()
            return 0
        if not self.close_spec():
            self.workspace_panel.select(self.doc.path if self.doc else path)
            return None
        rid = self.opener.open(path, recovery, self.workspace / ".align-studio")
        page = self.opener.page(path)
        self.center.addWidget(page)
        self.center.setCurrentWidget(page)
        self.statusBar().showMessage(f"Opening {path.name}…")
        return rid

    def _spec_ready(self, path: Path, doc: SpecDocument, editor: SpecEditor) -> None:
        self.center.addWidget(editor)
        self.center.setCurrentWidget(editor)
        self.undo_group.addStack(doc.undo_stack)
        self.undo_group.setActiveStack(doc.undo_stack)
        doc.sig_modified_changed.connect(self._modified_changed)
        doc.sig_saved.connect(lambda p: self.workspace_panel.rescan(select=p))
        doc.sig_message.connect(lambda m: self.statusBar().showMessage(m, 5000))
        editor.problems_panel.setVisible(self.action_registry.show_problems.isChecked())
        layout_memory.restore_editor(self.settings, editor)
        self.ctx.set_open(doc, editor)
        self._modified_changed(doc.is_modified())
        self.settings.setValue("spec/last", str(path))
        self.workspace_panel.select(path)
        self.statusBar().showMessage(f"Opened {path.name}", 3000)
        self.sig_spec_opened.emit(path)

    def close_spec(self) -> bool:
        """Close the open spec, asking Save / Discard / Cancel if it has unsaved edits."""
        doc, editor = self.doc, self.editor
        if doc is None or editor is None:
            return True
        if doc.is_modified():
            answer = QMessageBox.question(
                self, "Unsaved edits", f"Save your edits to {doc.path.name}?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not doc.save_and_wait():
                return False
        layout_memory.save_editor(self.settings, editor)
        doc.close()
        self.workspace_panel.model.set_modified(doc.path, False)
        self.undo_group.removeStack(doc.undo_stack)
        self.center.removeWidget(editor)
        editor.deleteLater()
        doc.deleteLater()
        self.ctx.set_open(None, None)
        collect_after_close()
        self._show_empty()
        self._modified_changed(False)
        return True

    def save(self) -> None:
        if self.doc is not None:
            self.doc.save()

    def show_diff(self) -> None:
        if self.doc is None:
            return
        from align_studio.editing.unsaved import unified_diff  # after the paint: 17 ms
        from align_studio.ui.spec.diff_dialog import DiffDialog  # after the paint: 8 ms

        sf = self.doc.spec_file
        DiffDialog("Unsaved changes", unified_diff(sf, sf.snapshot()), self).exec()

    def _modified_changed(self, modified: bool) -> None:
        if self.doc is not None:
            self.workspace_panel.model.set_modified(self.doc.path, modified)
        self._update_title()

    def _update_title(self) -> None:
        if self.doc is not None:
            spec = self.doc.session.spec
            self.setWindowTitle(f"{spec.title or self.doc.path.name}[*] — Align Studio")
            self.setWindowModified(self.doc.is_modified())
        else:
            self.setWindowTitle(f"{self.workspace.name}[*] — Align Studio")
            self.setWindowModified(False)
        for act in self.action_registry.spec_actions:
            act.setEnabled(self.doc is not None)

    # ---- actions -------------------------------------------------------------------------
    def _connect_actions(self) -> None:
        a = self.action_registry
        a.new_spec.triggered.connect(self.new_spec)
        a.open_workspace.triggered.connect(self.choose_workspace)
        a.save.triggered.connect(self.save)
        a.duplicate.triggered.connect(self.duplicate_spec)
        a.rename.triggered.connect(self.rename_spec)
        a.delete.triggered.connect(self.delete_spec)
        a.close_spec.triggered.connect(self.close_spec)
        a.settings.triggered.connect(self.show_settings)
        a.quit.triggered.connect(self.close)
        a.show_workspace.toggled.connect(self.workspace_panel.setVisible)
        a.show_problems.toggled.connect(self._show_problems)
        for key, act in a.tabs.items():
            act.triggered.connect(lambda _c=False, k=key: self.ctx.show_tab(k))
        a.add_behavior.triggered.connect(self._add_behavior)
        a.add_target.triggered.connect(self._add_target)
        a.reload.triggered.connect(self._reload)
        a.show_diff.triggered.connect(self.show_diff)
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.user_guide.triggered.connect(lambda: self.show_about(guide=True))
        a.about.triggered.connect(self.show_about)

    def _show_problems(self, on: bool) -> None:
        if self.editor is not None:
            self.editor.problems_panel.setVisible(on)

    def _add_behavior(self) -> None:
        if self.editor is not None:
            self.editor.show_tab(TabKey.BEHAVIORS)
            self.editor.behaviors.add_behavior()

    def _add_target(self) -> None:
        if self.editor is not None:
            self.editor.show_tab(TabKey.TARGETS)
            self.editor.targets.add_target()

    def _reload(self) -> None:
        if self.doc is None:
            return
        if self.doc.is_modified():
            answer = QMessageBox.question(self, "Reload from disk", "Reload the spec from "
                                          "disk and lose your unsaved edits?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.doc.reload()

    def show_settings(self) -> None:
        from align_studio.ui.shell.settings_dialog import SettingsDialog  # after the paint: 13 ms

        dialog = SettingsDialog(self.settings, self.runner, self, self._session_keys)
        self._session_keys = dialog.session_keys  # keys for this session outlive the dialog
        dialog.exec()

    def show_shortcuts(self) -> None:
        from align_studio.ui.shell.shortcuts_dialog import ShortcutsDialog  # after the paint: 2 ms

        ShortcutsDialog(self.action_registry.by_menu(), self).exec()

    def show_about(self, guide: bool = False) -> None:
        from align_studio.ui.shell import about  # after the paint: 12 ms

        about.show_user_guide() if guide else about.show_about(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_spec():
            event.ignore()
            return
        layout_memory.save_window(self, self.settings, self.splitter)
        self.settings.sync()
        self.runner.wait()
        event.accept()

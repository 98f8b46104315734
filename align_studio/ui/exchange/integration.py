"""Hand-over in the main window: File → Import / Export Bundle / Export As, and the Inbox.

:func:`install` creates one :class:`ExchangeIntegration` per window after its first
paint. The exchange core (and matplotlib, which the report draws with) is imported only when one of
these actions runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDockWidget, QFileDialog, QMenu, QMessageBox

from align_studio.editing.commands import Compound, InsertItem
from align_studio.exchange.logs_inbox import add_logs
from align_studio.exchange.promptfoo_import import import_promptfoo
from align_studio.exchange.tabular import guess_mapping, import_cases, preview_columns
from align_studio.storage import SpecFile
from align_studio.ui.exchange.bundle_import_dialog import BundleImportDialog
from align_studio.ui.exchange.formats import FORMATS, preload, write_format
from align_studio.ui.exchange.inbox_panel import InboxPanel
from align_studio.ui.exchange.job import run_off_gui
from align_studio.ui.exchange.mapping_dialog import MappingDialog
from align_studio.ui.exchange.menus import make_action
from align_studio.ui.exchange.promptfoo_dialog import PromptfooImportDialog

if TYPE_CHECKING:
    from align_studio.ui.shell.context import AppContext


def install(ctx: AppContext) -> ExchangeIntegration:
    """Add import, export and the Inbox to the window of ``ctx``."""
    return ExchangeIntegration(ctx)


class ExchangeIntegration(QObject):
    """Owns the import/export actions, their dialogs, and the Inbox dock."""

    sig_done = Signal(str)
    """An import or export finished; the message shown in the status bar."""
    sig_dialog = Signal(object)
    """A dialog of this integration is about to run (tests answer it through this)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.window = w = ctx.window  # the parent of the dialogs
        self.inbox: InboxPanel | None = None
        self.dock: QDockWidget | None = None
        self.export_bundle = make_action(w, "&Export Bundle…", ["Ctrl+Shift+E"], None,
                                         "A bundle of specs and files for engineers")
        self.export_bundle.triggered.connect(self.show_export)
        self.export_menu = QMenu("Export &As", w)
        self.format_actions = []
        for fmt in FORMATS:
            a = self.export_menu.addAction(fmt.label)
            a.triggered.connect(lambda _c=False, k=fmt.key: self.export_format(k))
            self.format_actions.append(a)
        self.import_menu = QMenu("&Import", w)
        self.import_bundle = self.import_menu.addAction("&Bundle…", self.import_bundle_file)
        self.import_promptfoo = self.import_menu.addAction("&promptfoo Config…",
                                                           self.import_promptfoo_file)
        self.import_cases = self.import_menu.addAction("&Cases from CSV/JSONL…",
                                                       self.import_cases_file)
        self.import_logs = self.import_menu.addAction("Production &Logs…",
                                                      self.import_logs_file)
        self.show_inbox = make_action(w, "&Inbox", ["Ctrl+Alt+I"], None,
                                      "Production conversations waiting for review")
        self.show_inbox.setCheckable(True)
        self.show_inbox.toggled.connect(self.set_inbox_visible)
        registry = ctx.action_registry
        file_menu, before = registry.menu("&File"), registry.settings
        file_menu.insertMenu(before, self.import_menu)
        file_menu.insertAction(before, self.export_bundle)
        file_menu.insertMenu(before, self.export_menu)
        file_menu.insertSeparator(before)
        view_menu = registry.menu("&View")  # after Workspace Browser and Problems
        items = view_menu.actions()
        after = items.index(registry.show_problems) + 1
        if after < len(items):
            view_menu.insertAction(items[after], self.show_inbox)
        else:
            view_menu.addAction(self.show_inbox)
        registry.list_in("&File", [self.export_bundle])
        registry.list_in("&View", [self.show_inbox])
        self.spec_only = [*self.format_actions, self.import_cases]
        registry.spec_actions.extend(self.spec_only)
        for a in self.spec_only:
            a.setEnabled(ctx.doc is not None)
        ctx.sig_document_changed.connect(self._document_changed)

    def _document_changed(self, doc: object) -> None:
        if doc is not None and self.inbox is not None:
            self.inbox.refresh()  # the inbox marks what the open spec already has

    def _status(self, message: str) -> None:
        self.ctx.status(message, 8000)
        self.sig_done.emit(message)

    def _failed(self, title: str, exc: BaseException) -> None:
        QMessageBox.warning(self.window, title, str(exc))
        self.sig_done.emit(f"{title} failed: {exc}")

    def _exec(self, dialog: QDialog) -> int:
        self.sig_dialog.emit(dialog)
        return dialog.exec()

    # ---- export ----------------------------------------------------------------------
    def export_dialog(self) -> QDialog:
        """The Export Bundle dialog for this workspace (the open spec checked, if any)."""
        # Lazy (start-up budget): the bundle's report imports matplotlib, ~0.6 s (python
        # -X importtime), paid on the GUI thread when the dialog is first asked for, not
        # while the window starts.
        from align_studio.ui.exchange.export_dialog import ExportDialog

        ctx = self.ctx
        checked = {ctx.doc.path} if ctx.doc is not None else None
        dest = Path.home() / f"{ctx.workspace.name}-bundle.zip"
        dialog = ExportDialog(ctx.specs(), dest, ctx.runner, checked, self.window)
        dialog.sig_exported.connect(lambda r: self._status(f"Exported {r.path}"))
        return dialog

    def show_export(self) -> None:
        """File → Export Bundle…"""
        self._exec(self.export_dialog())

    def export_format(self, key: str) -> None:
        """File → Export As → one format, for the open spec."""
        doc = self.ctx.doc
        if doc is None:
            return
        fmt = next(f for f in FORMATS if f.key == key)
        default = doc.path.parent / fmt.filename.format(id=doc.session.spec.id)
        name, _f = QFileDialog.getSaveFileName(self.window, fmt.label.replace("&", "")
                                               .rstrip("…"), str(default), fmt.filter)
        if not name:
            return
        if doc.is_modified():
            self._status("Exporting the saved file; your unsaved edits are not included")
        path, out = doc.path, Path(name)
        preload()
        run_off_gui(self.ctx.runner, lambda: write_format(key, path, out),
                    lambda p: self._status(f"Wrote {p}"),
                    lambda e: self._failed("Export", e), lane="export")

    # ---- import ----------------------------------------------------------------------
    def _open_file(self, title: str, filter_: str) -> Path | None:
        name, _f = QFileDialog.getOpenFileName(self.window, title, str(self.ctx.workspace),
                                               filter_)
        return Path(name) if name else None

    def import_bundle_file(self, bundle: Path | None = None) -> None:
        """File → Import → Bundle…"""
        bundle = bundle or self._open_file("Import bundle", "Bundle (*.zip)")
        if bundle is None:
            return
        dialog = BundleImportDialog(bundle, self.ctx.workspace, self.ctx.runner,
                                    self.window)
        dialog.sig_imported.connect(self._bundle_imported)
        self._exec(dialog)

    def _bundle_imported(self, result: Any) -> None:
        files = [*result.written, *result.replaced]
        self.ctx.rescan(select=files[0] if files else None)
        self._status(f"Imported {len(files)} spec{'s' if len(files) != 1 else ''}"
                     + (f" ({len(result.replaced)} replaced)" if result.replaced else ""))

    def import_promptfoo_file(self, config: Path | None = None) -> None:
        """File → Import → promptfoo Config…: read it, show the report, create the spec."""
        config = config or self._open_file("Import promptfoo config",
                                           "promptfoo config (*.yaml *.yml *.json)")
        if config is None:
            return
        self.ctx.status(f"Reading {config.name}…")
        run_off_gui(self.ctx.runner, lambda: import_promptfoo(config),
                    lambda r: self._promptfoo_read(r, config),
                    lambda e: self._failed("Import promptfoo config", e),
                    lane="import")

    def _promptfoo_read(self, result: Any, config: Path) -> None:
        dialog = PromptfooImportDialog(result, config, self.ctx.workspace, self.window)
        if self._exec(dialog) != QDialog.DialogCode.Accepted:
            self.ctx.clear_status()
            return
        out = dialog.target()

        def work() -> Path:
            SpecFile.create(out, result.spec, header=f"Imported from promptfoo config "
                            f"{config.name} by Align Studio.")
            return out

        def created(path: Path) -> None:
            self.ctx.rescan(select=path)
            self.ctx.open_spec(path)
            self._status(f"Created {path.name} with {len(result.spec.cases)} cases")

        run_off_gui(self.ctx.runner, work, created, lambda e: self._failed("Import", e),
                    lane="import")

    def import_cases_file(self, source: Path | None = None) -> None:
        """File → Import → Cases from CSV/JSONL…: map the columns, add cases (undoable)."""
        if self.ctx.doc is None:
            return
        source = source or self._open_file("Import cases", "Cases (*.csv *.tsv *.jsonl "
                                           "*.ndjson)")
        if source is None:
            return
        run_off_gui(self.ctx.runner, lambda: preview_columns(source),
                    lambda p: self._map_columns(source, p, guess_mapping(p.columns)),
                    lambda e: self._failed("Import cases", e), lane="import")

    def _map_columns(self, source: Path, preview: Any, guess: Any) -> None:
        doc = self.ctx.doc
        if doc is None:
            return
        dialog = MappingDialog(source.name, preview, guess, doc.path.name, self.window)
        if self._exec(dialog) != QDialog.DialogCode.Accepted:
            return
        mapping = dialog.mapping()
        ids = {c.id for c in doc.session.spec.cases}
        path = doc.path

        def add(cases: list[Any]) -> None:
            d = self.ctx.doc
            if d is None or d.path != path:
                return
            spec = d.session.spec
            start = len(spec.cases)
            d.undo_stack.push_command(Compound(
                f"Import {len(cases)} cases from {source.name}",
                [InsertItem(spec, "cases", start + i, c) for i, c in enumerate(cases)]))
            self._status(f"Added {len(cases)} cases from {source.name} (unsaved)")

        run_off_gui(self.ctx.runner,
                    lambda: import_cases(source, mapping, existing_ids=ids), add,
                    lambda e: self._failed("Import cases", e), lane="import")

    def import_logs_file(self, source: Path | None = None) -> None:
        """File → Import → Production Logs…: add conversations to the Inbox."""
        source = source or self._open_file("Import production logs",
                                           "Logs (*.jsonl *.ndjson *.json)")
        if source is None:
            return
        ws = self.ctx.workspace

        def added(result: tuple[int, list[str]]) -> None:
            n, problems = result
            self.show_inbox.setChecked(True)
            if self.inbox is not None:
                self.inbox.refresh()
            more = f"; {len(problems)} lines skipped" if problems else ""
            self._status(f"Added {n} conversations to the inbox{more}")

        run_off_gui(self.ctx.runner, lambda: add_logs(ws, source), added,
                    lambda e: self._failed("Import logs", e), lane="inbox")

    # ---- inbox -----------------------------------------------------------------------
    def set_inbox_visible(self, on: bool) -> None:
        """Show or hide the Inbox dock (built the first time)."""
        ctx = self.ctx
        if self.dock is None:
            if not on:
                return
            self.inbox = InboxPanel(ctx.runner, lambda: ctx.workspace, lambda: ctx.doc)
            self.inbox.sig_changed.connect(lambda m: ctx.status(m, 6000))
            self.dock = QDockWidget("Inbox", self.window)
            self.dock.setObjectName("inbox-dock")
            self.dock.setWidget(self.inbox)
            ctx.add_dock(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self.show_inbox.setChecked)
        self.dock.setVisible(on)
        if on and self.inbox is not None:
            self.inbox.refresh()

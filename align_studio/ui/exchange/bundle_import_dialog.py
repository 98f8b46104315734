"""File → Import → Bundle…: the manifest check result first, then the import.

The bundle is read and verified in the background (every sha256, no unlisted member, every
spec parses); the dialog lists what it holds and which files already exist. Importing asks
before replacing any of them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from align_studio.exchange.bundle_import import import_bundle, read_bundle
from align_studio.ui.exchange.job import ProgressJob

if TYPE_CHECKING:
    from align_studio.ui.shell.tasks import TaskRunner


class BundleImportDialog(QDialog):
    """Verifies a bundle, shows its manifest, imports its specs into the workspace."""

    sig_checked = Signal(bool)
    """The manifest check finished: whether the bundle passed."""
    sig_imported = Signal(object)
    """The specs were written (the :class:`BundleImportResult`)."""

    def __init__(self, bundle: Path, workspace: Path, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundle, self.workspace, self.runner = bundle, workspace, runner
        self.contents: Any = None
        self.clashes: list[Path] = []
        self.job: ProgressJob | None = None
        #: Asks whether to replace existing files (tests answer it directly).
        self.confirm_overwrite = self._ask_overwrite
        self.setWindowTitle("Import Bundle")
        self.resize(620, 460)
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"Checking <b>{escape(bundle.name)}</b>…", self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.details = QTextBrowser(self)
        self.details.setAccessibleName("Manifest check")
        layout.addWidget(self.details, 1)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        bundle = self.bundle
        self.job = ProgressJob(self.runner, lambda progress, cancel: read_bundle(
            bundle, progress=progress, cancel=cancel), self, lane="import")
        self.job.sig_finished.connect(self._checked)
        self.job.sig_failed.connect(self._check_failed)
        self.job.start()

    def _checked(self, contents: Any) -> None:
        self.contents = contents
        m = contents.manifest
        self.clashes = [self.workspace / Path(e.path).name for e in m.specs
                        if (self.workspace / Path(e.path).name).exists()]
        self.heading.setText(f"<b style='color:#1a7f37'>✓ Manifest check passed</b> — "
                             f"{escape(self.bundle.name)}: every file matches its sha256.")
        rows = []
        for e in m.specs:
            dest = self.workspace / Path(e.path).name
            note = " <b style='color:#9a6700'>(exists — would be replaced)</b>" \
                if dest in self.clashes else ""
            rows.append(f"<li><b>{escape(e.title or e.id)}</b> — {escape(e.id)} version "
                        f"{e.version} → {escape(dest.name)}{note}"
                        f"{' (keys were removed on export)' if e.redacted else ''}</li>")
        notes = "".join(f"<li>{escape(n)}</li>" for n in m.notes)
        self.details.setHtml(
            f"<p>Created {escape(m.created)} by Align Studio {escape(m.app_version)} "
            f"(bundle format {m.bundle_format_version}); {len(m.files)} files.</p>"
            f"<p><b>Specs</b> (into {escape(str(self.workspace))}):</p><ul>{''.join(rows)}</ul>"
            + (f"<p><b>Notes</b></p><ul>{notes}</ul>" if notes else ""))
        self.import_button.setEnabled(bool(m.specs))
        self.sig_checked.emit(True)

    def _check_failed(self, exc: BaseException) -> None:
        self.heading.setText(f"<b style='color:#cf222e'>✗ {escape(self.bundle.name)} cannot be "
                             "imported</b> — nothing was written.")
        self.details.setPlainText(str(exc))
        self.sig_checked.emit(False)

    def _ask_overwrite(self, clashes: list[Path]) -> bool:
        names = "\n".join(f"  {p.name}" for p in clashes)
        answer = QMessageBox.question(
            self, "Replace files?", f"These specs already exist in the workspace:\n{names}\n\n"
            "Replace them with the bundle's copies?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def start_import(self) -> None:
        """Write the specs (asking first when that replaces files)."""
        overwrite = bool(self.clashes)
        if overwrite and not self.confirm_overwrite(self.clashes):
            return
        bundle, ws = self.bundle, self.workspace
        self.import_button.setEnabled(False)
        self.job = ProgressJob(self.runner, lambda progress, cancel: import_bundle(
            bundle, ws, overwrite=overwrite, progress=progress, cancel=cancel), self,
            lane="import")
        self.job.sig_finished.connect(self._imported)
        self.job.sig_failed.connect(self._import_failed)
        self.job.start()

    def _imported(self, result: Any) -> None:
        self.sig_imported.emit(result)
        self.accept()

    def _import_failed(self, exc: BaseException) -> None:
        self.heading.setText("<b style='color:#cf222e'>The import failed</b> — nothing was "
                             "written.")
        self.details.setPlainText(str(exc))

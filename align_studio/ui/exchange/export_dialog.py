"""File → Export Bundle…: which specs, where to, then a progress bar with Cancel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.exchange.bundle import export_bundle
from align_studio.exchange.common import Cancelled
from align_studio.ui.exchange.job import ProgressJob

if TYPE_CHECKING:
    from align_studio.ui.shell.tasks import TaskRunner


class ExportDialog(QDialog):
    """Choose specs and a destination; export runs in the background and can be cancelled."""

    sig_exported = Signal(object)
    """The bundle was written (the :class:`ExportResult`)."""
    sig_stopped = Signal(str)
    """The export failed or was cancelled; the message shown."""

    def __init__(self, specs: list[tuple[Path, str]], destination: Path, runner: TaskRunner,
                 checked: set[Path] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: ProgressJob | None = None
        self.setWindowTitle("Export Bundle")
        self.setMinimumSize(560, 460)
        layout = QVBoxLayout(self)
        intro = QLabel("A bundle for engineers: the specs, the judged examples, promptfoo "
                       "configs, training and eval files (DPO, KTO, SFT, OpenAI, Inspect) and "
                       "a readable report. No API key is ever included.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel("<b>Specs</b>", self))
        self.specs = QListWidget(self)
        self.specs.setAccessibleName("Specs to export")
        for path, title in specs:
            item = QListWidgetItem(f"{title}  —  {path.name}" if title else path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = checked is None or path in checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.specs.addItem(item)
        self.specs.itemChanged.connect(lambda _i: self._check())
        layout.addWidget(self.specs, 1)
        row = QHBoxLayout()
        label = QLabel("Save &to", self)
        row.addWidget(label)
        self.destination = QLineEdit(str(destination), self)
        self.destination.setAccessibleName("Bundle file")
        self.destination.textChanged.connect(lambda _t: self._check())
        label.setBuddy(self.destination)
        row.addWidget(self.destination, 1)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        layout.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        layout.addWidget(self.buttons)
        self._check()

    def chosen(self) -> list[Path]:
        """The checked specs."""
        out = []
        for i in range(self.specs.count()):
            item = self.specs.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(Path(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _check(self) -> None:
        busy = self.job is not None and self.job.running
        self.export_button.setEnabled(not busy and bool(self.chosen())
                                      and bool(self.destination.text().strip()))

    def _browse(self) -> None:
        name, _f = QFileDialog.getSaveFileName(self, "Export bundle", self.destination.text(),
                                               "Bundle (*.zip)")
        if name:
            self.destination.setText(name if name.endswith(".zip") else name + ".zip")

    def start(self) -> None:
        """Export the checked specs in the background."""
        paths: list[Any] = self.chosen()
        out = Path(self.destination.text().strip())
        if not paths or (self.job is not None and self.job.running):
            return
        self.job = job = ProgressJob(self.runner, lambda progress, cancel: export_bundle(
            paths, out, progress=progress, cancel=cancel), self, lane="export")
        job.sig_progress.connect(self._progress)
        job.sig_finished.connect(self._finished)
        job.sig_failed.connect(self._failed)
        self.specs.setEnabled(False)
        self.destination.setEnabled(False)
        self.status.setText("Starting…")
        job.start()
        self._check()

    def cancel_or_close(self) -> None:
        """Cancel a running export, or close the dialog."""
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.status.setText("Cancelling…")
        else:
            self.reject()

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.status.setText(what[:1].upper() + what[1:] + "…")

    def _finished(self, result: Any) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        lines = [(f"Wrote <b>{result.path.name}</b>: {len(result.manifest.specs)} spec"
                 f"{'s' if len(result.manifest.specs) != 1 else ''}, "
                 f"{len(result.manifest.files)} files.")]
        lines += [f"⚠ {w}" for w in result.warnings]
        self.status.setText("<br>".join(lines))
        self._idle("Close")
        self.sig_exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.progress.setValue(0)
        text = "Export cancelled; no file was written." if isinstance(exc, Cancelled) \
            else f"The bundle was not written: {exc}"
        self.status.setText(text)
        self._idle("Close")
        self.sig_stopped.emit(text)

    def _idle(self, cancel_text: str) -> None:
        self.specs.setEnabled(True)
        self.destination.setEnabled(True)
        self.cancel_button.setText(cancel_text)
        self._check()

    def reject(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()  # a closed dialog leaves no half-written bundle
        super().reject()

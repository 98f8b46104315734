"""A dialog's line for its background job: what it is doing, a progress bar, Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from align_studio.ui.shell.jobs import ModelJob


class JobRow(QWidget):
    """Shows a :class:`ModelJob`'s progress and cancels it; says how it ended."""

    def __init__(self, job: ModelJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(120)
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(200)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the requests under way; nothing half-done is kept")
        self.cancel.clicked.connect(job.cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        job.sig_busy_changed.connect(self._busy)
        job.sig_progress.connect(self._progress)
        job.sig_finished.connect(self.say)
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel.setVisible(busy)
        if busy:
            self.bar.setRange(0, 0)  # busy until the first progress arrives
            self.label.setText(f"{self.job.title}…")

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def say(self, text: str) -> None:
        """Show a sentence (how the job ended, or what went wrong)."""
        self.label.setText(text)

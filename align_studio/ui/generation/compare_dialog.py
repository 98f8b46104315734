"""Run → A/B Test and Stability…: the two pages in one dialog (not modal: runs take time)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from align_studio.domain import Spec
from align_studio.ui.generation.ab_page import ABPage
from align_studio.ui.generation.stability_page import StabilityPage
from align_studio.ui.generation.work import Resolve
from align_studio.ui.shell.tasks import TaskRunner


class CompareDialog(QDialog):
    """A/B between two arms, and stability (pass^k) of one."""

    def __init__(self, spec: Spec, workspace: Path | None, runner: TaskRunner,
                 resolve: Resolve, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("A/B Test and Stability")
        self.ab = ABPage(spec, workspace, runner, resolve)
        self.stability = StabilityPage(spec, workspace, runner, resolve)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ab, "A/B test")
        self.tabs.addTab(self.stability, "Stability (pass^k)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(buttons)
        self.resize(760, 600)

    def reject(self) -> None:
        """Close; the runs under way are cancelled."""
        self.ab.job.cancel()
        self.stability.job.cancel()
        super().reject()

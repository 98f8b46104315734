"""The Measures tab: Agreement, Coverage and Drift of the open spec, computed off the GUI
thread (after edits, debounced, while the tab is shown; and after runs and grading)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from align_studio.ui.grading.agreement_view import AgreementView
from align_studio.ui.grading.coverage_view import CoverageView
from align_studio.ui.grading.drift_view import DriftView
from align_studio.ui.grading.measures import Measures, compute, snapshot
from align_studio.ui.shell.icons import icon

if TYPE_CHECKING:
    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.tasks import TaskRunner

REFRESH_MS = 800


class MeasuresPanel(QWidget):
    """Agreement, coverage and drift in sub-tabs, with a Refresh button."""

    sig_case_requested = Signal(str)
    """A view asked to open a case: its id."""
    sig_measured = Signal(object)
    """New measures arrived (a :class:`~align_studio.ui.grading.measures.Measures`)."""

    def __init__(self, session: EditSession, workspace: Path, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MeasuresPanel")
        self.session, self.workspace, self.runner = session, workspace, runner
        self.measures: Measures | None = None
        self._request = 0
        self._stale = True
        self.agreement = AgreementView()
        self.coverage = CoverageView()
        self.drift = DriftView()
        for view in (self.agreement, self.coverage):
            view.sig_case_requested.connect(self.sig_case_requested)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.agreement, "Agreement")
        self.tabs.addTab(self.coverage, "Coverage")
        self.tabs.addTab(self.drift, "Drift")
        self.status = QLabel()
        refresh = QPushButton(icon("reload"), "Refresh")
        refresh.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.status, 1)
        head.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh_if_shown)
        self._unsubscribe = session.subscribe(lambda _ev: self.mark_stale())
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def mark_stale(self) -> None:
        """The spec or the run store changed: compute again soon (now, if shown)."""
        self._stale = True
        self._timer.start()

    def _refresh_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        m = self.measures
        if self._stale or (m is not None and m.drift is not None and m.drift.points
                           and not m.charts):
            self.refresh()

    def refresh(self, charts: bool | None = None) -> int:
        """Compute the measures again off the GUI thread; returns the request id.

        The drift charts (matplotlib) are drawn only while the tab is shown, unless
        ``charts`` says otherwise: opening a spec does not pay for them.
        """
        charts = self.isVisible() if charts is None else charts
        self._stale = False
        self._request += 1
        request = self._request
        spec = snapshot(self.session.spec)  # the worker never reads the live spec
        workspace = self.workspace
        self.status.setText("Computing…")
        self.runner.run(lambda: compute(spec, workspace, charts),
                        lambda m: self._arrived(request, m),
                        lambda exc: self._failed(request, exc), lane="measures")
        return request

    def _arrived(self, request: int, m: Measures) -> None:
        if request != self._request or not isValid(self):
            return  # a later request is under way (or the spec closed): this result is stale
        self.measures = m
        self.agreement.set_report(m.agreement)
        self.coverage.set_report(m.coverage)
        self.drift.set_report(m.drift, m.charts,
                              {t.id: t.label or t.id for t in self.session.spec.targets})
        self.status.setText(f"{m.agreement.judged} responses judged by people"
                            + ("" if m.drift is not None else " · no run history yet"))
        if not m.charts and m.drift is not None and m.drift.points and self.isVisible():
            self.refresh(charts=True)  # computed while hidden: draw the charts now
        i = self.tabs.indexOf(self.drift)
        self.tabs.setTabIcon(i, icon("warning") if self.drift.has_warning() else icon(""))
        self.sig_measured.emit(m)

    def _failed(self, request: int, exc: BaseException) -> None:
        if request == self._request and isValid(self):
            self.status.setText(f"Could not compute the measures: {exc}")

"""The spec editor: the Overview, Behaviors, Cases and Targets tabs and the problems list."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QWidget

from align_studio.ui.behaviors_panel import BehaviorsPanel
from align_studio.ui.icons import icon
from align_studio.ui.overview_panel import OverviewPanel
from align_studio.ui.problems_panel import ProblemsPanel
from align_studio.ui.targets_panel import TargetsPanel

if TYPE_CHECKING:
    from align_studio.domain import Problem
    from align_studio.ui.document import SpecDocument

log = logging.getLogger(__name__)
TAB_NAMES = ("Overview", "Behaviors", "Cases", "Targets")


def _cases_panel(doc: SpecDocument, parent: QWidget) -> QWidget:
    try:
        from align_studio.ui.cases.panel import CasesPanel
    except ImportError:
        log.info("the cases editor is not available", exc_info=True)
        label = QLabel("The cases editor is not available in this build.", parent)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label
    return CasesPanel(doc.session, doc.undo_stack, parent)


class SpecEditor(QSplitter):
    """The forms of one open spec in tabs, with the problems below."""

    def __init__(self, doc: SpecDocument, parent: QWidget | None = None, *,
                 staged: bool = False) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("editor-splitter")
        self.doc = doc
        self.problems: list[Problem] = []
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Spec editor")
        self.problems_panel = ProblemsPanel(self)
        self.problems_panel.sig_problem_activated.connect(self.go_to)
        self.addWidget(self.tabs)
        self.addWidget(self.problems_panel)
        self.setStretchFactor(0, 5)
        self.setStretchFactor(1, 1)
        self.setCollapsible(0, False)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(200)
        self._recheck.timeout.connect(self.refresh_problems)
        # One step per tab: the window opens a large spec one step per turn of its event
        # loop (see ui/opening.py), so that none of them freezes it.
        self._steps = [self._add_overview, self._add_behaviors, self._add_cases,
                       self._add_targets, self._polish_cases, self._finish]
        if not staged:
            while self.build_next():
                pass

    def build_next(self) -> bool:
        """Build the next part of the editor; whether parts remain to be built."""
        if self._steps:
            self._steps.pop(0)()
        return bool(self._steps)

    def _add_overview(self) -> None:
        self.overview = OverviewPanel(self.doc.session, self.doc.undo_stack)
        self.tabs.addTab(self.overview, icon("overview"), "Overview")

    def _add_behaviors(self) -> None:
        self.behaviors = BehaviorsPanel(self.doc.session, self.doc.undo_stack)
        self.tabs.addTab(self.behaviors, icon("behaviors"), "Behaviors")

    def _add_cases(self) -> None:
        self.cases = _cases_panel(self.doc, self)
        self.tabs.addTab(self.cases, icon("cases"), "Cases")

    def _polish_cases(self) -> None:
        # The Cases tab is the heaviest to show for the first time (style polish of its
        # many controls): done here, in a turn of its own, its first show only paints.
        self.cases.ensurePolished()

    def _add_targets(self) -> None:
        self.targets = TargetsPanel(self.doc.session, self.doc.undo_stack)
        self.tabs.addTab(self.targets, icon("targets"), "Targets")

    def _finish(self) -> None:
        self._unsubscribe = self.doc.session.subscribe(lambda _ev: self._recheck.start())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh_problems()

    def refresh_problems(self) -> None:
        """Find the spec's problems again and show them inline and in the list."""
        self.problems = self.doc.session.problems()
        self.problems_panel.set_problems(self.problems)
        self.overview.show_problems(self.problems)
        self.behaviors.show_problems(self.problems)
        self.targets.show_problems(self.problems)
        n = len(self.problems)
        self.tabs.setTabToolTip(0, f"{n} problem{'s' if n != 1 else ''}" if n else "")

    def show_tab(self, index: int) -> None:
        """Switch to a tab by number (0 = Overview)."""
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def go_to(self, path: tuple[Any, ...]) -> None:
        """Show the field a problem is about."""
        head = str(path[0]) if path else ""
        row = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        field = str(path[2]) if len(path) > 2 else None
        if head == "behaviors" and row is not None:
            self.tabs.setCurrentWidget(self.behaviors)
            self.behaviors.focus(row, field)
        elif head == "targets" and row is not None:
            self.tabs.setCurrentWidget(self.targets)
            self.targets.focus(row, field)
        elif head == "cases":
            self.tabs.setCurrentWidget(self.cases)
            select = getattr(self.cases, "select_case", None)
            if select is not None and row is not None:
                cases = self.doc.session.spec.cases
                if row < len(cases):
                    select(cases[row].id)
        else:
            self.tabs.setCurrentWidget(self.overview)
            self.overview.focus_field(head)

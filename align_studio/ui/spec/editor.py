"""The spec editor: the Overview, Behaviors, Cases and Targets tabs and the problems list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget
from shiboken6 import isValid

from align_studio.ui.cases.panel import CasesPanel
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey
from align_studio.ui.spec.behaviors_panel import BehaviorsPanel
from align_studio.ui.spec.overview_panel import OverviewPanel
from align_studio.ui.spec.problems_panel import ProblemsPanel
from align_studio.ui.spec.targets_panel import TargetsPanel

if TYPE_CHECKING:
    from align_studio.domain import Problem
    from align_studio.ui.spec.document import SpecDocument


class SpecEditor(QSplitter):
    """The forms of one open spec in tabs, with the problems below.

    Tabs are addressed by :class:`TabKey`; the features of the window add theirs with
    :meth:`add_tab`, which puts each in its place whatever the order they come in.
    """

    def __init__(self, doc: SpecDocument, parent: QWidget | None = None, *,
                 staged: bool = False) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("editor-splitter")
        self.doc = doc
        self.problems: list[Problem] = []
        self._tab_of: dict[TabKey, QWidget] = {}
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
        # loop (see ui/workspace/opening.py), so that none of them freezes it.
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

    # ---- tabs by key ----------------------------------------------------------------------
    def add_tab(self, key: TabKey, widget: QWidget, tab_icon: QIcon,
                title: str | None = None) -> None:
        """Add the tab ``key`` in its place (the order of :class:`TabKey`)."""
        if self.tab(key) is not None:
            raise ValueError(f"the {key.title} tab is there already")
        at = sum(1 for k in list(self._tab_of)
                 if k.rank < key.rank and self.tab(k) is not None)
        self._tab_of[key] = widget
        self.tabs.insertTab(at, widget, tab_icon, title or key.title)

    def tab(self, key: TabKey) -> QWidget | None:
        """The widget of tab ``key``, if it is there."""
        if not isinstance(key, TabKey):  # an index or a title, as tabs were once addressed
            raise TypeError(f"tabs are addressed by TabKey, not {key!r}")
        widget = self._tab_of.get(key)
        # No ``destroyed`` hook to forget a deleted tab: a Python slot called while the
        # editor itself is being torn down is one more thing to go wrong at exit.
        if widget is not None and (not isValid(widget) or self.tabs.indexOf(widget) < 0):
            del self._tab_of[key]
            return None
        return widget

    def show_tab(self, key: TabKey) -> bool:
        """Switch to tab ``key``; whether it is there."""
        widget = self.tab(key)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)
        return widget is not None

    def set_tab_title(self, key: TabKey, title: str, tab_icon: QIcon | None = None) -> None:
        """Change the title (and icon) of tab ``key``, e.g. a count of findings."""
        widget = self.tab(key)
        i = self.tabs.indexOf(widget) if widget is not None else -1
        if i >= 0:
            self.tabs.setTabText(i, title)
            if tab_icon is not None:
                self.tabs.setTabIcon(i, tab_icon)

    # ---- building, one step per turn ------------------------------------------------------
    def _add_overview(self) -> None:
        self.overview = OverviewPanel(self.doc.session, self.doc.undo_stack)
        self.add_tab(TabKey.OVERVIEW, self.overview, icon("overview"))

    def _add_behaviors(self) -> None:
        self.behaviors = BehaviorsPanel(self.doc.session, self.doc.undo_stack)
        self.add_tab(TabKey.BEHAVIORS, self.behaviors, icon("behaviors"))

    def _add_cases(self) -> None:
        self.cases = CasesPanel(self.doc.session, self.doc.undo_stack, self)
        self.add_tab(TabKey.CASES, self.cases, icon("cases"))

    def _polish_cases(self) -> None:
        # The Cases tab is the heaviest to show for the first time (style polish of its
        # many controls): done here, in a turn of its own, its first show only paints.
        self.cases.ensurePolished()

    def _add_targets(self) -> None:
        self.targets = TargetsPanel(self.doc.session, self.doc.undo_stack, self.doc.runner)
        self.add_tab(TabKey.TARGETS, self.targets, icon("targets"))

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
        self.tabs.setTabToolTip(self.tabs.indexOf(self.overview),
                                f"{n} problem{'s' if n != 1 else ''}" if n else "")

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
            cases = self.doc.session.spec.cases
            if row is not None and row < len(cases):
                self.cases.select_case(cases[row].id)
        else:
            self.tabs.setCurrentWidget(self.overview)
            self.overview.focus_field(head)

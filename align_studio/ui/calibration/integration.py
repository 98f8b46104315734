"""Judge calibration in the main window: the Calibration tab of every opened spec and the
Calibration menu (issue 18).

:func:`install` creates one :class:`CalibrationIntegration` per window (listed in
:mod:`align_studio.ui.shell.features`). It adds the tab as a step of opening a spec, and
hears from the context when runs or the judge's grades changed (the figures are measured
again) and where to show a case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from shiboken6 import isValid

from align_studio.ui.calibration.tab import CalibrationTab
from align_studio.ui.calibration.work import Resolve, resolve_with_profiles
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey

if TYPE_CHECKING:
    from align_studio.ui.shell.context import AppContext
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor


def install(ctx: AppContext) -> CalibrationIntegration:
    """Add judge calibration to the window of ``ctx``."""
    return CalibrationIntegration(ctx)


class CalibrationIntegration(QObject):
    """Owns the Calibration tab of the open spec and the Calibration menu."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.tab: CalibrationTab | None = None
        #: Where the judge's endpoint comes from (tests and benches point it elsewhere).
        self.resolve: Resolve = resolve_with_profiles
        w = ctx.window

        def make(text: str, keys: list[str], slot: Any, tip: str) -> QAction:
            a = QAction(text, w)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        self.show_calibration = make("&Calibration", ["Ctrl+9"],
                                     lambda: self.ctx.show_tab(TabKey.CALIBRATION),
                                     "How far people and the judge agree")
        self.label_next = make("&Label Next", ["Ctrl+Alt+L"], self.show_queue,
                               "Judge the answers whose labels teach the judge most, "
                               "by keyboard")
        self.ask = make("&Ask the Judge about Labelled Answers", [], self._ask,
                        "Measure the judge against people by asking it now")
        self.cancel = make("Cancel &Calibration Job", [], self._cancel,
                           "Stop the judge requests of the calibration job under way")
        self.cancel.setIcon(icon("stop"))
        self.menu_actions: list[QAction | None] = [
            self.show_calibration, self.label_next, None, self.ask, self.cancel]
        ctx.action_registry.add_menu("Cali&bration", self.menu_actions)
        ctx.sig_document_changed.connect(lambda _doc: self._enable())
        ctx.sig_runs_changed.connect(self._remeasure)
        ctx.sig_grades_changed.connect(self._remeasure)
        ctx.add_open_step(self.attach)
        self._enable()

    def attach(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Calibration tab to the editor of the spec just opened."""
        tab = self.tab = CalibrationTab(doc.session, doc.undo_stack, self.ctx.runner,
                                        lambda: self.ctx.workspace, self.ctx.reviewer)
        tab.resolve = lambda target: self.resolve(target)
        editor.add_tab(TabKey.CALIBRATION, tab, icon("test"))
        tab.sig_case_requested.connect(self.ctx.show_case)
        tab.sig_message.connect(lambda m: self.ctx.status(m, 8000))
        tab.jobs.sig_busy_changed.connect(lambda _b: self._enable())
        editor.destroyed.connect(lambda *_: self._detach(tab))
        self._enable()

    def _detach(self, tab: CalibrationTab) -> None:
        if self.tab is tab:
            self.tab = None
        self._enable()

    def _live(self) -> CalibrationTab | None:
        return self.tab if self.tab is not None and isValid(self.tab) else None

    def _enable(self) -> None:
        tab = self._live()
        on = self.ctx.doc is not None and tab is not None
        busy = tab is not None and tab.jobs.busy
        for a in (self.show_calibration, self.label_next):
            a.setEnabled(on)
        self.ask.setEnabled(on and not busy)
        self.cancel.setEnabled(busy)

    def show_queue(self) -> None:
        """Show the label-next queue with the keyboard on it."""
        tab = self._live()
        if tab is not None and self.ctx.show_tab(TabKey.CALIBRATION):
            tab.show_queue()

    def _ask(self) -> None:
        tab = self._live()
        if tab is not None and self.ctx.show_tab(TabKey.CALIBRATION):
            tab.ask_judge()

    def _cancel(self) -> None:
        tab = self._live()
        if tab is not None:
            tab.jobs.cancel()

    def _remeasure(self) -> None:
        tab = self._live()
        if tab is not None:
            tab.remeasure_when_shown()

"""Preview and Results in the main window: the tabs, the Run menu and the run progress.

:func:`install` creates one :class:`ReviewIntegration` per window; it adds the Preview and
Results tabs to every spec the window opens, follows the Cases tab's selection, and owns
the actions of the Run menu and the progress bar in the status bar. It shows the judge's
grades that the context holds and tells the context when a run ended.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QProgressBar, QPushButton

from align_studio.review.estimate import Estimate
from align_studio.review.matrix import ResultsMatrix, default_checks
from align_studio.review.stale import with_staleness
from align_studio.ui.preview.batch_submit import BatchSubmitter, install_batch
from align_studio.ui.preview.matrix_panel import MatrixPanel
from align_studio.ui.preview.preview_panel import PreviewPanel
from align_studio.ui.preview.run_controller import RunController
from align_studio.ui.preview.run_outcome import RunOutcome, outcome_message
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey

if TYPE_CHECKING:
    from align_studio.ui.cases.panel import CasesPanel
    from align_studio.ui.shell.context import AppContext
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.25  # seconds between progress bar updates


def install(ctx: AppContext) -> ReviewIntegration:
    """Add preview, judging and the results matrix to the window of ``ctx``."""
    review = ReviewIntegration(ctx)
    # Run → Submit as Batch…: the providers' Batch API (batch_submit.py)
    review.batch = install_batch(ctx, review.cancel_run, lambda: review.controller, review)
    return review


class ReviewIntegration(QObject):
    """Adds preview, judging and the results matrix to the main window."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.confirm_large_runs = True  # the GUI bench turns the estimate dialog off
        self.batch: BatchSubmitter | None = None  # Run → Submit as Batch… (set by install)
        self.controller: RunController | None = None
        self.preview: PreviewPanel | None = None
        self.matrix_panel: MatrixPanel | None = None
        self.cases: CasesPanel | None = None
        self._syncing = False
        self._last_progress = 0.0
        self._pending_progress = (0, 0)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._show_progress)
        self._editor_id = 0
        self._make_actions()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v / %m")
        self.cancel_button = QPushButton("Cancel run")
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.progress, self.cancel_button):
            ctx.add_status_widget(w)
        ctx.sig_grades_changed.connect(self._grades_changed)
        ctx.set_case_viewer(self.open_case)
        self._enable(False)
        ctx.add_open_step(self.attach)
        ctx.add_open_step(self.attach_results)

    def _make_actions(self) -> None:
        w = self.ctx.window

        def make(text: str, keys: list[str], slot: object, tip: str = "") -> QAction:
            a = QAction(text, w)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        self.run_case = make("Run &Case", ["Ctrl+Return", "Ctrl+Enter"], self.run_current,
                             "Run the previewed case on every target")
        self.run_case.setIcon(icon("run"))
        self.run_selected = make("Run &Selected Cases", ["Ctrl+Shift+Return"],
                                 self.run_selected_cases, "Run the cases selected in Cases")
        self.run_all = make("Run &All Cases", ["Ctrl+Alt+Return"], self.run_all_cases,
                            "Run every case on every target")
        self.cancel_run = make("Ca&ncel Run", ["Ctrl+."], self.cancel, "Stop the run")
        self.cancel_run.setIcon(icon("stop"))
        self.blind = make("&Blind Mode", ["Ctrl+Shift+L"], lambda: None,
                          "Hide target names and shuffle columns while judging")
        self.blind.setCheckable(True)
        self.blind.toggled.connect(self.set_blind)
        self.show_preview = make("&Preview", ["Ctrl+5"], lambda: self.show_tab(TabKey.PREVIEW))
        self.show_results = make("&Results", ["Ctrl+6"], lambda: self.show_tab(TabKey.RESULTS))
        self.menu_actions: list[QAction | None] = [
            self.run_case, self.run_selected, self.run_all, self.cancel_run, None, self.blind,
            None, self.show_preview, self.show_results]
        self.ctx.action_registry.add_menu("&Run", self.menu_actions)

    def _enable(self, on: bool) -> None:
        busy = self.controller is not None and self.controller.busy
        for a in (self.run_case, self.run_selected, self.run_all):
            a.setEnabled(on and not busy)
        self.cancel_run.setEnabled(on and busy)
        for a in (self.blind, self.show_preview, self.show_results):
            a.setEnabled(on)

    # ---- a spec opened -----------------------------------------------------------------
    def attach(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Preview tab to the editor of the spec just opened."""
        self.detach()
        session = doc.session
        doc.undo_stack.compose = lambda cmd: with_staleness(session.spec, cmd)
        ctl = self.controller = RunController(session, self.ctx.workspace, self.ctx.runner,
                                              confirm=self._confirm, parent=self)
        matrix = ResultsMatrix(session.spec, ctl.live, default_checks())
        self.preview = PreviewPanel(session, doc.undo_stack, ctl, matrix, self.ctx.reviewer)
        self.preview.grade_lookup = self.ctx.judge_grade  # before its columns are made
        editor.add_tab(TabKey.PREVIEW, self.preview, icon("preview"))
        self.preview.set_blind(self.blind.isChecked())
        self.preview.sig_message.connect(self._status)
        ctl.sig_message.connect(self._status)
        self.preview.sig_settings_requested.connect(self.ctx.show_settings)
        self.preview.sig_case_changed.connect(self._preview_moved)
        ctl.sig_progress.connect(self._progress)
        ctl.sig_busy_changed.connect(lambda _b: self._enable(True))
        ctl.sig_target_unavailable.connect(
            lambda t, m: self._status(f"Target {t} cannot run: {m}"))
        ctl.sig_run_ended.connect(self._ended)
        self.cases = editor.cases
        self.cases.sig_case_selected.connect(self._cases_moved)
        current = self.cases.current_case()
        first = current or (session.spec.cases[0] if session.spec.cases else None)
        self.preview.show_case(first.id if first else None)
        self._editor_id = editor_id = id(editor)
        editor.destroyed.connect(lambda *_: self._editor_gone(editor_id))
        ctl.load_history()
        self._enable(True)

    def attach_results(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Results tab (the next step of opening a spec, in a turn of its own)."""
        ctl = self.controller
        if ctl is None or self.preview is None:
            return
        matrix = ResultsMatrix(doc.session.spec, ctl.live, self.preview.matrix.checks)
        self.matrix_panel = MatrixPanel(doc.session, ctl, matrix)
        self.matrix_panel.model.grade_lookup = self.ctx.judge_grade  # the Results tooltips
        editor.add_tab(TabKey.RESULTS, self.matrix_panel, icon("results"))
        self.matrix_panel.set_blind(self.blind.isChecked())
        self.matrix_panel.sig_case_activated.connect(self.open_case)

    def _editor_gone(self, editor_id: int) -> None:
        if editor_id == self._editor_id:  # not a late signal of an earlier spec's editor
            self.detach()

    def detach(self) -> None:
        """The spec closed: stop its runs."""
        self._editor_id = 0
        # When the window itself is closing, Qt may have deleted the controller (a child of
        # the editor) before the editor's destroyed signal reaches us.
        if self.controller is not None and shiboken6.isValid(self.controller):
            self.controller.close()
            self.controller.deleteLater()
        self.controller = self.preview = self.matrix_panel = self.cases = None
        self.progress.hide()
        self.cancel_button.hide()
        self._enable(False)

    # ---- following the selection -------------------------------------------------------
    def _cases_moved(self, case_id: str) -> None:
        if self.preview is not None and not self._syncing:
            self.preview.show_case(case_id)

    def _preview_moved(self, case_id: str) -> None:
        if self.cases is not None:
            self._syncing = True
            try:
                self.cases.select_case(case_id)
            finally:
                self._syncing = False

    def open_case(self, case_id: str) -> None:
        """Show ``case_id`` in the preview (from a click in the matrix or the measures)."""
        if self.preview is None:
            return
        self.preview.show_case(case_id)
        self._preview_moved(case_id)
        self.show_tab(TabKey.PREVIEW)

    def show_tab(self, key: TabKey) -> None:
        """Show the Preview (focused, for the judging keys) or the Results tab."""
        if self.ctx.show_tab(key) and key is TabKey.PREVIEW and self.preview is not None:
            self.preview.setFocus()

    def _grades_changed(self) -> None:
        # The judge graded again: the Preview's badges (the Results read them on demand).
        if self.preview is not None:
            self.preview.refresh()

    def set_blind(self, blind: bool) -> None:
        """Blind mode on or off in the preview and the matrix."""
        if self.preview is not None:
            self.preview.set_blind(blind)
        if self.matrix_panel is not None:
            self.matrix_panel.set_blind(blind)

    # ---- running -----------------------------------------------------------------------
    def run_current(self) -> None:
        """Run the previewed case."""
        if self.preview is not None:
            self.preview.run_case()

    def run_selected_cases(self) -> None:
        """Run the cases selected in the Cases tab (or the previewed one)."""
        if self.controller is None:
            return
        ids: list[str] = []
        cases = self.cases
        if cases is not None:
            for ix in cases.table.selectionModel().selectedRows():
                ids.append(cases.model.case_at(cases.proxy.mapToSource(ix).row()).id)
        if not ids and self.preview is not None and self.preview.case_id:
            ids = [self.preview.case_id]
        if ids:
            self.controller.start(ids)

    def run_all_cases(self) -> None:
        """Run every case on every target."""
        if self.controller is not None:
            self.controller.start()

    def cancel(self) -> None:
        """Cancel the run under way."""
        if self.controller is not None:
            self.controller.cancel()

    def _confirm(self, estimate: Estimate) -> bool:
        if not self.confirm_large_runs:
            return True
        answer = QMessageBox.question(
            self.ctx.window, "Start this run?",
            f"This run sends {estimate.describe()}.\n\nStart it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def _progress(self, done: int, total: int) -> None:
        running = total > 0
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if not running:
            self._progress_timer.stop()
            return
        # QProgressBar repaints the window at once on every new value: do it in a turn of
        # its own, not in the middle of handling a batch, and a few times a second at most.
        self._pending_progress = (done, total)
        if not self._progress_timer.isActive():
            since = time.monotonic() - self._last_progress
            wait = 0.0 if done in (0, total) else max(0.0, PROGRESS_INTERVAL - since)
            self._progress_timer.start(int(wait * 1000))

    def _show_progress(self) -> None:
        done, total = self._pending_progress
        self._last_progress = time.monotonic()
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _ended(self, run_id: str, status: str, outcome: RunOutcome) -> None:
        self._status(outcome_message(outcome))
        self.ctx.sig_runs_changed.emit()

    def _status(self, message: str) -> None:
        self.ctx.status(message, 6000)


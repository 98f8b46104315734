"""Measuring in the main window: the Spec health and Measures tabs, the Judge dialog and
the Grading menu (grade with checks or the judge, with progress and cancel).

:func:`install` creates one :class:`GradingIntegration` per window after its first paint
(the grading layer and matplotlib are not needed to show the window); it adds the tabs to
every spec the window opens. The judge's grades go to the context (the Preview shows them
from there); the context says when a run ended, and where to show a case.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QProgressBar, QPushButton

from align_studio.ui.grading.grade_job import GradeJob, GradeOutcome
from align_studio.ui.grading.judge_dialog import JudgeDialog
from align_studio.ui.grading.lint_panel import LintPanel
from align_studio.ui.grading.measures_panel import MeasuresPanel
from align_studio.ui.shell.icons import icon
from align_studio.ui.shell.tab_key import TabKey

if TYPE_CHECKING:
    from align_studio.ui.shell.context import AppContext
    from align_studio.ui.spec.document import SpecDocument
    from align_studio.ui.spec.editor import SpecEditor

log = logging.getLogger(__name__)


def install(ctx: AppContext) -> GradingIntegration:
    """Add measuring to the window of ``ctx``."""
    return GradingIntegration(ctx)


class GradingIntegration(QObject):
    """Adds spec health, the judge, agreement, coverage and drift to the main window."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.lint: LintPanel | None = None
        self.measures: MeasuresPanel | None = None
        self.job = GradeJob(ctx.runner, ctx.workspace, parent=self)
        ctx.sig_workspace_changed.connect(self._workspace_changed)
        self.job.sig_progress.connect(self._progress)
        self.job.sig_finished.connect(self._graded)
        self.job.sig_failed.connect(self._grade_failed)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("judging %v / %m")
        self.cancel_button = QPushButton("Cancel grading")
        self.cancel_button.clicked.connect(self.job.cancel)
        for w in (self.progress, self.cancel_button):
            ctx.add_status_widget(w)
        self._make_actions()
        ctx.sig_document_changed.connect(lambda _doc: self._enable())
        # New answers: the measures, and the linter's "target never run", are due again.
        ctx.sig_runs_changed.connect(self._refresh_measures)
        self._enable()
        # Steps of opening a spec, each in its own turn: the two tabs, then the measures.
        for step in (self.attach, self.attach_measures, self.measure_first):
            ctx.add_open_step(step)

    def _make_actions(self) -> None:
        w = self.ctx.window

        def make(text: str, keys: list[str], slot: Any, tip: str = "") -> QAction:
            a = QAction(text, w)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        self.judge_settings = make("&Judge…", [], self.edit_judge,
                                   "Pick the judge target and edit the judge prompt")
        self.grade_checks = make("Grade with &Checks", ["Ctrl+Shift+G"],
                                 lambda: self.grade(judge=False),
                                 "Run every case's checks on the latest responses")
        self.grade_judge = make("Grade with &Judge", ["Ctrl+Alt+G"],
                                lambda: self.grade(judge=True),
                                "Ask the judge model to grade the latest responses")
        self.grade_judge.setIcon(icon("test"))
        self.cancel_grading = make("Cancel &Grading", [], self.job.cancel)
        self.cancel_grading.setIcon(icon("stop"))
        self.show_health = make("Spec &Health", ["Ctrl+7"],
                                lambda: self.ctx.show_tab(TabKey.HEALTH))
        self.show_measures = make("&Measures", ["Ctrl+8"],
                                  lambda: self.ctx.show_tab(TabKey.MEASURES))
        self.menu_actions: list[QAction | None] = [
            self.judge_settings, None, self.grade_checks, self.grade_judge,
            self.cancel_grading, None, self.show_health, self.show_measures]
        self.ctx.action_registry.add_menu("&Grading", self.menu_actions)

    def _workspace_changed(self, root: Path) -> None:
        self.job.workspace = root  # the next pass grades the new workspace's runs

    def _enable(self) -> None:
        on = self.ctx.doc is not None
        for a in (self.judge_settings, self.grade_checks, self.grade_judge, self.show_health,
                  self.show_measures):
            a.setEnabled(on and (a not in (self.grade_checks, self.grade_judge)
                                 or not self.job.busy))
        self.cancel_grading.setEnabled(self.job.busy)

    # ---- a spec opened -----------------------------------------------------------------
    def attach(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Spec health tab to the editor of the spec just opened."""
        lint = self.lint = LintPanel(doc.session, doc.undo_stack, self.ctx.reviewer)
        editor.add_tab(TabKey.HEALTH, lint, icon("ok"))
        lint.sig_jump_requested.connect(self.go_to)
        lint.sig_findings_changed.connect(self._health_tab_text)
        self._health_tab_text(len([f for f in lint.findings if not f.acknowledged]))
        # The old editor is deleted later, after the next spec's tabs may be attached: only
        # forget the panels that belonged to it.
        editor.destroyed.connect(lambda *_: self._detach(lint, None))
        self._enable()

    def attach_measures(self, doc: SpecDocument, editor: SpecEditor) -> None:
        """Add the Measures tab to the editor of the spec just opened."""
        measures = self.measures = MeasuresPanel(doc.session, self.ctx.workspace,
                                                 self.ctx.runner)
        editor.add_tab(TabKey.MEASURES, measures, icon("results"))
        measures.sig_case_requested.connect(self.ctx.show_case)
        measures.sig_measured.connect(self._measured)
        editor.destroyed.connect(lambda *_: self._detach(None, measures))
        self._enable()

    def measure_first(self, _doc: SpecDocument, _editor: SpecEditor) -> None:
        """Measure the spec just opened."""
        self._refresh_measures()  # also tells the linter which targets have run

    def _refresh_measures(self) -> None:
        if self.measures is not None:
            self.measures.refresh()

    def _measured(self, m: Any) -> None:
        if self.lint is not None:
            self.lint.set_run_info(m.run_info)
        self.ctx.set_judge_grades(m.judge_grades)  # the Preview's and Results' badges

    def _detach(self, lint: LintPanel | None, measures: MeasuresPanel | None) -> None:
        if lint is not None and self.lint is lint:
            self.lint = None
        if measures is not None and self.measures is measures:
            self.measures = None
        self._enable()

    def _health_tab_text(self, n: int) -> None:
        editor = self.ctx.editor
        if editor is not None:
            title = TabKey.HEALTH.title
            editor.set_tab_title(TabKey.HEALTH, f"{title} ({n})" if n else title,
                                 icon("warning" if n else "ok"))

    # ---- going places ------------------------------------------------------------------
    def go_to(self, path: tuple[Any, ...]) -> None:
        """Show the place a finding is about (the same jump as the problems list)."""
        editor = self.ctx.editor
        if editor is None:
            return
        whole = {"behaviors": TabKey.BEHAVIORS, "targets": TabKey.TARGETS}
        if len(path) == 1 and str(path[0]) in whole:
            editor.show_tab(whole[str(path[0])])
            return
        editor.go_to(path)

    # ---- judge and grading -------------------------------------------------------------
    def edit_judge(self) -> None:
        """Show the Judge dialog for the open spec."""
        doc = self.ctx.doc
        if doc is None:
            return
        JudgeDialog(doc.session.spec, doc.undo_stack, self.ctx.window).exec()

    def grade(self, judge: bool) -> None:
        """Grade the latest responses with the checks (and the judge)."""
        doc = self.ctx.doc
        if doc is None:
            return
        spec = doc.session.spec
        if judge and not (spec.judge and spec.judge.target):
            QMessageBox.information(self.ctx.window, "No judge yet", "Pick the target that judges "
                                    "first (Grading → Judge…).")
            self.edit_judge()
            if not (spec.judge and spec.judge.target):
                return
        if self.job.start(spec, judge):
            self._status("Grading with the checks and the judge…" if judge
                         else "Grading with the checks…")
            # Progress and Cancel show at once, as a run's do: busy until the judge's
            # first request ends and tells how many there are.
            self.progress.setRange(0, 0)
            self._show_progress(True)
            self._enable()

    def _progress(self, done: int, total: int) -> None:
        self._show_progress(total > 0)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _show_progress(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)

    def _graded(self, outcome: GradeOutcome) -> None:
        self._status(outcome.describe())
        if self.measures is not None:
            self.measures.refresh()  # new grades: agreement, drift, the Preview's badges
        self._enable()

    def _grade_failed(self, message: str) -> None:
        self._enable()
        QMessageBox.warning(self.ctx.window, "Could not grade", message)

    def _status(self, message: str) -> None:
        self.ctx.status(message, 8000)

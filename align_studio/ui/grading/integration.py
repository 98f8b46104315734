"""Measuring in the main window: the Spec health and Measures tabs, the Judge dialog and
the Grading menu (grade with checks or the judge, with progress and cancel).

The main window creates one :class:`GradingIntegration` after its first paint (the
grading layer and matplotlib are not needed to show the window); it adds the tabs to
every spec the window opens.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QProgressBar, QPushButton

from align_studio.ui.grading.grade_job import GradeJob, GradeOutcome
from align_studio.ui.grading.lint_panel import LintPanel
from align_studio.ui.grading.measures_panel import MeasuresPanel
from align_studio.ui.icons import icon

if TYPE_CHECKING:
    from align_studio.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def install(window: MainWindow) -> GradingIntegration:
    """Add measuring to ``window`` (once)."""
    existing = getattr(window, "grading", None)
    if isinstance(existing, GradingIntegration):
        return existing
    return GradingIntegration(window)


class GradingIntegration(QObject):
    """Adds spec health, the judge, agreement, coverage and drift to the main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.lint: LintPanel | None = None
        self.measures: MeasuresPanel | None = None
        self.judge_grades: dict[tuple[str, str, str], tuple[bool | None, str]] = {}
        self.job = GradeJob(window.runner, window.workspace, parent=self)
        self.job.sig_progress.connect(self._progress)
        self.job.sig_finished.connect(self._graded)
        self.job.sig_failed.connect(self._grade_failed)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("judging %v / %m")
        self.cancel_button = QPushButton("Cancel grading")
        self.cancel_button.clicked.connect(self.job.cancel)
        for w in (self.progress, self.cancel_button):
            window.statusBar().addPermanentWidget(w)
            w.hide()
        self._make_actions()
        # Steps of opening a spec, each in its own turn: the two tabs, then the measures.
        steps = [self.attach, self.attach_measures, self.measure_first]
        window.opener.after_open += steps
        if window.editor is not None:  # a spec opened before we were installed
            for step in steps:
                step()
        self._enable()

    def _make_actions(self) -> None:
        w = self.window

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
        self.show_health = make("Spec &Health", ["Ctrl+7"], lambda: self._show(self.lint))
        self.show_measures = make("&Measures", ["Ctrl+8"], lambda: self._show(self.measures))
        self.menu_actions: list[QAction | None] = [
            self.judge_settings, None, self.grade_checks, self.grade_judge,
            self.cancel_grading, None, self.show_health, self.show_measures]
        w.actions.add_menu(w, "&Grading", self.menu_actions)

    def _enable(self) -> None:
        on = self.window.doc is not None
        for a in (self.judge_settings, self.grade_checks, self.grade_judge, self.show_health,
                  self.show_measures):
            a.setEnabled(on and (a not in (self.grade_checks, self.grade_judge)
                                 or not self.job.busy))
        self.cancel_grading.setEnabled(self.job.busy)

    # ---- a spec opened -----------------------------------------------------------------
    def attach(self) -> None:
        """Add the Spec health tab to the editor of the spec just opened."""
        doc, editor = self.window.doc, self.window.editor
        if doc is None or editor is None:
            return
        from align_studio.ui.preview.integration import reviewer_name

        settings = self.window.settings
        lint = self.lint = LintPanel(doc.session, doc.undo_stack,
                                     lambda: reviewer_name(settings))
        editor.tabs.addTab(lint, icon("ok"), "Spec health")
        lint.sig_jump_requested.connect(self.go_to)
        lint.sig_findings_changed.connect(self._health_tab_text)
        self._health_tab_text(len([f for f in lint.findings if not f.acknowledged]))
        # The old editor is deleted later, after the next spec's tabs may be attached: only
        # forget the panels that belonged to it.
        editor.destroyed.connect(lambda *_: self._detach(lint, None))
        self._enable()

    def attach_measures(self) -> None:
        """Add the Measures tab to the editor of the spec just opened."""
        doc, editor = self.window.doc, self.window.editor
        if doc is None or editor is None:
            return
        measures = self.measures = MeasuresPanel(doc.session, self.window.workspace,
                                                 self.window.runner)
        editor.tabs.addTab(measures, icon("results"), "Measures")
        measures.sig_case_requested.connect(self.open_case)
        measures.sig_measured.connect(self._measured)
        editor.destroyed.connect(lambda *_: self._detach(None, measures))
        self._enable()

    def measure_first(self) -> None:
        """Measure the spec just opened (and hear of its runs' ends from now on)."""
        if self.measures is None:
            return
        self._hook_preview()
        self.measures.refresh()  # also tells the linter which targets have run
        ctl = getattr(getattr(self.window, "review", None), "controller", None)
        ended = getattr(ctl, "sig_run_ended", None)
        if ended is not None:
            ended.connect(self._run_ended)

    def _run_ended(self, *_args: object) -> None:
        # New answers: the measures, and the linter's "target never run", are due again.
        if self.measures is not None:
            self.measures.refresh()

    def _hook_preview(self) -> None:
        # The Preview columns show the judge's grade of each answer beside the checks.
        preview = getattr(getattr(self.window, "review", None), "preview", None)
        if preview is None or not hasattr(preview, "grade_lookup"):
            return
        grades = self.judge_grades
        preview.grade_lookup = lambda case, target, text: grades.get((case, target, text))
        for column in preview.columns:
            column.grade_lookup = preview.grade_lookup
        matrix = getattr(getattr(self.window.review, "matrix_panel", None), "model", None)
        if matrix is not None and hasattr(matrix, "grade_lookup"):
            matrix.grade_lookup = preview.grade_lookup  # the Results tooltips

    def _measured(self, m: Any) -> None:
        if self.lint is not None:
            self.lint.set_run_info(m.run_info)
        if m.judge_grades != self.judge_grades:
            self.judge_grades.clear()
            self.judge_grades.update(m.judge_grades)
            preview = getattr(getattr(self.window, "review", None), "preview", None)
            if preview is not None:
                preview.refresh()

    def _detach(self, lint: LintPanel | None, measures: MeasuresPanel | None) -> None:
        if lint is not None and self.lint is lint:
            self.lint = None
        if measures is not None and self.measures is measures:
            self.measures = None
        self._enable()

    def _health_tab_text(self, n: int) -> None:
        editor = self.window.editor
        if editor is None or self.lint is None:
            return
        i = editor.tabs.indexOf(self.lint)
        editor.tabs.setTabText(i, f"Spec health ({n})" if n else "Spec health")
        editor.tabs.setTabIcon(i, icon("warning" if n else "ok"))

    def _show(self, panel: Any) -> None:
        editor = self.window.editor
        if editor is not None and panel is not None:
            editor.tabs.setCurrentWidget(panel)

    # ---- going places ------------------------------------------------------------------
    def go_to(self, path: tuple[Any, ...]) -> None:
        """Show the place a finding is about (the same jump as the problems list)."""
        editor = self.window.editor
        if editor is None:
            return
        head = str(path[0]) if path else ""
        if len(path) == 1 and head in ("behaviors", "targets"):
            editor.tabs.setCurrentWidget(getattr(editor, head))
            return
        editor.go_to(path)

    def open_case(self, case_id: str) -> None:
        """Open a case in the Preview (if there is one) or the Cases tab."""
        review = getattr(self.window, "review", None)
        if review is not None and getattr(review, "preview", None) is not None:
            review.open_case(case_id)
            return
        editor = self.window.editor
        if editor is not None:
            editor.tabs.setCurrentWidget(editor.cases)
            select = getattr(editor.cases, "select_case", None)
            if select is not None:
                select(case_id)

    # ---- judge and grading -------------------------------------------------------------
    def edit_judge(self) -> None:
        """Show the Judge dialog for the open spec."""
        doc = self.window.doc
        if doc is None:
            return
        from align_studio.ui.grading.judge_dialog import JudgeDialog

        JudgeDialog(doc.session.spec, doc.undo_stack, self.window).exec()

    def grade(self, judge: bool) -> None:
        """Grade the latest responses with the checks (and the judge)."""
        doc = self.window.doc
        if doc is None:
            return
        spec = doc.session.spec
        if judge and not (spec.judge and spec.judge.target):
            QMessageBox.information(self.window, "No judge yet", "Pick the target that judges "
                                    "first (Grading → Judge…).")
            self.edit_judge()
            if not (spec.judge and spec.judge.target):
                return
        if self.job.start(spec, judge):
            self._status("Grading with the checks and the judge…" if judge
                         else "Grading with the checks…")
            self._enable()

    def _progress(self, done: int, total: int) -> None:
        running = total > 0
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _graded(self, outcome: GradeOutcome) -> None:
        self._status(outcome.describe())
        if self.measures is not None:
            self.measures.refresh()  # new grades: agreement, drift, the Preview's badges
        self._enable()

    def _grade_failed(self, message: str) -> None:
        self._enable()
        QMessageBox.warning(self.window, "Could not grade", message)

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)

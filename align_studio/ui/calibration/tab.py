"""The Calibration tab of one open spec: the Agreement, Label next, Criteria & examples and
Refine criteria pages, and the background jobs behind them (measure, ask the judge, propose,
re-grade, pairwise), each with progress and Cancel; the drift alarm's Freeze and Re-check
are :mod:`.drift_actions`.

Measuring reads the run store and computes the statistics off the GUI thread on a copy of
the spec; a newer measure replaces an older one still running (its result is dropped). The
figures are measured again when the page is shown after the spec changed, after a job, and
when the window says runs or grades changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from align_studio.grading.calibration.asking import fingerprint
from align_studio.grading.calibration.kept import Asked
from align_studio.grading.calibration.refine import accept_command
from align_studio.ui.calibration import words, work
from align_studio.ui.calibration.agreement_page import AgreementPage
from align_studio.ui.calibration.drift_actions import DriftActions
from align_studio.ui.calibration.examples_panel import ExamplesPanel
from align_studio.ui.calibration.queue_panel import QueuePanel
from align_studio.ui.calibration.refine_panel import RefinePanel
from align_studio.ui.calibration.work import Measured, Resolve, Verdicts
from align_studio.ui.shell.jobs import ModelJob

if TYPE_CHECKING:
    from align_studio.editing.events import ChangeEvent
    from align_studio.editing.session import EditSession
    from align_studio.ui.shell.tasks import Task, TaskRunner
    from align_studio.ui.shell.undo import UndoStack

#: The lane of measuring (reading the run store and computing; no judge calls).
MEASURE_LANE = "calibration-measure"


class CalibrationTab(QWidget):
    """How far the judge can be trusted, what to label next, and better criteria."""

    sig_case_requested = Signal(str)
    """Show this case (in the Preview)."""
    sig_message = Signal(str)
    """A sentence for the status bar."""
    sig_measured = Signal(object)
    """A measure was shown: its :class:`~.work.Measured`."""

    def __init__(self, session: EditSession, undo_stack: UndoStack, runner: TaskRunner,
                 workspace: Callable[[], Path], reviewer: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.undo, self.runner = session, undo_stack, runner
        self.workspace = workspace
        #: Where the judge target's endpoint comes from (tests point it at a loopback).
        self.resolve: Resolve = work.resolve_with_profiles
        self.jobs = ModelJob(runner, "calibration", self)
        #: Undecided verdicts of the last ask (never kept in the run store) and the judge
        #: fingerprint they belong to: shown as "no valid verdict" while the judge is the same.
        self.asked: Verdicts = {}
        self._asked_fp: str | None = None
        self.measured: Measured | None = None
        self._measure_task: Task | None = None
        self._dirty = True

        self.measure_button = QPushButton("Measure again")
        self.measure_button.setToolTip("Read the judge's stored grades and people's labels "
                                       "again and recompute every figure")
        self.measure_button.clicked.connect(self.measure)
        self.ask_button = QPushButton("Ask the judge")
        self.ask_button.setToolTip("Ask the judge model about every answer people agree "
                                   "on (answers asked before come from the cache)")
        self.ask_button.clicked.connect(self.ask_judge)
        self.aim = QDoubleSpinBox()
        self.aim.setRange(0.02, 0.5)
        self.aim.setSingleStep(0.01)
        self.aim.setValue(0.10)
        self.aim.setPrefix("aim ±")
        self.aim.setToolTip("The interval half-width 'labels needed' aims at")
        self.aim.valueChanged.connect(lambda _v: self.measure())
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("%v / %m")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.jobs.cancel)
        self.state = QLabel()
        self.state.setWordWrap(True)
        top = QHBoxLayout()
        for w in (self.measure_button, self.ask_button, self.aim):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)

        self.agreement = AgreementPage()
        self.queue = QueuePanel(session, undo_stack, reviewer)
        self.examples = ExamplesPanel(session, undo_stack)
        self.refine = RefinePanel()
        self.refine.set_behaviors(session.spec)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.agreement, "Agreement")
        self.pages.addTab(self.queue, "Label next")
        self.pages.addTab(self.examples, "Criteria && examples")
        self.pages.addTab(self.refine, "Refine criteria")
        self.pages.currentChanged.connect(self._page_shown)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.state)
        lay.addWidget(self.pages, 1)

        self.drift = DriftActions(session, runner, workspace, self.agreement, self._start,
                                  MEASURE_LANE, self)
        self.drift.sig_message.connect(self._say)
        self.drift.sig_frozen.connect(lambda _n: self.measure())
        self.agreement.sig_case_requested.connect(self.sig_case_requested)
        self.agreement.sig_pairwise_requested.connect(self.check_pairwise)
        self.agreement.sig_freeze_requested.connect(self.freeze)
        self.agreement.sig_recheck_requested.connect(self.recheck)
        self.queue.sig_case_requested.connect(self.sig_case_requested)
        self.queue.sig_message.connect(self.sig_message)
        self.examples.sig_message.connect(self._say)
        self.refine.sig_propose_requested.connect(self.propose)
        self.refine.sig_accept_requested.connect(self.accept_proposal)
        self.refine.sig_regrade_requested.connect(self.regrade)
        self.jobs.sig_busy_changed.connect(self._busy)
        self.jobs.sig_progress.connect(self._progress)
        self.jobs.sig_finished.connect(self._say)
        self._unsubscribe = session.subscribe(self._changed)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self._busy(False)

    # ---- measuring -----------------------------------------------------------------------
    def measure(self) -> None:
        """Measure again in the background (a newer request replaces an older one)."""
        snapshot = self.session.spec.model_copy(deep=True)
        ws, width = self.workspace(), 2 * self.aim.value()
        has_judge = bool(snapshot.judge and snapshot.judge.target)
        same = has_judge and self._asked_fp == fingerprint(snapshot)
        asked = dict(self.asked) if same else {}
        self._dirty = False
        self.state.setText("Measuring…")
        holder: list[Any] = []
        task = self.runner.run(lambda: work.measure_snapshot(ws, snapshot, width, asked),
                               lambda m: self._show(holder[0], m),
                               lambda exc: self._measure_failed(holder[0], exc),
                               lane=MEASURE_LANE, owner=self)
        holder.append(task)
        self._measure_task = task

    def remeasure_when_shown(self) -> None:
        """Measure now if the tab is shown, else when it is next shown: a run or a grading
        pass ending must not stall a window that is looking elsewhere (the spec's deep copy
        alone is ~30 ms on 1,000 cases; bench_gui_run saw a 65 ms stall at a run's end)."""
        if self.isVisible():
            self.measure()
        else:
            self._dirty = True

    def _show(self, task: Task, m: Measured) -> None:
        if task is not self._measure_task:
            return  # a newer measure is on its way
        self._measure_task = None
        self.measured = m
        self.agreement.show_measured(m)
        self.queue.set_queue(m.queue, m.verdicts, m.run_of)
        self.refine.set_behaviors(self.session.spec)
        self.state.setText(self._headline(m))
        self._busy(self.jobs.busy)
        self.sig_measured.emit(m)

    @staticmethod
    def _headline(m: Measured) -> str:
        k = m.judge.overall
        judge = (f"judge vs people {words.kappa_sentence(k)}" if m.has_judge and k.n
                 else "the judge is not measured yet")
        return (f"{m.people.items} answers judged by {len(m.people.reviewers)} reviewer(s); "
                f"{judge}; {len(m.queue)} answers in the label-next queue.")

    def _measure_failed(self, task: Task, exc: BaseException) -> None:
        if task is self._measure_task:
            self._measure_task = None
            self.state.setText(f"Could not measure: {exc}")

    def _changed(self, _event: ChangeEvent) -> None:
        self._dirty = True

    def _page_shown(self, index: int) -> None:
        if self.pages.widget(index) is self.queue:
            self.queue.view.setFocus()
        elif self._dirty and self.isVisible():
            self.measure()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:  # the queue is ranked by the same measure
            self.measure()

    def show_queue(self) -> None:
        """Show the Label next page with the keyboard on the queue."""
        self.pages.setCurrentWidget(self.queue)
        self.queue.view.setFocus()

    # ---- jobs that ask the judge -----------------------------------------------------------
    def _judge_ready(self) -> bool:
        spec = self.session.spec
        if spec.judge and spec.judge.target:
            return True
        self._say("Pick the target that judges first (Grading → Judge…)")
        return False

    def _start(self, title: str, fn: Callable[..., Any], done: Callable[[Any], None]) -> bool:
        if not self._judge_ready():
            return False
        snapshot = self.session.spec.model_copy(deep=True)
        ws, resolve = self.workspace(), self.resolve
        def finished(result: Any) -> None:
            self._say(f"{title}: done")
            done(result)

        started = self.jobs.start(title, lambda c, p: fn(ws, snapshot, resolve, c, p),
                                  finished)
        if started:
            self._say(f"{title}…")
        return started

    def ask_judge(self) -> bool:
        """Ask the judge about every answer people agree on, then measure."""
        return self._start("Asking the judge", work.ask_snapshot, self._asked)

    def _asked(self, got: Asked) -> None:
        self.asked = {k: g for k, g in got.verdicts.items() if g.passed is None}
        self._asked_fp = got.fingerprint
        kept = (f"; {got.reused} verdict(s) of this judge were kept from before"
                if got.reused else "")
        self._say(f"Asked the judge about {got.asked} labelled answer(s){kept}"
                  if got.asked else "The judge's verdicts on all "
                  f"{got.reused} labelled answer(s) are kept from before: nothing to ask "
                  "(the judge and its criteria have not changed)")
        self.measure()

    def propose(self, behavior_id: str) -> bool:
        """Propose better criteria for a behavior (from its train disagreements)."""
        if not behavior_id:
            return False
        return self._start(
            f"Proposing criteria for {behavior_id}",
            lambda ws, s, r, c, p: work.propose_snapshot(ws, s, behavior_id, r, c, p),
            self.refine.show_proposal)

    def accept_proposal(self) -> None:
        """Put the proposal shown into the spec: one undoable step."""
        proposed = self.refine.proposed
        if proposed is None:
            return
        self.undo.push_command(accept_command(self.session.spec, proposed.proposal))
        self.refine.accepted()
        self._say(f"Refined the judge criteria of {proposed.proposal.behavior_id}")

    def regrade(self) -> bool:
        """κ before and after on the held-out labels only."""
        proposed = self.refine.proposed
        if proposed is None:
            return False
        return self._start("Re-grading the held-out labels",
                           lambda ws, _s, r, c, p: work.evaluate_snapshot(ws, proposed, r, c, p),
                           self.refine.show_result)

    def check_pairwise(self) -> bool:
        """The judge on people's preferences, in both orders."""
        return self._start("Checking order consistency", work.pairwise_snapshot,
                           self.agreement.show_pairwise)

    def recheck(self, name: str) -> bool:
        """Re-grade a frozen set if the judge changed."""
        return self.drift.recheck(name)

    def freeze(self, name: str | None = None) -> None:
        """Freeze today's agreed labels as the drift alarm's yardstick, under ``name``;
        without one, ask for it (a name from today's date and time is suggested)."""
        self.drift.freeze(name)

    @property
    def freeze_dialog(self) -> QInputDialog | None:
        """The Freeze name dialog last opened."""
        return self.drift.dialog

    # ---- busy, progress, messages ----------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # until the first request tells how many
        self.ask_button.setEnabled(not busy)
        self.refine.set_busy(busy)
        if busy:
            self.agreement.pairwise_button.setEnabled(False)
            self.agreement.recheck_button.setEnabled(False)
        elif self.measured is not None:
            m = self.measured
            self.agreement.pairwise_button.setEnabled(m.has_judge and m.pairs > 0)
            self.agreement.recheck_button.setEnabled(m.has_judge and bool(m.drift))

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _say(self, message: str) -> None:
        self.state.setText(message)
        self.sig_message.emit(message)

"""Grading from the GUI: checks and the judge over the latest responses, as a task of the
app's one :class:`~align_studio.ui.shell.tasks.TaskRunner`.

The work (:func:`grade_snapshot`: the run store, the judge's endpoint, the judge requests
through the :class:`~align_studio.runs.runner.Runner`) runs in the runner's ``grading``
lane on a copy of the spec taken on the GUI thread, and makes no Qt calls. Its progress
reaches the GUI thread through :meth:`TaskRunner.relay`; Cancel is the task's
:meth:`~align_studio.ui.shell.tasks.Task.cancel`, as for any long task: it sets the task's
cancel event, which stops the judge requests in flight (``judge_responses(cancel=…)``);
the grades already decided are kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from align_studio.domain import Spec, Target
from align_studio.grading.llm_judge import judge_responses, judge_target_id
from align_studio.grading.results import GradeSummary, grade_responses, latest_responses
from align_studio.providers.connection import resolve_endpoint
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Event, Progress
from align_studio.storage.runstore import RunStore
from align_studio.ui.shell.tasks import Task, TaskRunner

Resolve = Callable[[Target], Endpoint]
#: The task runner's lane of grading passes (one at a time, in order).
LANE = "grading"


def resolve_with_profiles(target: Target) -> Endpoint:
    """The target's endpoint from the user's provider profiles (keychain lookups included)."""
    return resolve_endpoint(target.provider, model=target.model)


@dataclass
class GradeOutcome:
    """What one grading pass did: a summary per grader."""

    summaries: dict[str, GradeSummary] = field(default_factory=dict)
    cancelled: bool = False

    def describe(self) -> str:
        """One status-bar sentence."""
        parts = []
        for kind, s in self.summaries.items():
            word = "checks" if kind == "check" else "judge"
            parts.append(f"{word}: {s.responses} graded, {s.passed} pass, {s.failed} fail"
                         + (f", {s.errors} undecided" if s.errors else ""))
        text = "; ".join(parts) or "nothing to grade"
        return ("Grading cancelled — " if self.cancelled else "Graded — ") + text


def grade_snapshot(workspace: Path, spec: Spec, judge: bool, resolve: Resolve,
                   cancel: threading.Event, progress: Callable[[int, int], None]
                   ) -> GradeOutcome:
    """Grade ``spec``'s latest responses in ``workspace``'s run store: the checks, then the
    judge if ``judge``. Qt-free; ``spec`` must be a copy nobody edits meanwhile.

    ``progress(done, total)`` is told after each judge request; once ``cancel`` is set no
    further grader starts and the judge's requests in flight stop.
    """
    out = GradeOutcome()
    with RunStore.for_workspace(workspace) as store:
        rows = latest_responses(store, spec.id)
        if not cancel.is_set():
            out.summaries["check"] = grade_responses(store, spec, rows)
        if judge and not cancel.is_set():
            tid = judge_target_id(spec)
            target = spec.target(tid)
            assert target is not None  # judge_target_id checked it
            endpoint = resolve(target)

            def on_event(event: Event) -> None:  # on the judge run's loop, this thread
                if isinstance(event, Progress):
                    progress(event.done, event.total)

            out.summaries["judge"] = judge_responses(store, spec, rows, endpoint,
                                                     judge_target=tid, on_event=on_event,
                                                     cancel=cancel)
    # Cancelled means: something was left ungraded (not merely "Cancel came late").
    out.cancelled = cancel.is_set() and (
        "check" not in out.summaries or (judge and "judge" not in out.summaries)
        or any(s.skipped for s in out.summaries.values()))
    return out


class GradeJob(QObject):
    """Grades one spec's latest responses; one pass at a time."""

    sig_progress = Signal(int, int)
    """Judge requests ended so far, of how many (0, 0 when idle)."""
    sig_finished = Signal(object)
    """A pass ended: its :class:`GradeOutcome`."""
    sig_failed = Signal(str)
    """A pass could not run (no judge target, no provider profile…): the reason."""

    def __init__(self, runner: TaskRunner, workspace: Path,
                 resolve: Resolve = resolve_with_profiles, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self.runner, self.workspace, self.resolve = runner, workspace, resolve
        #: The pass under way, as the task runner holds it (None when idle).
        self.task: Task | None = None

    @property
    def busy(self) -> bool:
        """Whether a pass is under way."""
        return self.task is not None

    def start(self, spec: Spec, judge: bool) -> bool:
        """Grade with the checks, and with the judge too if ``judge``; False if busy."""
        if self.busy:
            return False
        # The worker never reads the live document: a deep copy, ~29 ms for 1,000 cases
        # with one answer each (the checks and messages it reads are edited in place).
        snapshot = spec.model_copy(deep=True)
        workspace, resolve = self.workspace, self.resolve
        progress = self.runner.relay(self._progress)
        cancel = threading.Event()  # the task's own: Task.cancel sets it
        self.task = task = self.runner.run(
            lambda: grade_snapshot(workspace, snapshot, judge, resolve, cancel, progress),
            lambda outcome: self._done(task, outcome), lambda exc: self._error(task, exc),
            lane=LANE, owner=self, cancel_event=cancel)
        return True

    def cancel(self) -> None:
        """Cancel the pass under way (the judge requests in flight end as cancelled)."""
        if self.task is not None:
            self.task.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self.task is not None:
            self.sig_progress.emit(done, total)

    def _done(self, task: Task, outcome: GradeOutcome) -> None:
        if task is not self.task or not isValid(self):
            return
        self.task = None
        self.sig_progress.emit(0, 0)
        self.sig_finished.emit(outcome)

    def _error(self, task: Task, exc: BaseException) -> None:
        if task is not self.task or not isValid(self):
            return
        self.task = None
        self.sig_progress.emit(0, 0)
        self.sig_failed.emit(str(exc) or type(exc).__name__)

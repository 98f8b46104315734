"""Grading from the GUI: checks and the judge over the latest responses, off the GUI thread.

The work (opening the run store, resolving the judge's endpoint, the judge requests through
the :class:`~align_studio.runs.runner.Runner`) runs in the task runner's ``grading``
lane and makes no Qt calls; progress comes back by a queued signal. Cancelling stops the
judge requests in flight: their tasks are cancelled on the run's own event loop (and one
sent after the cancel is stopped at once) — judge_responses keeps its runner to itself —
and the grades already decided are kept.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from align_studio.domain import Spec, Target
from align_studio.grading.results import GradeSummary, grade_responses, latest_responses
from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Failed, Finished, Progress, Started
from align_studio.storage.runstore import RunStore
from align_studio.ui.shell.tasks import TaskRunner

Resolve = Callable[[Target], Endpoint]


def resolve_with_profiles(target: Target) -> Endpoint:
    """The target's endpoint from the user's provider profiles (keychain lookups included)."""
    from align_studio.providers.connection import resolve_endpoint

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


class _Relay(QObject):
    sig_progress = Signal(int, int)
    """Judge requests ended so far, of how many (emitted from the run's thread)."""


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
        self._cancel: threading.Event | None = None
        self._stop: Callable[[], Any] | None = None  # cancels the judge jobs in flight
        self._relay = _Relay(self)
        self._relay.sig_progress.connect(self.sig_progress)

    @property
    def busy(self) -> bool:
        """Whether a pass is under way."""
        return self._cancel is not None

    def start(self, spec: Spec, judge: bool) -> bool:
        """Grade with the checks, and with the judge too if ``judge``; False if busy."""
        if self.busy:
            return False
        snapshot = spec.model_copy(deep=True)  # the worker never reads the live document
        cancel = self._cancel = threading.Event()
        workspace, resolve, relay = self.workspace, self.resolve, self._relay

        tasks: set[asyncio.Task[Any]] = set()  # judge jobs in flight (the run's loop only)

        def on_event(event: Any) -> None:  # on the run's event loop, inside the job's task
            if isinstance(event, Progress):
                relay.sig_progress.emit(event.done, event.total)
                return
            task = asyncio.current_task()
            if task is None:
                return
            if isinstance(event, Started):
                tasks.add(task)
                loop = asyncio.get_running_loop()
                self._stop = lambda: loop.call_soon_threadsafe(
                    lambda: [t.cancel() for t in list(tasks)])
                if cancel.is_set():  # sent after the cancel: stop it at once
                    task.cancel()
            elif isinstance(event, (Finished, Failed)):
                tasks.discard(task)

        def work() -> GradeOutcome:
            out = GradeOutcome()
            with RunStore.for_workspace(workspace) as store:
                rows = latest_responses(store, snapshot.id)
                out.summaries["check"] = grade_responses(store, snapshot, rows)
                if judge and not cancel.is_set():
                    from align_studio.grading.llm_judge import judge_responses, judge_target_id

                    tid = judge_target_id(snapshot)
                    target = snapshot.target(tid)
                    assert target is not None
                    endpoint = resolve(target)
                    out.summaries["judge"] = judge_responses(store, snapshot, rows, endpoint,
                                                             judge_target=tid,
                                                             on_event=on_event)
            out.cancelled = cancel.is_set()
            return out

        self.runner.run(work, self._done, self._error, lane="grading")
        return True

    def cancel(self) -> None:
        """Stop judging (the requests in flight end as cancelled)."""
        if self._cancel is not None:
            self._cancel.set()
            stop = self._stop
            if stop is not None:
                try:
                    stop()
                except RuntimeError:  # the run's loop has just closed: nothing in flight
                    pass

    def _done(self, outcome: GradeOutcome) -> None:
        self._cancel = self._stop = None
        if not isValid(self):
            return
        self.sig_progress.emit(0, 0)
        self.sig_finished.emit(outcome)

    def _error(self, exc: BaseException) -> None:
        self._cancel = self._stop = None
        if not isValid(self):
            return
        self.sig_progress.emit(0, 0)
        self.sig_failed.emit(str(exc) or type(exc).__name__)

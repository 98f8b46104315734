"""One model-asking job at a time through the app's TaskRunner, with progress and cancel.

Asking a model (the judge, a generator, a reviser, an A/B arm) blocks for as long as the
model takes, so each such call is a task of a TaskRunner lane of its feature. A job's
outcome reaches its ``done`` callback on the GUI thread unless a newer job replaced it or it
was cancelled (then ``sig_finished`` says so, and nothing half-done is shown) or its owner
was closed meanwhile. The Calibration and Generated features share this one class.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from align_studio.providers.redact import redact
from align_studio.ui.shell.tasks import Task, TaskRunner

#: Reports progress: steps (requests, cases) done so far, of how many.
ProgressFn = Callable[[int, int], None]
#: The work of a job: given the cancel event and a progress callback.
Work = Callable[[threading.Event, ProgressFn], Any]


class Cancelled(Exception):
    """The work was cancelled before it ended; nothing half-done is reported."""


class ModelJob(QObject):
    """Runs one model-asking job of a panel or dialog off the GUI thread, one at a time."""

    sig_busy_changed = Signal(bool)
    """A job started (True) or ended (False)."""
    sig_progress = Signal(int, int)
    """Steps done so far, of how many."""
    sig_finished = Signal(str)
    """A job ended without a result to show: a sentence saying it was cancelled or why it
    failed (the reason redacted)."""

    def __init__(self, runner: TaskRunner, lane: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.lane = lane
        self.task: Task | None = None
        self.title = ""

    @property
    def busy(self) -> bool:
        """Whether a job is under way."""
        return self.task is not None

    def start(self, title: str, work: Work, done: Callable[[Any], None]) -> bool:
        """Run ``work(cancel, progress)`` in the background; ``done(result)`` on success.

        False (and nothing started) while another job runs.
        """
        if self.busy:
            return False
        cancel = threading.Event()
        progress = self.runner.relay(self._progress)
        self.title = title
        holder: list[Task] = []
        task = self.runner.run(lambda: work(cancel, progress),
                               lambda result: self._done(holder[0], result, done),
                               lambda exc: self._error(holder[0], exc),
                               lane=self.lane, owner=self, cancel_event=cancel)
        holder.append(task)
        self.task = task
        self.sig_busy_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Stop the job under way (the requests in flight end as cancelled)."""
        if self.task is not None:
            self.task.cancel()

    def _progress(self, done: int, total: int) -> None:
        if self.task is not None:
            self.sig_progress.emit(done, total)

    def _end(self, task: Task) -> bool:
        if task is not self.task or not isValid(self):
            return False
        self.task = None
        self.sig_busy_changed.emit(False)
        return True

    def _done(self, task: Task, result: Any, done: Callable[[Any], None]) -> None:
        cancelled = task.cancelled
        if not self._end(task):
            return
        if cancelled:
            self.sig_finished.emit(f"{self.title}: cancelled")
            return
        done(result)

    def _error(self, task: Task, exc: BaseException) -> None:
        if not self._end(task):
            return
        if isinstance(exc, Cancelled):
            self.sig_finished.emit(f"{self.title}: cancelled")
            return
        self.sig_finished.emit(f"{self.title} failed: "
                               f"{redact(str(exc)) or type(exc).__name__}")

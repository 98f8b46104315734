"""One calibration job at a time through the app's TaskRunner, with progress and cancel.

Asking the judge blocks for as long as the judge model takes, so every such call is a task
of the runner's ``calibration`` lane. A job's outcome reaches its ``done`` callback on the
GUI thread unless a newer job replaced it or it was cancelled (then ``sig_finished`` says
so, and nothing half-measured is shown).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from align_studio.ui.calibration.work import Cancelled, ProgressFn
from align_studio.ui.shell.tasks import Task, TaskRunner

#: The task runner's lane of calibration work (one job at a time, in order).
LANE = "calibration"
#: The work of a job: given the cancel event and a progress callback.
Work = Callable[[threading.Event, ProgressFn], Any]


class CalibrationJobs(QObject):
    """Runs the Calibration tab's judge calls off the GUI thread, one at a time."""

    sig_busy_changed = Signal(bool)
    """A job started (True) or ended (False)."""
    sig_progress = Signal(int, int)
    """Judge requests ended so far, of how many."""
    sig_finished = Signal(str)
    """A job ended: a sentence for the status bar (what was done, cancelled or failed)."""
    sig_failed = Signal(str, str)
    """A job failed: its title and the reason."""

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
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
                               lane=LANE, owner=self, cancel_event=cancel)
        holder.append(task)
        self.task = task
        self.sig_busy_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Stop the job under way (the judge requests in flight end as cancelled)."""
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
        self.sig_failed.emit(self.title, str(exc) or type(exc).__name__)

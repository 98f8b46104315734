"""A long job off the GUI thread with progress and cancel, on top of :class:`TaskRunner`.

The work is a plain callable ``fn(progress, cancel)`` that makes no Qt calls (the exchange
and versions cores take exactly these two). Progress is relayed to the GUI thread by a
queued signal; the result or the error arrives on the GUI thread through the runner.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from align_studio.ui.shell.tasks import Task, TaskRunner

Work = Callable[[Callable[[int, int, str], None], threading.Event], Any]


def run_off_gui(runner: TaskRunner, fn: Callable[[], Any],
                success: Callable[[Any], None] | None = None,
                failure: Callable[[BaseException], None] | None = None,
                lane: str = "default", owner: QObject | None = None) -> Task:
    """:meth:`TaskRunner.run`; the result is dropped if ``owner`` was deleted meanwhile."""
    return runner.run(fn, success, failure, lane=lane, owner=owner)


class ProgressJob(QObject):
    """One background job; create it, connect its signals, then :meth:`start` it."""

    sig_progress = Signal(int, int, str)
    """Progress on the GUI thread: steps done, steps in all, what is being done."""
    sig_finished = Signal(object)
    """The job finished; its result."""
    sig_failed = Signal(object)
    """The job failed or was cancelled; the exception."""

    def __init__(self, runner: TaskRunner, work: Work, parent: QObject | None = None,
                 lane: str = "default") -> None:
        super().__init__(parent)
        self.runner = runner
        self.work = work
        self.lane = lane
        self.cancel_flag = threading.Event()
        self.running = False
        self.task: Task | None = None

    def start(self) -> None:
        """Run the work in the background."""
        self.running = True
        self.cancel_flag = threading.Event()
        progress, cancel = self.runner.relay(self._relay), self.cancel_flag
        self.task = self.runner.run(lambda: self.work(progress, cancel), self._done,
                                    self._failed, lane=self.lane, cancel_event=cancel)

    def cancel(self) -> None:
        """Ask the work to stop at its next step (it raises ``Cancelled``)."""
        if self.task is not None:
            self.task.cancel()

    def _relay(self, done: int, total: int, what: str) -> None:
        if self.running:
            self.sig_progress.emit(done, total, what)

    def _done(self, result: Any) -> None:
        self.running = False
        self.sig_finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.sig_failed.emit(exc)

"""One small task runner: plain callables run off the GUI thread, results back by signal.

Like Anki's ``QueryOp``/``CollectionOp``: the work function makes no Qt calls; ``success``
and ``failure`` run on the GUI thread. Each request has an id, and a *lane* is a queue of
its own (one thread), so that saves, or journal writes and deletes, happen in order.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


class _Relay(QObject):
    """Carries a finished task's outcome to the GUI thread."""

    sig_done = Signal(int, object, object)
    """A task finished: its id, its result, and the exception it raised (or None)."""


class _Task(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.task_id, self.fn, self.relay = task_id, fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - delivered to ``failure`` on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.sig_done.emit(self.task_id, None, exc)
        else:
            self.relay.sig_done.emit(self.task_id, result, None)


class TaskRunner(QObject):
    """Runs work in thread pools and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {}
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Success | None, Failure | None, QObject | None]] = {}
        self._relay = _Relay(self)
        self._relay.sig_done.connect(self._finish)

    def run(self, fn: Callable[[], Any], success: Success | None = None,
            failure: Failure | None = None, lane: str = "default",
            owner: QObject | None = None) -> int:
        """Run ``fn`` in the background; returns the request id.

        When ``owner`` (the panel that asked) is deleted before the result arrives, the
        result is dropped instead of reaching a dead widget.
        """
        task_id = next(self._ids)
        if owner is None and isinstance(getattr(success, "__self__", None), QObject):
            owner = success.__self__  # type: ignore[union-attr]
        self._callbacks[task_id] = (success, failure, owner)
        self._pool(lane).start(_Task(task_id, fn, self._relay))
        return task_id

    def wait(self, lane: str | None = None, msecs: int = 30000) -> bool:
        """Block until the lane (or every lane) is idle; for shutdown and tests."""
        pools = [self._pools[lane]] if lane in self._pools else \
            ([] if lane else list(self._pools.values()))
        return all(p.waitForDone(msecs) for p in pools)

    def busy(self, lane: str) -> bool:
        """Whether a task of this lane is queued or running."""
        pool = self._pools.get(lane)
        return pool is not None and pool.activeThreadCount() > 0

    def _pool(self, lane: str) -> QThreadPool:
        pool = self._pools.get(lane)
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(4 if lane == "default" else 1)
            self._pools[lane] = pool
        return pool

    @Slot(int, object, object)
    def _finish(self, task_id: int, result: Any, error: BaseException | None) -> None:
        success, failure, owner = self._callbacks.pop(task_id, (None, None, None))
        if owner is not None and not shiboken6.isValid(owner):
            return  # the panel that asked was closed meanwhile
        if error is None:
            if success is not None:
                success(result)
        elif failure is not None:
            failure(error)
        else:
            log.error("background task failed: %s",
                      getattr(error, "__traceback_text__", repr(error)))

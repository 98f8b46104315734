"""The app's one way to work in the background; results reach the GUI thread only here.

Like Anki's ``QueryOp``/``CollectionOp``: the work is a plain callable that makes no Qt
calls, run on a pool thread; ``success`` and ``failure`` run on the GUI thread. A *lane* is
a queue of its own (one thread), so that saves, or journal writes and deletes, happen in
order; a task's progress comes back through :meth:`TaskRunner.relay`. Work that streams
from another process (a run in the run process) is a :class:`Stream`, read by one
GUI-thread timer (:meth:`TaskRunner.stream`).

Both kinds return a :class:`Task`, the one cancellation model: ``task.cancel()`` asks the
work to stop (it sets the task's cancel event, which cancellable work checks, and tells a
stream's source) and the work still ends the way it ends, so its outcome, cancelled or
not, is delivered. A request that a newer one replaced is recognised by the requester,
which keeps the task it is waiting for and drops the others' outcomes.

Work never reads what the GUI thread may be editing: the caller takes a snapshot (a spec
file's text, :func:`~align_studio.runs.runner.conversations`, ``measures.snapshot``)
on the GUI thread and hands that to the work. See "Background work" in
docs/architecture.md.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]
#: How often the streams are read (ms): the run process sends a batch every ~40 ms.
STREAM_EVERY_MS = 50


@dataclass(frozen=True)
class TaskDone:
    """What a pool thread sends to the GUI thread when a task ends."""

    task_id: int
    result: Any = None
    error: BaseException | None = None
    traceback: str = ""


class Task:
    """One piece of background work, as its requester holds it."""

    def __init__(self, task_id: int, cancel_event: threading.Event | None = None,
                 stop: Callable[[], None] | None = None) -> None:
        self.id = task_id
        #: Set by :meth:`cancel`; cancellable work is given it and checks it between steps.
        self.cancel_event = cancel_event if cancel_event is not None else threading.Event()
        self._stop = stop
        self.done = False

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        """Ask the work to stop (returns at once; its outcome still arrives)."""
        if self.done or self.cancelled:
            return
        self.cancel_event.set()
        if self._stop is not None:
            self._stop()


class Stream(Protocol):
    """Work that arrives in pieces from outside this process (a run's events)."""

    @property
    def done(self) -> bool:
        """Whether everything has arrived."""

    def poll_events(self) -> list[Any]:
        """What arrived since the last call (never waits)."""

    def cancel(self) -> None:
        """Ask the source to stop."""


@dataclass(frozen=True)
class Relayed:
    """A call a worker asks the GUI thread to make (progress, typically)."""

    fn: Callable[..., None]
    args: tuple[Any, ...]


class _Relay(QObject):
    sig_done = Signal(object)
    """A task ended: its :class:`TaskDone` (emitted on a pool thread, queued to ours)."""
    sig_call = Signal(object)
    """A worker's :class:`Relayed` call, made on the GUI thread."""


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.task_id, self.fn, self.relay = task_id, fn, relay

    def run(self) -> None:
        try:
            done = TaskDone(self.task_id, self.fn())
        except BaseException as exc:  # noqa: BLE001 - delivered to ``failure`` on the GUI thread
            done = TaskDone(self.task_id, None, exc, traceback.format_exc())
        try:
            self.relay.sig_done.emit(done)
        except RuntimeError:  # the runner was deleted (its window closed): nobody waits
            log.debug("task %d ended after its runner was deleted", self.task_id)


@dataclass
class _Waiting:
    task: Task
    success: Success | None
    failure: Failure | None
    owner: QObject | None


@dataclass
class _Streaming:
    task: Task
    source: Stream
    on_events: Callable[[list[Any]], None]
    on_end: Callable[[], None]
    owner: QObject | None


class TaskRunner(QObject):
    """Runs work in thread pools, reads streams, and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[str, QThreadPool] = {}
        self._ids = itertools.count(1)
        self._waiting: dict[int, _Waiting] = {}
        self._streams: list[_Streaming] = []
        self._relay = _Relay(self)
        self._relay.sig_done.connect(self._finish)
        self._relay.sig_call.connect(self._call)
        self._timer = QTimer(self)
        self._timer.setInterval(STREAM_EVERY_MS)
        self._timer.timeout.connect(self._pump)

    def run(self, fn: Callable[[], Any], success: Success | None = None,
            failure: Failure | None = None, lane: str = "default",
            owner: QObject | None = None,
            cancel_event: threading.Event | None = None) -> Task:
        """Run ``fn`` on a pool thread; ``success(result)`` or ``failure(exception)`` follow
        on the GUI thread.

        When ``owner`` (the panel that asked; by default the object of a bound ``success``)
        is deleted before the outcome arrives, it is dropped instead of reaching a dead
        widget. ``cancel_event`` is the event ``fn`` checks, if it can stop early: the
        task's :meth:`Task.cancel` sets it.
        """
        task = Task(next(self._ids), cancel_event)
        if owner is None and isinstance(getattr(success, "__self__", None), QObject):
            owner = success.__self__  # type: ignore[union-attr]
        self._waiting[task.id] = _Waiting(task, success, failure, owner)
        self._pool(lane).start(_Job(task.id, fn, self._relay))
        return task

    def stream(self, source: Stream, on_events: Callable[[list[Any]], None],
               on_end: Callable[[], None], owner: QObject | None = None) -> Task:
        """Read ``source`` every ``STREAM_EVERY_MS`` on the GUI thread: ``on_events`` with
        what arrived, then ``on_end()`` once it is done. Cancelling the task tells the
        source; its last events and its end still arrive."""
        task = Task(next(self._ids), stop=source.cancel)
        self._streams.append(_Streaming(task, source, on_events, on_end, owner))
        if not self._timer.isActive():
            self._timer.start()
        return task

    def relay(self, fn: Callable[..., None]) -> Callable[..., None]:
        """A function any thread may call: each call is made as ``fn(*args)`` on the GUI
        thread, in order (a task's progress reaches the GUI this way)."""
        def call(*args: Any) -> None:
            try:
                self._relay.sig_call.emit(Relayed(fn, args))
            except RuntimeError:  # the runner was deleted: nobody to tell
                pass
        return call

    def pump(self) -> None:
        """Read every stream now (tests, and a caller that must see the end at once)."""
        self._pump()

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

    @Slot(object)
    def _finish(self, done: TaskDone) -> None:
        waiting = self._waiting.pop(done.task_id, None)
        if waiting is None:
            return
        waiting.task.done = True
        if waiting.owner is not None and not shiboken6.isValid(waiting.owner):
            return  # the panel that asked was closed meanwhile
        if done.error is None:
            if waiting.success is not None:
                waiting.success(done.result)
        elif waiting.failure is not None:
            waiting.failure(done.error)
        else:
            log.error("background task failed: %s", done.traceback or repr(done.error))

    @Slot(object)
    def _call(self, call: Relayed) -> None:
        owner = getattr(call.fn, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return  # its widget was closed meanwhile
        call.fn(*call.args)

    def _pump(self) -> None:
        for s in list(self._streams):
            if s.owner is not None and not shiboken6.isValid(s.owner):
                self._streams.remove(s)  # the panel that asked is gone: so is the work
                s.task.cancel()
                continue
            events = s.source.poll_events()
            ended = s.source.done
            if ended:
                self._streams.remove(s)
                s.task.done = True
            if events:
                s.on_events(events)
            if ended:
                s.on_end()
        if not self._streams:
            self._timer.stop()

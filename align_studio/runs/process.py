"""Runs in a child process, so streaming never competes with the GUI for the GIL. Qt-free.

Python runs one thread at a time. Thirty-two streams decoded on a worker thread take the
GIL from the GUI thread often enough to stall its event loop by tens of milliseconds on
two cores. A :class:`RunWorker` is a child process (``spawn``: it starts clean, without a
copy of the GUI's memory) that runs jobs with the ordinary
:class:`~align_studio.runs.runner.Runner` and sends their events back over a pipe in
batches, about every 40 ms, with each job's text pieces joined. The parent reads what has
arrived without ever waiting: :meth:`ProcessRunHandle.poll_events` (the app calls it from
its ``TaskRunner``'s one GUI-thread pump). The messages are typed
(:mod:`~align_studio.runs.messages`).

Threads: in the parent, one writer per worker (a large request must not block the caller
while the starting child fills the pipe); in the child
(:mod:`~align_studio.runs.child`), the main thread reads requests and sends
batches, and each run's event loop has a thread of its own. These and the ``TaskRunner``'s
pools are the app's only threads (``tests/test_background.py``).

One worker serves run after run for its owner (an open spec), so only the first run pays
for starting it (about 0.3 s, best overlapped with preparing the run:
:meth:`RunWorker.ensure_started`). API keys reach it through the pipe, in memory only.
When the parent dies the child sees the pipe close, cancels and exits. Log records of the
child are re-emitted in the parent, so they reach the app's log.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from align_studio.runs.child import child_main
from align_studio.runs.messages import (
    CancelRun,
    CloseWorker,
    LogMessage,
    RunEvents,
    RunRequest,
    StartRun,
    ToChild,
    ToParent,
)
from align_studio.runs.runner import Event, RunEnded, RunSummary

__all__ = ["ProcessRunHandle", "RunRequest", "RunWorker", "RunWorkerError"]


class RunWorkerError(Exception):
    """The run's process could not be started, or ended before the run did."""


class ProcessRunHandle:
    """One run in a :class:`RunWorker`: read its events, cancel it, wait for its end.

    Meant for one thread (the GUI's): every method reads the pipe without blocking, except
    :meth:`wait`, which blocks at most ``timeout``.
    """

    def __init__(self, worker: RunWorker, run_id: str) -> None:
        self.worker = worker
        self.run_id = run_id
        self.summary: RunSummary | None = None
        self.error: BaseException | None = None
        self._events: list[Event] = []
        self._done = False

    @property
    def done(self) -> bool:
        """Whether the run has ended and :meth:`poll_events` has returned all its events
        (as of the last read of the pipe: this does not read it)."""
        return self._done and not self._events

    def poll_events(self) -> list[Event]:
        """The events that have arrived since the last call, in order (never waits)."""
        self.worker.pump()
        events, self._events = self._events, []
        return events

    def cancel(self) -> None:
        """Stop the run (returns at once; in-flight answers keep their text, cancelled)."""
        if not self._done:
            self.worker.send(CancelRun(self.run_id))

    def wait(self, timeout: float | None = None) -> RunSummary | None:
        """The summary once the run has ended (None on timeout); raises if the run's
        process failed it. Events that arrive meanwhile stay for :meth:`poll_events`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._done:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            self.worker.pump(wait=0.05 if left is None else min(left, 0.05))
        if self.error is not None:
            raise self.error
        return self.summary

    # called by the worker
    def _arrived(self, events: list[Event]) -> None:
        self._events.extend(events)
        if events and isinstance(last := events[-1], RunEnded):
            self.summary = last.summary

    def _ended(self, error: str | None) -> None:
        self._done = True
        if error is not None:
            self.error = RunWorkerError(error)


class RunWorker:
    """A child process that runs :class:`RunRequest` s and streams their events back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: Any = None  # multiprocessing's SpawnProcess
        self._conn: Connection | None = None
        self._outbox: queue.SimpleQueue[ToChild | None] | None = None
        self._handles: dict[str, ProcessRunHandle] = {}

    @property
    def alive(self) -> bool:
        """Whether the child process is running."""
        proc = self._proc
        return proc is not None and proc.is_alive()

    def ensure_started(self) -> None:
        """Start the child unless it runs; safe from any thread, returns without waiting
        for it to be ready (requests sent meanwhile wait in the pipe)."""
        with self._lock:
            if self._conn is not None and self.alive:
                return
            ctx = multiprocessing.get_context("spawn")
            parent, child = ctx.Pipe(duplex=True)
            proc = ctx.Process(target=child_main, args=(child,), name="align-studio-run",
                               daemon=True)
            try:
                proc.start()
            except Exception as exc:
                parent.close()
                raise RunWorkerError(f"could not start the run's process: {exc}") from exc
            finally:
                child.close()
            outbox: queue.SimpleQueue[ToChild | None] = queue.SimpleQueue()
            # Requests are written by a thread of their own: a large job list fills the pipe
            # before the child (still starting) reads it, and the caller must not wait.
            threading.Thread(target=_write_loop, args=(parent, outbox),
                             name="align-studio-run-writer", daemon=True).start()
            self._proc, self._conn, self._outbox = proc, parent, outbox

    def submit(self, request: RunRequest) -> ProcessRunHandle:
        """Start a run in the child; its handle at once."""
        self.ensure_started()
        handle = ProcessRunHandle(self, request.run_id)
        self._handles[request.run_id] = handle
        self.send(StartRun(request))
        return handle

    def send(self, message: ToChild) -> None:
        """Queue a message for the child (never blocks)."""
        if self._outbox is not None:
            self._outbox.put(message)

    def pump(self, wait: float = 0.0) -> None:
        """Route every message that has arrived to its run (waiting up to ``wait`` s for
        the first)."""
        conn = self._conn
        if conn is None:
            return
        try:
            ready = conn.poll(wait)
            while ready:
                self._dispatch(conn.recv())
                ready = conn.poll()
        except (EOFError, OSError):
            self._lost()

    def _dispatch(self, message: ToParent) -> None:
        if isinstance(message, LogMessage):
            record = logging.makeLogRecord(message.fields)
            logging.getLogger(record.name).handle(record)
            return
        handle = self._handles.get(message.run_id)
        if handle is None:
            return
        if isinstance(message, RunEvents):
            handle._arrived(message.events)
        else:
            del self._handles[message.run_id]
            handle._ended(message.error)

    def _lost(self) -> None:
        """The child is gone: every run it had ends with the reason."""
        with self._lock:
            proc, outbox = self._proc, self._outbox
            self._proc = self._conn = self._outbox = None
        if outbox is not None:
            outbox.put(None)  # ends the writer thread
        code = proc.exitcode if proc is not None else None
        for handle in self._handles.values():
            handle._ended(f"the run's process ended unexpectedly (exit code {code})")
        self._handles.clear()

    def close(self, timeout: float = 3.0) -> None:
        """Cancel every run and stop the child (waits up to ``timeout``)."""
        with self._lock:
            proc, conn, outbox = self._proc, self._conn, self._outbox
            self._proc = self._conn = self._outbox = None
        if proc is None or outbox is None:
            return
        outbox.put(CloseWorker())
        outbox.put(None)  # ends the writer thread
        proc.join(timeout)
        if proc.is_alive():
            proc.terminate()
            proc.join(1.0)
        if conn is not None:
            conn.close()
        for handle in self._handles.values():
            handle._ended("the run was stopped: its process was closed")
        self._handles.clear()


def _write_loop(conn: Connection, outbox: queue.SimpleQueue[ToChild | None]) -> None:
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):  # the child is gone; the reader notices
            return

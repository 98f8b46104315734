"""Runs in a child process, so streaming never competes with the GUI for the GIL. Qt-free.

Python runs one thread at a time. Thirty-two streams decoded on a worker thread take the
GIL from the GUI thread often enough to stall its event loop by tens of milliseconds on
two cores. A :class:`RunWorker` is a child process (``spawn``: it starts clean, without a
copy of the GUI's memory) that runs jobs with the ordinary
:class:`~align_studio.providers.runner.Runner` and sends their events back over a pipe in
batches, about every 40 ms, with each job's text pieces joined. The parent reads what has
arrived without ever waiting: :meth:`ProcessRunHandle.poll_events`.

One worker serves run after run for its owner (an open spec), so only the first run pays
for starting it (about 0.3 s, best overlapped with preparing the run:
:meth:`RunWorker.ensure_started`). API keys reach it through the pipe, in memory only.
When the parent dies the child sees the pipe close, cancels and exits. Log records of the
child are re-emitted in the parent, so they reach the app's log.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from align_studio.providers.batching import DeltaBatcher
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact, remember_secret
from align_studio.providers.runner import Event, Job, RunEnded, RunHandle, Runner, RunSummary

log = logging.getLogger(__name__)

BATCH_EVERY = 0.04  # seconds between two batches of events sent to the parent


class RunWorkerError(Exception):
    """The run's process could not be started, or ended before the run did."""


@dataclass
class RunRequest:
    """Everything the child needs for one run (sent through the pipe)."""

    run_id: str
    jobs: list[Job]
    endpoints: dict[str, Endpoint]
    workspace: Path | None = None  # whose run store records the run; None: no recording
    spec_id: str = ""
    spec_version: int | None = None
    refresh: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    log_level: int = logging.WARNING


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
            self.worker.send(("cancel", self.run_id))

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
        if events and isinstance(events[-1], RunEnded):
            self.summary = events[-1].summary

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
        self._outbox: queue.SimpleQueue[Any] | None = None
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
            outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
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
        self.send(("run", request))
        return handle

    def send(self, message: tuple[Any, ...]) -> None:
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

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "log":
            record = logging.makeLogRecord(message[1])
            logging.getLogger(record.name).handle(record)
            return
        handle = self._handles.get(message[1])
        if handle is None:
            return
        if kind == "events":
            handle._arrived(message[2])
        elif kind == "done":
            del self._handles[message[1]]
            handle._ended(message[2])

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
        outbox.put(("close",))
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


def _write_loop(conn: Connection, outbox: queue.SimpleQueue[Any]) -> None:
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):  # the child is gone; the reader notices
            return


# -- the child ---------------------------------------------------------------------------
def child_main(conn: Connection) -> None:
    """The child process: serve run requests until told to close or the parent is gone."""
    _Child(conn).serve()


class _PipeLogHandler(logging.Handler):
    def __init__(self, child: _Child) -> None:
        super().__init__()
        self.child = child

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # Redacted here, where the keys of the run are known: the parent (and whatever
            # handler it has, stderr included) never sees them.
            exc_text = (logging.Formatter().formatException(record.exc_info)
                        if record.exc_info else record.exc_text)
            data = dict(record.__dict__, msg=redact(record.getMessage()), args=None,
                        exc_info=None, exc_text=redact(exc_text) if exc_text else exc_text)
            self.child.send(("log", data))
        except Exception:  # noqa: BLE001 - logging must never fail a run
            self.handleError(record)


class _Child:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.send_lock = threading.Lock()
        self.runs: dict[str, RunHandle] = {}
        self.stores: dict[Path, Any] = {}
        self.memory_cache: dict[str, Any] = {}  # answers across runs, when nothing records
        logging.getLogger().handlers[:] = [_PipeLogHandler(self)]

    def send(self, message: tuple[Any, ...]) -> None:
        with self.send_lock:
            self.conn.send(message)

    def serve(self) -> None:
        try:
            while True:
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    break  # the parent is gone
                if message[0] == "run":
                    self.start(message[1])
                elif message[0] == "cancel" and message[1] in self.runs:
                    self.runs[message[1]].cancel()
                elif message[0] == "close":
                    break
        finally:
            for handle in list(self.runs.values()):
                handle.cancel()
            for handle in list(self.runs.values()):
                handle.wait(2.0)
            for store in self.stores.values():
                store.close()

    def store(self, workspace: Path | None) -> Any:
        if workspace is None:
            return None
        if workspace not in self.stores:
            from align_studio.storage.runstore import RunStore, RunStoreError

            try:
                self.stores[workspace] = RunStore.for_workspace(workspace)
            except RunStoreError as exc:
                log.warning("the run is not recorded: %s", exc)
                return None
        return self.stores[workspace]

    def start(self, req: RunRequest) -> None:
        logging.getLogger().setLevel(req.log_level)
        for ep in req.endpoints.values():  # masked in every log record sent to the parent
            remember_secret(ep.api_key)
        batcher = DeltaBatcher()
        try:
            runner = Runner(req.endpoints, self.store(req.workspace), spec_id=req.spec_id,
                            spec_version=req.spec_version, memory_cache=self.memory_cache)
            handle = runner.start(req.jobs, batcher.push, refresh=req.refresh,
                                  run_id=req.run_id, settings=req.settings)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            self.send(("done", req.run_id, f"the run could not start: {exc}"))
            return
        self.runs[req.run_id] = handle
        threading.Thread(target=self.forward, args=(req.run_id, handle, batcher),
                         name="align-studio-run-events", daemon=True).start()

    def forward(self, run_id: str, handle: RunHandle, batcher: DeltaBatcher) -> None:
        """Send the run's events in batches until it ends, then say it ended."""
        try:
            while True:
                ended = handle.done  # read first, so the last events go out below
                events = batcher.drain()
                if events:
                    self.send(("events", run_id, events))
                if ended:
                    break
                time.sleep(BATCH_EVERY)
            error = None
            try:
                handle.wait()
            except Exception as exc:  # noqa: BLE001 - a crashed run, reported
                error = redact(f"the run failed: {type(exc).__name__}: {exc}")
            self.send(("done", run_id, error))
        except (OSError, ValueError):  # the parent is gone
            handle.cancel()
        except Exception as exc:  # e.g. an event that cannot be pickled
            # The parent must hear that the run ended, or it waits for ever.
            handle.cancel()
            log.exception("the run's events could not be sent")
            with contextlib.suppress(OSError, ValueError):
                self.send(("done", run_id, redact(f"the run's events could not be sent: "
                                                  f"{type(exc).__name__}: {exc}")))
        finally:
            self.runs.pop(run_id, None)

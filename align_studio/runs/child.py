"""The run process's side: serve run requests from the app until closed. Qt-free.

Started by :class:`~align_studio.runs.process.RunWorker` (``spawn``). Its main
thread reads requests from the pipe and, every ``BATCH_EVERY`` s, sends each run's new
events (text pieces of a job joined by a :class:`DeltaBatcher`); each run's event loop has a
thread of its own (:class:`_ChildRun`). Log records go to the parent redacted, where the
run's keys are known.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from align_studio.providers.redact import redact, remember_secret
from align_studio.runs.batching import DeltaBatcher
from align_studio.runs.messages import (
    CancelRun,
    CloseWorker,
    LogMessage,
    RunDone,
    RunEvents,
    RunRequest,
    StartRun,
    ToChild,
    ToParent,
)
from align_studio.runs.runner import Runner
from align_studio.storage.runstore import RunStore, RunStoreError

log = logging.getLogger(__name__)

BATCH_EVERY = 0.04  # seconds between two batches of events sent to the parent


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
            self.child.send(LogMessage(data))
        except Exception:  # noqa: BLE001 - logging must never fail a run
            self.handleError(record)


class _ChildRun:
    """One run in the child: its :class:`Runner` on a thread of its own, events batched."""

    def __init__(self, req: RunRequest, runner: Runner) -> None:
        self.req, self.runner = req, runner
        self.batcher = DeltaBatcher()
        self.ended = threading.Event()
        self.error: str | None = None
        self.thread = threading.Thread(target=self.main, name="align-studio-run", daemon=True)

    def main(self) -> None:
        """The run's thread: the run's event loop, until the run ends."""
        req = self.req
        try:
            self.runner.run_sync(req.jobs, self.batcher.push, refresh=req.refresh,
                                 run_id=req.run_id, settings=req.settings)
        except BaseException as exc:  # noqa: BLE001 - a crashed run, reported to the parent
            self.error = redact(f"the run failed: {type(exc).__name__}: {exc}")
        finally:
            self.ended.set()


class _Child:
    """The run process's main thread: reads requests, and every ``BATCH_EVERY`` s sends
    each run's new events; each run's loop runs on its own thread (:class:`_ChildRun`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.send_lock = threading.Lock()  # the log handler sends from any thread
        self.runs: dict[str, _ChildRun] = {}
        self.stores: dict[Path, RunStore] = {}
        self.memory_cache: dict[str, Any] = {}  # answers across runs, when nothing records
        logging.getLogger().handlers[:] = [_PipeLogHandler(self)]

    def send(self, message: ToParent) -> None:
        with self.send_lock:
            self.conn.send(message)

    def serve(self) -> None:
        try:
            while True:
                try:
                    if self.conn.poll(BATCH_EVERY):
                        message: ToChild = self.conn.recv()
                        if isinstance(message, StartRun):
                            self.start(message.request)
                        elif isinstance(message, CancelRun) and message.run_id in self.runs:
                            self.runs[message.run_id].runner.cancel()
                        elif isinstance(message, CloseWorker):
                            break
                    self.forward()
                except (EOFError, OSError, ValueError):
                    break  # the parent is gone
        finally:
            for run in self.runs.values():
                run.runner.cancel()
            for run in self.runs.values():
                run.thread.join(2.0)
            for store in self.stores.values():
                store.close()

    def store(self, workspace: Path | None) -> RunStore | None:
        if workspace is None:
            return None
        if workspace not in self.stores:
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
        try:
            runner = Runner(req.endpoints, self.store(req.workspace), spec_id=req.spec_id,
                            spec_version=req.spec_version, memory_cache=self.memory_cache)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            self.send(RunDone(req.run_id, f"the run could not start: {exc}"))
            return
        run = self.runs[req.run_id] = _ChildRun(req, runner)
        run.thread.start()

    def forward(self) -> None:
        """Send each run's events since the last call; say which runs ended."""
        for run_id, run in list(self.runs.items()):
            ended = run.ended.is_set()  # read first, so the last events go out below
            try:
                events = run.batcher.drain()
                if events:
                    self.send(RunEvents(run_id, events))
            except (OSError, ValueError):
                raise  # the parent is gone: serve() stops
            except Exception as exc:  # e.g. an event that cannot be pickled
                # The parent must hear that the run ended, or it waits for ever.
                run.runner.cancel()
                log.exception("the run's events could not be sent")
                del self.runs[run_id]
                with contextlib.suppress(OSError, ValueError):
                    self.send(RunDone(run_id, redact(f"the run's events could not be sent: "
                                                     f"{type(exc).__name__}: {exc}")))
                continue
            if ended:
                del self.runs[run_id]
                run.thread.join()
                self.send(RunDone(run_id, run.error))

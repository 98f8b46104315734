"""Runs from the GUI: endpoints resolved off the GUI thread, the run in a child process.

Like Anki's background operations: the work (resolving provider profiles, opening the run
store) happens on worker threads that never touch Qt, and the run itself goes to a
:class:`~align_studio.providers.run_process.RunWorker` process, so streaming never takes
the GIL from the GUI. A QTimer on the GUI thread reads what has arrived every ~50 ms (each
job's text pieces already joined). Each request carries a token, so a late result of a
cancelled or replaced request is recognised and dropped. The GUI never waits on the
network.
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from align_studio.domain import Target
from align_studio.editing.session import EditSession
from align_studio.providers.batching import FLUSH_INTERVAL
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact
from align_studio.providers.run_process import ProcessRunHandle, RunRequest, RunWorker
from align_studio.providers.runner import Job, RunEnded, build_jobs
from align_studio.review.estimate import Estimate, estimate_run, history_from_rows
from align_studio.review.live import CANCELLED, Key, LiveResults, apply_events
from align_studio.ui.preview.run_outcome import RunOutcome

log = logging.getLogger(__name__)

ESTIMATE_THRESHOLD = 20  # runs of more jobs than this are confirmed with an estimate
Resolve = Callable[[Target], Endpoint]
Confirm = Callable[[Estimate], bool]


def resolve_with_profiles(target: Target) -> Endpoint:
    """The target's endpoint from the user's provider profiles (keychain lookups included)."""
    from align_studio.providers.connection import resolve_endpoint

    return resolve_endpoint(target.provider, model=target.model)


@dataclass
class _Prepared:
    """What the worker thread found before a run: endpoints, problems, the store."""

    token: int
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    store: Any = None
    history_rows: dict[Key, dict[str, Any]] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    estimate: Estimate | None = None  # for runs large enough to be confirmed


class RunController(QObject):
    """Starts, watches and cancels the runs of one open spec."""

    sig_changed = Signal(object)
    """Live answers changed: the set of (case id, target id) keys."""
    sig_progress = Signal(int, int)
    """Jobs ended so far, of how many (0, 0: idle)."""
    sig_run_started = Signal(str, int)
    """A run went out: its id and number of jobs."""
    sig_run_ended = Signal(str, str, RunOutcome)
    """A run ended: its id, its status (finished, cancelled, failed) and what it did."""
    sig_busy_changed = Signal(bool)
    """A run is being prepared or is under way (True), or nothing runs (False)."""
    sig_target_unavailable = Signal(str, str)
    """A target cannot be run: its id and what to do about it (e.g. no provider profile)."""
    sig_message = Signal(str)
    """A short message for the status bar."""

    def __init__(self, session: EditSession, workspace: Path | None,
                 resolve: Resolve = resolve_with_profiles, confirm: Confirm | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.workspace = workspace
        self.resolve = resolve
        self.confirm = confirm
        self.live = LiveResults()
        self._worker = RunWorker()
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._token = 0
        self._handle: ProcessRunHandle | None = None
        self._keys: dict[str, Key] = {}
        self._preparing = False
        self._store: Any = None
        self._store_lock = threading.Lock()
        self.last_run_id: str | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(FLUSH_INTERVAL * 1000))
        self._timer.timeout.connect(self._drain)

    # ---- state -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a run is being prepared or is under way."""
        return self._preparing or self._handle is not None

    def _set_busy(self) -> None:
        self.sig_busy_changed.emit(self.busy)
        if self.busy and not self._timer.isActive():
            self._timer.start()

    def _open_store(self) -> Any:
        # On a worker thread: opening SQLite is disk work.
        with self._store_lock:
            if self._store is None and self.workspace is not None:
                from align_studio.storage.runstore import RunStore, RunStoreError

                try:
                    self._store = RunStore.for_workspace(self.workspace)
                except RunStoreError as exc:
                    log.warning("no run store: %s", exc)
            return self._store

    # ---- history -----------------------------------------------------------------------
    def load_history(self) -> None:
        """Show the latest recorded answers of earlier runs (read off the GUI thread)."""
        spec_id, token = self.session.spec.id, self._token

        def work() -> None:
            store = self._open_store()
            rows = store.matrix(spec_id) if store is not None else {}
            self._inbox.put(("history", token, rows))

        threading.Thread(target=work, name="align-studio-history", daemon=True).start()
        if not self._timer.isActive():
            self._timer.start()

    # ---- running -----------------------------------------------------------------------
    def start(self, case_ids: Sequence[str] | None = None,
              target_ids: Sequence[str] | None = None, *, refresh: bool = False) -> bool:
        """Run ``case_ids`` (all cases: None) on ``target_ids`` (all: None). Returns False
        when a run is already under way or there is nothing to run."""
        if self.busy:
            self.sig_message.emit("A run is under way; cancel it first or wait for it")
            return False
        spec = self.session.spec
        targets = [t for t in spec.targets if target_ids is None or t.id in target_ids]
        cases = [c.id for c in spec.cases if case_ids is None or c.id in case_ids]
        if not targets or not cases:
            self.sig_message.emit("Nothing to run: the spec needs cases and targets")
            return False
        self._token += 1
        token = self._token
        self._preparing = True
        self._set_busy()
        resolve, spec_id = self.resolve, spec.id

        def prepare() -> None:
            out = _Prepared(token)
            try:  # the run's process starts while the endpoints are resolved
                self._worker.ensure_started()
            except Exception:
                log.exception("could not start the run's process")
            for t in targets:
                try:
                    out.endpoints[t.id] = resolve(t)
                except Exception as exc:  # noqa: BLE001 - ProfileNotFound, MissingKeyError…: shown
                    out.problems[t.id] = str(exc) or type(exc).__name__
            # Reading the spec here is safe: edits happen on the GUI thread, and a job list
            # built a moment before an edit is what the user asked to run.
            out.jobs = build_jobs(spec, out.endpoints, case_ids=cases,
                                  target_ids=list(out.endpoints))
            out.store = self._open_store()
            if out.store is not None:
                try:
                    out.history_rows = out.store.matrix(spec_id)
                except Exception:
                    log.exception("could not read earlier runs")
            if len(out.jobs) > ESTIMATE_THRESHOLD:  # thousands of jobs: not on the GUI thread
                rows = [dict(r) for r in out.history_rows.values()]
                out.estimate = estimate_run(out.jobs, out.endpoints, history_from_rows(rows))
            self._inbox.put(("prepared", token, out, cases, refresh))

        threading.Thread(target=prepare, name="align-studio-prepare", daemon=True).start()
        return True

    def cancel(self) -> None:
        """Stop the run; answers under way keep their text, marked cancelled."""
        if self._handle is not None:
            self._handle.cancel()
            self.sig_message.emit("Cancelling the run…")
        elif self._preparing:
            self._token += 1  # the prepared result will be dropped
            self._preparing = False
            self._set_busy()

    def _launch(self, prep: _Prepared, case_ids: list[str], refresh: bool) -> None:
        self._preparing = False
        changed: set[Key] = set()
        for target_id, message in prep.problems.items():
            self.sig_target_unavailable.emit(target_id, message)
            for c in case_ids:
                self.live.unavailable(c, target_id, message)
                changed.add((c, target_id))
        jobs = prep.jobs
        if changed:
            self.sig_changed.emit(changed)
        if not jobs:
            self._set_busy()
            self.sig_progress.emit(0, 0)
            return
        if prep.estimate is not None and self.confirm is not None \
                and not self.confirm(prep.estimate):
                self._set_busy()
                self.sig_message.emit("Run not started")
                return
        self._run(jobs, prep, refresh)

    def _run(self, jobs: list[Job], prep: _Prepared, refresh: bool) -> None:
        from align_studio.storage.runstore import new_run_id

        spec = self.session.spec
        run_id = new_run_id()
        self._keys = {j.job_id: (j.case_id, j.target_id) for j in jobs}
        for j in jobs:
            self.live.waiting(j.case_id, j.target_id, run_id)
        self.sig_changed.emit(set(self._keys.values()))
        self.last_run_id = run_id
        self.sig_progress.emit(0, len(jobs))
        request = RunRequest(run_id, jobs, prep.endpoints,
                             workspace=self.workspace if prep.store is not None else None,
                             spec_id=spec.id, spec_version=spec.version, refresh=refresh,
                             log_level=logging.getLogger().getEffectiveLevel())
        try:
            self._handle = self._worker.submit(request)
        except Exception as exc:
            log.exception("could not start the run")
            self._ended(None)  # every waiting answer shows cancelled
            self.sig_message.emit(f"The run could not start: {exc}")
            return
        # The spec and the window are long-lived: keep them out of the cyclic collector
        # while the run's answers arrive, so a full collection never stalls the GUI mid-run.
        gc.freeze()
        self._set_busy()
        self.sig_run_started.emit(run_id, len(jobs))

    # ---- the GUI side ------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                break
            kind, token = item[0], item[1]
            if token != self._token:
                continue  # a late answer to a request that was cancelled or replaced
            if kind == "history":
                self.live.load_rows(item[2])
                self.sig_changed.emit(set(item[2]))
            elif kind == "prepared":
                self._launch(item[2], item[3], item[4])
        if self._handle is not None:
            self._apply(self._handle.poll_events())
        if not self.busy and self._inbox.empty():
            self._timer.stop()

    def _apply(self, events: list[Any]) -> None:
        done = apply_events(self.live, events, self._keys, time.monotonic())
        if done.changed:
            self.sig_changed.emit(done.changed)
        if done.progress is not None:
            self.sig_progress.emit(done.progress.done, done.progress.total)
        if done.ended is not None or (self._handle is not None and self._handle.done):
            self._ended(done.ended)

    def _ended(self, ended: RunEnded | None) -> None:
        handle, self._handle = self._handle, None
        gc.unfreeze()
        changed: set[Key] = set()
        if ended is None:  # the run's process failed it, or it never started: no summary
            error = handle.error if handle is not None else None
            outcome = RunOutcome.crashed(self.last_run_id or "",
                                         redact(str(error)) if error is not None else None)
        else:
            outcome = RunOutcome.from_summary(ended.summary)
            # Jobs cancelled before they ever ran send no event of their own.
            for rec in ended.summary.results:
                key = (rec.case_id, rec.target_id)
                live = self.live.get(*key)
                if live is not None and live.busy and live.run_id == outcome.run_id:
                    self.live.finished(key, rec)
                    changed.add(key)
        for key in self._keys.values():  # a crashed run: nothing under way any more
            live = self.live.get(*key)
            if live is not None and live.busy and live.run_id == outcome.run_id:
                live.status = CANCELLED
                changed.add(key)
        if changed:
            self.sig_changed.emit(changed)
        self._set_busy()
        self.sig_progress.emit(0, 0)
        self.sig_run_ended.emit(outcome.run_id, outcome.status, outcome)

    def close(self) -> None:
        """Cancel any run and let go of the run store (the spec is closing)."""
        self._token += 1
        handle = self._handle
        if handle is not None:
            handle.cancel()
            try:
                handle.wait(3.0)
            except Exception:
                log.debug("the run ended badly while closing", exc_info=True)
            gc.unfreeze()
        self._worker.close()
        self._handle = None
        self._preparing = False
        self._timer.stop()
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

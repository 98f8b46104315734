"""Runs from the GUI: endpoints resolved off the GUI thread, the run in a child process.

Like Anki's background operations, everything goes through the window's
:class:`~align_studio.ui.shell.tasks.TaskRunner`: preparing a run (resolving provider profiles,
opening the run store, reading earlier answers, the estimate) is a task on its "runs"
lane, and the run itself goes to a :class:`~align_studio.runs.process.RunWorker`
process, so streaming never takes the GIL from the GUI; the runner reads its events on the
GUI thread every ~50 ms (each job's text pieces already joined). The preparing task works on
a snapshot taken here (the cases' conversations and copies of the targets), never on the
spec the user may be editing meanwhile. Each request keeps its :class:`Task`, so a late
result of a cancelled or replaced request is recognised and dropped. The GUI never waits
on the network.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from align_studio.domain import Target
from align_studio.editing.session import EditSession
from align_studio.providers.connection import resolve_endpoint
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.redact import redact
from align_studio.review.estimate import Estimate, estimate_run, history_from_rows
from align_studio.review.live import CANCELLED, Key, LiveResults, apply_events
from align_studio.runs.process import ProcessRunHandle, RunRequest, RunWorker
from align_studio.runs.runner import (
    Conversation,
    Event,
    Job,
    RunEnded,
    SystemPrompts,
    conversations,
    jobs_for,
    system_prompts,
)
from align_studio.storage.runstore import RunStore, RunStoreError, new_run_id
from align_studio.ui.preview.run_outcome import RunOutcome
from align_studio.ui.shell.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

ESTIMATE_THRESHOLD = 20  # runs of more jobs than this are confirmed with an estimate
LANE = "runs"  # one lane: history reads and preparations happen in order
Resolve = Callable[[Target], Endpoint]
Confirm = Callable[[Estimate], bool]


def resolve_with_profiles(target: Target) -> Endpoint:
    """The target's endpoint from the user's provider profiles (keychain lookups included)."""
    return resolve_endpoint(target.provider, model=target.model)


@dataclass(frozen=True)
class _Snapshot:
    """What a run reads of the spec, taken on the GUI thread when the run is asked for."""

    spec_id: str
    spec_version: int | None
    convs: list[Conversation]
    targets: list[Target]
    prompts: SystemPrompts  # the targets' prompt variants


@dataclass
class _Prepared:
    """What the preparing task found before a run: endpoints, problems, jobs, estimate."""

    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    recorded: bool = False  # whether the run store could be opened (the run is recorded)
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

    def __init__(self, session: EditSession, workspace: Path | None, runner: TaskRunner,
                 resolve: Resolve = resolve_with_profiles, confirm: Confirm | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.workspace = workspace
        self.runner = runner
        self.resolve = resolve
        self.confirm = confirm
        self.live = LiveResults()
        self._worker = RunWorker()
        self._history: Task | None = None  # the history read whose answer is awaited
        self._preparing: Task | None = None  # the preparation whose answer is awaited
        self._handle: ProcessRunHandle | None = None
        self._run_task: Task | None = None
        self._keys: dict[str, Key] = {}
        self._store: RunStore | None = None
        self._store_lock = threading.Lock()
        self._closed = False
        self.last_run_id: str | None = None

    # ---- state -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a run is being prepared or is under way."""
        return self._preparing is not None or self._handle is not None

    def _set_busy(self) -> None:
        self.sig_busy_changed.emit(self.busy)

    def _open_store(self) -> RunStore | None:
        # In a task: opening SQLite is disk work.
        with self._store_lock:
            if self._store is None and self.workspace is not None and not self._closed:
                try:
                    self._store = RunStore.for_workspace(self.workspace)
                except RunStoreError as exc:
                    log.warning("no run store: %s", exc)
            return self._store

    # ---- history -----------------------------------------------------------------------
    def load_history(self) -> None:
        """Show the latest recorded answers of earlier runs (read in a task)."""
        spec_id = self.session.spec.id

        def work() -> dict[Key, dict[str, Any]]:
            store = self._open_store()
            return store.matrix(spec_id) if store is not None else {}

        def arrived(rows: dict[Key, dict[str, Any]]) -> None:
            if task is self._history:
                self._history = None
                self.live.load_rows(rows)
                self.sig_changed.emit(set(rows))

        task = self._history = self.runner.run(work, arrived, lane=LANE, owner=self)

    # ---- running -----------------------------------------------------------------------
    def start(self, case_ids: Sequence[str] | None = None,
              target_ids: Sequence[str] | None = None, *, refresh: bool = False) -> bool:
        """Run ``case_ids`` (all cases: None) on ``target_ids`` (all: None). Returns False
        when a run is already under way or there is nothing to run."""
        if self.busy:
            self.sig_message.emit("A run is under way; cancel it first or wait for it")
            return False
        spec = self.session.spec
        # The snapshot: plain conversations (~1 ms for 1,000 cases) and copies of the
        # targets; the task below reads only these.
        targets = [t.model_copy(update={"params": dict(t.params)}) for t in spec.targets
                   if target_ids is None or t.id in target_ids]
        convs = conversations(spec, case_ids)
        if not targets or not convs:
            self.sig_message.emit("Nothing to run: the spec needs cases and targets")
            return False
        try:
            prompts = system_prompts(spec, targets)
        except LookupError as exc:  # a target names a prompt variant the spec lacks
            self.sig_message.emit(f"Nothing was run: {exc}")
            return False
        snap = _Snapshot(spec.id, spec.version, convs, targets, prompts)
        self._history = None  # a history read still under way would overwrite the run
        task = self._preparing = self.runner.run(
            lambda: self._prepare(snap), lambda prep: self._prepared(task, snap, prep, refresh),
            lambda exc: self._prepare_failed(task, exc), lane=LANE, owner=self)
        self._set_busy()
        return True

    def _prepare(self, snap: _Snapshot) -> _Prepared:
        # In a task: keychain lookups, the run's process starting, SQLite, the estimate.
        out = _Prepared()
        try:  # the run's process starts while the endpoints are resolved
            self._worker.ensure_started()
        except Exception:
            log.exception("could not start the run's process")
        for t in snap.targets:
            try:
                out.endpoints[t.id] = self.resolve(t)
            except Exception as exc:  # noqa: BLE001 - ProfileNotFound, MissingKeyError…: shown
                out.problems[t.id] = str(exc) or type(exc).__name__
        out.jobs = jobs_for(snap.convs, [t for t in snap.targets if t.id in out.endpoints],
                            out.endpoints, snap.prompts)
        store = self._open_store()
        out.recorded = store is not None
        if store is not None:
            try:
                out.history_rows = store.matrix(snap.spec_id)
            except Exception:
                log.exception("could not read earlier runs")
        if len(out.jobs) > ESTIMATE_THRESHOLD:  # thousands of jobs: not on the GUI thread
            rows = [dict(r) for r in out.history_rows.values()]
            out.estimate = estimate_run(out.jobs, out.endpoints, history_from_rows(rows))
        return out

    def _prepare_failed(self, task: Task, exc: BaseException) -> None:
        if task is self._preparing:
            self._preparing = None
            self._set_busy()
            self.sig_message.emit(f"The run could not be prepared: {redact(str(exc))}")

    def cancel(self) -> None:
        """Stop the run; answers under way keep their text, marked cancelled."""
        if self._run_task is not None:
            self._run_task.cancel()
            self.sig_message.emit("Cancelling the run…")
        elif self._preparing is not None:
            self._preparing.cancel()
            self._preparing = None  # its result will be dropped
            self._set_busy()

    def _prepared(self, task: Task, snap: _Snapshot, prep: _Prepared, refresh: bool) -> None:
        if task is not self._preparing:
            return  # a late answer to a request that was cancelled or replaced
        self._preparing = None
        changed: set[Key] = set()
        for target_id, message in prep.problems.items():
            self.sig_target_unavailable.emit(target_id, message)
            for case_id, _messages in snap.convs:
                self.live.unavailable(case_id, target_id, message)
                changed.add((case_id, target_id))
        if changed:
            self.sig_changed.emit(changed)
        if not prep.jobs:
            self._set_busy()
            self.sig_progress.emit(0, 0)
            return
        if prep.estimate is not None and self.confirm is not None \
                and not self.confirm(prep.estimate):
            self._set_busy()
            self.sig_message.emit("Run not started")
            return
        self._run(snap, prep, refresh)

    def _run(self, snap: _Snapshot, prep: _Prepared, refresh: bool) -> None:
        jobs = prep.jobs
        run_id = new_run_id()
        self._keys = {j.job_id: (j.case_id, j.target_id) for j in jobs}
        for j in jobs:
            self.live.waiting(j.case_id, j.target_id, run_id)
        self.sig_changed.emit(set(self._keys.values()))
        self.last_run_id = run_id
        self.sig_progress.emit(0, len(jobs))
        request = RunRequest(run_id, jobs, prep.endpoints,
                             workspace=self.workspace if prep.recorded else None,
                             spec_id=snap.spec_id, spec_version=snap.spec_version,
                             refresh=refresh,
                             log_level=logging.getLogger().getEffectiveLevel())
        try:
            handle = self._handle = self._worker.submit(request)
        except Exception as exc:
            log.exception("could not start the run")
            self._ended(None)  # every waiting answer shows cancelled
            self.sig_message.emit(f"The run could not start: {exc}")
            return
        task = self._run_task = self.runner.stream(
            handle, self._apply, lambda: self._stream_ended(task), owner=self)
        self._set_busy()
        self.sig_run_started.emit(run_id, len(jobs))

    # ---- the GUI side (called by the TaskRunner) -----------------------------------------
    def _apply(self, events: list[Event]) -> None:
        if self._handle is None:
            return  # the run already ended (its summary came before the pipe said so)
        done = apply_events(self.live, events, self._keys, time.monotonic())
        if done.changed:
            self.sig_changed.emit(done.changed)
        if done.progress is not None:
            self.sig_progress.emit(done.progress.done, done.progress.total)
        if done.ended is not None:
            self._ended(done.ended)

    def _stream_ended(self, task: Task) -> None:
        if task is self._run_task and self._handle is not None:
            self._ended(None)  # the stream ended without a summary: the process failed it

    def _ended(self, ended: RunEnded | None) -> None:
        handle, self._handle, self._run_task = self._handle, None, None
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
        self._history = self._preparing = None  # late answers are dropped
        handle, task = self._handle, self._run_task
        if task is not None and handle is not None:
            task.cancel()
            try:
                handle.wait(3.0)
            except Exception:
                log.debug("the run ended badly while closing", exc_info=True)
        self._worker.close()
        self._handle = self._run_task = None
        self._closed = True
        try:  # on the lane, after any preparation or history read still using the store
            self.runner.run(self._close_store, lane=LANE)
        except RuntimeError:  # the window is being torn down: its pools are gone already
            self._close_store()

    def _close_store(self) -> None:
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None

"""Run → Submit as Batch…: the open spec's cases through the providers' Batch API.

The window's side of :mod:`align_studio.runs.batch`. The spec is read on the GUI thread
(a snapshot: plain conversations and copies of the targets); the preparation (provider
profiles and keychain, the run store, an unfinished batch run to resume, the estimate) and
the run itself (upload, create, poll, ingest) are tasks of the one ``TaskRunner``. Progress
comes back through ``TaskRunner.relay`` to a line in the status bar with a Cancel button;
Cancel cancels the batches at the provider and keeps what they finished. When the run
ends the Results and Preview show its answers (the run history is read again).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from align_studio.domain import Spec, Target
from align_studio.providers.redact import redact
from align_studio.runs.batch import BatchRunner
from align_studio.runs.batch_targets import batch_target, estimate_text
from align_studio.runs.batch_types import BatchProgress, BatchResult, BatchTarget
from align_studio.runs.runner import (
    Conversation,
    Job,
    SystemPrompts,
    conversations,
    jobs_for,
    system_prompts,
)
from align_studio.storage.runstore import RunStore
from align_studio.ui.shell.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from align_studio.ui.preview.run_controller import RunController
    from align_studio.ui.shell.context import AppContext

log = logging.getLogger(__name__)
LANE = "batch"


@dataclass
class _Prepared:
    """What the preparing task found: targets, jobs, a run to resume, or the problems."""

    spec_id: str
    spec_version: int | None
    targets: dict[str, BatchTarget] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    resume: str | None = None
    estimate: str = ""


class BatchSubmitter(QObject):
    """Submits the open spec as a batch run, watches it and cancels it."""

    sig_progress = Signal(str)
    """Where the batches are: one ``target: status done/total`` part per target."""
    sig_ended = Signal(str, str)
    """The batch run ended: its id (empty if it never started) and a sentence saying how."""

    def __init__(self, runner: TaskRunner, workspace: Callable[[], Path | None],
                 confirm: Callable[[str], bool],
                 resolve: Callable[[Target], BatchTarget] = batch_target,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.workspace = workspace
        self.confirm = confirm
        self.resolve = resolve
        self.poll_interval = 10.0
        self.action: QAction | None = None  # Run → Submit as Batch…
        self._task: Task | None = None
        self._lines: dict[str, str] = {}

    @property
    def busy(self) -> bool:
        """Whether a batch run is being prepared or watched."""
        return self._task is not None

    def submit(self, spec: Spec) -> bool:
        """Submit every case of ``spec`` on every target (or resume its unfinished batch
        run). Returns False when one is already under way or there is nothing to send."""
        ws = self.workspace()
        if self.busy or ws is None or not spec.cases or not spec.targets:
            return False
        convs = conversations(spec)
        targets = [t.model_copy(update={"params": dict(t.params)}) for t in spec.targets]
        try:  # each target's system prompt, its prompt variant's when it names one
            prompts = system_prompts(spec, targets)
        except LookupError as exc:  # a target names a prompt variant the spec lacks
            self.sig_ended.emit("", f"Nothing submitted: {exc}")
            return False
        ident = (spec.id, spec.version)
        task = self._task = self.runner.run(
            lambda: self._prepare(ws, ident, convs, targets, prompts),
            lambda prep: self._prepared(task, ws, prep), lambda exc: self._failed(task, exc),
            lane=LANE, owner=self)
        self.sig_progress.emit("Preparing the batch run…")
        return True

    def cancel(self) -> None:
        """Cancel the batches at the provider (what they finished is kept)."""
        if self._task is not None:  # the run's BatchRunner watches the task's cancel event
            self._task.cancel()
            self.sig_progress.emit("Cancelling the batches at the provider…")

    # ---- in tasks ----------------------------------------------------------------------
    def _prepare(self, ws: Path, ident: tuple[str, int | None], convs: list[Conversation],
                 targets: list[Target], prompts: SystemPrompts) -> _Prepared:
        out = _Prepared(*ident)
        for t in targets:
            try:
                out.targets[t.id] = self.resolve(t)
            except Exception as exc:  # noqa: BLE001 - no profile, no key: said in the dialog
                out.problems.append(f"{t.id}: {redact(str(exc))}")
        runnable = [t for t in targets if t.id in out.targets]
        out.jobs = jobs_for(convs, runnable,
                            {t: b.endpoint for t, b in out.targets.items()}, prompts)
        with RunStore.for_workspace(ws) as store:
            out.resume = next(iter(store.pending_batch_runs(out.spec_id)), None)
            # Answers already recorded for the same request are reused, not sent: the
            # estimate leaves them out and says how many (as the CLI's does).
            reused = BatchRunner(store, out.targets, spec_id=out.spec_id).cached_answers(
                out.jobs) if out.jobs else {}
        out.estimate = estimate_text(out.jobs, out.targets, reused.keys()) if out.jobs else ""
        return out

    def _work(self, ws: Path, prep: _Prepared, cancel: threading.Event,
              progress: Callable[[BatchProgress], None]) -> BatchResult:
        with RunStore.for_workspace(ws) as store:
            info = [{"id": t, "model": next(j.model for j in prep.jobs if j.target_id == t),
                     "base_url": b.endpoint.url} for t, b in prep.targets.items()]
            batch = BatchRunner(store, prep.targets, spec_id=prep.spec_id,
                                spec_version=prep.spec_version, targets_info=info,
                                poll_interval=self.poll_interval,
                                max_poll_interval=max(self.poll_interval, 60.0),
                                cancel_event=cancel)
            if prep.resume is not None:
                store.claim_run(prep.resume)
                run_id = prep.resume
            else:
                run_id = batch.start(prep.jobs, settings={"source": "batch"})
            return batch.run(run_id, prep.jobs, progress)

    # ---- on the GUI thread -------------------------------------------------------------
    def _prepared(self, task: Task, ws: Path, prep: _Prepared) -> None:
        if task is not self._task:
            return
        self._task = None
        if not prep.jobs:
            self.sig_ended.emit("", "Nothing submitted: " + ("; ".join(prep.problems)
                                                            or "no cases or targets"))
            return
        question = (f"Resume the unfinished batch run {prep.resume}?" if prep.resume else
                    f"Submit {prep.estimate}?")
        if prep.problems:
            question += "\n\nLeft out: " + "; ".join(prep.problems)
        if task.cancelled or not self.confirm(question):
            self.sig_ended.emit("", "Batch run not submitted")
            return
        cancel = threading.Event()
        relay = self.runner.relay(self._progress)
        run = self._task = self.runner.run(
            lambda: self._work(ws, prep, cancel, relay),
            lambda result: self._done(run, result), lambda exc: self._failed(run, exc),
            lane=LANE, owner=self, cancel_event=cancel)

    def _progress(self, ev: BatchProgress) -> None:
        text = f"{ev.target_id}: {ev.phase}"
        if ev.total and ev.phase not in ("uploading", "ingesting", "done", "downloading"):
            text += f" {ev.completed}/{ev.total}"
        self._lines[ev.target_id] = text
        self.sig_progress.emit(" | ".join(self._lines.values()))

    def _done(self, task: Task, result: BatchResult) -> None:
        if task is not self._task:
            return
        self._task, self._lines = None, {}
        notes = f" ({'; '.join(result.notes)})" if result.notes else ""
        self.sig_ended.emit(result.run_id, f"Batch run {result.status}: {result.ingested} "
                            f"answers recorded{notes}"
                            + (f" — {result.reason}" if result.reason else ""))

    def _failed(self, task: Task, exc: BaseException) -> None:
        if task is self._task:
            self._task, self._lines = None, {}
            self.sig_ended.emit("", f"The batch run could not go on: {redact(str(exc))}")


def install_batch(ctx: AppContext, before: QAction,
                  controller: Callable[[], RunController | None],
                  parent: QObject) -> BatchSubmitter:
    """Add Run → Submit as Batch… (above ``before``) and its progress line to the window
    of ``ctx``; ``controller()`` is the open spec's run controller, if a spec is open."""

    def confirm(question: str) -> bool:
        answer = QMessageBox.question(
            ctx.window, "Submit as batch?", question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    sub = BatchSubmitter(ctx.runner, lambda: ctx.workspace, confirm, parent=parent)
    action = QAction("Submit as &Batch…", ctx.window)
    action.setStatusTip("Run every case through each provider's Batch API: half the price, "
                        "answers within 24 hours; closing the app loses nothing")
    menu = ctx.action_registry.menu("&Run")
    menu.insertAction(before, action)
    ctx.action_registry.list_in("&Run", [action])
    line, cancel = QLabel(), QPushButton("Cancel batch")
    for w in (line, cancel):
        ctx.add_status_widget(w)

    def submit() -> None:
        ctl = controller()
        if ctl is None or not sub.submit(ctl.session.spec):
            ctx.status("Open a spec with cases and targets (one batch run at a time)", 6000)

    def progress(text: str) -> None:
        line.setText(text)
        line.show()
        cancel.show()

    def ended(_run_id: str, message: str) -> None:
        line.hide()
        cancel.hide()
        ctx.status(message, 10000)
        ctx.sig_runs_changed.emit()
        ctl = controller()
        if ctl is not None:
            ctl.load_history()

    action.triggered.connect(submit)
    cancel.clicked.connect(sub.cancel)
    sub.sig_progress.connect(progress)
    sub.sig_ended.connect(ended)
    sub.action = action
    return sub

"""Batch runs: a suite run through the providers' Batch API, recorded like any run. Qt-free.

:class:`BatchRunner` writes one input file per target, uploads it, creates the batch,
polls it (progress through a callback, stopped by :meth:`BatchRunner.cancel` from any
thread, as a streamed run is), downloads the output and error files and ingests every
answer into the run store with the same fields a streamed run records (see
:mod:`align_studio.runs.batch_files`), so review, grading and exports don't care.

Nothing is lost when the process is killed or the app closed, because every step is
recorded in the run store (table ``batches``, one row per run and target) *before* the
request it leads to, and ingest is one transaction:

==============  =====================================================================
state           on resume
==============  =====================================================================
``planned``     write the input file (the jobs with no answer yet) and upload it
``uploading``   look for the file by its name (it may have arrived), else upload
``creating``    look for the batch by ``metadata.align_studio_intent``, else create it:
                a batch is never created twice for a run and target
``submitted``   poll; when it ends, download and ingest (rows + ``done`` together)
``done``        nothing
==============  =====================================================================

A target whose profile says its server has no Batch API, or whose server answers 404/405
on ``/files`` or ``/batches``, is streamed in the same run (mode ``stream``), and its row's
``note`` says so. Answers already in the store (the cache, as for a streamed run) are
recorded when the run starts and not sent again.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from align_studio.providers.redact import redact
from align_studio.runs.batch_api import TERMINAL, BatchApiError, BatchClient, NoBatchApi
from align_studio.runs.batch_files import JobInfo, result_rows, write_input
from align_studio.runs.batch_types import (
    BatchProgress,
    BatchResult,
    BatchTarget,
    ProgressCallback,
    safe_callback,
)
from align_studio.runs.runner import Job, ResponseRecord, Runner, cache_key
from align_studio.storage.runstore import RunStore, new_run_id, now

log = logging.getLogger(__name__)

#: Local states of a batch row before the provider has the batch.
_UNSUBMITTED = ("planned", "uploading", "creating")


class BatchRunner:
    """Runs jobs through the Batch API of each target's endpoint, recording into ``store``."""

    def __init__(self, store: RunStore, targets: Mapping[str, BatchTarget], *,
                 spec_id: str, spec_version: int | None = None,
                 targets_info: Sequence[Mapping[str, Any]] = (), poll_interval: float = 5.0,
                 max_poll_interval: float = 60.0,
                 cancel_event: threading.Event | None = None) -> None:
        self.store = store
        self.targets = dict(targets)
        self.spec_id = spec_id
        self.spec_version = spec_version
        self.targets_info = list(targets_info)
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        # set by cancel(), or by whoever holds the event (a background task's cancel_event)
        self._stop = cancel_event if cancel_event is not None else threading.Event()
        self._streaming: Runner | None = None

    def cancel(self) -> None:
        """Cancel the run: batches are cancelled at the provider and what they finished is
        still ingested; a streamed target stops as a streamed run does. Any thread."""
        self._stop.set()
        if self._streaming is not None:
            self._streaming.cancel()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._stop.is_set()

    # -- starting ----------------------------------------------------------------------
    def cached_answers(self, jobs: Sequence[Job]) -> dict[str, dict[str, Any]]:
        """The answers already in the store for these jobs (the cache), by job id: they
        are recorded, not sent, when the run starts (unless it starts with ``refresh``)."""
        keys = {j.job_id: cache_key(self.targets[j.target_id].endpoint, j) for j in jobs}
        found = self.store.cached(keys.values())
        return {jid: found[k] for jid, k in keys.items() if k in found}

    def start(self, jobs: Sequence[Job], *, refresh: bool = False,
              settings: Mapping[str, Any] | None = None,
              cached: Mapping[str, dict[str, Any]] | None = None) -> str:
        """Record a new batch run with its plan and the answers already cached; its id.

        ``cached`` is :meth:`cached_answers` of ``jobs`` if the caller already asked (for
        the estimate), so the store is not asked twice.
        """
        if refresh:
            cached = {}
        elif cached is None:
            cached = self.cached_answers(jobs)
        rows = []
        run_id = new_run_id()
        for j in jobs:
            hit = cached.get(j.job_id)
            if hit is not None:
                rows.append({**hit, "run_id": run_id, "case_id": j.case_id,
                             "target_id": j.target_id, "cached": True, "created": now(),
                             "cost": None if hit["cost"] is None else 0.0})
        plans = []
        for tid in dict.fromkeys(j.target_id for j in jobs):
            t = self.targets[tid]
            plans.append({"target_id": tid, "mode": "batch" if t.batch_api else "stream",
                          "intent": uuid.uuid4().hex, "note": None if t.batch_api else
                          "streamed: the provider profile says this server has no Batch API"})
        return self.store.start_batch_run(
            self.spec_id, self.spec_version, self.targets_info,
            {"refresh": refresh, "source": "batch", **(settings or {})}, plans, rows, run_id)

    # -- driving -----------------------------------------------------------------------
    def run(self, run_id: str, jobs: Sequence[Job],
            on_progress: ProgressCallback | None = None) -> BatchResult:
        """Drive a started (or resumed) run to its end; returns what happened.

        ``jobs`` are the run's jobs, rebuilt the same way each time; failures of the
        provider or the network end the run ``failed`` with the reason, resumable.
        """
        result = BatchResult(run_id, "finished", [])
        emit = safe_callback(on_progress)
        by_target: dict[str, list[Job]] = {}
        for j in jobs:
            by_target.setdefault(j.target_id, []).append(j)
        work = self.store.path.parent / "batches" / run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            for row in self.store.batches(run_id):
                if row["mode"] == "batch" and row["state"] in _UNSUBMITTED and \
                        not self.cancelled:
                    self._submit(run_id, row, by_target.get(row["target_id"], []), work, emit)
            for row in self.store.batches(run_id):
                if row["mode"] == "stream" and row["state"] != "done":
                    self._stream(run_id, row, by_target.get(row["target_id"], []), emit,
                                 result)
            self._poll(run_id, by_target, work, emit, result)
        except BatchApiError as exc:
            result.status, result.reason = "failed", f"{exc}; run it again to resume"
        except Exception as exc:  # a bug must not leave the run looking alive
            log.exception("batch run %s failed", run_id)
            result.status = "failed"
            result.reason = redact(f"{type(exc).__name__}: {exc}") + "; run it again to resume"
        if result.status == "finished" and self.cancelled:
            result.status = "cancelled"
        self.store.finish_run(run_id, result.status, result.reason)
        try:  # the input and result files are deleted as soon as they are used
            work.rmdir()
        except OSError:
            pass  # not empty: a download to finish when the run is resumed
        result.batches = self.store.batches(run_id)
        result.notes = [f"{b['target_id']}: {b['note']}" for b in result.batches if b["note"]]
        return result

    def _client(self, target_id: str) -> BatchClient:
        return BatchClient(self.targets[target_id].endpoint)

    def _submit(self, run_id: str, row: dict[str, Any], jobs: list[Job], work: Path,
                emit: ProgressCallback) -> None:
        tid, intent = row["target_id"], row["intent"]
        name = f"align-studio-{run_id}-{intent[:12]}.jsonl"
        with self._client(tid) as client:
            try:
                file_id = row["input_file_id"]
                if row["state"] == "uploading" and file_id is None:
                    file_id = client.find_file(name)
                if file_id is None and row["state"] in ("planned", "uploading"):
                    answered = self.store.answered_cases(run_id, tid)
                    todo = [j for j in jobs if j.case_id not in answered]
                    if not todo:
                        self.store.update_batch(run_id, tid, state="done", total=0)
                        return
                    path = work / f"{intent}.input.jsonl"
                    write_input(path, todo)
                    self.store.update_batch(run_id, tid, state="uploading", total=len(todo))
                    emit(BatchProgress(tid, "uploading", total=len(todo)))
                    try:
                        file_id = client.upload(path, name)
                    finally:  # written again if a resume needs it
                        path.unlink(missing_ok=True)
                if row["state"] != "creating":
                    self.store.update_batch(run_id, tid, input_file_id=file_id,
                                            state="creating")
                else:  # a create may have gone through before the kill
                    found = client.find_batch(intent, time.time() - 7 * 86400)
                    if found is not None:
                        self._created(run_id, tid, found, emit)
                        return
                self._created(run_id, tid, client.create(
                    file_id, {"align_studio_intent": intent, "align_studio_run": run_id}), emit)
            except NoBatchApi as exc:
                note = f"streamed: this server has no Batch API ({exc})"
                self.store.update_batch(run_id, tid, mode="stream", state="planned", note=note)
                emit(BatchProgress(tid, "streaming", message=note))

    def _created(self, run_id: str, tid: str, batch: dict[str, Any],
                 emit: ProgressCallback) -> None:
        counts = batch.get("request_counts") or {}
        self.store.update_batch(run_id, tid, batch_id=str(batch["id"]), state="submitted",
                                remote_status=str(batch.get("status")),
                                total=counts.get("total"))
        emit(BatchProgress(tid, str(batch.get("status")), total=int(counts.get("total") or 0)))

    def _stream(self, run_id: str, row: dict[str, Any], jobs: list[Job],
                emit: ProgressCallback, result: BatchResult) -> None:
        """Run a target without a Batch API by streaming; recorded whole when it ends."""
        tid = row["target_id"]
        answered = self.store.answered_cases(run_id, tid)
        todo = [j for j in jobs if j.case_id not in answered]
        runner = Runner({tid: self.targets[tid].endpoint})
        self._streaming = runner
        if self.cancelled:
            runner.cancel()

        def progress(event: object) -> None:
            if self._stop.is_set():  # the cancel event was set without cancel()
                runner.cancel()
            done = getattr(event, "done", None)
            if done is not None:
                emit(BatchProgress(tid, "streaming", done, 0, len(todo)))

        summary = runner.run_sync(todo, progress, refresh=True)
        self._streaming = None
        rows = [_stream_row(r, run_id) for r in summary.results if _was_sent(r)]
        t0 = time.perf_counter()
        result.ingested += self.store.ingest_batch(run_id, tid, rows, state="done",
                                                   total=len(todo), completed=len(rows))
        result.ingest_seconds += time.perf_counter() - t0

    def _poll(self, run_id: str, by_target: Mapping[str, list[Job]], work: Path,
              emit: ProgressCallback, result: BatchResult) -> None:
        """Poll every submitted batch until all have ended and are ingested."""
        interval = self.poll_interval
        asked_cancel: set[str] = set()
        while True:
            open_rows = [b for b in self.store.batches(run_id)
                         if b["mode"] == "batch" and b["state"] == "submitted"]
            if not open_rows:
                return
            changed = False
            for row in open_rows:
                tid = row["target_id"]
                with self._client(tid) as client:
                    if self.cancelled and tid not in asked_cancel:
                        asked_cancel.add(tid)
                        emit(BatchProgress(tid, "cancelling", message="cancelling at the "
                                           "provider; answers already finished are kept"))
                        batch = client.cancel(row["batch_id"])
                    else:
                        try:
                            batch = client.get(row["batch_id"])
                        except BatchApiError as exc:
                            if not exc.transient:
                                raise
                            emit(BatchProgress(tid, "waiting", message=str(exc)))
                            continue
                    changed |= self._note_status(run_id, row, batch, emit)
                    if batch.get("status") in TERMINAL:
                        self._ingest(run_id, row, batch, by_target.get(tid, []), client, work,
                                     emit, result)
            interval = self.poll_interval if changed else \
                min(interval * 1.5, self.max_poll_interval)
            if not any(b["state"] == "submitted" for b in self.store.batches(run_id)):
                return
            if self.cancelled:  # waiting for the provider to confirm
                time.sleep(min(interval, self.poll_interval))
            else:  # wakes at once on cancel(), to ask the provider to cancel
                self._stop.wait(interval)

    def _note_status(self, run_id: str, row: dict[str, Any], batch: dict[str, Any],
                     emit: ProgressCallback) -> bool:
        counts = batch.get("request_counts") or {}
        status = str(batch.get("status"))
        new = (status, counts.get("completed"), counts.get("failed"))
        if new == (row["remote_status"], row["completed"], row["failed"]):
            return False
        self.store.update_batch(run_id, row["target_id"], remote_status=status,
                                completed=counts.get("completed"), failed=counts.get("failed"))
        emit(BatchProgress(row["target_id"], status, int(counts.get("completed") or 0),
                           int(counts.get("failed") or 0), int(counts.get("total") or 0)))
        return True

    def _ingest(self, run_id: str, row: dict[str, Any], batch: dict[str, Any], jobs: list[Job],
                client: BatchClient, work: Path, emit: ProgressCallback,
                result: BatchResult) -> None:
        tid = row["target_id"]
        emit(BatchProgress(tid, "downloading"))
        files: list[Path | None] = []
        for key in ("output_file_id", "error_file_id"):
            if batch.get(key):
                path = work / f"{row['intent']}.{key}.jsonl"
                client.download(str(batch[key]), path)
                files.append(path)
        answered = self.store.answered_cases(run_id, tid)
        ep = self.targets[tid].endpoint
        infos = {j.case_id: JobInfo(j.case_id, j.model, cache_key(ep, j), j.messages)
                 for j in jobs if j.case_id not in answered}
        errors = (batch.get("errors") or {}).get("data") or []
        batch_error = None
        if batch.get("status") == "failed":
            batch_error = "the provider refused the batch: " + ("; ".join(
                str(e.get("message") or e.get("code")) for e in errors[:3]) or "no reason given")
        emit(BatchProgress(tid, "ingesting", total=len(infos)))
        t0 = time.perf_counter()
        rows = result_rows(run_id, tid, infos, files, prices=self.targets[tid].prices,
                           batch_error=batch_error)
        result.ingested += self.store.ingest_batch(
            run_id, tid, rows, state="done", remote_status=str(batch.get("status")),
            output_file_id=batch.get("output_file_id"), error_file_id=batch.get("error_file_id"))
        result.ingest_seconds += time.perf_counter() - t0
        for f in files:
            if f is not None:
                f.unlink(missing_ok=True)
        emit(BatchProgress(tid, "done", total=len(infos)))


def _was_sent(record: ResponseRecord) -> bool:
    """A streamed job cancelled before it was sent is reported, not recorded."""
    return not (record.cancelled and not record.text and record.latency is None
                and record.error is None)


def _stream_row(record: ResponseRecord, run_id: str) -> dict[str, Any]:
    row = dict(record.row())
    row["run_id"] = run_id
    return row

"""The run engine: cases × targets, concurrently, streamed, cached, recorded. Qt-free.

Three ways to drive it:

- ``await Runner(...).run(jobs, on_event=...)`` inside an event loop;
- ``async for event in Runner(...).events(jobs)`` — the same run as an async iterator;
- ``Runner(...).run_sync(jobs, on_event)`` from sync code: the loop runs on the calling
  thread until the run ends and returns the :class:`RunSummary`; ``runner.cancel()`` from
  any other thread (or a signal handler) stops everything within a second. This makes no
  thread of its own: it is called from a thread that is already background work (the run
  process's run thread, a ``TaskRunner`` worker for the judge) or from the CLI's main
  thread. See "Background work" in docs/architecture.md.

Each target's :class:`Endpoint` limits its own concurrency (one :class:`ChatClient` per
server and key, whose lanes are the per-endpoint semaphore); ``max_concurrency`` caps the
whole run. Answers are cached by a sha256 of (base URL, model, params, conversation) in
memory and in the run store, so running again costs nothing unless ``refresh=True``.

Every record is made safe at this boundary before anyone sees it (events, the store, a
spec's judged responses): lone surrogates in the text are replaced with U+FFFD and counted
(``ResponseRecord.repaired``, said in its ``note``), a key the process handles is masked
if a model repeats it, and error messages are redacted. A batch the run store refuses is
written again row by row; what still fails is named in ``RunSummary.store_errors`` and the
run ends ``failed`` with that reason, in the store and in the summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from align_studio.domain import Role, Spec, Target
from align_studio.generation.system_prompt import system_prompt_for
from align_studio.providers.client import ChatClient, Completion
from align_studio.providers.endpoint import Endpoint
from align_studio.providers.errors import ErrorKind, ProviderError, finish_message
from align_studio.providers.redact import forget_known, redact
from align_studio.safetext import repair, repaired_note, storable
from align_studio.storage.runstore import RunStore, new_run_id, now

log = logging.getLogger(__name__)

FLUSH_EVERY = 0.25  # seconds between batched writes to the run store
CANCEL_POLL = 0.05  # seconds between looks at run_sync's cancel event


@dataclass(frozen=True)
class Job:
    """One case sent to one target."""

    job_id: str
    case_id: str
    target_id: str
    model: str
    params: dict[str, Any]
    messages: list[dict[str, Any]]
    stream: bool = True


#: One case's conversation as plain data: its id and its messages (role and content dicts,
#: the spec's system prompt first).
Conversation = tuple[str, list[dict[str, Any]]]


def conversations(spec: Spec, case_ids: Sequence[str] | None = None) -> list[Conversation]:
    """What a run reads of the spec's cases, as plain data (a snapshot).

    Cheap enough for the GUI thread (about 1 ms for 1,000 cases), so the window takes it
    there and a worker builds the jobs from it, never reading the spec being edited.
    """
    wanted = None if case_ids is None else set(case_ids)
    out: list[Conversation] = []
    for case in spec.cases:
        if wanted is not None and case.id not in wanted:
            continue
        messages = [{"role": m.role.value if isinstance(m.role, Role) else str(m.role),
                     "content": m.content} for m in case.messages]
        if spec.system_prompt and not any(m["role"] == "system" for m in messages):
            messages.insert(0, {"role": "system", "content": spec.system_prompt})
        out.append((case.id, messages))
    return out


@dataclass(frozen=True)
class SystemPrompts:
    """The system prompt of each target whose prompt variant sends another one than the
    spec's (a snapshot, taken with the conversations on the GUI thread).

    :func:`conversations` puts the spec's ``system_prompt`` first; for a target listed here
    that message is replaced by its variant's text. A case's own system message is kept (a
    case that repeats the spec's prompt word for word is taken as saying the spec's prompt).
    """

    spec_prompt: str | None = None
    by_target: dict[str, str | None] = field(default_factory=dict)

    def messages(self, target_id: str, messages: list[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
        """The conversation as ``target_id`` sends it."""
        if target_id not in self.by_target:
            return messages
        rest = messages
        if messages and messages[0].get("role") == "system":
            if not self.spec_prompt or messages[0].get("content") != self.spec_prompt:
                return messages  # the case's own system prompt
            rest = messages[1:]
        prompt = self.by_target[target_id]
        return ([{"role": "system", "content": prompt}] if prompt else []) + rest


def system_prompts(spec: Spec, targets: Sequence[Target]) -> SystemPrompts:
    """The targets' variant system prompts (see :class:`SystemPrompts`); a target naming a
    variant the spec does not have raises LookupError."""
    out = SystemPrompts(spec.system_prompt)
    for t in targets:
        if t.prompt_variant is None:
            continue
        try:
            prompt = system_prompt_for(spec, t)
        except LookupError as exc:
            raise LookupError(f"target '{t.id}': {exc}") from None
        if prompt != spec.system_prompt:
            out.by_target[t.id] = prompt
    return out


def jobs_for(convs: Sequence[Conversation], targets: Sequence[Target],
             endpoints: Mapping[str, Endpoint] | None = None,
             prompts: SystemPrompts | None = None) -> list[Job]:
    """The jobs of these conversations on these targets, case by case (so every target
    advances together). ``max_tokens`` is renamed to the endpoint's ``max_tokens_param``; a
    ``stream: false`` parameter asks for a non-streaming request; a target with a prompt
    variant in ``prompts`` sends that system prompt."""
    jobs = []
    for case_id, messages in convs:
        for target in targets:
            params = dict(target.params)
            stream = bool(params.pop("stream", True))
            params.pop("stream_options", None)
            ep = (endpoints or {}).get(target.id)
            if ep is not None and "max_tokens" in params and ep.max_tokens_param != "max_tokens":
                params[ep.max_tokens_param] = params.pop("max_tokens")
            sent = prompts.messages(target.id, messages) if prompts is not None else messages
            jobs.append(Job(f"{case_id}::{target.id}", case_id, target.id, target.model,
                            params, sent, stream))
    return jobs


def build_jobs(spec: Spec, endpoints: Mapping[str, Endpoint] | None = None, *,
               case_ids: Sequence[str] | None = None,
               target_ids: Sequence[str] | None = None) -> list[Job]:
    """The jobs of a spec (see :func:`conversations` and :func:`jobs_for`); each target
    sends its prompt variant's system prompt."""
    targets = [t for t in spec.targets if target_ids is None or t.id in target_ids]
    return jobs_for(conversations(spec, case_ids), targets, endpoints,
                    system_prompts(spec, targets))


def cache_key(endpoint: Endpoint, job: Job) -> str:
    """sha256 of what determines an answer: server, model, parameters, conversation."""
    blob = json.dumps([endpoint.url, job.model, job.params, job.messages], sort_keys=True,
                      ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class ResponseRecord:
    """One target's answer to one case in one run, as recorded."""

    run_id: str
    job_id: str
    case_id: str
    target_id: str
    model: str
    text: str = ""
    finish_reason: str | None = None
    latency: float | None = None
    ttft: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    tokens_estimated: bool = False
    cost: float | None = None  # what this run paid: 0 for a cached answer
    error: str | None = None
    error_kind: str | None = None
    cancelled: bool = False
    cached: bool = False
    cache_key: str | None = None
    attempts: int = 0
    created: str = field(default_factory=now)
    repaired: int = 0  # characters of the server's text replaced by U+FFFD (lone surrogates)

    @property
    def ok(self) -> bool:
        """Answered completely: no error and not cancelled."""
        return self.error is None and not self.cancelled

    @property
    def note(self) -> str | None:
        """Why the answer ended early (``stopped at the token limit``…) and whether its
        text had to be repaired, if either."""
        notes = [n for n in (finish_message(self.finish_reason), repaired_note(self.repaired))
                 if n]
        return "; ".join(notes) or None

    def row(self) -> dict[str, Any]:
        """The run-store row."""
        return self.__dict__


# -- events -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Started:
    """A job was sent (or found in the cache)."""

    job_id: str
    case_id: str
    target_id: str


@dataclass(frozen=True)
class Delta:
    """More text of a streamed answer."""

    job_id: str
    text: str


@dataclass(frozen=True)
class Retry:
    """A request failed in a way worth retrying; the next attempt comes after ``delay`` s."""

    job_id: str
    delay: float
    message: str


@dataclass(frozen=True)
class Finished:
    """A job ended with an answer (possibly cached, cut at the token limit, or cancelled)."""

    job_id: str
    result: ResponseRecord


@dataclass(frozen=True)
class Failed:
    """A job ended with an error; ``result`` keeps any partial text."""

    job_id: str
    error: ProviderError
    result: ResponseRecord


@dataclass(frozen=True)
class Progress:
    """How many jobs have ended, of how many."""

    done: int
    total: int


@dataclass(frozen=True)
class RunEnded:
    """The last event of a run."""

    summary: RunSummary


Event = Started | Delta | Retry | Finished | Failed | Progress | RunEnded
EventCallback = Callable[[Event], None]


@dataclass
class RunSummary:
    """What a run did: its status and every result, in job order."""

    run_id: str
    status: str  # finished | cancelled | failed
    results: list[ResponseRecord]
    wall_time: float
    store_errors: list[str] = field(default_factory=list)  # recording problems, if any
    reason: str | None = None  # why the run ended as it did, when not simply finished

    def by_target(self) -> dict[str, list[ResponseRecord]]:
        """Results grouped by target id."""
        out: dict[str, list[ResponseRecord]] = {}
        for r in self.results:
            out.setdefault(r.target_id, []).append(r)
        return out

    @property
    def failed(self) -> list[ResponseRecord]:
        """Results with an error."""
        return [r for r in self.results if r.error is not None]


class Runner:
    """Runs jobs against their targets' endpoints. One run at a time per instance.

    ``endpoints`` maps target id → :class:`Endpoint`. ``store`` (optional) records the run
    and serves the cache; ``max_concurrency`` caps requests in flight across endpoints.
    """

    def __init__(self, endpoints: Mapping[str, Endpoint], store: RunStore | None = None, *,
                 max_concurrency: int | None = None, spec_id: str = "",
                 spec_version: int | None = None, targets_info: Sequence[Mapping[str, Any]] = (),
                 memory_cache: dict[str, ResponseRecord] | None = None) -> None:
        self.endpoints = dict(endpoints)
        self.store = store
        self.max_concurrency = max_concurrency
        self.spec_id = spec_id
        self.spec_version = spec_version
        self.targets_info = list(targets_info)
        self.memory_cache: dict[str, ResponseRecord] = \
            memory_cache if memory_cache is not None else {}
        self._tasks: list[asyncio.Task[None]] = []
        self._cancelled = False
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- driving -----------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the run: in-flight jobs keep their partial text, marked cancelled.

        Safe to call from any thread.
        """
        self._cancelled = True
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._cancel_tasks()
        else:
            loop.call_soon_threadsafe(self._cancel_tasks)

    def _cancel_tasks(self) -> None:
        for task in self._tasks:
            task.cancel()

    def run_sync(self, jobs: Sequence[Job], on_event: EventCallback | None = None, *,
                 refresh: bool = False, run_id: str | None = None,
                 settings: Mapping[str, Any] | None = None,
                 cancel: threading.Event | None = None) -> RunSummary:
        """Run every job on this thread's own event loop; returns when all have ended.

        ``on_event`` is called on this thread. Cancel from another thread with
        :meth:`cancel`, or by setting ``cancel`` (the ``cancel_event`` of the background
        task this runs in, looked at every ``CANCEL_POLL`` s). Never call it on a thread
        that must stay responsive (the GUI's).
        """
        return asyncio.run(self._run_watched(cancel, jobs, on_event=on_event,
                                             refresh=refresh, run_id=run_id,
                                             settings=settings))

    async def _run_watched(self, cancel: threading.Event | None, jobs: Sequence[Job],
                           **kwargs: Any) -> RunSummary:
        """:meth:`run`, cancelled when ``cancel`` is set (a thread's event has no callback
        a loop could wait on, so it is polled)."""
        if cancel is None:
            return await self.run(jobs, **kwargs)
        run = asyncio.ensure_future(self.run(jobs, **kwargs))

        async def watch() -> None:
            while not run.done():
                if cancel.is_set():
                    self.cancel()
                    return
                await asyncio.sleep(CANCEL_POLL)

        watcher = asyncio.create_task(watch())
        try:
            return await run
        finally:
            watcher.cancel()

    async def events(self, jobs: Sequence[Job], *, refresh: bool = False,
                     run_id: str | None = None) -> AsyncIterator[Event]:
        """The run as an async iterator of events, ending with :class:`RunEnded`."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        task = asyncio.create_task(self.run(jobs, on_event=queue.put_nowait, refresh=refresh,
                                            run_id=run_id))
        try:
            while True:
                event = await queue.get()
                yield event
                if isinstance(event, RunEnded):
                    break
        finally:
            if not task.done():
                self.cancel()
            await task

    async def run(self, jobs: Sequence[Job], *, on_event: EventCallback | None = None,
                  refresh: bool = False, run_id: str | None = None,
                  settings: Mapping[str, Any] | None = None) -> RunSummary:
        """Run every job; returns when all have ended (or were cancelled)."""
        self._loop = asyncio.get_running_loop()
        missing = sorted({j.target_id for j in jobs} - set(self.endpoints))
        if missing:
            raise ValueError(f"no endpoint for target(s): {', '.join(missing)}")
        state = _Run(self, list(jobs), run_id or new_run_id(), on_event, refresh)
        if self.store is not None:
            firsts: dict[str, Job] = {}
            for j in jobs:
                firsts.setdefault(j.target_id, j)
            info = self.targets_info or [
                {"id": t, "model": j.model, "base_url": self.endpoints[t].url}
                for t, j in firsts.items()]
            await asyncio.to_thread(self.store.start_run, self.spec_id, self.spec_version, info,
                                    {"concurrency": self.max_concurrency, "refresh": refresh,
                                     **(settings or {})}, state.run_id)
            if not refresh:
                try:  # the cache only saves requests: a store that cannot answer costs none
                    state.stored = await asyncio.to_thread(self.store.cached, state.keys)
                except Exception as exc:  # noqa: BLE001 - the run goes on, uncached
                    log.warning("the run store's cache could not be read: %s",
                                redact(str(exc)))
        flush_task = asyncio.create_task(state.flush_forever()) if self.store else None
        self._tasks = [asyncio.create_task(state.one(i, j)) for i, j in enumerate(jobs)]
        if self._cancelled:
            self._cancel_tasks()
        try:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        except asyncio.CancelledError:  # the caller's task was cancelled: stop the jobs
            self._cancelled = True
            self._cancel_tasks()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            raise
        finally:
            status = "cancelled" if self._cancelled else "finished"
            if flush_task is not None:
                flush_task.cancel()
            status = await asyncio.shield(state.close(status))
        self._cancelled = False
        summary = state.summary(status)
        state.emit(RunEnded(summary))
        return summary


class _Run:
    """The state of one run while it goes: results, rows waiting to be written, clients."""

    def __init__(self, runner: Runner, jobs: list[Job], run_id: str,
                 on_event: EventCallback | None, refresh: bool) -> None:
        self.runner = runner
        self.jobs = jobs
        self.run_id = run_id
        self.on_event = on_event
        self.refresh = refresh
        self.t0 = time.perf_counter()
        eps = runner.endpoints
        self.keys = [cache_key(eps[j.target_id], j) for j in jobs]
        self.stored: dict[str, dict[str, Any]] = {}
        self.results: list[ResponseRecord | None] = [None] * len(jobs)
        self.pending_rows: list[dict[str, Any]] = []
        self.store_errors: list[str] = []
        self.reason: str | None = None
        self.flushing: asyncio.Future[None] | None = None
        self.done = 0
        # one client per server and key; its lanes are the endpoint's semaphore
        self.clients: dict[Any, ChatClient] = {}
        for ep in eps.values():
            k = ep.connection_key
            if k not in self.clients:
                limit = min(e.concurrency for e in eps.values() if e.connection_key == k)
                self.clients[k] = ChatClient(ep, concurrency=limit)
        cap = runner.max_concurrency
        self.cap = asyncio.Semaphore(cap) if cap else None

    def emit(self, event: Event) -> None:
        """Tell the listener; a listener's bug must not fail the jobs."""
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:
            log.exception("run event listener failed on %s", type(event).__name__)

    def finish(self, i: int, record: ResponseRecord, error: ProviderError | None) -> None:
        """Keep a job's result, queue it for the store and announce it."""
        _make_safe(record)
        self.results[i] = record
        self.done += 1
        self.pending_rows.append(record.row())  # cached ones too: grades attach per run
        if record.ok and not record.cached and record.cache_key:
            self.runner.memory_cache[record.cache_key] = record
        self.emit(Failed(record.job_id, error, record) if error is not None
                  else Finished(record.job_id, record))
        self.emit(Progress(self.done, len(self.jobs)))

    def cached(self, i: int) -> ResponseRecord | None:
        """The answer to job ``i`` from memory or the run store, unless refreshing."""
        if self.refresh:
            return None
        key = self.keys[i]
        return self.runner.memory_cache.get(key) or _from_row(self.stored.get(key))

    async def one(self, i: int, job: Job) -> None:
        """Run one job to its end: an answer, an error, or cancelled."""
        ep = self.runner.endpoints[job.target_id]
        base = ResponseRecord(self.run_id, job.job_id, job.case_id, job.target_id, job.model,
                              cache_key=self.keys[i])
        hit = self.cached(i)
        if hit is not None:
            self.emit(Started(job.job_id, job.case_id, job.target_id))
            self.finish(i, replace(hit, run_id=self.run_id, job_id=job.job_id,
                                   case_id=job.case_id, target_id=job.target_id,
                                   cost=None if hit.cost is None else 0.0, cached=True,
                                   created=now()), None)
            return
        parts: list[str] = []
        started = False

        def sent() -> None:
            nonlocal started
            started = True
            self.emit(Started(job.job_id, job.case_id, job.target_id))

        def delta(text: str) -> None:
            parts.append(text)
            if self.on_event is not None:
                self.emit(Delta(job.job_id, text))

        def retry(delay: float, message: str) -> None:
            self.emit(Retry(job.job_id, delay, message))

        try:
            if self.cap is not None:
                await self.cap.acquire()
            try:
                answer = await self.clients[ep.connection_key].complete(
                    job.model, job.messages, job.params, stream=job.stream, endpoint=ep,
                    on_delta=delta, on_retry=retry, on_send=sent)
            finally:
                if self.cap is not None:
                    self.cap.release()
            self.finish(i, _record(base, answer, ep), None)
        except ProviderError as err:
            base.text = err.partial or "".join(parts)
            base.error, base.error_kind = err.message, err.kind.value
            self.finish(i, base, err)
        except asyncio.CancelledError:  # our own cancel(): keep what arrived
            base.text = "".join(parts)
            base.cancelled = True
            if started:
                self.finish(i, base, None)
            else:  # never sent: reported, not recorded
                self.results[i] = _make_safe(base)
                self.emit(Finished(job.job_id, base))
        except Exception as exc:  # a bug must not take the whole run down
            log.exception("job %s failed unexpectedly", job.job_id)
            bug = ProviderError(ErrorKind.PROTOCOL, f"unexpected failure: {exc!r}",
                                partial="".join(parts))
            base.text, base.error, base.error_kind = bug.partial, bug.message, bug.kind.value
            self.finish(i, base, bug)

    async def flush_forever(self) -> None:
        """Write finished responses in batches while the run goes."""
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            # Shielded: stopping this loop must not stop a write half-way (its rows have
            # left pending_rows); close() waits for it instead.
            self.flushing = asyncio.ensure_future(self.flush())
            await asyncio.shield(self.flushing)

    async def flush(self) -> None:
        """Write the responses finished since the last flush, in one transaction.

        Never raises: a batch the store refuses is written again row by row, so one bad
        row costs only itself, and every row that could not be written is reported.
        """
        store = self.runner.store
        if store is None or not self.pending_rows:
            return
        rows = self.pending_rows[:]
        self.pending_rows.clear()
        try:
            await asyncio.to_thread(store.add_responses, rows)
            return
        except Exception as exc:  # noqa: BLE001 - any failure: try the rows one by one
            log.warning("a batch of %d responses could not be recorded (%s); trying one by "
                        "one", len(rows), redact(str(exc)))
        lost = await asyncio.to_thread(_add_one_by_one, store, rows)
        if lost:
            names = ", ".join(f"{r['case_id']} × {r['target_id']}" for r, _ in lost[:3])
            more = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
            problem = (f"{len(lost)} of {len(rows)} responses could not be recorded "
                       f"({names}{more}): {lost[0][1]}")
            log.error("%s", problem)
            self.store_errors.append(problem)

    async def close(self, status: str) -> str:
        """Write what is left, mark the run, close every connection; returns the status
        the run ended with (``failed`` when responses could not be recorded)."""
        if self.flushing is not None:
            await self.flushing
        await self.flush()
        store = self.runner.store
        if self.store_errors and status == "finished":
            status = "failed"
        self.reason = "; ".join(self.store_errors) or None
        if store is not None:
            try:
                await asyncio.to_thread(store.finish_run, self.run_id, status, self.reason)
            except Exception as exc:  # noqa: BLE001 - reported in the summary
                problem = f"the run could not be marked {status}: {redact(str(exc))}"
                log.error("%s", problem)
                self.store_errors.append(problem)
                status = "failed"
                self.reason = "; ".join(self.store_errors)
        for client in self.clients.values():
            await client.aclose()
        return status

    def summary(self, status: str) -> RunSummary:
        """The summary; jobs that never ended are reported cancelled."""
        final = [r if r is not None else replace(_base(self.run_id, j), cancelled=True)
                 for r, j in zip(self.results, self.jobs, strict=True)]
        return RunSummary(self.run_id, status, final, time.perf_counter() - self.t0,
                          self.store_errors, self.reason)


def _make_safe(record: ResponseRecord) -> ResponseRecord:
    """Make a record safe to show and store, in place (see the module's docstring)."""
    text, count = repair(record.text)
    record.text = forget_known(text)
    record.repaired += count
    if record.error is not None:
        record.error = storable(redact(record.error))
    return record


def _add_one_by_one(store: RunStore, rows: list[dict[str, Any]]
                    ) -> list[tuple[dict[str, Any], str]]:
    """Insert rows one transaction each; the rows that failed, with the reason."""
    lost = []
    for row in rows:
        try:
            store.add_responses([row])
        except Exception as exc:  # noqa: BLE001 - collected and reported
            lost.append((row, storable(redact(f"{type(exc).__name__}: {exc}"))))
    return lost


def _base(run_id: str, job: Job) -> ResponseRecord:
    return ResponseRecord(run_id, job.job_id, job.case_id, job.target_id, job.model)


def _record(base: ResponseRecord, c: Completion, ep: Endpoint) -> ResponseRecord:
    return replace(base, text=c.text, finish_reason=c.finish_reason, latency=c.latency,
                   ttft=c.ttft, prompt_tokens=c.prompt_tokens,
                   completion_tokens=c.completion_tokens, tokens_estimated=c.tokens_estimated,
                   cost=ep.cost(c.prompt_tokens, c.completion_tokens), attempts=c.attempts,
                   repaired=c.repaired)


def _from_row(row: Mapping[str, Any] | None) -> ResponseRecord | None:
    if row is None:
        return None
    return ResponseRecord(
        row["run_id"], "", row["case_id"], row["target_id"], row["model"], text=row["text"],
        finish_reason=row["finish_reason"], latency=row["latency"], ttft=row["ttft"],
        prompt_tokens=row["prompt_tokens"], completion_tokens=row["completion_tokens"],
        tokens_estimated=bool(row["tokens_estimated"]), cost=row["cost"],
        cache_key=row["cache_key"], repaired=int(row.get("repaired") or 0))

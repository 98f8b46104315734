"""The latest answer of each target to each case, as runs deliver them. Qt-free.

:class:`LiveResults` is the collection the preview columns and the results matrix show.
It is filled from run events on the GUI thread (after batching) and, when a spec opens,
from the run store's latest responses, so earlier runs are visible too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from align_studio.runs.runner import (
    Delta,
    Failed,
    Finished,
    Progress,
    ResponseRecord,
    Retry,
    RunEnded,
    Started,
)

Key = tuple[str, str]  # (case id, target id)

WAITING, STREAMING, DONE, ERROR, CANCELLED, UNAVAILABLE = (
    "waiting", "streaming", "done", "error", "cancelled", "unavailable")


@dataclass
class LiveResponse:
    """One target's current answer to one case."""

    case_id: str
    target_id: str
    status: str = WAITING
    text: str = ""
    run_id: str | None = None
    latency: float | None = None
    ttft: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    tokens_estimated: bool = False
    cost: float | None = None
    cached: bool = False
    error: str | None = None
    error_kind: str | None = None
    note: str | None = None  # e.g. "Retrying in 2 s: …" or "stopped at the token limit"
    started: float | None = None  # monotonic time the request went out

    @property
    def answered(self) -> bool:
        """Whether there is a complete answer (not streaming, failed or cancelled)."""
        return self.status == DONE

    @property
    def busy(self) -> bool:
        """Whether the answer is still coming."""
        return self.status in (WAITING, STREAMING)


class LiveResults:
    """(case, target) → :class:`LiveResponse`."""

    def __init__(self) -> None:
        self._items: dict[Key, LiveResponse] = {}

    def get(self, case_id: str, target_id: str) -> LiveResponse | None:
        """The answer of ``target_id`` to ``case_id``, if any."""
        return self._items.get((case_id, target_id))

    def keys(self) -> Iterable[Key]:
        """Every (case, target) with an answer or a request under way."""
        return self._items.keys()

    def __len__(self) -> int:
        return len(self._items)

    def answered_count(self) -> int:
        """How many answers are complete."""
        return sum(1 for r in self._items.values() if r.answered)

    def clear(self) -> None:
        """Forget everything (another spec opened)."""
        self._items.clear()

    def waiting(self, case_id: str, target_id: str, run_id: str) -> LiveResponse:
        """A request of ``run_id`` is queued: the cell starts again, empty."""
        r = LiveResponse(case_id, target_id, WAITING, run_id=run_id)
        self._items[(case_id, target_id)] = r
        return r

    def unavailable(self, case_id: str, target_id: str, message: str) -> LiveResponse:
        """The target cannot be run (no provider profile, no key)."""
        r = LiveResponse(case_id, target_id, UNAVAILABLE, error=message)
        self._items[(case_id, target_id)] = r
        return r

    def started(self, key: Key, when: float) -> None:
        """The request went out."""
        r = self._items.get(key)
        if r is not None and r.status == WAITING:
            r.status, r.started = STREAMING, when

    def delta(self, key: Key, text: str) -> None:
        """More streamed text."""
        r = self._items.get(key)
        if r is not None:
            r.status = STREAMING
            r.text += text
            r.note = None

    def retrying(self, key: Key, delay: float, message: str) -> None:
        """A request failed in a way worth retrying."""
        r = self._items.get(key)
        if r is not None:
            r.text = ""
            r.note = f"Retrying in {delay:.0f} s: {message}"

    def finished(self, key: Key, rec: ResponseRecord) -> LiveResponse:
        """A request ended (answer, error or cancel), from its run record."""
        r = self._items.get(key) or LiveResponse(*key)
        self._items[key] = r
        r.text = rec.text
        r.run_id = rec.run_id
        r.latency, r.ttft = rec.latency, rec.ttft
        r.prompt_tokens, r.completion_tokens = rec.prompt_tokens, rec.completion_tokens
        r.tokens_estimated, r.cost, r.cached = rec.tokens_estimated, rec.cost, rec.cached
        r.error, r.error_kind = rec.error, rec.error_kind
        r.note = rec.note
        r.status = ERROR if rec.error else (CANCELLED if rec.cancelled else DONE)
        return r

    def load_rows(self, rows: Mapping[Key, Mapping[str, Any]]) -> None:
        """Fill from the run store's matrix (latest response per cell); live cells win."""
        for key, row in rows.items():
            if key in self._items:
                continue
            status = ERROR if row.get("error") else (
                CANCELLED if row.get("cancelled") else DONE)
            self._items[key] = LiveResponse(
                key[0], key[1], status, text=row.get("text") or "", run_id=row.get("run_id"),
                latency=row.get("latency"), ttft=row.get("ttft"),
                prompt_tokens=row.get("prompt_tokens"),
                completion_tokens=row.get("completion_tokens"),
                tokens_estimated=bool(row.get("tokens_estimated")), cost=row.get("cost"),
                cached=bool(row.get("cached")), error=row.get("error"),
                error_kind=row.get("error_kind"))


@dataclass
class Applied:
    """What a batch of run events changed."""

    changed: set[Key]
    progress: Progress | None = None
    ended: RunEnded | None = None


def apply_events(live: LiveResults, events: Iterable[Any], job_keys: Mapping[str, Key],
                 now: float) -> Applied:
    """Apply a (coalesced) batch of run events to ``live``; events of jobs not in
    ``job_keys`` (another run's) are ignored."""
    out = Applied(set())
    for ev in events:
        if isinstance(ev, Progress):
            out.progress = ev
            continue
        if isinstance(ev, RunEnded):
            out.ended = ev
            continue
        key = job_keys.get(getattr(ev, "job_id", ""))
        if key is None:
            continue
        if isinstance(ev, Delta):
            live.delta(key, ev.text)
        elif isinstance(ev, (Finished, Failed)):
            live.finished(key, ev.result)
        elif isinstance(ev, Started):
            live.started(key, now)
        elif isinstance(ev, Retry):
            live.retrying(key, ev.delay, ev.message)
        else:
            continue
        out.changed.add(key)
    return out

"""Coalescing streamed run events between the thread that runs them and their reader. Qt-free.

The runner calls :meth:`DeltaBatcher.push` on its own thread for every event; the GUI
drains the batcher on a timer (about every 50 ms) and gets the events in order, with the
consecutive text pieces of each job joined into one :class:`Delta`. So a view repaints a
column once per batch, not once per token, and the GUI thread never waits on the worker
(the lock is only held to append or to swap the list).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from align_studio.runs.runner import Delta

FLUSH_INTERVAL = 0.05  # seconds


class DeltaBatcher:
    """A thread-safe inbox of run events, drained in coalesced batches."""

    def __init__(self, interval: float = FLUSH_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._items: list[Any] = []
        self._last_flush = clock()
        self.pushed = 0  # events received (for benchmarks)

    def push(self, event: Any) -> None:
        """Add an event; safe from any thread, never blocks for long."""
        with self._lock:
            self._items.append(event)
            self.pushed += 1

    def pending(self) -> int:
        """How many events wait to be drained."""
        with self._lock:
            return len(self._items)

    def due(self) -> bool:
        """Whether a flush interval has passed since the last drain."""
        return self._clock() - self._last_flush >= self.interval

    def drain(self) -> list[Any]:
        """Every event pushed so far, in order, with each job's text pieces joined."""
        with self._lock:
            items, self._items = self._items, []
        self._last_flush = self._clock()
        return coalesce(items)


def coalesce(items: list[Any]) -> list[Any]:
    """Join consecutive :class:`Delta` events of the same job (other events keep their
    order relative to that job's text)."""
    out: list[Any] = []
    open_delta: dict[str, int] = {}  # job id -> index in out of its growing Delta
    pieces: dict[int, list[str]] = {}
    for ev in items:
        if isinstance(ev, Delta):
            at = open_delta.get(ev.job_id)
            if at is None:
                open_delta[ev.job_id] = len(out)
                pieces[len(out)] = [ev.text]
                out.append(ev)
            else:
                pieces[at].append(ev.text)
        else:
            job = getattr(ev, "job_id", None)
            if job is not None:
                open_delta.pop(job, None)
            out.append(ev)
    for at, texts in pieces.items():
        if len(texts) > 1:
            out[at] = Delta(out[at].job_id, "".join(texts))
    return out

"""The data a batch run shares with its callers: targets, progress events, the result."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from align_studio.providers.endpoint import Endpoint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchTarget:
    """A target as a batch run sees it: its endpoint, batch prices and whether to try."""

    target_id: str
    endpoint: Endpoint
    #: USD per 1M input / output tokens at batch rates; None when unknown.
    prices: tuple[float, float] | None = None
    #: False when the profile says the server has no Batch API: stream it instead.
    batch_api: bool = True


@dataclass(frozen=True)
class BatchProgress:
    """Where one target's batch is: ``phase`` is the local state or the provider's status."""

    target_id: str
    phase: str
    completed: int = 0
    failed: int = 0
    total: int = 0
    message: str = ""


ProgressCallback = Callable[[BatchProgress], None]


@dataclass
class BatchResult:
    """What a batch run did: status, per-target rows of the ``batches`` table, timings."""

    run_id: str
    status: str  # finished | cancelled | failed
    batches: list[dict[str, Any]]
    ingested: int = 0
    ingest_seconds: float = 0.0
    reason: str | None = None
    notes: list[str] = field(default_factory=list)


def safe_callback(callback: ProgressCallback | None) -> ProgressCallback:
    """``callback`` made safe: a listener's bug is logged, never fails the run."""
    def emit(event: BatchProgress) -> None:
        if callback is None:
            return
        try:
            callback(event)
        except Exception:  # a listener's bug must not fail the run
            log.exception("batch progress listener failed")
    return emit

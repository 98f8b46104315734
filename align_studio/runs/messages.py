"""What the app and its run process say to each other over their pipe. Qt-free.

Each message is a small frozen dataclass, so both ends dispatch on its type (and mypy checks
every field) instead of on the first item of a tuple. The parent sends :data:`ToChild`
messages, the child answers with :data:`ToParent` ones; everything in them is picklable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align_studio.providers.endpoint import Endpoint
from align_studio.runs.runner import Event, Job


@dataclass
class RunRequest:
    """Everything the child needs for one run."""

    run_id: str
    jobs: list[Job]
    endpoints: dict[str, Endpoint]
    workspace: Path | None = None  # whose run store records the run; None: no recording
    spec_id: str = ""
    spec_version: int | None = None
    refresh: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    log_level: int = logging.WARNING


# -- parent → child -----------------------------------------------------------------------
@dataclass(frozen=True)
class StartRun:
    """Start this run (its jobs and endpoints, keys included, travel in memory only)."""

    request: RunRequest


@dataclass(frozen=True)
class CancelRun:
    """Stop this run: in-flight answers keep their text, marked cancelled."""

    run_id: str


@dataclass(frozen=True)
class CloseWorker:
    """Cancel every run and exit."""


ToChild = StartRun | CancelRun | CloseWorker


# -- child → parent -----------------------------------------------------------------------
@dataclass(frozen=True)
class LogMessage:
    """A log record of the child (already redacted), re-emitted by the parent."""

    fields: dict[str, Any]


@dataclass(frozen=True)
class RunEvents:
    """The run's events since the last batch, in order (text pieces of a job joined)."""

    run_id: str
    events: list[Event]


@dataclass(frozen=True)
class RunDone:
    """The run ended; ``error`` says why when the child failed it (already redacted)."""

    run_id: str
    error: str | None = None


ToParent = LogMessage | RunEvents | RunDone

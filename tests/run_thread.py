"""A run on a thread of the caller's own, for tests and benches that watch or cancel it
from outside while it goes.

The app itself never does this: its runs go to the run process, the judge runs inside a
``TaskRunner`` task and the CLI on its main thread (``Runner.run_sync``); see
``tests/test_background.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from align_studio.runs.runner import EventCallback, Job, Runner, RunSummary


class RunThread:
    """``runner.run_sync(jobs, ...)`` on a daemon thread: ``cancel()``, ``wait()``, ``done``."""

    def __init__(self, runner: Runner, jobs: Sequence[Job],
                 on_event: EventCallback | None = None, **kwargs: Any) -> None:
        self.runner = runner
        self.summary: RunSummary | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()

        def main() -> None:
            try:
                self.summary = runner.run_sync(jobs, on_event, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised by wait()
                self.error = exc
            finally:
                self._done.set()

        threading.Thread(target=main, name="test-run", daemon=True).start()

    @property
    def done(self) -> bool:
        """Whether the run has ended."""
        return self._done.is_set()

    def cancel(self) -> None:
        """Stop the run (returns at once)."""
        self.runner.cancel()

    def wait(self, timeout: float | None = None) -> RunSummary | None:
        """The summary once the run has ended (None on timeout); re-raises a crash."""
        if not self._done.wait(timeout):
            return None
        if self.error is not None:
            raise self.error
        return self.summary


def start_run(runner: Runner, jobs: Sequence[Job], on_event: EventCallback | None = None,
              **kwargs: Any) -> RunThread:
    """Start ``jobs`` on a thread of their own (what ``Runner.start`` used to do)."""
    return RunThread(runner, jobs, on_event, **kwargs)

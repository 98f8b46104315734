"""What a run did, in the words of the status bar.

A run whose every request failed still ends ``finished`` (the runner did its work), so the
status alone would tell the user all went well. :class:`RunOutcome` carries the counts and
the first error from the run's summary to the GUI, and :func:`outcome_message` says it
honestly. Qt-free: the controller builds it, the status bar shows its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from align_studio.runs.runner import RunSummary

#: The first error is cut to this many characters (the status bar is one line).
ERROR_CHARS = 160
_CRASH_PREFIX = "the run failed: "  # how RunWorker words a crashed run's error


@dataclass(frozen=True)
class RunOutcome:
    """How one run ended: its status (finished, cancelled, failed) and what it did."""

    run_id: str
    status: str
    answered: int = 0  # complete answers (cached ones included)
    failed: int = 0  # requests that ended with an error
    first_error: str | None = None  # the first failed request's error, already redacted
    reason: str | None = None  # why the run failed or was cut short, when it says

    @classmethod
    def from_summary(cls, summary: RunSummary) -> RunOutcome:
        """The outcome of a run that ended and sent its summary."""
        failed = summary.failed
        return cls(summary.run_id, summary.status,
                   answered=sum(1 for r in summary.results if r.ok), failed=len(failed),
                   first_error=failed[0].error if failed else None, reason=summary.reason)

    @classmethod
    def crashed(cls, run_id: str, error: str | None) -> RunOutcome:
        """The outcome of a run that ended without a summary (its process failed it)."""
        reason = error.removeprefix(_CRASH_PREFIX) if error else None
        return cls(run_id, "failed", reason=reason or "the run stopped unexpectedly")


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= ERROR_CHARS else line[:ERROR_CHARS - 1] + "…"


def _answers(n: int) -> str:
    return f"{n:,} answer{'' if n == 1 else 's'}"


def outcome_message(o: RunOutcome) -> str:
    """One line for the status bar: whether the run gave answers, and if not, why."""
    error = f": {_short(o.first_error)}" if o.first_error else ""
    if o.status == "cancelled":
        return f"Run cancelled after {_answers(o.answered)}" if o.answered else "Run cancelled"
    if o.status == "failed":
        if o.reason:
            return f"Run failed: {_short(o.reason)}"
        return f"Run failed{error}"
    if o.failed and not o.answered:
        every = "the request" if o.failed == 1 else f"all {o.failed:,} requests"
        return f"Run finished, but {every} failed{error}"
    if o.failed:
        return f"Run finished: {_answers(o.answered)}, {o.failed:,} failed{error}"
    return f"Run finished: {_answers(o.answered)}"

"""The status bar says what a run did: answers, failures (with the first error), or why
the run failed; a run whose every request failed is not announced as simply finished."""

from __future__ import annotations

from pathlib import Path

from align_studio.runs.runner import ResponseRecord, RunSummary
from align_studio.ui.preview.run_outcome import RunOutcome, outcome_message
from tests.ui.preview.conftest import review_spec_text


def _run(qtbot, w, text: str):
    """Reopen the spec as ``text``, run every case, and return the run's outcome."""
    path: Path = w.doc.path
    w.doc.undo_stack.setClean()
    assert w.close_spec()
    path.write_text(text, encoding="utf-8")
    assert w.open_spec(path)
    w.features.review.confirm_large_runs = False
    ctl = w.features.review.controller
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=15000) as ended:
        assert ctl.start()
    return ended.args[2]


def test_all_requests_failing_says_they_failed(qtbot, review_window, loopback) -> None:
    w = review_window
    text = review_spec_text(3).replace("about **refunds**", "about **refunds** [[fault:404]]")
    outcome = _run(qtbot, w, text)
    assert len(loopback.requests()) >= 6  # the server was asked, and refused each
    assert (outcome.status, outcome.answered, outcome.failed) == ("finished", 0, 6)
    message = w.statusBar().currentMessage()
    assert message.startswith("Run finished, but all 6 requests failed: "), message
    assert message.endswith("was not found on this server"), message  # the 404's why


def test_some_requests_failing_counts_both(qtbot, review_window) -> None:
    w = review_window
    text = review_spec_text(3).replace("number 1 about **refunds**",
                                       "number 1 about **refunds** [[fault:404]]")
    outcome = _run(qtbot, w, text)
    assert (outcome.answered, outcome.failed) == (4, 2)
    message = w.statusBar().currentMessage()
    assert message.startswith("Run finished: 4 answers, 2 failed: "), message


def test_all_answered_says_how_many(qtbot, review_window) -> None:
    w = review_window
    _run(qtbot, w, review_spec_text(3))
    assert w.statusBar().currentMessage() == "Run finished: 6 answers"


def _record(n: int, *, error: str | None = None, cancelled: bool = False) -> ResponseRecord:
    return ResponseRecord("run-1", f"job-{n}", f"case-{n}", "model-a", "model-a",
                          text="" if error else "An answer", error=error, cancelled=cancelled)


def test_failed_and_cancelled_runs_say_why() -> None:
    """The words for the endings a loopback server does not produce on demand: a run marked
    failed (its answers could not be recorded), a crashed run, a cancelled one."""
    lost = "2 of 3 responses could not be recorded (case-1 × model-a, …): disk I/O error"
    summary = RunSummary("run-1", "failed", [_record(1), _record(2), _record(3)], 1.0,
                         [lost], lost)
    assert outcome_message(RunOutcome.from_summary(summary)) == f"Run failed: {lost}"
    crashed = RunOutcome.crashed("run-1", "the run failed: BrokenPipeError: pipe closed")
    assert outcome_message(crashed) == "Run failed: BrokenPipeError: pipe closed"
    assert outcome_message(RunOutcome.crashed("run-1", None)) == \
        "Run failed: the run stopped unexpectedly"
    cut = RunSummary("run-1", "cancelled", [_record(1), _record(2, cancelled=True)], 1.0)
    assert outcome_message(RunOutcome.from_summary(cut)) == "Run cancelled after 1 answer"
    none = RunSummary("run-1", "cancelled", [_record(1, cancelled=True)], 1.0)
    assert outcome_message(RunOutcome.from_summary(none)) == "Run cancelled"
    one = RunSummary("run-1", "finished", [_record(1, error="HTTP 500:\n  server  error")], 1.0)
    assert outcome_message(RunOutcome.from_summary(one)) == \
        "Run finished, but the request failed: HTTP 500: server error"

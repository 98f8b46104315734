"""A re-run whose answer comes from the cache is the answer that was judged: its verdict is
shown as it is, not flagged "carried forward" for confirmation (issue 16)."""

from __future__ import annotations

from align_studio.domain import Spec, Verdict
from align_studio.editing.judgments import Shown, verdict_command
from align_studio.review.carry import carried
from align_studio.review.live import LiveResults
from align_studio.review.matrix import ResultsMatrix
from align_studio.runs.runner import ResponseRecord


def _rerun(spec: Spec, cached: bool) -> LiveResults:
    cmd, _ = verdict_command(spec, "c1", Shown("a", "hello", "run-1"), "accept", None, "ana")
    cmd.redo()  # judged in run-1
    live = LiveResults()
    live.waiting("c1", "a", "run-2")
    live.finished(("c1", "a"), ResponseRecord("run-2", "", "c1", "a", "m", text="hello",
                                              cached=cached))
    return live


def test_a_cached_answer_keeps_its_verdict_without_carrying(spec: Spec) -> None:
    m = ResultsMatrix(spec, _rerun(spec, cached=True), lambda case, text: [])
    cell = m.cell(spec.case("c1"), "a")
    assert cell.verdict is Verdict.ACCEPT
    assert cell.carried_from is None  # was "run run-1": "carried forward" on the same answer
    assert carried(spec.case("c1"), "a", "hello", "run-2", cached=True) is None


def test_a_newly_generated_identical_answer_is_still_carried(spec: Spec) -> None:
    m = ResultsMatrix(spec, _rerun(spec, cached=False), lambda case, text: [])
    cell = m.cell(spec.case("c1"), "a")
    assert cell.verdict is Verdict.ACCEPT and cell.carried_from == "run run-1"

"""Grading is a task of the window's one TaskRunner: its progress reaches the status bar,
the status bar's Cancel stops it early, and it grades the spec as it was when asked
(edits made meanwhile change nothing in the result). Real window, real run store, judge
requests to a loopback server."""

from __future__ import annotations

import threading
import time

from align_studio.editing.commands import RemoveItem, SetField
from align_studio.grading.results import grades_for, latest_responses
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore, store_path
from align_studio.ui.grading.grade_job import LANE
from tests.loopback.server import LoopbackServer
from tests.ui.grading.test_grade_with_judge import verdicts


def one_at_a_time(server: LoopbackServer) -> Endpoint:
    """The judge's endpoint, one request in flight at a time (so they end one by one)."""
    return Endpoint(server.url, "k", timeout=10, max_retries=0, concurrency=1)


def test_progress_reaches_the_status_bar(qtbot, demo) -> None:
    g = demo.features.grading
    shown: list[tuple[int, int]] = []  # (value, maximum) while the bar is visible
    g.progress.valueChanged.connect(
        lambda v: shown.append((v, g.progress.maximum())) if g.progress.isVisible() else None)
    with LoopbackServer(tokens=8, latency=0.1, reply=verdicts) as server:
        g.job.resolve = lambda target: one_at_a_time(server)
        with qtbot.waitSignal(g.job.sig_finished, timeout=15000):
            g.grade_judge.trigger()
            # The bar and Cancel show at once, before any judge request has ended.
            assert g.progress.isVisible() and g.cancel_button.isVisible()
            assert g.job.task is not None and not g.job.task.done
    # One step per judge request, in order, out of the four latest answers.
    assert [v for v, m in shown if m == 4] == [1, 2, 3, 4]
    assert not g.progress.isVisible() and not g.cancel_button.isVisible()
    assert g.job.task is None and g.grade_judge.isEnabled()


def test_cancel_stops_grading_early(qtbot, demo, workspace) -> None:
    g = demo.features.grading
    with LoopbackServer(tokens=8, latency=0.6, reply=verdicts) as server:
        g.job.resolve = lambda target: one_at_a_time(server)
        with qtbot.waitSignal(g.job.sig_finished, timeout=15000) as done:
            g.grade(judge=True)
            # The first answer is judged, the second is being judged: Cancel.
            qtbot.waitUntil(lambda: len(server.requests()) >= 2, timeout=10000)
            t0 = time.monotonic()
            g.cancel_button.click()  # what the user clicks to cancel any long task
        took = time.monotonic() - t0
        sent = len(server.requests())
    outcome = done.args[0]
    judge = outcome.summaries["judge"]
    assert outcome.cancelled and took < 1.5
    assert 1 <= judge.responses < 4 and sent < 4  # fewer graded, and fewer asked, than 4
    assert len(judge.skipped) == 4 - judge.responses
    assert all("judging was cancelled" in s for s in judge.skipped)
    with RunStore(store_path(workspace)) as store:  # the grades decided before are kept
        rows = latest_responses(store, "demo")
        judged = [rid for rid, gs in grades_for(store, [r["id"] for r in rows]).items()
                  if any(x["kind"] == "judge" for x in gs)]
    assert len(judged) == judge.responses
    assert demo.statusBar().currentMessage().startswith("Grading cancelled — ")
    assert not g.progress.isVisible() and g.grade_judge.isEnabled()


def test_editing_the_spec_while_grading_changes_nothing_graded(qtbot, demo) -> None:
    g = demo.features.grading
    doc = demo.doc
    spec = doc.session.spec
    gate = threading.Event()
    # The grading lane is busy, so the pass starts only after the edits below are made:
    # a pass that read the live spec would grade the edited one, every time.
    demo.runner.run(gate.wait, lane=LANE)
    with LoopbackServer(tokens=8, reply=verdicts) as server:
        g.job.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
        with qtbot.waitSignal(g.job.sig_finished, timeout=15000) as done:
            assert g.grade_judge.isEnabled()
            g.grade(judge=True)
            doc.undo_stack.push_command(SetField(spec.case("c-window").checks[0], "value",
                                                 "never said"))
            doc.undo_stack.push_command(SetField(spec.judge, "target", "t-a"))
            doc.undo_stack.push_command(RemoveItem(spec, "cases", spec.cases.index(
                spec.case("c-dose"))))
            gate.set()
        sent = server.requests()
    outcome = done.args[0]
    checks, judge = outcome.summaries["check"], outcome.summaries["judge"]
    # As the spec was asked to be graded: "30 days" passes t-b's answer, the refusal check
    # passes "I can't."; the judge is t-b (model-b) on all four answers.
    assert (checks.responses, checks.passed, checks.failed) == (4, 2, 2)
    assert (judge.responses, judge.passed, judge.failed) == (4, 2, 2)
    assert len(sent) == 4 and {r["body"]["model"] for r in sent} == {"model-b"}
    # …while the open document has the edits.
    assert spec.case("c-dose") is None and spec.judge.target == "t-a"
    assert spec.case("c-window").checks[0].value == "never said"

"""Grade with Judge from the window: through the real Runner to a loopback server, with
progress, and a cancel that stops the requests in flight."""

from __future__ import annotations

import json
import time
from typing import Any

from align_studio.grading.results import grades_for, latest_responses
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore, store_path
from tests.loopback.server import LoopbackServer


def verdicts(body: dict[str, Any]) -> str:
    answer = body["messages"][-1]["content"].split("<<<\n", 1)[1].split("\n>>>", 1)[0]
    ok = "30 days" in answer or "can't" in answer
    return json.dumps({"verdict": "pass" if ok else "fail", "rationale": "scripted"})


def test_grade_with_judge_and_progress(qtbot, demo, workspace) -> None:
    g = demo.features.grading
    progress: list[tuple[int, int]] = []
    g.job.sig_progress.connect(lambda d, t: progress.append((d, t)))
    with LoopbackServer(tokens=8, reply=verdicts) as server:
        g.job.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
        with qtbot.waitSignal(g.job.sig_finished, timeout=15000) as done:
            g.grade_judge.trigger()
            assert not g.grade_judge.isEnabled()  # one pass at a time
        sent = server.requests()
    outcome = done.args[0]
    assert not outcome.cancelled
    judge = outcome.summaries["judge"]
    assert (judge.responses, judge.passed, judge.failed) == (4, 2, 2)  # the run-2 answers
    assert progress[-1] == (0, 0) and (4, 4) in progress
    assert len(sent) == 4 and all(r["body"]["model"] == "model-b" for r in sent)
    assert "Graded — " in demo.statusBar().currentMessage()
    with RunStore(store_path(workspace)) as store:
        rows = latest_responses(store, "demo")
        kinds = {g["kind"] for gs in grades_for(store, [r["id"] for r in rows]).values()
                 for g in gs}
    assert kinds == {"check", "judge"}
    assert g.grade_judge.isEnabled()


def test_cancel_stops_judging(qtbot, demo) -> None:
    g = demo.features.grading
    with LoopbackServer(tokens=8, latency=3.0, reply=verdicts) as server:
        g.job.resolve = lambda target: Endpoint(server.url, "k", timeout=10, max_retries=0)
        with qtbot.waitSignal(g.job.sig_finished, timeout=15000) as done:
            g.grade(judge=True)
            qtbot.waitUntil(lambda: len(server.requests()) == 4 or g.progress.isVisible(),
                            timeout=5000)
            qtbot.wait(300)
            t0 = time.monotonic()
            g.cancel_grading.trigger()
        took = time.monotonic() - t0
    outcome = done.args[0]
    assert outcome.cancelled and took < 2.0
    assert outcome.summaries["judge"].skipped  # "judging was cancelled"
    assert "cancelled" in demo.statusBar().currentMessage()


def test_preview_columns_show_grades_apart_from_verdicts(qtbot, demo) -> None:
    g = demo.features.grading
    with LoopbackServer(tokens=8, reply=verdicts) as server:
        g.job.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
        with qtbot.waitSignal(g.measures.sig_measured, timeout=15000):
            g.grade(judge=True)
    preview = demo.features.review.preview
    preview.show_case("c-window")
    demo.editor.tabs.setCurrentWidget(preview)
    texts = {c.title.text().split(" · ")[0]: (c.grades.text(), c.verdict.text())
             for c in preview.columns}
    grades_a, verdict_a = texts["t-a"]
    # t-a's latest answer "No idea." fails the check and the judge; no human verdict on it
    assert grades_a == "Automated: ✗ checks 0/1 · ✗ judge fail"
    assert verdict_a.startswith("Not judged") and "Automated" not in verdict_a
    grades_b, _ = texts["t-b"]
    assert grades_b == "Automated: ✓ checks 1/1 · ✓ judge pass"
    assert all("Judge: scripted" in c.grades.toolTip() for c in preview.columns)


def test_results_tooltips_show_the_judge(qtbot, demo) -> None:
    g = demo.features.grading
    with LoopbackServer(tokens=8, reply=verdicts) as server:
        g.job.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
        with qtbot.waitSignal(g.measures.sig_measured, timeout=15000):
            g.grade(judge=True)
    model = demo.features.review.matrix_panel.model
    row = next(r for r in range(model.rowCount()) if model.case_at(r).id == "c-window")
    col = 1 + model.matrix.target_ids.index("t-a")
    tip = model.index(row, col).data(3)  # ToolTipRole
    assert "Judge: fail — scripted" in tip.splitlines()
    assert "0/1" in model.index(row, col).data()  # the checks, beside the verdict

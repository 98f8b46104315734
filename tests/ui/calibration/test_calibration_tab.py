"""The Calibration tab shows figures computed by hand for the fixture spec (conftest.py).

People (alice and bob rated c1–c4 on t-a): pairs (a, a), (a, a), (r, r), (a, r):
p_o = 3/4; alice 3 accept 1 reject, bob 2 and 2: p_e = (3·2 + 1·2)/16 = 1/2, so
Cohen's κ = (3/4 − 1/2)/(1/2) = 0.50. The disputed answer is c4 × t-a.

The judge (asked through the loopback server; it passes an answer that says PASS) against
people's consensus on the 8 agreed answers: accept·pass 4 (r1a r2a r1b r2b), accept·fail 1
(r3b), reject·pass 1 (r5a), reject·fail 2 (r3a r5b): p_o = 6/8; people 5 accept 3 reject,
judge 5 pass 3 fail: p_e = (25 + 9)/64, κ = (48/64 − 34/64)/(30/64) = 14/30 = 0.47.
Per target: t-a (a·p, a·p, r·f, r·p) and t-b (a·p, a·p, a·f, r·f) are each 0.50.
"""

from __future__ import annotations

from align_studio.providers.endpoint import Endpoint
from align_studio.ui.shell.tab_key import TabKey


def _ask(qtbot, window, server) -> object:  # type: ignore[no-untyped-def]
    feature = window.features.calibration
    feature.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
    tab = feature.tab
    with qtbot.waitSignal(tab.sig_measured, timeout=15000):
        assert tab.ask_judge()
    return tab


def test_people_agreement_first(cal) -> None:  # type: ignore[no-untyped-def]
    tab = cal.features.calibration.tab
    assert cal.editor.show_tab(TabKey.CALIBRATION)
    page = tab.agreement
    assert page.pairs.rows == [["alice · bob", 4, "75 %", "0.50", page.pairs.rows[0][4],
                                "too few answers to tell"]]
    assert "–" in page.pairs.rows[0][4]  # an interval, never a bare number
    summary = page.people_summary.text()
    assert "2 reviewer(s) (alice, bob)" in summary and "1 disputed" in summary
    assert page.disputed.rows == [["c4", "t-a", "alice: accept — kind enough | "
                                   "bob: reject — too curt"]]
    assert "chance" in tab.findChild(type(page.people_summary), "kappaMeaning").text()
    # no judge grade stored yet: said in words, and the gate does not open
    assert "not graded any answer" in page.judge_summary.text()
    assert "would not use the judge" in page.gate_text.text()


def test_judge_against_people_by_hand(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    tab = _ask(qtbot, cal, judge_server)
    assert len(judge_server.requests()) == 8  # the agreed answers only, not the disputed one
    page = tab.agreement
    assert page.confusion.rows == [["People accepted", 4, 1], ["People rejected", 1, 2]]
    text = page.judge_summary.text()
    assert "κ 0.47 (95 % interval " in text and ", 8 answers)" in text
    assert "more labels would narrow the interval to ±0.10" in text
    assert "1 answer(s) people disagree on were left out" in text
    targets = {r[0]: r for r in page.by_target.rows}
    assert targets["t-a"][3] == "0.50" and targets["t-b"][3] == "0.50"
    assert targets["t-a"][1] == 4 and targets["t-a"][2] == "75 %"
    # b-steps: r1a r2a r1b r2b (a·p) r5a (r·p) r5b (r·f): p_o 5/6, people 4a 2r, judge 5p
    # 1f: p_e = (20 + 2)/36, κ = (30 − 22)/(36 − 22) = 8/14 = 0.57
    behaviors = {r[0]: r for r in page.by_behavior.rows}
    assert behaviors["b-steps"][1:4] == [6, "83 %", "0.57"]
    rows = {(r[0], r[1]): r for r in page.disagreements.rows}
    assert set(rows) == {("c3", "t-b"), ("c5", "t-a")}
    assert rows[("c5", "t-a")][2:] == ["reject", "pass", "alice: reject — steps missing",
                                       "says PASS"]
    assert "the spec sets no judge.min_kappa" in page.gate_text.text()


def test_queue_ranks_with_reasons(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    tab = _ask(qtbot, cal, judge_server)
    entries = tab.queue.model.entries
    firsts = [(e.case_id, e.target) for e in entries[:3]]
    # judge–people disagreements (weight 4) first, then what people dispute (3)
    assert firsts == [("c3", "t-b"), ("c5", "t-a"), ("c4", "t-a")]
    assert entries[0].reasons == ("the judge says fail but people accepted it",)
    assert {(e.case_id, e.target) for e in entries[3:]} == {("c6", "t-a"), ("c6", "t-b")}
    why = tab.queue.model.index(0, 2).data()
    assert why == "the judge says fail but people accepted it"


def test_a_run_ending_measures_a_hidden_tab_only_when_it_is_shown(qtbot, cal) -> None:  # type: ignore[no-untyped-def]
    """bench_gui_run saw a 65 ms stall as a run ended: the hidden Calibration tab copied the
    spec and re-measured at once. Hidden, it waits for its next show."""
    tab = cal.features.calibration.tab
    assert cal.editor.show_tab(TabKey.OVERVIEW) and not tab.isVisible()
    cal.ctx.sig_runs_changed.emit()
    assert tab._measure_task is None  # nothing started while hidden
    with qtbot.waitSignal(tab.sig_measured, timeout=10000):
        assert cal.editor.show_tab(TabKey.CALIBRATION)
    cal.ctx.sig_grades_changed.emit()  # shown: measured at once
    assert tab._measure_task is not None
    qtbot.waitUntil(lambda: tab._measure_task is None, timeout=10000)

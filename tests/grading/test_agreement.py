"""Agreement statistics against hand-computed values, degenerate cases included."""

from __future__ import annotations

import pytest

from align_studio.domain import JudgedResponse, Spec
from align_studio.grading.agreement import agreement, compute_stats
from align_studio.grading.llm_judge import judge_responses
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import GradeRow, RunStore
from tests.grading.conftest import make_spec, record

A, R = True, False  # human accept / reject
P, F = True, False  # grader pass / fail


def test_kappa_hand_computed() -> None:
    # 20 pairs: accept/pass 8, accept/fail 2, reject/pass 3, reject/fail 7.
    # po = 15/20 = 0.75; pe = (10·11 + 10·9)/400 = 0.5; kappa = 0.25/0.5 = 0.5
    s = compute_stats("check", [(A, P)] * 8 + [(A, F)] * 2 + [(R, P)] * 3 + [(R, F)] * 7)
    assert (s.n, s.agree, s.percent) == (20, 15, 75.0)
    assert s.kappa == pytest.approx(0.5) and s.kappa_note is None
    assert s.confusion == {"accept": {"pass": 8, "fail": 2}, "reject": {"pass": 3, "fail": 7}}


def test_kappa_second_hand_computed_value() -> None:
    # 10 pairs: AP 6, AF 1, RP 2, RF 1. po = 0.7; pe = (7·8 + 3·2)/100 = 0.62;
    # kappa = 0.08/0.38 = 0.210526…
    s = compute_stats("judge", [(A, P)] * 6 + [(A, F)] + [(R, P)] * 2 + [(R, F)])
    assert s.percent == pytest.approx(70.0)
    assert s.kappa == pytest.approx(0.08 / 0.38)


def test_perfect_and_opposite() -> None:
    assert compute_stats("c", [(A, P), (R, F)]).kappa == pytest.approx(1.0)
    assert compute_stats("c", [(A, F), (R, P)]).kappa == pytest.approx(-1.0)


def test_no_overlap_kappa_undefined() -> None:
    s = compute_stats("judge", [])
    assert (s.n, s.percent, s.kappa) == (0, None, None)
    assert s.kappa_note == "no response has both a human verdict and a grade"


@pytest.mark.parametrize("pairs,word", [([(A, P)] * 4, "accept/pass"),
                                        ([(R, F)] * 3, "reject/fail")])
def test_one_class_only_kappa_undefined(pairs: list[tuple[bool, bool]], word: str) -> None:
    s = compute_stats("check", pairs)
    assert s.percent == 100.0 and s.kappa is None
    assert s.kappa_note is not None and word in s.kappa_note and "undefined" in s.kappa_note


def test_one_class_each_side_but_different_is_zero() -> None:
    # Humans accept everything, the grader fails everything: po = 0, pe = 0, kappa = 0.
    s = compute_stats("check", [(A, F)] * 3)
    assert s.percent == 0.0 and s.kappa == pytest.approx(0.0)


def test_one_rater_single_class_is_defined() -> None:
    # Humans accept all 4; grader passes 3. po = .75; pe = (4·3 + 0)/16 = .75 → kappa 0.
    s = compute_stats("check", [(A, P)] * 3 + [(A, F)])
    assert s.kappa == pytest.approx(0.0)


def spec_with_verdicts() -> Spec:
    spec = make_spec()
    window = spec.case("c-window")
    dose = spec.case("c-dose")
    assert window is not None and dose is not None
    window.responses = [
        JudgedResponse(id="r1", target="t-a", text="You have 30 days.", verdict="accept"),
        JudgedResponse(id="r2", target="t-b", text="Whenever you like.", verdict="reject",
                       reason="wrong"),
        JudgedResponse(id="r3", target="t-b", text="30 days " + "word " * 50,
                       verdict="accept"),  # human accepts a too-long answer: disagreement
    ]
    dose.responses = [
        JudgedResponse(id="r4", target="t-a", text="I can't help with that.", verdict="accept"),
        JudgedResponse(id="r5", target="t-b", text="Ten pills.", verdict="reject",
                       reason="unsafe"),
        JudgedResponse(id="r6", target="t-a", text="Not judged yet."),
    ]
    return spec


def test_agreement_report_from_checks_per_target_and_behavior() -> None:
    rep = agreement(spec_with_verdicts())
    assert rep.judged == 5
    c = rep.overall["check"]
    # r1 A/P, r2 R/F, r3 A/F, r4 A/P, r5 R/F → po 4/5; pe = (3·2 + 2·3)/25 = 12/25
    assert c.n == 5 and c.percent == pytest.approx(80.0)
    assert c.kappa == pytest.approx((0.8 - 0.48) / 0.52)
    assert rep.overall["judge"].n == 0 and rep.overall["judge"].kappa is None
    assert set(rep.by_target) == {"t-a", "t-b"}
    ta = rep.by_target["t-a"]["check"]
    assert ta.n == 2 and ta.kappa is None and "accept/pass" in (ta.kappa_note or "")
    assert rep.by_behavior["b-no-dose"]["check"].percent == 100.0
    assert rep.by_behavior["b-window"]["check"].n == 3
    [d] = rep.disagreements
    assert (d.case_id, d.response_id, d.grader, d.human, d.automated) == \
        ("c-window", "r3", "check", "accept", "fail")
    assert d.path == ("cases", 0, "responses", 2) and "max-words" not in d.detail
    assert "has 52 words" in d.detail
    assert rep.to_data()["overall"]["check"]["n"] == 5


def test_agreement_with_judge_grades_from_the_store(store: RunStore) -> None:
    spec = spec_with_verdicts()
    rid = record(store, spec, {("c-window", "t-a"): "You have 30 days.",
                               ("c-window", "t-b"): "Whenever you like.",
                               ("c-dose", "t-b"): "Ten pills."})
    ids = {r["target_id"] + r["case_id"]: r["id"] for r in store.responses(rid)}
    store.add_grades([GradeRow(ids["t-ac-window"], "judge", "judge:t-judge", True, None, "ok"),
                      GradeRow(ids["t-bc-window"], "judge", "judge:t-judge", True, None,
                               "judge says fine"),
                      GradeRow(ids["t-bc-dose"], "judge", "judge:t-judge", None, None,
                               "the judge's answer was not valid: x")])
    rep = agreement(spec, store)
    j = rep.overall["judge"]
    assert (j.n, j.agree) == (2, 1)  # the undecided grade is left out
    # r1 A/P, r2 R/P: accepted 1, rejected 1, passed 2, failed 0;
    # chance = 1·2 + 1·0 = 2 ≠ 4 → kappa = (1·2 − 2)/(4 − 2) = 0
    assert j.kappa == pytest.approx(0.0)
    judge_dis = [d for d in rep.disagreements if d.grader == "judge"]
    assert [(d.response_id, d.detail) for d in judge_dis] == [("r2", "judge says fine")]


def test_judge_endpoint_unused_when_nothing_to_judge(store: RunStore) -> None:
    summary = judge_responses(store, make_spec(), [], Endpoint("http://127.0.0.1:9/v1", "k"))
    assert summary.responses == 0

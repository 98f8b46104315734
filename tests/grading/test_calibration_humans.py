"""Agreement among people and judge vs people on a real spec file, with hand-computed values.

Three reviewers (alice, bob, carol) on five answers:

====  =====  =====  =====  ===========================================
item  alice  bob    carol  note
====  =====  =====  =====  ===========================================
i1    A      A      A
i2    R      R      R
i3    A      R      A      people disagree: disputed
i4    A      A      —      recorded twice (alice's and bob's copies merged)
i5    R      —      —      one rating
====  =====  =====  =====  ===========================================
"""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pytest

from align_studio.domain import Verdict
from align_studio.editing.judgments import JudgmentError
from align_studio.grading.calibration.asking import JudgeGrade
from align_studio.grading.calibration.humans import human_agreement
from align_studio.grading.calibration.judge_agreement import measure
from align_studio.grading.calibration.labels import collect_items
from align_studio.grading.calibration.reviews import record_review, review_command
from align_studio.storage import SpecFile

SPEC = """\
format_version: 1
id: people
title: Three reviewers
behaviors:
  - id: b-steps
    kind: must
    statement: Give the exact steps.
  - id: b-tone
    kind: tone
    statement: Stay calm; apologise at most once.
targets:
  - {id: t-a, provider: p, model: model-a}
  - {id: t-b, provider: p, model: model-b}
  - {id: t-judge, provider: p, model: judge-model}
judge:
  target: t-judge
cases:
  - id: c1
    behaviors: [b-steps]
    messages: [{role: user, content: "Q1"}]
    responses:
      - {id: r1, target: t-a, text: "one", verdict: accept, reviewer: alice,
         reviews: [{reviewer: bob, verdict: accept}, {reviewer: carol, verdict: accept}]}
  - id: c2
    behaviors: [b-steps, b-tone]
    messages: [{role: user, content: "Q2"}]
    responses:
      - {id: r2, target: t-b, text: "two", verdict: reject, reviewer: alice, reason: rude,
         reviews: [{reviewer: bob, verdict: reject}, {reviewer: carol, verdict: reject}]}
  - id: c3
    behaviors: [b-tone]
    messages: [{role: user, content: "Q3"}]
    responses:
      - id: r3
        target: t-a
        text: "three"
        verdict: accept
        reviewer: alice
        reason: calm enough
        reviews:
          - {reviewer: bob, verdict: reject, reason: apologises twice}
          - {reviewer: carol, verdict: accept}
  - id: c4
    behaviors: [b-steps]
    messages: [{role: user, content: "Q4"}]
    responses:
      - {id: r4, target: t-b, text: "four", verdict: accept, reviewer: alice}
      - {id: r4-2, target: t-b, text: "four\\n", verdict: accept, reviewer: bob}
  - id: c5
    behaviors: [b-steps]
    messages: [{role: user, content: "Q5"}]
    responses:
      - {id: r5, target: t-a, text: "five", verdict: reject, reviewer: alice, reason: wrong}
"""


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    p = tmp_path / "people.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return p


def test_items_merge_copies_of_one_answer_and_find_the_dispute(spec_path: Path) -> None:
    items = collect_items(SpecFile.load(spec_path).spec)
    assert [i.case_id for i in items] == ["c1", "c2", "c3", "c4", "c5"]
    four = items[3]
    assert four.response_ids == ["r4", "r4-2"] and set(four.ratings) == {"alice", "bob"}
    assert [i.consensus for i in items] == ["accept", "reject", None, "accept", "reject"]
    assert [i.disputed for i in items] == [False, False, True, False, False]


def test_human_agreement_matches_hand_values(spec_path: Path) -> None:
    rep = human_agreement(SpecFile.load(spec_path).spec)
    assert rep.reviewers == ["alice", "bob", "carol"]
    assert (rep.items, rep.multi_rated) == (5, 4)
    pairs = {(p.a, p.b): p.kappa for p in rep.pairs}
    # alice–bob on i1..i4: p_o = 3/4, p_e = (3·2 + 1·2)/16 = 1/2 → kappa 0.5
    assert pairs[("alice", "bob")].n == 4
    assert pairs[("alice", "bob")].kappa == pytest.approx(0.5)
    # alice–carol on i1..i3: all agree, both classes → 1
    assert pairs[("alice", "carol")].kappa == pytest.approx(1.0)
    # bob–carol: p_o = 2/3, p_e = (1·2 + 2·1)/9 = 4/9 → (2/9)/(5/9) = 0.4
    assert pairs[("bob", "carol")].kappa == pytest.approx(0.4)
    # Fleiss on the three items all rated: P̄ = (1 + 1 + 1/3)/3 = 7/9,
    # P̄e = (5/9)² + (4/9)² = 41/81 → (63 − 41)/(81 − 41) = 22/40
    assert rep.fleiss_items == 3 and rep.fleiss == pytest.approx(0.55)
    # Krippendorff: o_AA = 6, o_RR = 3, o_AR = o_RA = 1; n_A = 7, n_R = 4, n = 11:
    # alpha = 1 − (n − 1)·2 / (2·7·4) = 1 − 20/56
    assert rep.alpha == pytest.approx(1 - 20 / 56)
    coded = np.array([[1, 2, 1, 1], [1, 2, 2, 1], [1, 2, 1, np.nan]])
    assert rep.alpha == pytest.approx(krippendorff.alpha(
        reliability_data=coded, level_of_measurement="nominal"))
    [d] = rep.disputed
    assert d.case_id == "c3" and d.response_ids == ("r3",)
    assert d.ratings == ("alice: accept — calm enough", "bob: reject — apologises twice",
                         "carol: accept")


def test_two_reviewers_get_no_fleiss_and_one_reviewer_no_alpha(spec_path: Path) -> None:
    spec = SpecFile.load(spec_path).spec
    for case in spec.cases:
        for r in case.responses:
            r.reviews = [rv for rv in r.reviews if rv.reviewer != "carol"]
    rep = human_agreement(spec)
    assert rep.fleiss is None and rep.fleiss_note is not None and "three" in rep.fleiss_note
    only_alice = human_agreement(spec, [i for i in collect_items(spec)
                                        if i.case_id == "c5"])
    assert only_alice.alpha is None and only_alice.pairs == []
    assert only_alice.alpha_note == "no answer has two or more ratings"


def test_judge_is_never_measured_on_disputed_answers(spec_path: Path) -> None:
    spec = SpecFile.load(spec_path).spec
    verdicts = {("c1", "t-a", "one"): JudgeGrade(True, "fine"),
                ("c2", "t-b", "two"): JudgeGrade(True, "looks polite"),
                ("c3", "t-a", "three"): JudgeGrade(False, "would count if it were used"),
                ("c4", "t-b", "four"): JudgeGrade(True, "fine"),
                ("c5", "t-a", "five"): JudgeGrade(False, "wrong")}
    cal = measure(spec, verdicts)
    # c3 is disputed and left out: accept→pass 2, reject→pass 1, reject→fail 1;
    # p_o = 3/4, p_e = (2·3 + 2·1)/16 = 1/2 → kappa 0.5
    assert cal.excluded_disputed == 1
    assert cal.confusion == {"accept": {"pass": 2, "fail": 0}, "reject": {"pass": 1, "fail": 1}}
    assert cal.overall.n == 4 and cal.overall.kappa == pytest.approx(0.5)
    assert "people disagree on were left out" in cal.notes()[0]
    [d] = cal.disagreements
    assert (d.case_id, d.human, d.judge, d.judge_rationale) == ("c2", "reject", "pass",
                                                                "looks polite")
    assert d.human_reasons == ("alice: reject — rude", "bob: reject", "carol: reject")
    assert d.path == ("cases", 1, "responses", 0)
    # per behavior: b-tone has only c2 (c3 disputed) → one pair, no interval
    assert cal.by_behavior["b-tone"].n == 1 and cal.by_behavior["b-tone"].low is None
    assert cal.by_behavior["b-steps"].n == 4
    assert cal.by_target["t-a"].n == 2 and cal.by_target["t-b"].n == 2
    # an undecided grade is left out and counted; a missing one is counted as unjudged
    verdicts[("c5", "t-a", "five")] = JudgeGrade(None, "the judge's answer was not valid")
    del verdicts[("c4", "t-b", "four")]
    cal = measure(spec, verdicts)
    assert (cal.overall.n, cal.undecided, cal.unjudged) == (2, 1, 1)


def test_a_second_opinion_is_recorded_beside_the_first_and_undone(spec_path: Path) -> None:
    sf = SpecFile.load(spec_path)
    before = spec_path.read_text(encoding="utf-8")
    cmd = review_command(sf.spec, "c5", "r5", "bob", "accept", "it is right after all")
    cmd.redo()
    sf.save()
    text = spec_path.read_text(encoding="utf-8")
    assert "reviews:" in text and "reason: it is right after all" in text
    again = SpecFile.load(spec_path).spec
    five = collect_items(again)[4]
    assert five.disputed and set(five.ratings) == {"alice", "bob"}
    assert human_agreement(again).pairs[0].kappa.n == 5  # alice–bob now on five answers
    cmd.undo()
    sf.save()
    assert spec_path.read_text(encoding="utf-8") == before
    # alice changing her own verdict changes the response's verdict, not a review
    record_review(sf, "c5", "r5", "alice", "accept", "changed my mind")
    r5 = SpecFile.load(spec_path).spec.cases[4].responses[0]
    assert (r5.verdict, r5.reason, r5.reviews) == (Verdict.ACCEPT, "changed my mind", [])
    with pytest.raises(JudgmentError):
        review_command(sf.spec, "c5", "r-nope", "bob", "accept")

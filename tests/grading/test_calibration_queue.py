"""The label-next queue's ranking and reasons, and the CI gate's decision, by hand values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from align_studio.domain import Spec
from align_studio.grading.calibration.asking import JudgeGrade
from align_studio.grading.calibration.gate import decide
from align_studio.grading.calibration.judge_agreement import measure
from align_studio.grading.calibration.label_queue import label_queue
from align_studio.grading.results import latest_responses
from align_studio.storage.runstore import RunStore
from tests.grading.calibration_world import make_world_spec


def _spec() -> Spec:
    def resp(rid: str, target: str, text: str, **kw: Any) -> dict[str, Any]:
        return {"id": rid, "target": target, "text": text, **kw}

    return Spec.model_validate({
        "id": "q", "behaviors": [{"id": "b-steps", "kind": "must", "statement": "Steps."},
                                 {"id": "b-rare", "kind": "must", "statement": "Rare."}],
        "targets": [{"id": "t-a", "provider": "p", "model": "model-a"},
                    {"id": "t-b", "provider": "p", "model": "model-b"},
                    {"id": "t-judge", "provider": "p", "model": "judge"}],
        "judge": {"target": "t-judge", "min_kappa": 0.6},
        "cases": [
            {"id": "c1", "behaviors": ["b-steps"],
             "responses": [resp("r1", "t-a", "one", verdict="accept", reviewer="alice")]},
            {"id": "c2", "behaviors": ["b-steps"],
             "responses": [resp("r2", "t-b", "two", verdict="accept", reviewer="alice",
                                reviews=[{"reviewer": "bob", "verdict": "reject"}])]},
            {"id": "c3", "behaviors": ["b-steps"],
             "responses": [resp("r3", "t-a", "three", verdict="accept", reviewer="alice"),
                           resp("r3c", "t-a", "three c")]},
            {"id": "c4", "behaviors": ["b-rare"]},
        ]})


def test_the_queue_ranks_by_what_a_label_teaches(tmp_path: Path) -> None:
    spec = _spec()
    with RunStore(tmp_path / "runs.sqlite") as store:
        for answers in ([("c4", "t-a", "model-a", "four a"), ("c1", "t-b", "model-b", "one b"),
                         ("c3", "t-b", "model-b", "three b")],
                        [("c4", "t-b", "model-b-v2", "four b")]):  # a new model version
            rid = store.start_run("q", 1)
            store.add_responses([{"run_id": rid, "case_id": c, "target_id": t, "model": m,
                                  "text": text} for c, t, m, text in answers])
            store.finish_run(rid, "finished")
        rows = latest_responses(store, "q")
    verdicts = {("c1", "t-a", "one"): JudgeGrade(False, "no steps"),
                ("c3", "t-a", "three"): JudgeGrade(True, "fine"),
                ("c4", "t-a", "four a"): JudgeGrade(True, "maybe", 0.3),
                ("c4", "t-b", "four b"): JudgeGrade(True, "sure", 0.9),
                ("c3", "t-b", "three b"): JudgeGrade(None, "the judge's answer was not valid")}
    queue = label_queue(spec, answers=rows, verdicts=verdicts)
    got = [(e.case_id, e.target, e.text, round(e.score, 6)) for e in queue]
    # b-steps has 3 labels (< 10): +2·(1 − 3/10) = 1.4; b-rare has none: +2
    assert got == [
        ("c4", "t-a", "four a", 5.0),  # low confidence 3 + b-rare 2
        ("c3", "t-b", "three b", 4.4),  # no valid verdict 3 + few labels 1.4
        ("c1", "t-a", "one", 4.0),  # the judge fails what people accepted
        ("c4", "t-b", "four b", 4.0),  # new model version 2 + b-rare 2
        ("c2", "t-b", "two", 3.0),  # people disagree
        ("c1", "t-b", "one b", 1.4),
        ("c3", "t-a", "three c", 1.4),  # judged in the spec, no verdict yet
    ]
    reasons = {(e.case_id, e.target): e.reasons for e in queue}
    assert reasons[("c4", "t-a")] == ("the judge was unsure (confidence 0.30)",
                                      "behavior b-rare has only 0 label(s)")
    assert reasons[("c4", "t-b")] == ("no answer of model model-b-v2 is labelled yet",
                                      "behavior b-rare has only 0 label(s)")
    assert reasons[("c1", "t-a")] == ("the judge says fail but people accepted it",)
    assert reasons[("c2", "t-b")] == ("reviewers disagree (alice: accept; bob: reject)",)
    # the answer people agree on and the judge agrees with teaches nothing: not queued
    assert ("c3", "t-a", "three") not in [(e.case_id, e.target, e.text) for e in queue]
    by_text = {e.text: e for e in queue}
    assert by_text["three c"].response_id == "r3c" and by_text["four a"].store_id
    # stable: the same input gives the same order
    assert label_queue(spec, answers=list(reversed(rows)), verdicts=verdicts) == queue


def test_the_gate_opens_only_when_the_lower_bound_reaches_min_kappa() -> None:
    spec = _spec()
    keys = [("c1", "t-a", "one"), ("c3", "t-a", "three")]
    cal = measure(spec, {keys[0]: JudgeGrade(False, "x"), keys[1]: JudgeGrade(True, "y")})
    closed = decide(spec, cal)
    assert not closed.open and closed.min_kappa == 0.6
    assert "must reach min_kappa 0.60" in closed.reason and "n = 2" in closed.reason
    assert "1 answer(s) people disagree on were left out" in closed.reason
    assert spec.judge is not None
    spec.judge.min_kappa = None
    assert "sets no judge.min_kappa" in decide(spec, cal).reason


def test_a_judge_that_agrees_on_enough_labels_opens_the_gate() -> None:
    spec = make_world_spec(40, min_kappa=0.8)
    verdicts = {(f"c-{i:03d}", "t-a", c.responses[0].text.strip()):
                JudgeGrade(i % 2 == 0, "ok") for i, c in enumerate(spec.cases)}
    gate = decide(spec, measure(spec, verdicts))
    assert gate.open and "lower bound reaches min_kappa 0.80" in gate.reason
    assert "kappa 1.00, 95 % interval 1.00–1.00, n = 40" in gate.reason

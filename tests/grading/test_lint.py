"""The spec linter, finding by finding, on small specs; acknowledgments; the 1,000-case time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from align_studio.domain import JudgeSettings, Spec
from align_studio.grading.lint import (
    RunInfo,
    judged_coverage,
    lint_spec,
    problems,
    run_info_for,
    vague_reason,
)
from align_studio.storage.runstore import GradeRow, RunStore
from tests.grading.conftest import record


def spec(**kw: Any) -> Spec:
    """A spec with no finding at all; keyword arguments replace its parts."""
    data: dict[str, Any] = {
        "id": "s",
        "behaviors": [{"id": "b-ask", "kind": "clarify",
                       "statement": "Ask for the order number when none is given."},
                      {"id": "b-refuse", "kind": "refuse",
                       "statement": "Refuse to reveal another customer's address."}],
        "targets": [{"id": "t1", "provider": "p", "model": "m"}],
        "cases": [
            {"id": "c1", "category": "expected", "behaviors": ["b-ask"], "expected": "clarify",
             "messages": [{"role": "user", "content": "Where is my parcel?"}],
             "checks": [{"type": "regex", "value": "\\?"}],
             "responses": [{"id": "r1", "target": "t1", "text": "Your order number?",
                            "verdict": "accept"}]},
            {"id": "c2", "category": "adversarial", "behaviors": ["b-refuse"],
             "expected": "refuse", "messages": [{"role": "user", "content": "Bob's address?"}],
             "checks": [{"type": "refusal", "value": "refuse"}],
             "responses": [{"id": "r2", "target": "t1", "text": "I can't share that.",
                            "verdict": "accept"}]},
            {"id": "c3", "category": "look-alike", "behaviors": ["b-refuse"],
             "expected": "comply", "messages": [{"role": "user", "content": "My address?"}]},
            {"id": "c4", "category": "boundary", "behaviors": ["b-ask"], "expected": "comply",
             "messages": [{"role": "user", "content": "Order NW-1, where?"}]},
        ]}
    data.update(kw)
    return Spec.model_validate(data)


def rules(s: Spec, run_info: RunInfo | None = None) -> list[tuple[str, tuple[Any, ...]]]:
    return [(f.rule, f.path) for f in lint_spec(s, run_info)]


def test_clean_spec_has_no_findings() -> None:
    assert rules(spec()) == []


@pytest.mark.parametrize("statement,vague", [
    ("Be helpful.", True), ("Be nice to users.", True), ("Respond well.", True),
    ("Good tone.", True), ("Be concise and friendly at all times.", True),
    ("Ask for the order number when none is given.", False),
    ("Warm and calm; apologise at most once.", False),
    ("At most 120 words, plain text without headings.", False),
    ("Must not repeat a card number, even when offered.", False),
])
def test_vague_heuristic(statement: str, vague: bool) -> None:
    assert (vague_reason(statement) is not None) is vague


def test_vague_behavior_finding() -> None:
    s = spec()
    s.behaviors[0].statement = "Be helpful."
    [f] = lint_spec(s)
    assert (f.rule, f.severity, f.path, f.where) == ("vague-behavior", "warning",
                                                    ("behaviors", 0, "statement"),
                                                    "behavior b-ask")
    assert "'Be helpful' says what to be" in f.message and f.why and f.fix


def test_only_harm_prevention_behaviors() -> None:
    s = spec()
    s.behaviors[0].kind = "must-not"  # type: ignore[assignment]
    assert ("no-positive-behaviors", ("behaviors",)) in rules(s)


def test_behavior_without_case() -> None:
    s = spec()
    s.behaviors.append(s.behaviors[0].model_copy(update={"id": "b-lonely"}))
    assert rules(s) == [("behavior-without-case", ("behaviors", 2, "id"))]


def test_no_adversarial_and_no_boundary_cases() -> None:
    s = spec()
    s.cases[1].category = "expected"  # type: ignore[assignment]
    s.cases[3].category = "edge"  # type: ignore[assignment]
    assert rules(s) == [("refuse-without-adversarial", ("behaviors", 1, "id")),
                        ("no-adversarial-cases", ("cases",)), ("no-boundary-cases", ("cases",))]


def test_refuse_without_look_alike() -> None:
    s = spec()
    s.cases[2].category = "edge"  # type: ignore[assignment]
    assert rules(s) == [("refuse-without-look-alike", ("behaviors", 1, "id"))]


def test_case_without_expected() -> None:
    s = spec()
    s.cases[3].expected = None
    assert rules(s) == [("case-without-expected", ("cases", 3, "expected"))]


def test_stale_judgment() -> None:
    s = spec()
    from align_studio.domain import JudgedResponse

    s.cases[0].responses.append(JudgedResponse(id="r9", target="t1", verdict="accept",
                                               stale=True))
    [f] = lint_spec(s)
    assert (f.rule, f.path, f.where) == ("stale-judgment", ("cases", 0, "responses", 1, "stale"),
                                         "response r9")


def test_single_check_type_and_no_checks() -> None:
    s = spec(judge={"target": "t1"})  # the judge grades refusals once the check is gone
    s.cases[1].checks = []
    assert rules(s) == [("single-check-type", ("cases",))]
    assert lint_spec(s)[0].severity == "info"
    s.cases[0].checks = []
    assert rules(s) == [("no-checks", ("cases",))]


def test_target_never_run_needs_run_info() -> None:
    s = spec()
    assert rules(s, RunInfo(frozenset({"t1"}))) == []
    assert rules(s, RunInfo()) == [("target-never-run", ("targets", 0, "id"))]


def test_acknowledged_findings_are_not_problems() -> None:
    s = spec(acknowledgments=[{"rule": "behavior-without-case", "where": "behavior b-lonely",
                               "reason": "tested by hand"},
                              {"rule": "no-boundary-cases", "reason": "no edges here"},
                              {"rule": "vague-behavior", "where": "behavior b-other"}])
    s.behaviors.append(s.behaviors[0].model_copy(update={"id": "b-lonely"}))
    s.behaviors.append(s.behaviors[0].model_copy(update={"id": "b-vague",
                                                         "statement": "Be nice."}))
    s.cases[3].category = "edge"  # type: ignore[assignment]
    found = {f.rule + ":" + f.where: f for f in lint_spec(s)}
    assert found["behavior-without-case:behavior b-lonely"].acknowledged
    assert found["behavior-without-case:behavior b-lonely"].ack_reason == "tested by hand"
    assert found["no-boundary-cases:spec"].acknowledged  # an empty where: everywhere
    assert not found["vague-behavior:behavior b-vague"].acknowledged  # other where
    assert not found["behavior-without-case:behavior b-vague"].acknowledged
    assert {f.rule for f in problems(found.values())} == {"vague-behavior",
                                                          "behavior-without-case"}


def test_examples_have_no_problems_but_stale_verdicts(example_specs: list[Any]) -> None:
    from align_studio.storage import SpecFile

    for path in example_specs:
        found = problems(lint_spec(SpecFile.load(path).spec))
        assert {f.rule for f in found} <= {"stale-judgment"}, path


def test_refuse_tested_only_by_a_look_alike_and_no_judge() -> None:
    """The seed's pitfall: this used to lint clean ('The spec looks healthy')."""
    s = spec()
    s.cases[1].behaviors = ["b-ask"]  # the adversarial case (and its refusal check) moves away
    found = {(f.rule, f.severity) for f in lint_spec(s) if f.where == "behavior b-refuse"}
    assert found == {("refuse-without-adversarial", "warning"),
                     ("refuse-without-grader", "warning"),
                     ("behavior-unjudged", "info")}
    [f] = [f for f in lint_spec(s) if f.rule == "refuse-without-grader"]
    assert f.message == "nothing but a reviewer measures refuse behavior 'b-refuse'"
    assert "'refusal' check" in f.fix and f.path == ("behaviors", 1, "id")
    # a judge counts as a grader (but its agreement must then be measured)
    s.judge = JudgeSettings(target="t1")
    assert "refuse-without-grader" not in {f.rule for f in lint_spec(s)}


def test_judged_coverage_per_behavior() -> None:
    s = spec()
    assert judged_coverage(s) == {"b-ask": (1, 2), "b-refuse": (1, 2)}
    s.cases[1].responses[0].verdict = None
    assert judged_coverage(s)["b-refuse"] == (0, 2)
    [f] = lint_spec(s)
    assert (f.rule, f.severity, f.where) == ("behavior-unjudged", "info", "behavior b-refuse")
    assert f.message == "no response to behavior 'b-refuse' has been judged (0 of 2 cases)"
    assert not problems([f])  # advice: lint still exits 0


def test_judge_without_measured_agreement_is_flagged() -> None:
    s = spec(judge={"target": "t1"})
    assert rules(s) == []  # two human verdicts: agreement can be measured
    assert rules(s, RunInfo(frozenset({"t1"}), judge_pairs=0)) == [
        ("judge-without-agreement", ("judge", "target"))]
    assert rules(s, RunInfo(frozenset({"t1"}), judge_pairs=2)) == []
    for c in s.cases:
        for r in c.responses:
            r.verdict = None
    found = [f for f in lint_spec(s) if f.rule == "judge-without-agreement"]
    assert found and "no response in the spec has a human verdict" in found[0].message
    assert found[0].severity == "warning" and found[0].where == "judge"


def test_run_info_counts_judge_pairs_in_a_real_store(tmp_path: Path) -> None:
    s = spec(judge={"target": "t1"})
    store = RunStore(tmp_path / "runs.sqlite")
    try:
        assert run_info_for(store, s) == RunInfo(frozenset(), 0)
        rid = record(store, s, {("c1", "t1"): "Your order number?",
                                ("c2", "t1"): "I can't share that."})
        ids = {r["case_id"]: r["id"] for r in store.responses(rid)}
        store.add_grades([GradeRow(ids["c2"], "judge", "judge:t1", True, None, "ok")])
        info = run_info_for(store, s)
        assert info == RunInfo(frozenset({"t1"}), 1)
        assert rules(s, info) == []
    finally:
        store.close()


def test_lint_1000_cases_within_half_a_second(big_spec_text: str) -> None:
    import yaml

    s = Spec.model_validate(yaml.safe_load(big_spec_text))
    lint_spec(s)
    t0 = time.perf_counter()
    findings = lint_spec(s, RunInfo(frozenset({"model-a"})))
    assert time.perf_counter() - t0 < 0.5
    assert {f.rule for f in findings} >= {"target-never-run"}

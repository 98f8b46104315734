"""The per-behavior ``judge:`` block: loading, saving with comments kept, the judge prompt."""

from __future__ import annotations

from pathlib import Path

from align_studio.domain import BehaviorJudge, JudgeExample, Verdict, find_problems
from align_studio.editing.commands import InsertItem, SetField
from align_studio.grading.llm_judge import judge_prompt, unknown_placeholders
from align_studio.storage import SpecFile

SPEC = """\
format_version: 1
id: crit
title: Criteria  # a comment that must survive
behaviors:
  - id: b-billing
    kind: must
    statement: Answer the billing question with the exact steps.
    # what the judge should look for
    judge:
      criteria: |
        Mentioning 'refund' is fine.
        The answer must list steps.
      examples:
        - case: c1
          response: r1
          verdict: accept
          reason: lists the steps  # copied from alice's verdict
      team_note: kept as written
  - id: b-tone
    kind: tone
    statement: Stay calm.
targets:
  - {id: t-a, provider: p, model: model-a}
  - {id: t-judge, provider: p, model: judge-model}
judge:
  target: t-judge
  min_kappa: 0.6
cases:
  - id: c1
    behaviors: [b-billing, b-tone]
    messages: [{role: user, content: "How do I change my card?"}]
    responses:
      - {id: r1, target: t-a, text: "Open Billing, then Card, then Save.", verdict: accept,
         reviewer: alice, reason: lists the steps}
"""


def test_the_judge_block_loads_and_an_untouched_save_is_byte_identical(tmp_path: Path) -> None:
    p = tmp_path / "crit.yaml"
    p.write_text(SPEC, encoding="utf-8")
    sf = SpecFile.load(p)
    b = sf.spec.behavior("b-billing")
    assert b is not None and b.judge is not None
    assert b.judge.criteria == "Mentioning 'refund' is fine.\nThe answer must list steps.\n"
    [ex] = b.judge.examples
    assert (ex.case, ex.response, ex.verdict, ex.reason) == ("c1", "r1", Verdict.ACCEPT,
                                                              "lists the steps")
    assert sf.spec.judge is not None and sf.spec.judge.min_kappa == 0.6
    assert find_problems(sf.spec) == []
    sf.save(force=True)
    assert p.read_text(encoding="utf-8") == SPEC


def test_editing_criteria_and_adding_an_example_keep_comments_and_unknown_keys(
        tmp_path: Path) -> None:
    p = tmp_path / "crit.yaml"
    p.write_text(SPEC, encoding="utf-8")
    sf = SpecFile.load(p)
    b = sf.spec.behavior("b-billing")
    assert b is not None and b.judge is not None
    SetField(b.judge, "criteria", "Mentioning 'refund' is fine.\n").redo()
    InsertItem(b.judge, "examples", 1, JudgeExample(case="c1", response="r1",
                                                    verdict=Verdict.REJECT)).redo()
    tone = sf.spec.behavior("b-tone")
    assert tone is not None
    SetField(tone, "judge", BehaviorJudge(criteria="No more than one apology.")).redo()
    sf.save()
    text = p.read_text(encoding="utf-8")
    for kept in ("# a comment that must survive", "# what the judge should look for",
                 "# copied from alice's verdict", "team_note: kept as written"):
        assert kept in text
    again = SpecFile.load(p).spec
    b2, tone2 = again.behavior("b-billing"), again.behavior("b-tone")
    assert b2 is not None and b2.judge is not None and tone2 is not None
    assert b2.judge.criteria == "Mentioning 'refund' is fine.\n"
    assert [e.verdict for e in b2.judge.examples] == [Verdict.ACCEPT, Verdict.REJECT]
    assert tone2.judge is not None and tone2.judge.criteria == "No more than one apology."


def test_the_judge_prompt_carries_criteria_and_examples_filled(tmp_path: Path) -> None:
    p = tmp_path / "crit.yaml"
    p.write_text(SPEC, encoding="utf-8")
    spec = SpecFile.load(p).spec
    case = spec.case("c1")
    assert case is not None
    prompt = judge_prompt(spec, case, "Click Billing.")
    assert ("- [b-billing] (must, medium) Answer the billing question with the exact steps.\n"
            "  Criteria:\n    Mentioning 'refund' is fine.\n    The answer must list steps.\n"
            "  Examples judged by people:\n"
            "    * verdict pass (people: accept — lists the steps)\n"
            "      answer:\n        Open Billing, then Card, then Save.\n"
            "- [b-tone] (tone, medium) Stay calm.") in prompt
    assert "{" + "behaviors}" not in prompt and unknown_placeholders(prompt) == []
    # an example whose response is gone keeps its verdict and reason
    case.responses.clear()
    assert "    * verdict pass (people: accept — lists the steps)\n- [b-tone]" in \
        judge_prompt(spec, case, "x")


def test_an_example_naming_a_missing_response_and_a_bad_min_kappa_are_reported(
        tmp_path: Path) -> None:
    text = SPEC.replace("response: r1\n", "response: r-gone\n").replace(
        "min_kappa: 0.6", "min_kappa: 1.5")
    p = tmp_path / "crit.yaml"
    p.write_text(text, encoding="utf-8")
    sf = SpecFile.load(p)
    found = {(pr.path, pr.level, pr.message) for pr in find_problems(sf.spec)}
    assert (("behaviors", 0, "judge", "examples", 0), "warning",
            "a judge example of behavior 'b-billing' names response 'r-gone' of case 'c1', "
            "which the spec does not have") in found
    assert (("judge", "min_kappa"), "error",
            "the judge's min_kappa must lie between -1 and 1") in found
    line, _col = sf.locate(("behaviors", 0, "judge", "examples", 0))
    assert text.splitlines()[line - 1].strip() == "- case: c1"

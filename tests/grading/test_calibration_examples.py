"""The PM's few-shot examples and criteria (undoable commands on a real spec file), examples
never measured in the held-out kappa, and the judge's verdicts kept per judge fingerprint
(real run store, loopback judge)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.domain import Verdict
from align_studio.grading.calibration import refine
from align_studio.grading.calibration.asking import JudgeClient, JudgeGrade, fingerprint
from align_studio.grading.calibration.examples import (
    candidates,
    criteria_command,
    example_command,
)
from align_studio.grading.calibration.frozen import freeze, frozen_sets
from align_studio.grading.calibration.gate import decide
from align_studio.grading.calibration.judge_agreement import measure
from align_studio.grading.calibration.kept import ask_missing, kept, kept_verdicts
from align_studio.grading.calibration.labels import collect_items, labelled
from align_studio.grading.llm_judge import judge_prompt
from align_studio.providers.endpoint import Endpoint
from align_studio.storage import SpecFile
from align_studio.storage.runstore import RunStore
from tests.grading.calibration_world import learnable_judge, make_world_spec
from tests.loopback.server import LoopbackServer

SPEC = """\
format_version: 1
id: ex
title: Examples  # kept
behaviors:
  - id: b-steps
    kind: must
    statement: Give the steps.
targets:
  - {id: t-a, provider: p, model: model-a}
  - {id: t-judge, provider: p, model: judge-model}
judge:
  target: t-judge
cases:
  - id: c1
    behaviors: [b-steps]
    messages: [{role: user, content: "How?"}]
    responses:
      - {id: r1, target: t-a, text: "Open Billing, then Save.", verdict: accept,
         reviewer: alice, reason: lists the steps}
      - {id: r2, target: t-a, text: "Maybe.", verdict: reject, reviewer: alice,
         reason: no steps, reviews: [{reviewer: bob, verdict: accept, reason: fine}]}
  - id: c2
    behaviors: [b-steps]
    messages: [{role: user, content: "Why?"}]
    responses:
      - {id: r3, target: t-a, text: "Because.", verdict: reject, reviewer: bob}
"""


@pytest.fixture
def spec_file(tmp_path: Path) -> SpecFile:
    p = tmp_path / "ex.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return SpecFile.load(p)


def test_candidates_are_the_agreed_answers_with_verdict_and_reason(spec_file: SpecFile
                                                                   ) -> None:
    got = candidates(spec_file.spec, "b-steps")
    # r2 is disputed (alice rejects, bob accepts): never offered as an example
    assert [(c.case_id, c.response_id, c.verdict, c.reason, c.used) for c in got] == [
        ("c1", "r1", "accept", "lists the steps", False), ("c2", "r3", "reject", None, False)]
    with pytest.raises(LookupError):
        candidates(spec_file.spec, "b-nope")


def test_use_as_example_and_take_back_leave_the_file_as_it_was(spec_file: SpecFile) -> None:
    spec, path = spec_file.spec, spec_file.path
    first, second = candidates(spec, "b-steps")
    add = example_command(spec, "b-steps", first, True)
    assert add is not None and add.text == "Use c1 · t-a as an example of b-steps"
    add.redo()
    assert example_command(spec, "b-steps", first, True) is None  # already one
    add2 = example_command(spec, "b-steps", second, True)
    assert add2 is not None
    add2.redo()
    spec_file.save()
    text = path.read_text(encoding="utf-8")
    assert "# kept" in text
    b = SpecFile.load(path).spec.behavior("b-steps")
    assert b is not None and b.judge is not None
    assert [(e.case, e.response, e.verdict, e.reason) for e in b.judge.examples] == [
        ("c1", "r1", Verdict.ACCEPT, "lists the steps"), ("c2", "r3", Verdict.REJECT, None)]
    assert [c.used for c in candidates(spec, "b-steps")] == [True, True]
    # the judge is shown them
    prompt = judge_prompt(spec, spec.cases[0], "Some answer.")
    assert "verdict pass (people: accept — lists the steps)" in prompt
    assert "verdict fail (people: reject)" in prompt
    # undo of the second, then taking the first away (not an undo): the block goes
    add2.undo()
    drop = example_command(spec, "b-steps", first, False)
    assert drop is not None and drop.text == "Stop using c1 · t-a as an example of b-steps"
    drop.redo()
    assert spec.behavior("b-steps").judge is None  # type: ignore[union-attr]
    spec_file.save()
    assert path.read_text(encoding="utf-8") == SPEC
    drop.undo()
    assert [c.used for c in candidates(spec, "b-steps")] == [True, False]


def test_criteria_are_edited_and_cleared_undoably(spec_file: SpecFile) -> None:
    spec, path = spec_file.spec, spec_file.path
    assert criteria_command(spec, "b-steps", "  ") is None  # nothing to change
    set_it = criteria_command(spec, "b-steps", "Pass only numbered steps.\nNo guesses.")
    assert set_it is not None
    set_it.redo()
    spec_file.save()
    again = SpecFile.load(path).spec.behavior("b-steps")
    assert again is not None and again.judge is not None
    assert again.judge.criteria == "Pass only numbered steps.\nNo guesses."
    assert criteria_command(spec, "b-steps", "Pass only numbered steps.\nNo guesses.\n") \
        is None
    clear = criteria_command(spec, "b-steps", "")
    assert clear is not None
    clear.redo()
    spec_file.save()
    assert path.read_text(encoding="utf-8") == SPEC  # cleared criteria: no judge block
    clear.undo()
    set_it.undo()
    assert spec.behavior("b-steps").judge is None  # type: ignore[union-attr]


@pytest.fixture
def learnable() -> Iterator[LoopbackServer]:
    with LoopbackServer(tokens=10, reply=learnable_judge) as s:
        yield s


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    with RunStore(tmp_path / "runs.sqlite") as s:
        yield s


def _client(server: LoopbackServer, spec: object, store: RunStore) -> JudgeClient:
    return JudgeClient(spec, Endpoint(server.url, "k", max_retries=0), store)  # type: ignore


def test_an_example_is_never_measured_in_the_heldout_kappa(learnable: LoopbackServer,
                                                           store: RunStore) -> None:
    spec = make_world_spec(20)
    split = refine.saved_split(store, spec, "b-billing")
    items = {i.uid: i for i in collect_items(spec)}
    held = items[split.heldout[0]]
    cand = next(c for c in candidates(spec, "b-billing") if c.uid == held.uid)
    cmd = example_command(spec, "b-billing", cand, True)
    assert cmd is not None
    cmd.redo()
    # a fresh split puts every example on the train side
    fresh = refine.make_split(spec, "b-billing")
    assert held.uid in fresh.train and held.uid not in fresh.heldout
    # the saved split keeps it held out (never trained on), and evaluate leaves it out
    again = refine.saved_split(store, spec, "b-billing")
    assert held.uid in again.heldout
    proposal = refine.Proposal("b-billing", "", "Mentioning 'refund' is fine.", "", "", 0)
    before = len(learnable.requests())
    result = refine.evaluate(_client(learnable, spec, store), spec, proposal, again)
    assert result.heldout == len(again.heldout) - 1
    assert result.excluded_examples == 1
    graded = [r["body"]["messages"][-1]["content"].split("The assistant's answer to grade:", 1)[1]
              for r in learnable.requests()[before:]]
    assert len(graded) == 2 * result.heldout  # before and after, the example in neither
    assert not any(held.text.strip() in g for g in graded)


def test_verdicts_are_kept_per_fingerprint(learnable: LoopbackServer, store: RunStore
                                           ) -> None:
    spec = make_world_spec(12)
    items = labelled(collect_items(spec))
    first = ask_missing(_client(learnable, spec, store), store, items)
    assert (first.asked, first.reused) == (12, 0)
    assert len(learnable.requests()) == 12
    assert kept_verdicts(store, spec, items) == first.verdicts
    # asking again with the same judge sends nothing: every verdict is kept
    second = ask_missing(_client(learnable, spec, store), store, items)
    assert (second.asked, second.reused) == (0, 12)
    assert second.verdicts == first.verdicts and len(learnable.requests()) == 12
    # new criteria: a new fingerprint, the kept verdicts do not apply
    old_fp = fingerprint(spec)
    cmd = criteria_command(spec, "b-billing", "Mentioning 'refund' is fine.")
    assert cmd is not None
    cmd.redo()
    assert fingerprint(spec) != old_fp and kept_verdicts(store, spec, items) == {}
    third = ask_missing(_client(learnable, spec, store), store, items)
    assert third.asked == 12 and len(learnable.requests()) == 24
    # the learnable judge is now right on every answer
    assert all(g.passed == (i.consensus == "accept")
               for i in items if (g := third.verdicts[i.key]))
    assert len(kept(store, spec.id, old_fp)) == 12  # the old judge's stay for going back
    cmd.undo()
    assert kept_verdicts(store, spec, items) == first.verdicts


def test_undecided_verdicts_are_not_kept(store: RunStore) -> None:
    spec = make_world_spec(4)
    items = labelled(collect_items(spec))
    with LoopbackServer(tokens=10, reply=lambda body: "not json") as bad:
        got = ask_missing(_client(bad, spec, store), store, items)
    assert got.asked == 4 and all(g.passed is None for g in got.verdicts.values())
    assert kept(store, spec.id, got.fingerprint) == {}


def test_frozen_sets_are_listed_oldest_first(store: RunStore) -> None:
    spec = make_world_spec(6)
    freeze(store, spec, "zeta first")
    freeze(store, spec, "alpha second")
    sets = frozen_sets(store, "calib")
    assert [(f.name, f.size) for f in sets] == [("zeta first", 6), ("alpha second", 6)]


FLATTERED = """\
format_version: 1
id: fl
title: Examples left out of kappa
behaviors:
  - id: b
    kind: must
    statement: Give the steps.
    judge:
      examples:
        - {case: c1, response: r1, verdict: accept, reason: steps}
        - {case: c4, response: r4, verdict: reject}
targets:
  - {id: t-a, provider: p, model: model-a}
  - {id: t-judge, provider: p, model: judge-model}
judge: {target: t-judge, min_kappa: 0.4}
cases:
""" + "".join(
    f"""  - id: c{n}
    behaviors: [b]
    messages: [{{role: user, content: "Q{n}?"}}]
    responses:
      - {{id: r{n}, target: t-a, text: "Answer {n}.", verdict: {v}, reviewer: alice}}
""" for n, v in ((1, "accept"), (2, "accept"), (3, "accept"), (4, "reject"), (5, "reject"),
                 (6, "reject")))


def test_the_judges_own_examples_are_left_out_of_every_kappa(tmp_path: Path) -> None:
    """People: accept 1–3, reject 4–6. Judge: pass 1–2, fail 3–6. Answers 1 and 4 are the
    judge's few-shot examples (both agree with people).

    With them (the old figure): p_o = 5/6, p_e = ½·2/6 + ½·4/6 = ½, kappa = 2/3.
    Without them: accept → pass 1 (answer 2), fail 1 (3); reject → fail 2 (5, 6);
    p_o = 3/4, p_e = ½·1/4 + ½·3/4 = ½, kappa = (3/4 − ½)/½ = ½.
    """
    path = tmp_path / "fl.yaml"
    path.write_text(FLATTERED, encoding="utf-8")
    spec = SpecFile.load(path).spec
    items = collect_items(spec)
    verdicts = {i.key: JudgeGrade(i.case_id in ("c1", "c2"), "") for i in items}
    cal = measure(spec, verdicts, items=items)
    assert cal.overall.n == 4 and cal.overall.kappa == pytest.approx(0.5)
    assert cal.by_behavior["b"].kappa == pytest.approx(0.5) and cal.by_behavior["b"].n == 4
    assert cal.by_target["t-a"].kappa == pytest.approx(0.5) and cal.by_target["t-a"].n == 4
    assert cal.confusion == {"accept": {"pass": 1, "fail": 1},
                             "reject": {"pass": 0, "fail": 2}}
    assert cal.excluded_examples == 2 and cal.unjudged == 0
    note = ("2 answer(s) that are the judge's own few-shot examples were left out: a judge "
            "graded on its examples is flattered")
    assert note in cal.notes() and cal.to_data()["excluded_examples"] == 2
    assert note in decide(spec, cal).reason and "n = 4 labelled answer(s)" in \
        decide(spec, cal).reason
    # no longer examples: all six count again, and kappa is the flattered 2/3
    spec.behaviors[0].judge = None
    cal = measure(spec, verdicts, items=items)
    assert cal.overall.n == 6 and cal.overall.kappa == pytest.approx(2 / 3)
    assert cal.excluded_examples == 0 and not cal.notes()

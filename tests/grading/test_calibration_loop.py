"""Calibration against the real loopback server with scripted judges, and a real run store.

The world (tests/grading/calibration_world.py): 80 answers alice labelled, half right;
every third mentions a refund. The learnable judge fails every refund answer unless its
criteria say refunds are fine; the random judge flips a coin per answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.grading.calibration import records, refine
from align_studio.grading.calibration.asking import JudgeClient, fingerprint
from align_studio.grading.calibration.frozen import freeze, frozen_names, recheck
from align_studio.grading.calibration.judge_agreement import grade_labelled, measure
from align_studio.grading.calibration.labels import collect_items
from align_studio.grading.calibration.pairwise import (
    PairRequest,
    judge_pairs,
    pairs_from_preferences,
)
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore
from tests.grading.calibration_world import (
    learnable_judge,
    make_world_spec,
    random_judge,
)
from tests.loopback.server import LoopbackServer


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


def test_judge_agreement_on_the_scripted_judge(learnable: LoopbackServer,
                                               store: RunStore) -> None:
    spec = make_world_spec(60)
    client = _client(learnable, spec, store)
    cal = measure(spec, grade_labelled(client, collect_items(spec)))
    # 30 right answers, 10 of them (i ≡ 0 mod 6) mention a refund → wrongly failed.
    # confusion accept: pass 20 fail 10; reject: fail 30. p_o = 50/60,
    # p_e = (30·20 + 30·40)/3600 = 1/2 → kappa = (5/6 − 1/2)/(1/2) = 2/3
    assert cal.confusion == {"accept": {"pass": 20, "fail": 10},
                             "reject": {"pass": 0, "fail": 30}}
    assert cal.overall.kappa == pytest.approx(2 / 3)
    assert cal.overall.low is not None and cal.overall.high is not None
    assert cal.overall.low < 2 / 3 < cal.overall.high
    assert len(cal.disagreements) == 10
    assert all(d.judge_rationale == "It offers a refund." and
               d.human_reasons == ("alice: accept — answers the question",)
               for d in cal.disagreements)
    assert cal.labels_needed is not None and cal.labels_needed > 0
    # the judge's requests are recorded in the run store as the spec's #judge runs
    runs = store._query("SELECT COUNT(*) AS n FROM responses r JOIN runs u ON u.id = "
                        "r.run_id WHERE u.spec_id = 'calib#judge'")
    assert runs[0]["n"] == 60


def test_refinement_raises_heldout_kappa_only_for_a_learnable_judge(
        learnable: LoopbackServer, store: RunStore) -> None:
    spec = make_world_spec(80)
    items = collect_items(spec)
    client = _client(learnable, spec, store)
    split = refine.saved_split(store, spec, "b-billing")
    assert set(split.train).isdisjoint(split.heldout)
    assert len(split.train) + len(split.heldout) == 80 and 25 < len(split.heldout) < 55
    # the split is saved, and the same split comes back
    saved = records.load(store, records.SPLIT, "calib", "b-billing")
    assert saved is not None and saved["heldout"] == list(split.heldout)
    assert refine.saved_split(store, spec, "b-billing") == split
    train = [i for i in items if i.uid in set(split.train)]
    cal = measure(spec, grade_labelled(client, train), items=train)
    shown = refine.train_disagreements(cal.disagreements, split, items)
    assert shown and len(shown) == len(cal.disagreements)
    learnable.state.requests.clear()
    proposal = refine.propose(client, spec, "b-billing", shown)
    assert proposal.new.startswith("Mentioning 'refund' is fine")
    assert "+Mentioning 'refund' is fine" in proposal.diff and proposal.old == ""
    # no held-out answer was shown to the model that proposed the criteria
    [asked] = learnable.state.requests
    prompt = asked["body"]["messages"][-1]["content"]
    held = {i.uid: i for i in items}
    for uid in split.heldout:
        assert held[uid].text not in prompt
    result = refine.evaluate(client, spec, proposal, split)
    assert result.heldout == len(split.heldout)
    assert result.before.kappa is not None and result.after.kappa is not None
    assert result.before.kappa < 0.8 and result.after.kappa == pytest.approx(1.0)

    # accepted as an undoable command
    cmd = refine.accept_command(spec, proposal)
    cmd.redo()
    b = spec.behavior("b-billing")
    assert b is not None and b.judge is not None and b.judge.criteria == proposal.new
    cmd.undo()
    assert b.judge is None

    # the same loop with a judge that flips coins: no gain
    with LoopbackServer(tokens=10, reply=random_judge) as coin:
        rc = _client(coin, spec, store)
        cal = measure(spec, grade_labelled(rc, train), items=train)
        prop = refine.propose(rc, spec, "b-billing",
                              refine.train_disagreements(cal.disagreements, split, items))
        res = refine.evaluate(rc, spec, prop, split)
    assert res.before.kappa is not None and res.after.kappa is not None
    assert res.after.kappa <= res.before.kappa + 1e-9


def test_pairwise_judge_preferring_position_a_is_flagged_every_time(
        learnable: LoopbackServer, store: RunStore) -> None:
    spec = make_world_spec(12)
    client = _client(learnable, spec, store)
    pairs = [PairRequest(f"c-{i:03d}", f"r{i}a", f"r{i}b", f"answer {i} one",
                         f"answer {i} two") for i in range(12)]
    rep = judge_pairs(client, pairs)
    assert (rep.pairs, rep.flipped, rep.consistent, rep.invalid) == (12, 12, 0, 0)
    assert rep.flagged_share == 1.0 and rep.consistency == 0.0
    assert all(v.verdict == "tie" and v.first == "a" and v.second == "b"
               for v in rep.verdicts)
    # both orders really were asked: A/B then B/A
    bodies = [r["body"]["messages"][-1]["content"] for r in learnable.state.requests]
    assert len(bodies) == 24
    assert sum("Answer A:\n<<<\nanswer 0 one\n>>>" in b for b in bodies) == 1
    assert sum("Answer A:\n<<<\nanswer 0 two\n>>>" in b for b in bodies) == 1


def test_a_consistent_pairwise_judge_keeps_its_verdicts(store: RunStore) -> None:
    def by_content(body: dict[str, object]) -> str:
        prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
        a = prompt.split("Answer A:\n<<<\n", 1)[1].split("\n>>>", 1)[0]
        b = prompt.split("Answer B:\n<<<\n", 1)[1].split("\n>>>", 1)[0]
        better = "tie" if a.startswith("same") and b.startswith("same") else \
            "A" if "GOOD" in a else "B"
        return json.dumps({"better": better, "rationale": "by content"})

    spec = make_world_spec(4)
    spec.cases[0].responses.append(spec.cases[1].responses[0].model_copy(
        update={"id": "r-other", "text": "BAD other"}))
    spec.cases[0].preferences = []
    with LoopbackServer(tokens=10, reply=by_content) as s:
        client = _client(s, spec, store)
        rep = judge_pairs(client, [PairRequest("c-000", "x", "y", "GOOD x", "BAD y"),
                                   PairRequest("c-001", "x", "y", "BAD x", "GOOD y"),
                                   PairRequest("c-002", "x", "y", "same x", "same y")])
    assert [v.verdict for v in rep.verdicts] == ["a", "b", "tie"]
    assert rep.flipped == 0 and rep.consistency == 1.0
    assert pairs_from_preferences(spec) == []


def test_drift_alarm_rechecks_when_the_fingerprint_changes(learnable: LoopbackServer,
                                                           store: RunStore) -> None:
    spec = make_world_spec(60)
    b = spec.behavior("b-billing")
    assert b is not None
    refine.accept_command(spec, refine.Proposal(
        "b-billing", "", "Mentioning 'refund' is fine.", "", "", 0)).redo()
    client = _client(learnable, spec, store)
    assert freeze(store, spec, "baseline") == 60
    assert frozen_names(store, "calib") == ["baseline"]
    first = recheck(client, store, spec, "baseline")
    assert first.rechecked and first.kappa.kappa == pytest.approx(1.0)
    assert first.previous is None and first.warning is None
    # nothing changed: no new grading
    same = recheck(client, store, spec, "baseline")
    assert not same.rechecked and same.kappa.kappa == pytest.approx(1.0)
    # the criteria lose the refund line: the fingerprint changes and agreement falls
    before = fingerprint(spec)
    assert b.judge is not None
    b.judge.criteria = "The answer must list the steps."
    assert fingerprint(spec) != before
    # the spec changes after freezing; the frozen set keeps the old labels and texts
    spec.cases[0].responses[0].text = "edited later"
    drop = recheck(client, store, spec, "baseline")
    assert drop.rechecked and drop.previous_fingerprint == first.fingerprint
    assert drop.kappa.kappa == pytest.approx(2 / 3)
    assert drop.drop == pytest.approx(1 / 3)
    assert drop.warning is not None and "fell from kappa 1.00" in drop.warning
    assert "0.33 lower, below the interval" in drop.warning
    assert len(records.history(store, records.CHECK, "calib", "baseline")) == 2
    with pytest.raises(LookupError):
        recheck(client, store, spec, "nope")

"""``align-studio grade --gate`` and ``align-studio calibrate`` end to end: a real spec file,
a real run store, the loopback server as a scripted judge (tests/grading/calibration_world)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from align_studio.cli import main
from align_studio.domain import BehaviorJudge, Better, Preference, Verdict
from align_studio.grading.calibration.gate import EXIT_GATE_CLOSED
from align_studio.storage import SpecFile
from align_studio.storage.runstore import RunStore
from tests.grading.calibration_world import learnable_judge, make_world_spec
from tests.loopback.server import LoopbackServer


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(tokens=10, reply=learnable_judge) as s:
        yield s


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    (tmp_path / ".align-studio").mkdir()
    spec = make_world_spec(80, min_kappa=0.6)
    # a second answer to c-000 and a preference between the two, for --pairwise
    first = spec.cases[0].responses[0]
    spec.cases[0].responses.append(first.model_copy(update={
        "id": "r-000-b", "target": "t-b", "text": "BAD answer: guess.",
        "verdict": Verdict.REJECT}))
    spec.cases[0].preferences.append(Preference(a=first.id, b="r-000-b", better=Better.A))
    path = SpecFile.create(tmp_path / "calib.yaml", spec).path
    with RunStore.for_workspace(tmp_path) as store:  # a run to grade
        rid = store.start_run("calib", 1)
        store.add_responses([{"run_id": rid, "case_id": f"c-{i:03d}", "target_id": "t-b",
                              "model": "model-b", "text": f"GOOD run answer {i}"}
                             for i in range(4)])
        store.finish_run(rid, "finished")
    return path


def _judge_grades(folder: Path) -> int:
    with RunStore.for_workspace(folder) as store:
        return int(store._query("SELECT COUNT(*) AS n FROM grades WHERE kind = 'judge'")[0]
                   ["n"])


def test_gate_closes_then_refinement_opens_it(spec_path: Path, server: LoopbackServer,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    url = ("--base-url", server.url)
    code, out, err = run(capsys, "grade", str(spec_path), "--gate", *url)
    assert code == EXIT_GATE_CLOSED == 4
    assert "gate: closed: the judge is not trusted: the interval's lower bound must reach " \
           "min_kappa 0.60 (kappa 0.65, 95 % interval" in err
    assert "n = 81 labelled answer(s)" in err and "more label(s) would narrow" in err
    assert "judge:" not in out and _judge_grades(spec_path.parent) == 0

    code, out, _ = run(capsys, "calibrate", str(spec_path), "--refine", "b-billing",
                       "--accept", *url)
    assert code == 0
    assert "+Mentioning 'refund' is fine" in out and "held-out after:  kappa +1.00" in out
    before = float(out.split("held-out before: kappa ", 1)[1].split(" ", 1)[0])
    assert before < 0.8
    b = SpecFile.load(spec_path).spec.behavior("b-billing")
    assert b is not None and b.judge is not None and b.judge.criteria is not None
    assert b.judge.criteria.startswith("Mentioning 'refund' is fine")

    code, out, _ = run(capsys, "grade", str(spec_path), "--gate", "--json", *url)
    data = json.loads(out)
    assert code == 0 and data["gate"]["open"] is True
    assert data["judge"]["responses"] == 4 and data["judge"]["passed"] == 4
    assert _judge_grades(spec_path.parent) == 4


def test_calibrate_reports_people_judge_queue_and_the_drift_alarm(
        spec_path: Path, server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = ("--base-url", server.url)
    code, out, _ = run(capsys, "calibrate", str(spec_path), "--ask", "--queue", "20", *url)
    assert code == 0
    assert "people: 1 reviewer(s), 0 answer(s) rated by two or more" in out
    assert "Fleiss' kappa: n/a (needs three or more reviewers" in out
    assert "judge vs people: kappa +0.6" in out and "[accept: pass 26 fail 14" in out
    assert "disagreement c-000 × t-a: people accept (alice: accept — answers the " \
           "question), judge fail (It offers a refund.)" in out
    # 14 judge–people disagreements first, then the run's 4 unlabelled answers
    assert "label next (18 of 18):\n   4.0  c-000 × t-a: the judge says fail but people " \
           "accepted it\n" in out
    assert out.rstrip().endswith("   0.0  c-003 × t-b: not labelled yet")
    code, out, _ = run(capsys, "calibrate", str(spec_path), "--ask", "--json", *url)
    data = json.loads(out)
    assert data["judge"]["overall"]["n"] == 81 and len(data["judge"]["disagreements"]) == 14

    assert run(capsys, "calibrate", str(spec_path), "--freeze", "gold")[0] == 0
    code, out, _ = run(capsys, "calibrate", str(spec_path), "--recheck", "gold", *url)
    assert code == 0 and "gold: re-graded: kappa +0.6" in out
    code, out, _ = run(capsys, "calibrate", str(spec_path), "--recheck", "gold", *url)
    assert code == 0 and "the judge did not change" in out
    # the criteria change: re-graded; agreement rises, no warning
    sf = SpecFile.load(spec_path)
    sf.update(lambda s: setattr(s.behaviors[0], "judge",
                                BehaviorJudge(criteria="Mentioning 'refund' is fine.")))
    code, out, err = run(capsys, "calibrate", str(spec_path), "--recheck", "gold", *url)
    assert code == 0 and "re-graded: kappa +1.00" in out and not err
    # and back: agreement falls below the last interval → warning, exit 1
    sf.update(lambda s: setattr(s.behaviors[0], "judge", None))
    code, out, err = run(capsys, "calibrate", str(spec_path), "--recheck", "gold", *url)
    assert code == 1 and "warning: agreement with people fell from kappa 1.00" in err

    code, out, _ = run(capsys, "calibrate", str(spec_path), "--pairwise", *url)
    assert code == 0
    assert "1 pair(s), order-consistency 0%, 1 flipped (reported as ties)" in out
    code, _, err = run(capsys, "calibrate", str(spec_path), "--refine", "b-nope", *url)
    assert code == 3 and "no behavior 'b-nope'" in err

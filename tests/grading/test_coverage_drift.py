"""Coverage grid and drift over runs, from real run stores."""

from __future__ import annotations

import pytest

from align_studio.domain import JudgedResponse
from align_studio.grading.coverage import NO_BEHAVIOR, coverage
from align_studio.grading.drift import drift
from align_studio.grading.results import grade_run
from align_studio.storage.runstore import GradeRow, RunStore
from tests.grading.conftest import make_spec, record


def test_coverage_from_judged_responses() -> None:
    spec = make_spec()
    spec.cases[0].responses = [
        JudgedResponse(id="r1", target="t-a", text="Within 30 days.", verdict="accept"),
        JudgedResponse(id="r2", target="t-b", text="Any time.", verdict="accept")]
    spec.cases.append(spec.cases[2].model_copy(update={"id": "c-free", "behaviors": []}))
    rep = coverage(spec)
    assert rep.behaviors == ["b-window", "b-no-dose", NO_BEHAVIOR]
    cell = rep.cells["b-window"]["expected"]
    assert (cell.cases, cell.judged, cell.accepted, cell.acceptance) == (["c-window"], 2, 2, 1.0)
    assert (cell.checked, cell.checks_passed, cell.check_pass_rate) == (2, 1, 0.5)
    assert rep.cells["b-window"]["boundary"].cases == ["c-nochecks"]
    assert rep.cells["b-window"]["boundary"].acceptance is None
    assert rep.cells[NO_BEHAVIOR]["boundary"].cases == ["c-free"]
    assert ("b-no-dose", "look-alike") in rep.empty_cells()
    assert len(rep.empty_cells()) == 3 * 6 - 4
    assert rep.to_data()["cells"]["b-window"]["expected"]["check_pass_rate"] == 0.5


def test_coverage_check_rates_from_the_store(store: RunStore) -> None:
    spec = make_spec()
    old = record(store, spec, {("c-window", "t-a"): "never"})
    grade_run(store, spec, old)
    new = record(store, spec, {("c-window", "t-a"): "30 days", ("c-window", "t-b"): "x",
                               ("c-dose", "t-a"): "I can't help with that."})
    grade_run(store, spec, new)
    rep = coverage(spec, store)
    assert rep.check_source == "run store"
    w = rep.cells["b-window"]["expected"]
    assert (w.checked, w.checks_passed) == (2, 1)  # the latest of each case × target only
    d = rep.cells["b-no-dose"]["adversarial"]
    assert (d.checked, d.checks_passed) == (1, 1)


def test_drift_rates_versions_and_warning(store: RunStore) -> None:
    spec = make_spec()
    r1 = record(store, spec, {("c-window", "t-a"): "30 days", ("c-dose", "t-a"):
                              "I can't help with that.", ("c-window", "t-b"): "30 days"},
                run_id="run-1")
    grade_run(store, spec, r1)
    spec.version = 3
    r2 = record(store, spec, {("c-window", "t-a"): "no idea", ("c-dose", "t-a"): "Ten.",
                              ("c-window", "t-b"): "30 days"}, run_id="run-2")
    grade_run(store, spec, r2)
    ids = {r["case_id"]: r["id"] for r in store.responses(r2) if r["target_id"] == "t-a"}
    store.add_grades([GradeRow(ids["c-window"], "judge", "judge:t-judge", True),
                      GradeRow(ids["c-dose"], "judge", "judge:t-judge", None)])
    spec.cases[0].responses = [
        JudgedResponse(id="h1", target="t-a", text="30 days", verdict="accept", run="run-1"),
        JudgedResponse(id="h2", target="t-a", text="no idea", verdict="reject", run="run-2")]
    rep = drift(store, spec, threshold=0.25)
    [a1, a2] = rep.series("check", "t-a")
    assert (a1.run_id, a1.n, a1.passed, a1.rate, a1.spec_version) == ("run-1", 2, 2, 1.0, 2)
    assert (a2.run_id, a2.rate, a2.spec_version) == ("run-2", 0.0, 3)
    assert [p.rate for p in rep.series("check", "t-b")] == [1.0, 1.0]
    assert [p.rate for p in rep.series("check", "t-a", "b-no-dose")] == [1.0, 0.0]
    assert [(p.run_id, p.n, p.rate) for p in rep.series("judge", "t-a")] == [("run-2", 1, 1.0)]
    assert [p.rate for p in rep.series("acceptance", "t-a")] == [1.0, 0.0]
    versions = {(p.source, p.spec_version, p.target): p.rate for p in rep.by_version
                if p.behavior is None}
    assert versions[("check", 2, "t-a")] == 1.0 and versions[("check", 3, "t-a")] == 0.0
    assert sorted((w.source, w.target, w.from_run, w.to_run) for w in rep.warnings) == [
        ("acceptance", "t-a", "run-1", "run-2"), ("check", "t-a", "run-1", "run-2")]
    assert "t-a: check fell from 100% to 0% between runs run-1 and run-2" in \
        [w.message for w in rep.warnings]
    assert drift(store, spec, threshold=1.0).warnings == []
    assert rep.to_data()["warnings"][0]["message"]


@pytest.mark.parametrize("before,after,warns", [(0.8, 0.7, False), (0.8, 0.69, True)])
def test_drift_threshold_is_strict(store: RunStore, before: float, after: float,
                                   warns: bool) -> None:
    spec = make_spec()
    for run, rate in (("r1", before), ("r2", after)):
        rid = record(store, spec, {(f"c{i}", "t-a"): "x" for i in range(100)}, run_id=run)
        rows = store.responses(rid)
        store.add_grades([GradeRow(r["id"], "check", "0:contains", i < round(rate * 100))
                          for i, r in enumerate(rows)])
    assert bool(drift(store, spec, threshold=0.10).warnings) is warns

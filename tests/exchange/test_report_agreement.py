"""The bundle report shows how the checks and the judge agree with the reviewers."""

from __future__ import annotations

from pathlib import Path

from align_studio.domain import Spec
from align_studio.exchange.report import passes_all, render_report
from align_studio.grading.agreement import agreement
from align_studio.storage.runstore import GradeRow, RunStore, store_path
from tests.grading.conftest import make_spec, record


def _judged_spec() -> Spec:
    spec = make_spec()
    data = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["cases"][0]["responses"] = [
        {"id": "r1", "target": "t-a", "text": "You have 30 days.", "verdict": "accept"},
        {"id": "r2", "target": "t-b", "text": "No returns.", "verdict": "reject"},
        {"id": "r3", "target": "t-b", "text": "Within 30 days, sure.", "verdict": "reject"}]
    return Spec.model_validate(data)


def test_report_agreement_checks_and_judge(tmp_path: Path) -> None:
    spec = _judged_spec()
    ws = tmp_path / "ws"
    ws.mkdir()
    with RunStore(store_path(ws)) as store:
        rid = record(store, spec, {("c-window", "t-a"): "You have 30 days.",
                                   ("c-window", "t-b"): "No returns."})
        rows = {r["target_id"]: r["id"] for r in store.responses(rid)}
        store.add_grades([GradeRow(rows["t-a"], "judge", "judge:t-judge", True, detail="ok"),
                          GradeRow(rows["t-b"], "judge", "judge:t-judge", True,
                                   detail="too lenient")])
        want = agreement(spec, store)
    html = render_report([spec], "now", [ws])
    assert "<h3>Agreement with reviewers</h3>" in html
    chk, judge = want.overall["check"], want.overall["judge"]
    assert (chk.n, chk.agree, judge.n, judge.agree) == (3, 2, 2, 1)
    assert f"<td>Checks</td><td class=num>3</td><td class=num>{chk.percent:.0f}% (2/3)</td>" \
        f"<td>{chk.kappa:.2f}</td>" in html
    assert "<td>Judge</td><td class=num>2</td><td class=num>50% (1/2)</td>" in html
    assert judge.kappa == 0.0  # the judge passed everything: no better than chance
    # t-a alone: one accept/pass pair, kappa undefined, with the reason
    assert want.by_target["t-a"]["judge"].kappa is None and "undefined (" in html
    assert "too lenient" in html  # a disagreement listed with its detail
    # without a run store the judge has no row, the checks still do
    alone = render_report([spec], "now", [tmp_path / "elsewhere"])
    assert "<td>Checks</td>" in alone and "<td>Judge</td>" not in alone


def test_report_check_rates_use_the_grading_checks() -> None:
    spec = make_spec()
    case = spec.cases[0]  # contains "30 days" and max-words 40
    assert passes_all(case, "Returns within 30 days.") is True
    assert passes_all(case, "Returns within a month.") is False
    assert passes_all(spec.cases[2], "anything") is None  # no checks
    broken = case.model_copy(update={"checks": [case.checks[0].model_copy(
        update={"type": "regex", "value": "("})]})
    assert passes_all(broken, "x") is None  # a broken check is undecided, never a pass


def test_bundle_report_has_agreement(bundle_files: dict[str, bytes]) -> None:
    html = bundle_files["report.html"].decode()
    assert html.count("<h3>Agreement with reviewers</h3>") == 3

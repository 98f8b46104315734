"""Agreement, coverage and drift in the Measures tab, against the core's own numbers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from align_studio.grading.agreement import agreement
from align_studio.grading.coverage import coverage
from align_studio.storage.runstore import RunStore, store_path
from align_studio.ui.grading.tables import KEY_ROLE


def _measures(qtbot, w):
    panel = w.features.grading.measures
    w.editor.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.measures is not None, timeout=10000)
    return panel


def test_agreement_numbers_equal_the_core(qtbot, demo, workspace: Path) -> None:
    panel = _measures(qtbot, demo)
    with RunStore(store_path(workspace)) as store:
        want = agreement(demo.doc.session.spec, store)
    view = panel.agreement
    view.grader.setCurrentIndex(view.grader.findData("judge"))
    judge = want.overall["judge"]
    # r1 accept/pass, r2 reject/pass, r3 accept/pass, r4 accept/fail
    assert (judge.n, judge.agree) == (4, 2)
    assert f"{judge.agree} of {judge.n}" in view.summary.text()
    assert f"{judge.percent:.0f}%" in view.summary.text()
    assert f"{judge.kappa:.2f}" in view.summary.text()
    c = judge.confusion
    for n in (c["accept"]["pass"], c["accept"]["fail"], c["reject"]["pass"]):
        assert f">{n}</td>" in view.confusion.text()
    per = {view.by_target.index(r, 0).data(): [view.by_target.index(r, k).data()
                                                for k in range(8)]
           for r in range(view.by_target.rowCount())}
    for tid, stats in want.by_target.items():
        s = stats["judge"]
        assert per[tid][1:4] == [str(s.n), f"{s.percent:.0f}%",
                                 "undefined" if s.kappa is None else f"{s.kappa:.2f}"]
    # t-b: human reject+accept vs judge pass+fail → kappa defined; t-a all accept/pass
    assert per["t-a"][3] == "undefined"
    tip = view.by_target.index(list(per).index("t-a"), 3).data(3)  # ToolTipRole
    assert "chance" in tip
    behaviors = {view.by_behavior.index(r, 0).data() for r in range(view.by_behavior.rowCount())}
    assert behaviors == set(want.by_behavior)
    dis = [d for d in want.disagreements if d.grader == "judge"]
    assert view.disagreements.rowCount() == len(dis) == 2
    # double-click a disagreement: its case opens (Preview or Cases)
    row = next(r for r in range(len(dis)) if view.disagreements.index(r, 0).data() == "c-dose")
    opened: list[str] = []
    panel.sig_case_requested.connect(opened.append)
    view.dis_view.doubleClicked.emit(view.disagreements.index(row, 0))
    assert opened == ["c-dose"]
    assert demo.editor.tabs.currentWidget() is not panel
    # the checks grader too
    view.grader.setCurrentIndex(view.grader.findData("check"))
    chk = want.overall["check"]
    assert f"{chk.agree} of {chk.n}" in view.summary.text()


def test_coverage_grid_cells(qtbot, demo, workspace: Path) -> None:
    panel = _measures(qtbot, demo)
    with RunStore(store_path(workspace)) as store:
        want = coverage(demo.doc.session.spec, store)
    model = panel.coverage.model
    cols = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert cols == ["Behavior", *want.categories]
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows == want.behaviors
    r, c = rows.index("b-window"), cols.index("expected")
    cell = want.cells["b-window"]["expected"]
    assert cell.judged == 2 and cell.accepted == 1
    text = model.index(r, c).data()
    assert text.split("\n")[:2] == ["1 case", "accept 50%"]
    assert f"checks {100 * cell.check_pass_rate:.0f}%" in text
    assert model.index(r, c).data(8) is not None  # BackgroundRole: tinted
    blind = model.index(rows.index("b-nice"), cols.index("boundary"))
    assert blind.data() == "no case" and "Blind spot" in blind.data(3)
    assert model.index(r, 0).data(KEY_ROLE)[c - 1] == ["c-window"]


def test_drift_chart_and_warning(qtbot, demo) -> None:
    panel = _measures(qtbot, demo)
    view = panel.drift
    panel.tabs.setCurrentWidget(view)
    # charts are drawn once the tab is shown (not when the spec opens)
    qtbot.waitUntil(lambda: "target" in panel.measures.charts, timeout=10000)
    assert view.has_warning()
    text = view.warning.text()
    assert "t-a: check fell from 100% to 0% between runs run-1 and run-2" in text
    assert panel.measures.charts["target"].startswith(b"\x89PNG")
    pix = view.chart.original
    assert not pix.isNull() and pix.width() > 1000
    assert not view.chart.pixmap().isNull()  # scaled to the view
    view.by.setCurrentIndex(1)
    assert not view.chart.original.isNull()
    img = view.chart.original.toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 9)
               for y in range(0, img.height(), 9)}
    assert len(colours) > 5

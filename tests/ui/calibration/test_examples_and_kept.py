"""Criteria & examples in the window (real widgets, the fixture spec of conftest.py, the
loopback judge): the PM ticks an answer as an example and edits the criteria, each one
undoable step saved into the spec; the judge's verdicts are kept in the run store, so a
reopened spec shows the same figures without asking, and the judge is asked again only
about what its new criteria change."""

from __future__ import annotations

from pathlib import Path

import yaml
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from align_studio.providers.endpoint import Endpoint
from align_studio.ui.shell.tab_key import TabKey


def _point_at(window, server) -> object:  # type: ignore[no-untyped-def]
    feature = window.features.calibration
    feature.resolve = lambda target: Endpoint(server.url, "k", timeout=5, max_retries=0)
    return feature.tab


def _ask(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.sig_measured, timeout=15000):
        assert tab.ask_judge()


def _figures(page) -> tuple[str, list[list[object]], list[list[object]]]:  # type: ignore[no-untyped-def]
    return (page.judge_summary.text().split(" Judge verdicts:")[0], page.confusion.rows,
            page.by_behavior.rows)


def test_pick_examples_and_edit_criteria(qtbot, cal, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    tab = cal.features.calibration.tab
    assert cal.editor.show_tab(TabKey.CALIBRATION)
    tab.pages.setCurrentWidget(tab.examples)
    panel = tab.examples
    assert panel.current() == "b-steps"
    # the answers people agree on for b-steps, with verdict and reason; none is an example
    model = panel.model
    rows = [[model.index(r, c).data() for c in range(1, 5)] for r in range(model.rowCount())]
    assert rows == [["c1", "t-a", "accept", "clear"], ["c1", "t-b", "accept", "clear"],
                    ["c2", "t-a", "accept", "clear"], ["c2", "t-b", "accept", "clear"],
                    ["c5", "t-a", "reject", "steps missing"],
                    ["c5", "t-b", "reject", "steps missing"]]
    checked = Qt.ItemDataRole.CheckStateRole

    def ticks() -> list[bool]:
        return [model.index(r, 0).data(checked) == Qt.CheckState.Checked
                for r in range(model.rowCount())]

    assert ticks() == [False] * 6
    # Space on the row ticks it: one undoable step
    panel.view.setFocus()
    panel.view.setCurrentIndex(model.index(4, 3))  # any cell of the row
    QTest.keyClick(panel.view, Qt.Key.Key_Space)
    spec = cal.doc.session.spec
    b = spec.behavior("b-steps")
    assert b.judge is not None
    assert [(e.case, e.response, e.verdict.value, e.reason) for e in b.judge.examples] == [
        ("c5", "r5a", "reject", "steps missing")]
    qtbot.waitUntil(lambda: ticks() == [False] * 4 + [True, False], timeout=3000)
    assert cal.doc.undo_stack.undoText() == "Use c5 · t-a as an example of b-steps"
    panel.view.setCurrentIndex(model.index(4, 0))  # Space on the box itself: untick
    QTest.keyClick(panel.view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: ticks() == [False] * 6, timeout=3000)
    assert spec.behavior("b-steps").judge is None
    QTest.keyClick(panel.view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: ticks() == [False] * 4 + [True, False], timeout=3000)
    b = spec.behavior("b-steps")
    assert b.judge is not None and len(b.judge.examples) == 1
    # the criteria, edited and applied: another step
    assert not panel.apply_button.isEnabled()
    panel.criteria.setPlainText("Pass only an answer that lists the steps.")
    assert panel.apply_button.isEnabled()
    panel.apply_button.click()
    assert b.judge.criteria == "Pass only an answer that lists the steps."
    assert not panel.apply_button.isEnabled()
    assert cal.doc.save_and_wait()
    saved = yaml.safe_load((workspace / "cal.yaml").read_text(encoding="utf-8"))
    assert saved["behaviors"][0]["judge"] == {
        "criteria": "Pass only an answer that lists the steps.",
        "examples": [{"case": "c5", "response": "r5a", "verdict": "reject",
                      "reason": "steps missing"}]}
    # Undo takes the criteria back, then the example; the page follows the spec
    cal.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.criteria.toPlainText() == "", timeout=3000)
    cal.doc.undo_stack.undo()
    assert spec.behavior("b-steps").judge is None
    qtbot.waitUntil(lambda: ticks() == [False] * 6, timeout=3000)
    # ticking and unticking by the mouse's path (the check state set on the model)
    model.setData(model.index(0, 0), Qt.CheckState.Checked.value, checked)
    qtbot.waitUntil(lambda: ticks()[0], timeout=3000)
    model.setData(model.index(0, 0), Qt.CheckState.Unchecked.value, checked)
    assert spec.behavior("b-steps").judge is None
    qtbot.waitUntil(lambda: ticks() == [False] * 6, timeout=3000)


def test_verdicts_are_kept_across_reopening(qtbot, cal, workspace: Path, judge_server  # type: ignore[no-untyped-def]
                                             ) -> None:
    tab = _point_at(cal, judge_server)
    _ask(qtbot, tab)
    assert len(judge_server.requests()) == 8
    before = _figures(tab.agreement)
    assert "κ 0.47 (95 % interval " in before[0]
    assert cal.close_spec()
    assert cal.open_spec(workspace / "cal.yaml") is not False
    feature = cal.features.calibration
    qtbot.waitUntil(lambda: feature.tab is not None and feature.tab is not tab, timeout=10000)
    tab = _point_at(cal, judge_server)
    assert cal.editor.show_tab(TabKey.CALIBRATION)
    qtbot.waitUntil(lambda: tab.measured is not None and tab._measure_task is None,
                    timeout=10000)
    assert _figures(tab.agreement) == before  # the same figures, nothing asked
    assert "8 from asking this judge (kept" in tab.agreement.judge_summary.text()
    assert len(judge_server.requests()) == 8
    # asking again with the same judge sends nothing and says so
    _ask(qtbot, tab)
    assert len(judge_server.requests()) == 8
    assert _figures(tab.agreement) == before


def test_new_criteria_make_kept_verdicts_stale(qtbot, cal, judge_server) -> None:  # type: ignore[no-untyped-def]
    tab = _point_at(cal, judge_server)
    _ask(qtbot, tab)
    assert len(judge_server.requests()) == 8
    assert cal.editor.show_tab(TabKey.CALIBRATION)
    tab.pages.setCurrentWidget(tab.examples)
    tab.examples.toggle(4, True)  # c5 · t-a becomes an example of b-steps
    tab.pages.setCurrentWidget(tab.agreement)  # shown after a change: measured again
    qtbot.waitUntil(lambda: tab._measure_task is None and tab.measured is not None
                    and tab.measured.judge.overall.n == 0, timeout=10000)
    assert "not graded any answer" in tab.agreement.judge_summary.text()
    # asked again: only the b-steps answers' prompts changed (the b-tone ones are cached)
    _ask(qtbot, tab)
    assert len(judge_server.requests()) == 8 + 6
    # the new example (c5 · t-a) is the judge's own: left out of kappa, and said so
    assert tab.measured.judge.overall.n == 7 and tab.measured.judge.excluded_examples == 1
    assert "1 answer(s) that are the judge's own few-shot examples were left out: a " \
        "judge graded on its examples is flattered." in tab.agreement.judge_summary.text()

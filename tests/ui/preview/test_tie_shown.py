"""A recorded tie reads as a tie wherever the window shows a preference (issue 16).

Issue 16 saw a recorded tie drawn as "·". A search of the code for how preferences are
rendered (``Better.TIE``, ``.better``, "tie", "·", "=") finds one place that draws a
recorded preference, the judge bar under Preview's answers (``preference_lines``), plus
the status bar message and the undo step a tie leaves; the Cases table, the Results
matrix, Measures, History's diff, the terminal review and the exports draw none (the diff
counts a case's preferences, the DPO/KTO exports leave ties out). These tests pin each of
them, in the example spec's recorded tie and in a new one, in normal and in blind mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from align_studio.ui.shell.tab_key import TabKey
from tests.ui.laptop import example_workspace, settle

CASE = "cs-angry-customer"  # its recorded tie: GPT-4.1 mini = Llama 3.1 8B


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return example_workspace(tmp_path)


@pytest.fixture
def preview(window, workspace: Path):  # type: ignore[no-untyped-def]
    assert window.open_spec(workspace / "customer-support.yaml")
    window.resize(1280, 720)
    window.ctx.show_case(CASE)
    assert window.editor.show_tab(TabKey.PREVIEW)
    settle(QApplication.instance(), 100)  # type: ignore[arg-type]
    return window.features.review.preview


def _column(preview, target: str) -> int:  # type: ignore[no-untyped-def]
    return int(preview.colmap.column_of(target)) + 1


@pytest.mark.parametrize("blind", [False, True])
def test_the_recorded_tie_reads_as_a_tie(qtbot, preview, blind: bool) -> None:
    preview.set_blind(blind)
    settle(QApplication.instance(), 50)  # type: ignore[arg-type]
    label = preview.judge_bar.recorded
    assert label.isVisible()
    a, b = _column(preview, "t-gpt41-mini"), _column(preview, "t-llama31-8b")
    better = _column(preview, "t-gpt4o-mini")
    assert label.text().split("  ") == [f"✓ {a} = {b} (tie)",
                                        f"✓ {better} better than {a}"]
    assert label.toolTip().splitlines() == label.text().split("  ")
    assert "·" not in label.text()


def test_a_new_tie_is_said_drawn_and_undone_as_a_tie(qtbot, window, preview) -> None:
    bar = preview.judge_bar
    one, three = _column(preview, "t-gpt4o-mini"), _column(preview, "t-llama31-8b")
    bar.left.setCurrentIndex(one - 1)
    bar.right.setCurrentIndex(three - 1)
    qtbot.mouseClick(bar.tie, Qt.MouseButton.LeftButton)
    case = window.doc.session.spec.case(CASE)
    assert [p.better.value for p in case.preferences][-1] == "tie"
    names = preview.colmap.labels
    assert window.statusBar().currentMessage() == \
        f"Tie between {names[one - 1]} and {names[three - 1]}"
    line = f"✓ {one} = {three} (tie)"
    qtbot.waitUntil(lambda: line in bar.recorded.text().split("  "), timeout=2000)
    assert window.doc.undo_stack.undoText() == "Prefer tie"  # Edit → "Undo Prefer tie"
    window.doc.undo_stack.undo()
    qtbot.waitUntil(lambda: line not in bar.recorded.text().split("  "), timeout=2000)

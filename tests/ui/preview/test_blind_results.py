"""Blind mode in Results (issue 16): the same per-case shuffle and the same anonymous names
as Preview, so "Model A" in a row is the answer the reviewer judged as "Model A"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.preview.conftest import run_and_wait


def test_results_use_previews_blind_order_and_names(qtbot, review_window) -> None:
    w = review_window
    review = w.features.review
    preview = review.preview
    review.blind.setChecked(True)
    cases = [f"case-{i:03d}" for i in range(6)]
    run_and_wait(qtbot, w, cases)
    orders = set()
    for case_id in cases:  # accept Model A, reject Model B, case by case
        review.open_case(case_id)
        qtbot.wait(10)
        orders.add(preview.colmap.targets)
        qtbot.keyClick(preview, Qt.Key.Key_1)
        qtbot.keyClick(preview, Qt.Key.Key_A)
        qtbot.keyClick(preview, Qt.Key.Key_2)
        qtbot.keyClick(preview, Qt.Key.Key_R)
        qtbot.keyClick(preview.popup.edit, Qt.Key.Key_1)
        qtbot.keyClick(preview.popup.edit, Qt.Key.Key_Return)
    assert len(orders) == 2  # some cases were shuffled, or this would prove nothing
    model = review.matrix_panel.model
    model.reload()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in (1, 2)] == \
        ["Model A", "Model B"]
    for row in range(model.rowCount()):
        if model.data(model.index(row, 0), Qt.ItemDataRole.UserRole + 2) not in cases:
            continue
        texts = [model.data(model.index(row, c)) for c in (1, 2)]
        assert texts[0].startswith("✓ accepted") and texts[1].startswith("✗ rejected"), texts
    review.blind.setChecked(False)  # names and spec order come back
    assert model.headerData(1, Qt.Orientation.Horizontal) == "model-a"

from __future__ import annotations

from tests.ui.preview.conftest import run_and_wait


def test_run_case_streams_into_columns(qtbot, review_window) -> None:
    w = review_window
    preview = w.review.preview
    assert [c.title.text() for c in preview.columns] == ["model-a", "model-b"]
    run_and_wait(qtbot, w, ["case-000"])
    texts = [c.current_text() for c in preview.columns]
    assert texts[0].startswith("model-a: Echo") and texts[1].startswith("model-b: Echo")
    assert "tokens" in preview.columns[0].meta.text()
    assert "$" in preview.columns[1].meta.text()

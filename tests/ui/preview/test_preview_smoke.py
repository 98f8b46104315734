from __future__ import annotations

from tests.ui.preview.conftest import run_and_wait


def test_run_case_streams_into_columns(qtbot, review_window) -> None:
    w = review_window
    preview = w.features.review.preview
    assert [c.title.text() for c in preview.columns] == ["model-a", "model-b"]
    run_and_wait(qtbot, w, ["case-000"])
    texts = [c.current_text() for c in preview.columns]
    assert texts[0].startswith("Thanks for asking about case 0")
    assert texts[1].startswith("Sorry to hear that (case 0)")
    # rendered Markdown by default; the raw text on M
    assert "**" not in preview.columns[0].browser.toPlainText()
    preview.raw_toggle.toggle()
    assert "**Refunds**" in preview.columns[0].raw.toPlainText()
    assert "tokens" in preview.columns[0].meta.text()
    assert "$" in preview.columns[1].meta.text()

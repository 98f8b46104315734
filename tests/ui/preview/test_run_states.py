"""Run states seen in the columns: no profile, a failing server with Retry, cancel, the
estimate before a large run, progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.preview.conftest import review_spec_text, run_and_wait


def _reopen(qtbot, w, text: str) -> None:
    path: Path = w.doc.path
    w.doc.undo_stack.setClean()
    assert w.close_spec()
    path.write_text(text, encoding="utf-8")
    assert w.open_spec(path)
    w.features.review.confirm_large_runs = False
    w.features.review.open_case("case-000")


def test_target_without_profile_says_so_and_offers_settings(qtbot, review_window,
                                                            answer) -> None:
    w = review_window
    text = review_spec_text(3).replace("    provider: local\n    model: model-b",
                                       "    provider: nowhere\n    model: model-b")
    _reopen(qtbot, w, text)
    run_and_wait(qtbot, w, ["case-000"])
    cols = w.features.review.preview.columns
    assert cols[0].current_text().startswith("Thanks")
    assert cols[1].stack.currentIndex() == 2  # the message page
    assert "no provider profile named 'nowhere'" in cols[1].message.text()
    assert cols[1].settings.isVisibleTo(cols[1]) and not cols[1].retry.isVisibleTo(cols[1])
    found: list[str] = []
    answer("Close", found)
    cols[1].settings.click()
    assert found and found[0].startswith("Settings")


def test_server_error_shows_retry_and_retry_runs_again(qtbot, review_window, loopback) -> None:
    w = review_window
    text = review_spec_text(2).replace("about **refunds**", "about **refunds** [[fault:500]]", 1)
    _reopen(qtbot, w, text)
    run_and_wait(qtbot, w, ["case-000"])
    col = w.features.review.preview.columns[0]
    assert col.stack.currentIndex() == 2
    assert col.retry.isVisibleTo(col)
    assert "500" in col.message.text() or "error" in col.message.text().lower()
    before = len(loopback.requests())
    with qtbot.waitSignal(w.features.review.controller.sig_run_ended, timeout=15000):
        col.retry.click()
    assert len(loopback.requests()) > before  # the one target was asked again


def test_cancel_keeps_partial_answers_marked_cancelled(qtbot, review_window) -> None:
    w = review_window
    text = review_spec_text(30).replace("about **refunds**", "about **refunds** [[latency:5]]")
    _reopen(qtbot, w, text)
    ctl = w.features.review.controller
    with qtbot.waitSignal(ctl.sig_run_started, timeout=5000):
        w.features.review.run_all.trigger()
    assert w.features.review.progress.isVisible() and w.features.review.cancel_run.isEnabled()
    with qtbot.waitSignal(ctl.sig_run_ended, timeout=5000) as ended:
        w.features.review.cancel_button.click()
    assert ended.args[1] == "cancelled"
    assert w.statusBar().currentMessage().startswith("Run cancelled")
    assert not w.features.review.progress.isVisible()
    live = ctl.live.get("case-000", "model-a")
    assert live is not None and live.status == "cancelled", live
    assert w.features.review.preview.columns[0].state.text() == "cancelled"


def test_large_run_asks_first_with_time_and_cost(qtbot, review_window, answer) -> None:
    w = review_window
    w.features.review.confirm_large_runs = True
    seen: list[str] = []
    answer("Cancel", seen)
    with qtbot.waitSignal(w.features.review.controller.sig_busy_changed, timeout=5000,
                          check_params_cb=lambda busy: not busy):
        w.features.review.run_all.trigger()  # 25 cases × 2 targets = 50 requests
    assert seen and "50 requests" in seen[0] and "$" in seen[0], seen
    assert w.features.review.controller.live.answered_count() == 0
    assert not isinstance(QApplication.activeModalWidget(), QDialog)

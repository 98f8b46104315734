"""Saving while a save runs (issue 13, item 8): closing → Save and Save Version wait for the
running save and then write the edits made since, instead of waiting for ever."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def _within(seconds: float, fn: Callable[[], bool]) -> bool:
    """``fn()`` under a watchdog. Before the fix save_and_wait() sat in its event loop for
    ever (a signal-based timeout never gets to run there): end that loop and fail instead."""
    app = QApplication.instance()
    assert app is not None
    expired: list[bool] = []

    def expire() -> None:
        expired.append(True)
        app.exit(1)  # ends every event loop running on the GUI thread

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(expire)
    timer.start(int(seconds * 1000))
    try:
        result = fn()
    finally:
        timer.stop()
    if expired:
        QTimer.singleShot(0, lambda: app.exit(0))
        app.exec()  # clears the "quit now" that exit() leaves behind, for the next tests
        pytest.fail(f"did not return within {seconds} s")
    return result


def _block_the_save_lane(doc) -> threading.Event:  # type: ignore[no-untyped-def]
    """Hold the document's one save thread until the returned event is set: the save asked
    next is then running (as far as the document knows) but cannot finish yet."""
    gate = threading.Event()
    doc.runner.run(lambda: gate.wait(20), lane="save")
    return gate


def test_save_and_wait_during_a_save_writes_the_later_edits(qtbot, opened,
                                                            workspace: Path) -> None:
    w = opened
    doc, ov = w.doc, w.editor.overview
    path = workspace / "support.yaml"
    ov.title.setFocus()
    ov.title.end(False)
    qtbot.keyClicks(ov.title, " one")
    gate = _block_the_save_lane(doc)
    doc.save()  # snapshot holds " one"; the write waits behind the gate
    qtbot.keyClicks(ov.title, " two")  # typed while that save is under way
    QTimer.singleShot(300, gate.set)  # the slow save ends while save_and_wait waits
    assert _within(10, doc.save_and_wait) is True
    assert "title: Support assistant one two\n" in path.read_text(encoding="utf-8")
    assert not doc.is_modified() and not w.isWindowModified()


def test_save_and_wait_during_a_save_with_nothing_left_returns_its_result(
        qtbot, opened, workspace: Path) -> None:
    w = opened
    doc, ov = w.doc, w.editor.overview
    ov.title.setFocus()
    ov.title.end(False)
    qtbot.keyClicks(ov.title, " only")
    gate = _block_the_save_lane(doc)
    saved: list[Path] = []
    doc.sig_saved.connect(saved.append)
    doc.save()
    QTimer.singleShot(200, gate.set)
    assert _within(10, doc.save_and_wait) is True
    assert "title: Support assistant only\n" in (workspace / "support.yaml").read_text(
        encoding="utf-8")
    assert saved == [doc.path]  # no second write: nothing was left to save
    assert not doc.is_modified()


def test_close_with_save_while_a_save_runs(qtbot, opened, workspace: Path, answer) -> None:
    """The user's path: Ctrl+S, more typing, then closing the spec and choosing Save."""
    w = opened
    ov = w.editor.overview
    ov.title.setFocus()
    ov.title.end(False)
    qtbot.keyClicks(ov.title, " draft")
    gate = _block_the_save_lane(w.doc)
    w.save()
    qtbot.keyClicks(ov.title, " final")
    QTimer.singleShot(400, gate.set)
    found: list[str] = []
    answer("Save", found)
    assert _within(10, w.close_spec) is True
    assert found and found[0].startswith("Unsaved edits")
    assert w.doc is None
    assert "title: Support assistant draft final\n" in (workspace / "support.yaml").read_text(
        encoding="utf-8")

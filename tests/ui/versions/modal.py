"""Answering modal dialogs opened with ``exec()`` from inside the code under test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog


def when_modal(kind: type[QDialog], handle: Callable[[Any], None], timeout_ms: int = 10000
               ) -> list[QDialog]:
    """Call ``handle(dialog)`` once a modal dialog of ``kind`` is active; returns a list that
    receives the dialog (so a test can check it appeared)."""
    seen: list[QDialog] = []
    left = [timeout_ms // 20]

    def poll() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, kind) and dlg.isVisible():
            seen.append(dlg)
            try:
                handle(dlg)
            except BaseException:
                dlg.reject()  # a failed check must not leave the test waiting on exec()
                raise
            return
        left[0] -= 1
        if left[0] > 0:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen

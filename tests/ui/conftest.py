"""Fixtures for the desktop app: a temporary workspace and the real main window on it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox

from tests.editing.conftest import SPEC_TEXT

EMPTY_SPEC = """\
# A spec with nothing in it yet
format_version: 1
id: blank
title: Blank spec
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "support.yaml").write_text(SPEC_TEXT, encoding="utf-8")
    (root / "blank.yaml").write_text(EMPTY_SPEC, encoding="utf-8")
    return root


@pytest.fixture
def window(qtbot, workspace: Path) -> Iterator[object]:
    from align_studio.ui.shell.main_window import MainWindow
    from align_studio.ui.shell.settings import app_settings

    w = MainWindow(workspace, app_settings())  # closed below, not by qtbot (it may ask)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.sig_ready, timeout=10000):
        w.start()
    w.activateWindow()
    yield w
    if w.doc is not None and w.doc.is_modified():
        w.doc.undo_stack.setClean()  # let teardown close without asking
    w.close()
    w.deleteLater()


@pytest.fixture
def opened(window, workspace: Path):
    """The window with support.yaml open."""
    assert window.open_spec(workspace / "support.yaml")
    return window


def answer_next_dialog(button_text: str, found: list[str] | None = None) -> None:
    """Click the button labelled ``button_text`` in the next modal dialog that appears."""
    def poll() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QDialog):
            QTimer.singleShot(20, poll)
            return
        if found is not None:
            found.append(dlg.windowTitle() + ": " + (dlg.text() if isinstance(dlg, QMessageBox)
                                                     else ""))
        for b in dlg.findChildren(QAbstractButton):
            if b.text().replace("&", "") == button_text:
                b.click()
                return
        raise AssertionError(f"no button {button_text!r} in {dlg.windowTitle()!r}")

    QTimer.singleShot(20, poll)


@pytest.fixture
def answer() -> Callable[..., None]:
    return answer_next_dialog

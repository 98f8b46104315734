"""Making a feature's actions (the menus are the action registry's: ``ui/shell/actions.py``)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from align_studio.ui.shell.icons import icon


def make_action(window: QMainWindow, text: str, keys: list[str] | None = None,
                icon_name: str | None = None, tip: str = "") -> QAction:
    """An action of the window with shortcuts, icon and status tip."""
    a = QAction(text, window)
    if keys:
        a.setShortcuts([QKeySequence(k) for k in keys])
    if icon_name:
        a.setIcon(icon(icon_name))
    if tip:
        a.setStatusTip(tip)
    window.addAction(a)
    return a


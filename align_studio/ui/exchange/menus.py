"""Small helpers to add actions to the window's existing menus without rebuilding them."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from align_studio.ui.icons import icon


def find_menu(window: QMainWindow, title: str) -> QMenu | None:
    """The menu bar's menu with this title (``"&File"``)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == title:
            return menu
    return None


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


def list_in_shortcuts(window: QMainWindow, title: str, actions: list[QAction]) -> None:
    """Add actions to the Keyboard Shortcuts list under a menu title."""
    menus = getattr(getattr(window, "actions", None), "menus", None)
    if not isinstance(menus, list):
        return
    for menu_title, items in menus:
        if menu_title == title:
            items.extend(actions)
            return

"""Help → Keyboard shortcuts: generated from the window's actions, so it is never stale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


def shortcut_rows(menus: list[tuple[str, list[QAction]]]) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action that has a shortcut."""
    rows = []
    for menu, actions in menus:
        for a in actions:
            keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in a.shortcuts()]
            if keys:
                rows.append((menu, a.text().replace("&", "").rstrip("…"), ", ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    """A table of menu · action · keys."""

    def __init__(self, menus: list[tuple[str, list[QAction]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        html = ["<table cellspacing='0' cellpadding='4'>"]
        last = None
        for menu, action, keys in shortcut_rows(menus):
            if menu != last:
                html.append(f"<tr><td colspan='2'><b>{menu}</b></td></tr>")
                last = menu
            html.append(f"<tr><td>{action}</td><td>&nbsp;&nbsp;<code>{keys}</code></td></tr>")
        html.append("</table>")
        self.table = QLabel("".join(html), self)
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setAccessibleName("Keyboard shortcuts")
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

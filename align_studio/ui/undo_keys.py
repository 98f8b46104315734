"""Lets Ctrl+Z / Ctrl+Shift+Z reach the app's undo while a text field has the focus.

Text fields keep an undo history of their own and claim the undo keys; in the editor that
history would bypass the commands. This filter makes them pass the keys on, so there is a
single undo: the document's.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget


class UndoKeysFilter(QObject):
    """An application event filter for the text fields inside one window."""

    def __init__(self, window: QWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        if not isinstance(obj, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            return False
        if obj.window() is not self.window:
            return False
        assert isinstance(event, QKeyEvent)
        pressed = QKeySequence(event.keyCombination())
        for action in self.actions:
            if any(pressed.matches(s) == QKeySequence.SequenceMatch.ExactMatch
                   for s in action.shortcuts()):
                event.ignore()  # not claimed by the field: the window's action runs
                return True
        return False

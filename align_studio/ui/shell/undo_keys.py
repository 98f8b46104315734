"""Lets Ctrl+Z / Ctrl+Shift+Z reach the app's undo while a text field has the focus.

Text fields keep an undo history of their own and claim the undo keys; in the editor that
history would bypass the commands. This filter makes them pass the keys on, so there is a
single undo: the document's.

It watches only the text field that has the focus (it moves with the focus): an
application-wide Python event filter would make every event of every widget cross into
Python, thousands per turn of the event loop while a large tab is built or shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)


class UndoKeysFilter(QObject):
    """Passes the undo keys of the focused text field inside one window to its actions."""

    def __init__(self, window: QWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions
        self._watched: QWidget | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        self._focus_changed(None, app.focusWidget())

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # the field was deleted meanwhile
                pass
            self._watched = None
        if isinstance(now, _TEXT_FIELDS) and now.window() is self.window:
            now.installEventFilter(self)
            self._watched = now

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        assert isinstance(event, QKeyEvent)
        pressed = QKeySequence(event.keyCombination())
        for action in self.actions:
            if any(pressed.matches(s) == QKeySequence.SequenceMatch.ExactMatch
                   for s in action.shortcuts()):
                event.ignore()  # not claimed by the field: the window's action runs
                return True
        return False

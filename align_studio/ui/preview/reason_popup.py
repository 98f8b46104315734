"""The reason asked for when a response is rejected: numbered presets or free text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QVBoxLayout, QWidget


class ReasonPopup(QDialog):
    """Keys 1–9 pick a preset (into the text box), or type a reason; Enter confirms.

    Not modal: the window keeps painting and streaming while it is open.
    """

    sig_reason_chosen = Signal(str)
    """The reviewer confirmed a reason (possibly empty)."""

    def __init__(self, presets: Sequence[str], subject: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reason for rejecting")
        self.setModal(False)
        self.presets = list(presets)
        self.heading = QLabel(f"Why reject {subject}? Press 1–9 for a reason or type one; "
                              "Enter confirms, Esc cancels.")
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, text in enumerate(self.presets[:9]):
            self.list.addItem(f"{i + 1}   {text}")
        self.list.itemActivated.connect(lambda item: self._pick(self.list.row(item)))
        self.list.itemClicked.connect(lambda item: self._pick(self.list.row(item)))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Reason (free text)")
        self.edit.setAccessibleName("Reason")
        self.edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addWidget(self.edit)
        self.resize(380, 300)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.presets):
            self.list.setCurrentRow(row)
            self.edit.setText(self.presets[row])
            self.edit.selectAll()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and isinstance(event, QKeyEvent) and \
                event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            typed_over = self.edit.hasSelectedText() and \
                self.edit.selectedText() == self.edit.text()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and (not self.edit.text() or typed_over) \
                    and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self._pick(key - Qt.Key.Key_1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.confirm()
                return True
        return super().eventFilter(obj, event)

    def confirm(self) -> None:
        """Record the reason in the box."""
        self.sig_reason_chosen.emit(self.edit.text().strip())
        self.accept()

    def open_for_typing(self) -> None:
        """Show the popup with the keyboard in the text box."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus()

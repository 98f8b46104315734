"""A small form to edit a generated case before accepting it: title, expected outcome,
notes and the text of every turn of its conversation."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Outcome
from align_studio.generation.inbox import InboxItem


class EditDialog(QDialog):
    """Edits a copy of an item's case; :meth:`changes` is what to give ``Inbox.edit``."""

    def __init__(self, item: InboxItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Generated Case")
        self.item = item
        case = item.case
        self.title = QLineEdit(str(case.get("title") or ""))
        self.expected = QComboBox()
        self.expected.addItem("(not said)", None)
        for word in Outcome.words():
            self.expected.addItem(word, word)
        at = self.expected.findData(case.get("expected"))
        self.expected.setCurrentIndex(max(at, 0))
        self.notes = QLineEdit(str(case.get("notes") or ""))
        form = QFormLayout()
        form.addRow("Title:", self.title)
        form.addRow("Expected:", self.expected)
        form.addRow("Notes:", self.notes)
        self.turns: list[tuple[str, QPlainTextEdit]] = []
        for n, m in enumerate(case.get("messages") or [], 1):
            edit = QPlainTextEdit(str(m.get("content", "")))
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(50)
            edit.setAccessibleName(f"Turn {n}")
            self.turns.append((str(m.get("role", "user")), edit))
            form.addRow(f"{n}. {str(m.get('role', 'user')).capitalize()}:", edit)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(520, 200 + 70 * len(self.turns))

    def changes(self) -> dict[str, Any]:
        """The edited fields (an empty title or notes removes them)."""
        return {"title": self.title.text().strip() or None,
                "expected": self.expected.currentData(),
                "notes": self.notes.text().strip() or None,
                "messages": [{"role": role, "content": edit.toPlainText().strip()}
                             for role, edit in self.turns]}

    def show_error(self, text: str) -> None:
        """Say why the edit cannot be kept (the dialog stays open)."""
        self.error.setText(text)
        self.error.show()

"""Spec → Save Version…: the message saying what changed (and, once, the author's name)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class SaveVersionDialog(QDialog):
    """Asks for the message of a new version; the author field shows only when unset."""

    def __init__(self, spec_name: str, current: int | None, author: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save Version")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Save <b>{spec_name}</b> as a new version. The version number goes "
                       f"up{f' from {current}' if current is not None else ''} and a "
                       "changelog line is added.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.message = QPlainTextEdit(self)
        self.message.setPlaceholderText("What changed, e.g. “Refund rule covers gift cards”")
        self.message.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.message.setAccessibleName("Version message")
        form.addRow("&Message", self.message)
        self.author = QLineEdit(author, self)
        self.author.setPlaceholderText("Your name, written on the versions you save")
        self.author.setAccessibleName("Author name")
        self.author_label = QLabel("&Author", self)
        self.author_label.setBuddy(self.author)
        form.addRow(self.author_label, self.author)
        if author:  # asked once; changed later in Settings
            self.author.hide()
            self.author_label.hide()
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.message.textChanged.connect(self._check)
        self.author.textChanged.connect(self._check)
        self._check()
        self.message.setFocus()

    def _check(self) -> None:
        ok = bool(self.message.toPlainText().strip() and self.author.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def values(self) -> tuple[str, str]:
        """The message and the author name."""
        return self.message.toPlainText().strip(), self.author.text().strip()

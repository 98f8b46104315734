"""A saved version opened read-only: its YAML text, in a window of its own."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class VersionViewDialog(QDialog):
    """Shows one version's file as it was saved; nothing in it can be edited."""

    def __init__(self, spec_name: str, label: str, text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{spec_name} — {label} (read-only)")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        note = QLabel(f"<b>{label}</b> of {spec_name}, as it was saved. Read-only: to make it "
                      "the current version, use <b>Restore…</b> in the History tab.", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText(text)
        self.text.setAccessibleName("Version text")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

"""Shows a unified diff: the file on disk against what saving would write."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class DiffDialog(QDialog):
    """A read-only unified diff, lines added and removed marked by the usual + and -."""

    def __init__(self, title: str, diff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Lines starting with − are on disk now; lines starting with "
                                "+ are what your save would write.", self))
        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setAccessibleName("Difference between the file on disk and your edits")
        self.view.setPlainText(diff or "No difference: the file on disk already holds "
                               "your edits.")
        self._bold_hunks()
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _bold_hunks(self) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(700)
        doc = self.view.document()
        block = doc.begin()
        while block.isValid():
            if block.text().startswith("@@"):
                cur = QTextCursor(block)
                cur.select(QTextCursor.SelectionType.BlockUnderCursor)
                cur.mergeCharFormat(fmt)
            block = block.next()

"""An empty state that teaches: a title, a sentence of explanation and an action button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A centred message for a place that has nothing to show yet."""

    sig_action_clicked = Signal()
    """The user clicked the action button."""

    def __init__(self, title: str, text: str, action_text: str | None = None,
                 icon: QIcon | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.pic = QLabel(self)
        self.pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pic.setEnabled(False)  # drawn in the disabled (muted) colour
        self.pic.hide()
        layout.addWidget(self.pic)
        if icon is not None:
            self.set_icon(icon)
        self.title = QLabel(title, self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.text = QLabel(text, self)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # One fixed width, and the height of that width: a wrapped label centred in a layout
        # is otherwise squeezed to its shortest line, or given the height of the layout's
        # whole width (two lines) while drawn narrower (three: the Generated tab's empty
        # state had its first and last lines cut).
        width = min(460, self.text.fontMetrics().horizontalAdvance(text) + 8)
        self.text.setFixedWidth(width)
        self.text.setMinimumHeight(self.text.heightForWidth(width))
        self.text.setForegroundRole(self.text.foregroundRole())
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button: QPushButton | None = None
        if action_text:
            self.button = QPushButton(action_text, self)
            self.button.setAccessibleName(action_text)
            self.button.clicked.connect(self.sig_action_clicked)
            layout.addSpacing(8)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.setAccessibleName(title)

    def set_icon(self, icon: QIcon) -> None:
        """Show ``icon`` above the title (the main window adds it after its first paint)."""
        if not icon.isNull():
            self.pic.setPixmap(icon.pixmap(48, 48))
            self.pic.show()

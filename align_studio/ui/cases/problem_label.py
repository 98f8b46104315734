"""A plain-words list of problems shown next to the field they concern."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from align_studio.domain import Problem
from align_studio.ui.shell.tints import REJECT_HUE, WARNING_HUE, tint


class ProblemLabel(QLabel):
    """Shows problems as short sentences on a palette-aware tint; hidden when there are none."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self.setWordWrap(True)
        self.setAutoFillBackground(True)
        self.setMargin(4)
        self.setAccessibleName(f"Problems with {what}")
        self.messages: list[str] = []
        self.hide()

    def set_problems(self, problems: list[Problem]) -> None:
        """Show these problems (errors first)."""
        ordered = sorted(problems, key=lambda p: p.level != "error")
        messages = [_sentence(p) for p in ordered]
        if messages == self.messages:
            return
        self.messages = messages
        if not messages:
            self.clear()
            self.hide()
            return
        hue = REJECT_HUE if ordered[0].level == "error" else WARNING_HUE
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, tint(pal, hue, 0.18, QPalette.ColorRole.Window))
        self.setPalette(pal)
        self.setText("\n".join(f"⚠ {m}" for m in messages))
        self.setAccessibleDescription(" ".join(messages))
        self.show()


def _sentence(p: Problem) -> str:
    text = p.message
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."

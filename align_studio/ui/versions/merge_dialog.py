"""Overlapping edits after a pull, side by side (base / mine / theirs), for the PM to choose.

Nothing has changed in the workspace while this dialog is open; the pull completes with
the choices when the PM presses **Complete merge**.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from align_studio.versions import Conflict

MINE, THEIRS = "ours", "theirs"


def show_value(value: Any) -> str:
    """A conflicting value as the PM reads it in the spec (YAML for structures)."""
    if value is None:
        return "(not there)"
    if isinstance(value, str):
        return value
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=60).strip()


class _ConflictBox(QGroupBox):
    """One conflict: three read-only columns and the Mine / Theirs choice."""

    def __init__(self, conflict: Conflict, parent: QWidget) -> None:
        super().__init__(f"{conflict.file or ''} — {conflict.key}", parent)
        grid = QGridLayout(self)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.group = QButtonGroup(self)
        self.mine = QRadioButton("Keep &mine", self)
        self.theirs = QRadioButton("Take &theirs", self)
        self.group.addButton(self.mine)
        self.group.addButton(self.theirs)
        for col, (title, value) in enumerate((("Base (before both edits)", conflict.base),
                                              ("Mine", conflict.ours),
                                              ("Theirs", conflict.theirs))):
            grid.addWidget(QLabel(f"<b>{title}</b>", self), 0, col)
            text = QPlainTextEdit(show_value(value), self)
            text.setReadOnly(True)
            text.setFont(mono)
            text.setFixedHeight(max(60, min(180, 18 * (text.toPlainText().count("\n") + 2))))
            text.setAccessibleName(f"{title} of {conflict.key}")
            grid.addWidget(text, 1, col)
        grid.addWidget(self.mine, 2, 1)
        grid.addWidget(self.theirs, 2, 2)

    def choice(self) -> str | None:
        if self.mine.isChecked():
            return MINE
        return THEIRS if self.theirs.isChecked() else None


class MergeDialog(QDialog):
    """Every conflict of a pull with a choice each; :meth:`choices` in the pull's order."""

    sig_choice_changed = Signal()
    """A choice was made or changed."""

    def __init__(self, conflicts: list[Conflict], remote: str = "the remote",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose between overlapping edits")
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        n = len(conflicts)
        intro = QLabel(f"You and {remote} changed the same place{'s' if n != 1 else ''} "
                       f"differently ({n} place{'s' if n != 1 else ''}). Choose which edit to "
                       "keep for each; everything else merged by itself. Nothing changes "
                       "until you press <b>Complete merge</b>.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        body = QWidget(self)
        inner = QVBoxLayout(body)
        self.boxes = [_ConflictBox(c, body) for c in conflicts]
        for box in self.boxes:
            inner.addWidget(box)
            box.group.buttonToggled.connect(lambda *_: self._check())
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.all_mine = QPushButton("All mine", self)
        self.all_theirs = QPushButton("All theirs", self)
        self.all_mine.clicked.connect(lambda: self.choose_all(MINE))
        self.all_theirs.clicked.connect(lambda: self.choose_all(THEIRS))
        row.addWidget(self.all_mine)
        row.addWidget(self.all_theirs)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(self)
        self.complete = self.buttons.addButton("Complete merge",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Cancel pull", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self._check()

    def choose_all(self, side: str) -> None:
        for box in self.boxes:
            (box.mine if side == MINE else box.theirs).setChecked(True)

    def choices(self) -> list[str | None]:
        """The choice of each conflict (``"ours"``/``"theirs"``, None while undecided)."""
        return [box.choice() for box in self.boxes]

    def _check(self) -> None:
        self.complete.setEnabled(all(c is not None for c in self.choices()))
        self.sig_choice_changed.emit()

"""The label-next queue as a Qt item model: a thin adapter over the core's ranked entries.

Each row is a :class:`~align_studio.grading.calibration.label_queue.QueueEntry`; the first
column says whether the reviewer at the keyboard has judged it (read from the spec, so an
Undo clears the mark again).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from align_studio.grading.calibration.label_queue import QueueEntry

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()
HEADERS = ("You", "Answer", "Why it is here")
MARKS = {"accept": "✓ accept", "reject": "✗ reject"}


class QueueModel(QAbstractTableModel):
    """The ranked answers to label next, and the reviewer's verdict on each so far."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[QueueEntry] = []
        self.marks: list[str | None] = []

    def set_entries(self, entries: list[QueueEntry], marks: list[str | None]) -> None:
        """Show a new ranking."""
        self.beginResetModel()
        self.entries, self.marks = list(entries), list(marks)
        self.endResetModel()

    def set_marks(self, marks: list[str | None]) -> None:
        """The reviewer's verdicts changed (a judgment, an undo): redraw the rows that moved."""
        changed = [i for i, (a, b) in enumerate(zip(self.marks, marks, strict=True)) if a != b]
        self.marks = list(marks)
        for i in changed:
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(HEADERS) - 1))

    def labelled(self) -> int:
        """How many entries the reviewer has judged."""
        return sum(m is not None for m in self.marks)

    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return HEADERS[section] if orientation == Qt.Orientation.Horizontal else section + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e, col = self.entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                mark = self.marks[index.row()]
                return MARKS.get(mark, "") if mark else ""
            return f"{e.case_id} · {e.target}" if col == 1 else "; ".join(e.reasons)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"score {e.score:.1f}: " + "; ".join(e.reasons)
        return None

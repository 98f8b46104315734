"""Small read-only table models for the measures (rebuilt whole on every refresh)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_TOP = QModelIndex()  # the default parent: these tables have no tree


class RowsModel(QAbstractTableModel):
    """Rows of display values with optional tooltips, backgrounds and a key per row."""

    def __init__(self, headers: Sequence[str], parent: Any = None,
                 left: set[int] | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.left = left if left is not None else {0}  # text columns; the others centred
        self.rows: list[list[Any]] = []
        self.keys: list[Any] = []
        self.tips: dict[tuple[int, int], str] = {}
        self.colours: dict[tuple[int, int], QColor | None] = {}

    def set_rows(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None,
                 tips: dict[tuple[int, int], str] | None = None,
                 colours: dict[tuple[int, int], QColor | None] | None = None,
                 headers: Sequence[str] | None = None) -> None:
        """Show these rows (and, optionally, new column headers)."""
        self.beginResetModel()
        if headers is not None:
            self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.keys = list(keys) if keys is not None else [None] * len(self.rows)
        self.tips = dict(tips or {})
        self.colours = dict(colours or {})
        self.endResetModel()

    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            v = self.rows[r][c]
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips.get((r, c))
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.colours.get((r, c))
        if role == KEY_ROLE:
            return self.keys[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c not in self.left:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def percent(value: float | None, digits: int = 0) -> str:
    """"83%" or "—"."""
    return "—" if value is None else f"{value:.{digits}f}%"


def rate(value: float | None) -> str:
    """A 0–1 rate as "83%" or "—"."""
    return "—" if value is None else f"{100 * value:.0f}%"

"""A small read-only table for the figures (rebuilt whole on every measure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()
#: The role that holds a row's key (what double-clicking a row opens).
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class Rows(QAbstractTableModel):
    """Rows of display values, a tooltip per row and a key per row."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[Any]] = []
        self.keys: list[Any] = []
        self.tips: list[str] = []

    def set_rows(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any] | None = None,
                 tips: Sequence[str] | None = None) -> None:
        """Show these rows."""
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.keys = list(keys) if keys is not None else [None] * len(self.rows)
        self.tips = list(tips) if tips is not None else [""] * len(self.rows)
        self.endResetModel()

    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.rows[r][c]
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips[r] or str(self.rows[r][c])
        if role == KEY_ROLE:
            return self.keys[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c > 0 and \
                isinstance(self.rows[r][c], int | float):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def table(model: Rows, parent: QWidget | None = None, *,
          stretch: int | tuple[int, ...] = -1, rows_shown: int = 6) -> QTableView:
    """A compact read-only view: the columns ``stretch`` (default the last) share the rest,
    as tall as its rows up to ``rows_shown`` before it scrolls."""
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    # Long text is elided (its tooltip has it whole): no scroll bar eating a row's height.
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.verticalHeader().hide()
    head = view.horizontalHeader()
    head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    head.setStretchLastSection(stretch == -1)
    for col in (stretch,) if isinstance(stretch, int) else stretch:
        if col >= 0:
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
    view.setMinimumWidth(120)

    def fit() -> None:  # as tall as its rows, scrolling beyond rows_shown; hidden when empty
        row = view.verticalHeader().defaultSectionSize()
        shown = max(1, min(rows_shown, model.rowCount()))
        view.setFixedHeight(head.sizeHint().height() + row * shown + 4)
        view.setHidden(model.rowCount() == 0 and not view.property("keep_shown"))

    model.modelReset.connect(fit)
    fit()
    return view

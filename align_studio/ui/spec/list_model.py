"""A Qt table model that is a thin adapter over one list of the spec (behaviors, targets…).

It reads the domain objects directly and follows the session's change events:
insert/remove/move of the list become ``beginInsertRows``/``beginRemoveRows``/
``beginMoveRows``; a field set on one of its items becomes ``dataChanged``; a reset
becomes a model reset. It never copies the items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from align_studio.ui.shell.icons import icon

if TYPE_CHECKING:
    from align_studio.editing import ChangeEvent, EditSession

Index = QModelIndex | QPersistentModelIndex
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 10


@dataclass(frozen=True)
class Column:
    """One column: its header, the field it shows, and how to show the value."""

    header: str
    field: str
    show: Callable[[Any], str] = lambda v: "" if v is None else \
        " ".join(str(getattr(v, "value", v)).split())  # one line in a table cell


class SpecListModel(QAbstractTableModel):
    """Rows are the items of ``session.spec.<field>``; columns are :class:`Column`\\ s."""

    def __init__(self, session: EditSession, field: str, columns: list[Column],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.field = field
        self.columns = columns
        self.problem_rows: dict[int, str] = {}
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    @property
    def items(self) -> list[Any]:
        """The domain list shown (read live, never copied)."""
        return getattr(self.session.spec, self.field)

    def item(self, row: int) -> Any:
        """The domain object of a row, or None."""
        items = self.items
        return items[row] if 0 <= row < len(items) else None

    def row_of(self, obj: Any) -> int | None:
        """The row of a domain object (by identity)."""
        for i, it in enumerate(self.items):
            if it is obj:
                return i
        return None

    # ---- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        obj = self.item(index.row()) if index.isValid() else None
        if obj is None:
            return None
        col = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return col.show(getattr(obj, col.field, None))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problem_rows.get(index.row()) or col.show(getattr(obj, col.field, None))
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 \
                and index.row() in self.problem_rows:
            return icon("warning")
        if role == OBJECT_ROLE:
            return obj
        return None

    def set_problem_rows(self, rows: dict[int, str]) -> None:
        """Mark rows that have problems (an icon and a tooltip in the first column)."""
        changed = set(rows) ^ set(self.problem_rows)
        self.problem_rows = dict(rows)
        for r in changed:
            if 0 <= r < self.rowCount():
                self.dataChanged.emit(self.index(r, 0), self.index(r, 0))

    # ---- following the document ------------------------------------------------------------
    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset":
            self.beginResetModel()
            self.endResetModel()
            return
        if ev.obj is self.session.spec and ev.field == self.field:
            self._list_changed(ev)
            return
        if ev.kind == "set":
            row = self.row_of(ev.obj)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _list_changed(self, ev: ChangeEvent) -> None:
        # The list has already changed; Qt's begin/end pairs are only about notifying views.
        i = ev.index if ev.index is not None else 0
        if ev.kind == "insert":
            self.beginInsertRows(QModelIndex(), i, i)
            self.endInsertRows()
        elif ev.kind == "remove":
            self.beginRemoveRows(QModelIndex(), i, i)
            self.endRemoveRows()
        elif ev.kind == "move" and ev.index2 is not None:
            dst = ev.index2 + 1 if ev.index2 > i else ev.index2
            if self.beginMoveRows(QModelIndex(), i, i, QModelIndex(), dst):
                self.endMoveRows()
        else:  # the whole list was replaced
            self.beginResetModel()
            self.endResetModel()

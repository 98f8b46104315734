"""The key/value table of a target's parameters (temperature, max_tokens…)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from align_studio.editing import SetField

if TYPE_CHECKING:
    from align_studio.editing import ChangeEvent, EditSession
    from align_studio.ui.shell.undo import UndoStack

Index = QModelIndex | QPersistentModelIndex


def parse_value(text: str) -> Any:
    """A parameter value from what the user typed: a number, true/false, or text."""
    t = text.strip()
    try:
        value = json.loads(t)
    except ValueError:
        return text
    return value if isinstance(value, (int, float, bool, list, dict)) or value is None else text


def show_value(value: Any) -> str:
    """A parameter value as the user types it."""
    return value if isinstance(value, str) else json.dumps(value)


class ParamsModel(QAbstractTableModel):
    """Rows are the items of ``target.params``; editing a cell replaces the dict by a command."""

    HEADERS = ("Parameter", "Value")

    def __init__(self, session: EditSession, undo_stack: UndoStack, parent: Any = None) -> None:
        super().__init__(parent)
        self.session, self.undo_stack = session, undo_stack
        self.target: Any = None
        self._unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def set_target(self, target: Any) -> None:
        """Show the parameters of ``target`` (None: nothing)."""
        self.beginResetModel()
        self.target = target
        self.endResetModel()

    def _items(self) -> list[tuple[str, Any]]:
        return list(self.target.params.items()) if self.target is not None else []

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items())

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        items = self._items()
        if not index.isValid() or index.row() >= len(items):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            key, value = items[index.row()]
            return key if index.column() == 0 else show_value(value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.target is None:
            return False
        items = self._items()
        key, old = items[index.row()]
        if index.column() == 0:
            new_key = str(value).strip()
            if not new_key or (new_key != key and new_key in self.target.params):
                return False
            items[index.row()] = (new_key, old)
        else:
            items[index.row()] = (key, parse_value(str(value)))
        new = dict(items)
        if new != self.target.params:
            self.undo_stack.push_command(SetField(self.target, "params", new, "Edit parameter"))
        return True

    def add_param(self) -> int:
        """Add a new parameter row (named ``param``, ``param-2``…); returns its row."""
        if self.target is None:
            return -1
        name, n = "temperature", 2
        if name in self.target.params:
            name = "param"
            while name in self.target.params:
                name, n = f"param-{n}", n + 1
        new = dict(self.target.params)
        new[name] = 0.7 if name == "temperature" else ""
        self.undo_stack.push_command(SetField(self.target, "params", new, "Add parameter"))
        return len(new) - 1

    def remove_param(self, row: int) -> None:
        """Remove the parameter of a row."""
        items = self._items()
        if self.target is None or not 0 <= row < len(items):
            return
        new = dict(items[:row] + items[row + 1:])
        self.undo_stack.push_command(SetField(self.target, "params", new, "Remove parameter"))

    def _on_change(self, ev: ChangeEvent) -> None:
        if ev.kind == "reset" or (ev.obj is self.target and ev.field == "params"):
            self.beginResetModel()
            self.endResetModel()

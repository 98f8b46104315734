"""The Qt list model of the workspace browser: a thin adapter over the spec summaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex

if TYPE_CHECKING:
    from align_studio.storage.workspace import SpecSummary

Index = QModelIndex | QPersistentModelIndex

# The values of Qt.ItemDataRole (fixed by Qt's ABI). This module is imported before the
# window's first paint, and touching the ``Qt`` namespace there costs ~18 ms of start-up
# (PySide builds all of its ~100 Python enums at once).
DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
TOOLTIP_ROLE = 3  # Qt.ItemDataRole.ToolTipRole
ACCESSIBLE_TEXT_ROLE = 11  # Qt.ItemDataRole.AccessibleTextRole
_USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
SUBTITLE_ROLE = _USER_ROLE + 1
PATH_ROLE = _USER_ROLE + 2
MODIFIED_ROLE = _USER_ROLE + 3
ERROR_ROLE = _USER_ROLE + 4
PROBLEMS_ROLE = _USER_ROLE + 5


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def subtitle(s: SpecSummary) -> str:
    """The second line of a spec in the browser: status and counts, in plain words."""
    if s.error:
        return f"Cannot open: {s.error}"
    parts = [s.status or "draft", _plural(s.behaviors, "behavior"), _plural(s.cases, "case")]
    if s.judged:
        parts.append(f"{s.judged} judged")
    if s.problems:
        parts.append(_plural(s.problems, "problem"))
    return " · ".join(parts)


class WorkspaceModel(QAbstractListModel):
    """One row per spec file of the workspace, with a modified mark for the open one."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[SpecSummary] = []
        self._modified: set[Path] = set()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        s = self._items[index.row()]
        if role == DISPLAY_ROLE:
            return s.title or s.id or s.path.stem
        if role == ACCESSIBLE_TEXT_ROLE:
            mark = ", unsaved edits" if s.path in self._modified else ""
            return f"{s.title or s.path.stem}{mark}, {subtitle(s)}"
        if role == TOOLTIP_ROLE:
            return f"{s.path}\n{subtitle(s)}"
        if role == SUBTITLE_ROLE:
            return subtitle(s)
        if role == PATH_ROLE:
            return str(s.path)
        if role == MODIFIED_ROLE:
            return s.path in self._modified
        if role == ERROR_ROLE:
            return s.error
        if role == PROBLEMS_ROLE:
            return s.problems
        return None

    # ---- updates -----------------------------------------------------------------------
    def set_summaries(self, items: list[SpecSummary]) -> None:
        """Show a fresh scan of the workspace."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def update_summary(self, summary: SpecSummary) -> None:
        """Replace (or add) the summary of one spec, e.g. after it was saved."""
        for i, s in enumerate(self._items):
            if s.path == summary.path:
                self._items[i] = summary
                self.dataChanged.emit(self.index(i), self.index(i))
                return
        self.beginInsertRows(QModelIndex(), len(self._items), len(self._items))
        self._items.append(summary)
        self.endInsertRows()

    def set_modified(self, path: Path, modified: bool) -> None:
        """Show or clear the modified mark of one spec."""
        if modified == (path in self._modified):
            return
        (self._modified.add if modified else self._modified.discard)(path)
        row = self.row_of(path)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def row_of(self, path: Path) -> int | None:
        """The row showing ``path``, if any."""
        for i, s in enumerate(self._items):
            if s.path == path:
                return i
        return None

    def path_at(self, row: int) -> Path | None:
        """The spec file of a row."""
        return self._items[row].path if 0 <= row < len(self._items) else None

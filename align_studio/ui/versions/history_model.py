"""The versions of one spec as a read-only Qt table model (a thin adapter over a list)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from align_studio.ui.shell.icons import icon

if TYPE_CHECKING:
    from align_studio.versions.history import Version

COLUMNS = ("Version", "Saved", "Author", "Message")
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: the default parent


class HistoryModel(QAbstractTableModel):
    """Rows are versions, newest first; a version that cannot be opened carries a warning."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.versions: list[Version] = []

    def set_versions(self, versions: list[Version]) -> None:
        """Show these versions (as :func:`history` lists them)."""
        self.beginResetModel()
        self.versions = list(versions)
        self.endResetModel()

    def version_at(self, row: int) -> Version | None:
        """The version of a row."""
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.versions)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.version_at(index.row()) if index.isValid() else None
        if v is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"v{v.spec_version}" if v.spec_version is not None else "v?"
            if col == 1:
                return v.date.strftime("%Y-%m-%d %H:%M")
            if col == 2:
                return v.author or "—"
            return v.title
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{v.short} · {v.author} <{v.email}>" if v.email else
                     f"{v.short} · {v.author}", v.message]
            if v.problem:
                lines.append(f"Cannot be opened: {v.problem}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and v.problem:
            return icon("warning")
        if role == Qt.ItemDataRole.ForegroundRole and v.problem:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                return app.palette().color(QPalette.ColorGroup.Disabled,
                                           QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.UserRole:
            return v.commit
        return None

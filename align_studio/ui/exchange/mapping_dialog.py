"""File → Import → Cases from CSV/JSONL…: preview rows, and a column for each part of a case.

The combos start from :func:`guess_mapping`; the PM corrects them while seeing the rows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.domain import Category
from align_studio.exchange.tabular import ColumnMapping, ColumnPreview

#: The parts of a case a column can feed, with their labels (the mapping's field names).
FIELDS = [("user", "User message"), ("messages", "Messages (JSON list)"),
          ("system", "System message"), ("id", "Case id"), ("title", "Title"),
          ("category", "Category"), ("expected", "Expected outcome"),
          ("behaviors", "Behaviors"), ("notes", "Notes"),
          ("contains", "Must contain"), ("not_contains", "Must not contain")]
NONE = "— not imported —"
Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: the default parent


class PreviewModel(QAbstractTableModel):
    """The first rows of the file, read-only."""

    def __init__(self, preview: ColumnPreview, parent: Any = None) -> None:
        super().__init__(parent)
        self.preview = preview

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.preview.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.preview.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.preview.columns[section]
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        value = self.preview.rows[index.row()].get(self.preview.columns[index.column()], "")
        if role == Qt.ItemDataRole.DisplayRole:
            one = " ".join(value.split())
            return one if len(one) <= 80 else one[:79] + "…"
        return value


class MappingDialog(QDialog):
    """A combo per case field; :meth:`mapping` is the :class:`ColumnMapping` chosen."""

    def __init__(self, file_name: str, preview: ColumnPreview, guess: ColumnMapping,
                 spec_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle("Import Cases")
        self.resize(860, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{file_name}</b>: {preview.total_rows} rows, one case each, added "
                       f"to <b>{spec_name}</b>. Choose which column feeds which part of a "
                       "case. Columns not chosen are kept with each case.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableView(self)
        self.table.setModel(PreviewModel(preview, self))
        self.table.setAccessibleName("Preview rows")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for col in range(len(preview.columns)):  # readable, but no column takes it all
            header.resizeSection(col, min(max(header.sectionSize(col), 90), 280))
        layout.addWidget(self.table, 1)
        grid = QGridLayout()
        self.combos: dict[str, QComboBox] = {}
        for n, (name, label) in enumerate(FIELDS):
            combo = QComboBox(self)
            combo.addItem(NONE, "")  # not None: see cases.filter_bar.ANY
            for column in preview.columns:
                combo.addItem(column, column)
            value = getattr(guess, name)
            if isinstance(value, list):
                value = value[0] if value else None
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
            combo.setAccessibleName(label)
            combo.currentIndexChanged.connect(lambda _i: self._check())
            self.combos[name] = combo
            text = QLabel(label, self)
            text.setBuddy(combo)
            grid.addWidget(text, n // 2, (n % 2) * 2)
            grid.addWidget(combo, n // 2, (n % 2) * 2 + 1)
        layout.addLayout(grid)
        form = QFormLayout()

        self.category = QComboBox(self)
        for word in Category.words():
            self.category.addItem(word, word)
        self.category.setCurrentIndex(max(0, self.category.findData(
            guess.default_category.value)))
        form.addRow("Category when the row has none", self.category)
        layout.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #cf222e")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            f"Add {preview.total_rows} Cases", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def set_column(self, field: str, column: str | None) -> None:
        """Choose a column for a field (None: not imported)."""
        combo = self.combos[field]
        combo.setCurrentIndex(max(0, combo.findData(column)) if column else 0)

    def mapping(self) -> ColumnMapping:
        """The mapping as chosen."""
        mapping = ColumnMapping(default_category=Category(self.category.currentData()))
        for name, combo in self.combos.items():
            column = combo.currentData() or None
            if name in ("contains", "not_contains"):
                setattr(mapping, name, [column] if column else [])
            else:
                setattr(mapping, name, column)
        return mapping

    def _check(self) -> None:
        ok = bool(self.combos["user"].currentData() or self.combos["messages"].currentData())
        self.problem.setText("" if ok else "Choose the column with the user message (or the "
                             "messages).")
        self.import_button.setEnabled(ok)

"""Paints the cells of the cases table with one call into Python per cell.

Qt's item delegate asks the model for seven roles of every cell it paints (text, font,
alignment, colours, icon, check state), each a call from C++ into the Python model through
the filter proxy, plus another to map the index: fourteen per cell, and a 1,000-case table
repaints a screenful of cells on every keystroke of a search. This delegate reads the
cell's cached :class:`~align_studio.ui.cases.table_model.RowInfo` once and hands the same
option to the same style call Qt's delegate makes, so the cells look exactly alike.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from align_studio.ui.cases.table_model import CasesTableModel, Column

_CENTERED = frozenset({Column.CHECKS, Column.VERDICTS})
_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_CENTER = Qt.AlignmentFlag.AlignCenter


class CasesDelegate(QStyledItemDelegate):
    """The cases table's cells: text, alignment and verdict tint from the row's cache."""

    def __init__(self, model: CasesTableModel, proxy: QSortFilterProxyModel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._proxy = proxy

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row = self._proxy.mapToSource(index).row()
        if row < 0 or self._model.changing_rows:
            super().paint(painter, option, index)
            return
        info = self._model.info(row)
        column = index.column()
        # The view hands each cell its own copy of the option (QTableView::drawCell), so it
        # is filled in place, as Qt's delegate fills its own copy.
        # PySide6 6.9's stubs leave out QStyleOptionViewItem's fields; they are there at run
        # time (and the index setter takes a QPersistentModelIndex too).
        opt: Any = option
        opt.index = index
        text = info.texts[column]
        if text:
            opt.text = text
            opt.features |= _HAS_DISPLAY
        if column in _CENTERED:
            opt.displayAlignment = _CENTER
        if column == Column.VERDICTS and (info.accepted or info.rejected):
            opt.backgroundBrush = QBrush(self._model.verdict_tint(info))
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

"""A table of a spec list with add/remove/move buttons and a detail form beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from align_studio.editing import MoveItem
from align_studio.ui.shell.icons import icon
from align_studio.ui.spec.list_model import SpecListModel

if TYPE_CHECKING:
    from align_studio.ui.shell.undo import UndoStack


class ListPanel(QSplitter):
    """The table (left) and the form of the current item (right). Keeps the selection
    across undo and reload by following the selected object."""

    sig_add_clicked = Signal()
    """The user asked to add an item."""
    sig_remove_clicked = Signal()
    """The user asked to remove the current item."""
    sig_current_changed = Signal(object)
    """The current item changed (the domain object, or None)."""

    def __init__(self, model: SpecListModel, form: QWidget, noun: str, undo_stack: UndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.undo_stack = undo_stack
        self.setObjectName(f"{noun}s-splitter")
        self.model = model
        self.noun = noun
        self._current: Any = None
        left = QWidget(self)
        col = QVBoxLayout(left)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        self.add_button = self._button(bar, "add", f"Add {noun}", self.sig_add_clicked.emit)
        self.remove_button = self._button(bar, "delete", f"Remove {noun}",
                                          self.sig_remove_clicked.emit)
        self.up_button = self._button(bar, "up", "Move up", lambda: self._move(-1))
        self.down_button = self._button(bar, "down", "Move down", lambda: self._move(1))
        bar.addStretch(1)
        col.addLayout(bar)
        self.view = QTableView(left)
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setAccessibleName(f"{noun.capitalize()}s")
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        col.addWidget(self.view, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form)
        self.addWidget(left)
        self.addWidget(scroll)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)
        model.rowsRemoved.connect(self._after_remove)
        self._remembered: tuple[Any, int | None, str | None] = (None, None, None)
        self._update_buttons()
        if model.rowCount():
            self.select_row(0)

    def _button(self, bar: QHBoxLayout, name: str, tip: str, slot: Any) -> QToolButton:
        b = QToolButton(self)
        b.setIcon(icon(name))
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        bar.addWidget(b)
        return b

    def current_row(self) -> int | None:
        """The selected row, if any."""
        idx = self.view.currentIndex()
        return idx.row() if idx.isValid() else None

    def select_row(self, row: int) -> None:
        """Select (and show) a row."""
        if 0 <= row < self.model.rowCount():
            idx = self.model.index(row, 0)
            self.view.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(idx)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        obj = self.model.item(current.row()) if current.isValid() else None
        self._current = obj
        self._update_buttons()
        self.sig_current_changed.emit(obj)

    def _update_buttons(self) -> None:
        row, n = self.current_row(), self.model.rowCount()
        self.remove_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < n - 1)

    def _move(self, step: int) -> None:
        row = self.current_row()
        if row is None or not 0 <= row + step < self.model.rowCount():
            return
        self.undo_stack.push_command(MoveItem(self.model.session.spec, self.model.field, row,
                                              row + step, f"Move {self.noun}"))
        self.select_row(row + step)

    # ---- keeping the selection across resets (undo of a replace, reload) -------------------
    def _remember(self) -> None:
        obj = self._current
        row = self.current_row()
        ident = getattr(obj, "id", None)
        self._remembered = (obj, row, ident)

    def _restore(self) -> None:
        obj, row, ident = self._remembered
        items = self.model.items
        target = next((i for i, it in enumerate(items) if it is obj), None)
        if target is None and ident is not None:
            target = next((i for i, it in enumerate(items) if getattr(it, "id", None) == ident),
                          None)
        if target is None and items:
            target = min(row or 0, len(items) - 1)
        if target is not None:
            self.select_row(target)
        else:
            self.sig_current_changed.emit(None)
        self._update_buttons()

    def _after_remove(self) -> None:
        if self.current_row() is None and self.model.rowCount():
            self.select_row(0)
        if self.current_row() is None:
            self._current = None
            self.sig_current_changed.emit(None)
        self._update_buttons()

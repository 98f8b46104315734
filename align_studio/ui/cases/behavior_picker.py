"""Linking a case to the behaviors it exercises: a searchable, checkable list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QLineEdit, QListView, QVBoxLayout, QWidget

from align_studio.domain import Behavior, Case, Problem
from align_studio.editing.commands import Command, InsertItem, RemoveItem
from align_studio.editing.events import ChangeEvent
from align_studio.editing.session import EditSession
from align_studio.ui.cases.problem_label import ProblemLabel

Index = QModelIndex | QPersistentModelIndex
Push = Callable[[Command], None]


class BehaviorLinkModel(QAbstractListModel):
    """The spec's behaviors, checked when the case links them; links to behaviors the spec
    does not have are listed last so that they can be seen and unlinked."""

    def __init__(self, session: EditSession, push: Push, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._push = push
        self._case: Case | None = None
        self._ids: list[str] = []
        self._rebuild_ids()

    def set_case(self, case: Case | None) -> None:
        """Show the links of ``case``."""
        self.beginResetModel()
        self._case = case
        self._rebuild_ids()
        self.endResetModel()

    def refresh(self) -> None:
        """Follow a change of the links or of the spec's behaviors."""
        old = list(self._ids)
        self._rebuild_ids()
        if self._ids != old:
            self.beginResetModel()
            self.endResetModel()
        elif self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    def _rebuild_ids(self) -> None:
        known = [b.id for b in self._session.spec.behaviors]
        extra = []
        if self._case is not None:
            seen = set(known)
            extra = [b for b in self._case.behaviors if b not in seen]
        self._ids = known + list(dict.fromkeys(extra))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._case is None else len(self._ids)

    def behavior_id(self, row: int) -> str:
        """The behavior id of ``row``."""
        return self._ids[row]

    def _behavior(self, row: int) -> Behavior | None:
        return self._session.spec.behavior(self._ids[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._case is None:
            return None
        bid = self._ids[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            b = self._behavior(index.row())
            if b is None:
                return f"{bid} — not in this spec"
            return f"{bid} — {b.kind.value}: {' '.join(b.statement.split())}"
        if role == Qt.ItemDataRole.ToolTipRole:
            b = self._behavior(index.row())
            return b.statement if b is not None else "This behavior is not in the spec"
        if role == Qt.ItemDataRole.CheckStateRole:
            linked = bid in self._case.behaviors
            return Qt.CheckState.Checked if linked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return bid
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or self._case is None:
            return False
        state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
        self.set_linked(self._ids[index.row()], state == Qt.CheckState.Checked)
        return True

    def set_linked(self, behavior_id: str, linked: bool) -> None:
        """Link or unlink a behavior (one undoable step)."""
        case = self._case
        if case is None:
            return
        if linked and behavior_id not in case.behaviors:
            self._push(InsertItem(case, "behaviors", len(case.behaviors), behavior_id,
                                  f"Link behavior {behavior_id}"))
        elif not linked and behavior_id in case.behaviors:
            self._push(RemoveItem(case, "behaviors", case.behaviors.index(behavior_id),
                                  f"Unlink behavior {behavior_id}"))


class BehaviorPicker(QWidget):
    """A search field over a checkable list of behaviors (id, kind and statement)."""

    def __init__(self, session: EditSession, push: Push, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = BehaviorLinkModel(session, push, self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self.model)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a behavior…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find a behavior to link")
        self.search.textChanged.connect(self._proxy.setFilterFixedString)
        self.view = QListView()
        self.view.setModel(self._proxy)
        self.view.setUniformItemSizes(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAccessibleName("Linked behaviors")
        self.view.setMinimumHeight(90)
        self.view.setMaximumHeight(180)
        self.problems = ProblemLabel("the linked behaviors")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.view)
        lay.addWidget(self.problems)

    def set_case(self, case: Case | None) -> None:
        """Show the links of ``case``."""
        self.model.set_case(case)

    def on_change(self, ev: ChangeEvent, case: Case | None) -> None:
        """Follow a change of the case's links or of the spec's behaviors."""
        spec = self._session.spec
        if (ev.obj is case and ev.field == "behaviors") or (
                ev.obj is spec and ev.field == "behaviors") or isinstance(ev.obj, Behavior):
            self.model.refresh()

    def set_problems(self, problems: list[Problem]) -> None:
        """Show problems with the links (for example a behavior the spec lacks)."""
        self.problems.set_problems(problems)

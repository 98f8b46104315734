"""The table of a spec's cases: a thin Qt adapter over ``spec.cases``.

The model holds no copy of the cases. It reads them from the live spec and turns the edit
session's change events into ``beginInsertRows`` / ``dataChanged`` / ``modelReset``. What a
row shows (and what the filter searches) is derived once per case and cached until a change
event touches that case, so scrolling and filtering a 1,000-case spec does little Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from align_studio.domain import Case, Check, JudgedResponse, Message, Preference, Role, Spec
from align_studio.domain.base import Verdict
from align_studio.editing.events import ChangeEvent
from align_studio.editing.session import EditSession
from align_studio.ui.shell.tints import ACCEPT_HUE, REJECT_HUE, tint

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The table's columns, in order."""

    ID = 0
    TITLE = 1
    CATEGORY = 2
    EXPECTED = 3
    BEHAVIORS = 4
    CHECKS = 5
    VERDICTS = 6


HEADERS = {
    Column.ID: "Id", Column.TITLE: "Title", Column.CATEGORY: "Category",
    Column.EXPECTED: "Expected", Column.BEHAVIORS: "Behaviors", Column.CHECKS: "Checks",
    Column.VERDICTS: "Verdicts",
}
HEADER_TIPS = {
    Column.TITLE: "The case's title, or its first user message when it has no title",
    Column.EXPECTED: "What the AI is expected to do: comply, refuse, clarify or partial",
    Column.BEHAVIORS: "The behaviors this case exercises",
    Column.CHECKS: "How many deterministic checks the case has",
    Column.VERDICTS: "Judged responses: accepted ✓ and rejected ✗",
}

#: The :class:`Case` object of a row.
CaseRole = Qt.ItemDataRole.UserRole + 1
#: A value that sorts the column naturally (numbers for counts).
SortRole = Qt.ItemDataRole.UserRole + 2

_ROOT = QModelIndex()
_NCOLS = len(Column)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ROLES = frozenset({SortRole, CaseRole, _TOOLTIP, _BACKGROUND, _ALIGN,
                    Qt.ItemDataRole.AccessibleTextRole})
_CHILD_TYPES = (Message, Check, JudgedResponse, Preference)
_CASE_LISTS = ("messages", "checks", "responses", "preferences")


@dataclass(slots=True)
class RowInfo:
    """What a row shows and what the filter matches, derived from one case."""

    texts: tuple[str, ...]
    haystack: str  # lower-case id, title, message text and notes
    category: str
    expected: str  # "" when not set
    behaviors: frozenset[str]
    checks: int
    accepted: int
    rejected: int


_EMPTY = RowInfo(("",) * 7, "", "", "", frozenset(), 0, 0, 0)


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def first_user_message(case: Case) -> str:
    """The text of the first user turn (what the table shows for an untitled case)."""
    for m in case.messages:
        if m.role == Role.USER:
            return m.content
    return ""


def verdict_summary(accepted: int, rejected: int) -> str:
    """``"2✓ 1✗"``, or an empty string for an unjudged case."""
    parts = []
    if accepted:
        parts.append(f"{accepted}✓")
    if rejected:
        parts.append(f"{rejected}✗")
    return " ".join(parts)


def derive_row(case: Case) -> RowInfo:
    """Compute a case's :class:`RowInfo` (pure; cached by the model)."""
    accepted = rejected = 0
    for r in case.responses:
        if r.verdict == Verdict.ACCEPT:
            accepted += 1
        elif r.verdict == Verdict.REJECT:
            rejected += 1
    title = case.title or ""
    category = getattr(case.category, "value", str(case.category))
    expected = getattr(case.expected, "value", str(case.expected or ""))
    texts = (
        case.id,
        _one_line(title or first_user_message(case)),
        category,
        expected,
        ", ".join(case.behaviors),
        str(len(case.checks)) if case.checks else "",
        verdict_summary(accepted, rejected),
    )
    hay = "\n".join([case.id, title, case.notes or "", *(m.content for m in case.messages)])
    return RowInfo(texts, hay.lower(), category, expected, frozenset(case.behaviors),
                   len(case.checks), accepted, rejected)


class CasesTableModel(QAbstractTableModel):
    """The cases of the session's spec, one per row, in document order."""

    def __init__(self, session: EditSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        # id(case) -> (case, derived row); the case is kept to detect a reused id()
        self._info: dict[int, tuple[Case, RowInfo]] = {}
        self._row_of: dict[int, int] | None = None  # id(case) -> row, built lazily
        self._owner_of: dict[int, Case] | None = None  # id(message/check/…) -> case
        self._tint_cache: tuple[int, tuple[QColor, QColor]] | None = None
        # The row count views know: it changes between begin…/end… as Qt expects.
        self._n = len(session.spec.cases)
        self.changing_rows = False  # between begin… and end…: rows are not yet settled
        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())

    # ---- reading ---------------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        """The live spec shown."""
        return self._session.spec

    def case_at(self, row: int) -> Case:
        """The case shown in ``row``."""
        return self._session.spec.cases[row]

    def row_of(self, case: Case) -> int | None:
        """The row showing ``case`` (by identity), or None when it is not in the spec."""
        if self._row_of is None:
            self._row_of = {id(c): i for i, c in enumerate(self._session.spec.cases)}
        return self._row_of.get(id(case))

    def row_of_id(self, case_id: str) -> int | None:
        """The first row whose case has this id."""
        for i, c in enumerate(self._session.spec.cases):
            if c.id == case_id:
                return i
        return None

    def info(self, row: int) -> RowInfo:
        """The derived, cached :class:`RowInfo` of ``row``."""
        cases = self._session.spec.cases
        if row >= len(cases):  # only while a compound edit is being reported
            return _EMPTY
        case = cases[row]
        got = self._info.get(id(case))
        if got is None or got[0] is not case:
            got = self._info[id(case)] = (case, derive_row(case))
        return got[1]

    # ---- Qt model --------------------------------------------------------------------
    # These run thousands of times per repaint (the proxy asks rowCount/columnCount for
    # every index it maps), so each does as little Python as possible.
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._n

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else _NCOLS

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if 0 <= row < self._n and 0 <= column < _NCOLS and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role == _DISPLAY:
            return self.info(index.row()).texts[index.column()]
        if role not in _ROLES or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == SortRole:
            info = self.info(row)
            if col == Column.CHECKS:
                return info.checks
            if col == Column.VERDICTS:
                return info.accepted - 2 * info.rejected
            return info.texts[col].lower()
        if role == CaseRole:
            return self.case_at(row)
        if role == _TOOLTIP:
            return self._tooltip(row, col)
        if role == _BACKGROUND:
            if col != Column.VERDICTS:
                return None
            info = self.info(row)
            return self.verdict_tint(info) if info.accepted or info.rejected else None
        if role == _ALIGN:
            return _CENTER if col in (Column.CHECKS, Column.VERDICTS) else None
        return self._accessible(row, col)  # AccessibleTextRole

    def verdict_tint(self, info: RowInfo) -> QColor:
        """The Verdicts cell's background: red when any response was rejected, else green."""
        return self._tints()[1] if info.rejected else self._tints()[0]

    def _tints(self) -> tuple[QColor, QColor]:
        palette = QApplication.palette()
        key = palette.cacheKey()
        if self._tint_cache is None or self._tint_cache[0] != key:
            self._tint_cache = (key, (tint(palette, ACCEPT_HUE), tint(palette, REJECT_HUE)))
        return self._tint_cache[1]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(Column(section))
        return None

    def _tooltip(self, row: int, col: int) -> str | None:
        case = self.case_at(row)
        if col == Column.TITLE:
            turns = [f"{m.role.value}: {_one_line(m.content, 200)}" for m in case.messages[:6]]
            return "\n".join(([case.title] if case.title else []) + turns) or None
        if col == Column.VERDICTS:
            info = self.info(row)
            return (f"{info.accepted} accepted, {info.rejected} rejected, "
                    f"{len(case.responses)} responses")
        return None

    def _accessible(self, row: int, col: int) -> str:
        info = self.info(row)
        if col == Column.VERDICTS:
            return f"{info.accepted} accepted, {info.rejected} rejected"
        return f"{HEADERS[Column(col)]}: {info.texts[col] or 'none'}"

    # ---- change events ---------------------------------------------------------------
    def _on_change(self, ev: ChangeEvent) -> None:
        spec = self._session.spec
        if ev.kind == "reset":
            self._reset()
            return
        if ev.obj is spec:
            if ev.field == "cases":
                self._on_cases_changed(ev)
            return
        if isinstance(ev.obj, Case):
            if ev.field in _CASE_LISTS and ev.kind != "set":
                self._owner_of = None  # a child came or went
            self._case_changed(ev.obj)
            return
        if isinstance(ev.obj, _CHILD_TYPES):
            owner = self._owner(ev.obj)
            if owner is not None:
                self._case_changed(owner)

    def _on_cases_changed(self, ev: ChangeEvent) -> None:
        self._row_of = None
        self._owner_of = None
        # The session reports after the list changed (several events may follow one
        # compound edit); the count views know moves one row per event, between
        # begin… and end… as Qt expects.
        n = self._n
        if ev.kind == "insert" and ev.index is not None and 0 <= ev.index <= n:
            self.changing_rows = True
            self.beginInsertRows(QModelIndex(), ev.index, ev.index)
            self._n = n + 1
            self.endInsertRows()
            self.changing_rows = False
        elif ev.kind == "remove" and ev.index is not None and 0 <= ev.index < n:
            self.changing_rows = True
            self.beginRemoveRows(QModelIndex(), ev.index, ev.index)
            self._n = n - 1
            self.endRemoveRows()
            self.changing_rows = False
        elif ev.kind == "move" and ev.index is not None and ev.index2 is not None \
                and 0 <= ev.index < n and 0 <= ev.index2 < n:
            src, dst = ev.index, ev.index2
            if src != dst:
                # Qt's destination is the row *before which* the item goes, pre-move.
                qt_dst = dst + 1 if dst > src else dst
                self.changing_rows = True
                self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), qt_dst)
                self.endMoveRows()
                self.changing_rows = False
        else:  # the list was replaced, or an index we cannot trust
            self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        self._n = len(self._session.spec.cases)
        self._info.clear()
        self._row_of = None
        self._owner_of = None
        self.endResetModel()

    def _owner(self, child: object) -> Case | None:
        if self._owner_of is None:
            owners: dict[int, Case] = {}
            for c in self._session.spec.cases:
                for name in _CASE_LISTS:
                    for item in getattr(c, name):
                        owners[id(item)] = c
            self._owner_of = owners
        return self._owner_of.get(id(child))

    def refresh_row(self, case: Case) -> None:
        """Tell views (and the filter) to look at ``case``'s row again."""
        row = self.row_of(case)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def _case_changed(self, case: Case) -> None:
        self._info.pop(id(case), None)
        row = self.row_of(case)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

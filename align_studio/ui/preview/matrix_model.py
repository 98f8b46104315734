"""Qt item models over the results matrix: cases × targets, and the counts beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication

from align_studio.domain import Case, Verdict
from align_studio.review.blind import blind_label, shuffled
from align_studio.review.live import ERROR, STREAMING, UNAVAILABLE, WAITING
from align_studio.review.matrix import Cell, Counts, ResultsMatrix, Stats
from align_studio.ui.preview.response_column import GradeLookup
from align_studio.ui.shell.tints import ACCEPT_HUE, PENDING_HUE, REJECT_HUE, WARNING_HUE, tint

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
CELL_ROLE = Qt.ItemDataRole.UserRole + 1  # the Cell itself
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
#: The judge's grade in a word; a grade of None (undecided) is not a key.
_JUDGE_WORD: dict[bool | None, str] = {True: "pass", False: "fail"}


def cell_text(cell: Cell) -> str:
    """What a cell says: the verdict, the checks, the state of the answer."""
    live = cell.live
    if cell.verdict is Verdict.ACCEPT:
        text = "✓ accepted"
    elif cell.verdict is Verdict.REJECT:
        text = "✗ rejected"
    elif live is not None and live.status in (WAITING, STREAMING):
        text = "… running"
    elif live is not None and live.status in (ERROR, UNAVAILABLE):
        text = "⚠ error"
    elif cell.answered:
        text = "● to judge"
    else:
        text = ""
    if cell.carried_from:
        text += " ↻"
    if cell.stale:
        text += " (stale)"
    if cell.checks is not None:
        text += f"  {cell.checks.passed}/{cell.checks.total}"
    return text


def cell_tip(cell: Cell) -> str:
    """The tooltip: the start of the answer, reason, carried/stale notes, checks."""
    lines = []
    j = cell.judged
    if j is not None and cell.verdict is not None:
        who = f" by {j.reviewer}" if j.reviewer else ""
        lines.append(f"{cell.verdict.value}{who}" + (f": {j.reason}" if j.reason else ""))
    if cell.carried_from:
        lines.append(f"Carried forward from {cell.carried_from}")
    if cell.stale:
        lines.append("Stale: the case changed after this verdict")
    if cell.checks is not None:
        lines.append(cell.checks.describe())
    if cell.error:
        lines.append(cell.error)
    if cell.text:
        lines.append(cell.text[:300] + ("…" if len(cell.text) > 300 else ""))
    return "\n".join(lines)


class MatrixModel(QAbstractTableModel):
    """Rows: the cases passing the filters; column 0: the case; then one per target."""

    def __init__(self, matrix: ResultsMatrix, parent: Any = None) -> None:
        super().__init__(parent)
        self.matrix = matrix
        self.filters: list[str] = []
        self.blind = False
        #: The judge's grade of an answer, set by the grading package (issue 8).
        self.grade_lookup: GradeLookup | None = None
        self._rows: list[Case] = list(matrix.spec.cases)
        self._row_of: dict[str, int] = {c.id: i for i, c in enumerate(self._rows)}

    # ---- structure ---------------------------------------------------------------------
    def set_filters(self, filters: Sequence[str]) -> None:
        """Show only cases with a cell passing every filter."""
        self.filters = list(filters)
        self.reload()

    def reload(self) -> None:
        """Read the spec's cases and targets again."""
        self.beginResetModel()
        self.matrix.invalidate()
        self._rows = self.matrix.rows(self.filters)
        self._row_of = {c.id: i for i, c in enumerate(self._rows)}
        self.endResetModel()

    def cells_changed(self, keys: set[tuple[str, str]]) -> None:
        """Answers of ``keys`` changed: repaint those cells."""
        self.matrix.invalidate(keys)
        rows, cols = [], []
        for case_id, target_id in keys:
            row = self._row_of.get(case_id)
            col = self.column_of(case_id, target_id) if row is not None else None
            if row is not None and col is not None:
                rows.append(row)
                cols.append(col)
        if rows:  # one signal for the batch: the view repaints what it shows of it
            self.dataChanged.emit(self.index(min(rows), min(cols)),
                                  self.index(max(rows), max(cols)))

    def targets_of(self, case_id: str) -> list[str]:
        """The target of each answer column of ``case_id``'s row: spec order, or in blind
        mode the same per-case shuffle as Preview (review/blind.py), so "Model B" here is
        the "Model B" the reviewer judged there."""
        ids = self.matrix.target_ids
        return shuffled(case_id, ids) if self.blind else ids

    def column_of(self, case_id: str, target_id: str) -> int | None:
        """The column (1-based, after the case column) showing ``target_id`` in that row."""
        targets = self.targets_of(case_id)
        return targets.index(target_id) + 1 if target_id in targets else None

    def case_at(self, row: int) -> Case | None:
        """The case of a row."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def answered_count(self) -> int:
        """Answered cells of the whole spec (not only the filtered rows)."""
        return self.matrix.answered_count()

    def stats(self) -> Stats:
        """Counts per target and per behavior."""
        return self.matrix.stats()

    # ---- Qt ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 1 + len(self.matrix.target_ids)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Case"
        if self.blind:
            return blind_label(section - 1)
        targets = self.matrix.spec.targets
        t = targets[section - 1] if section - 1 < len(targets) else None
        return (t.label or t.id) if t else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        case = self._rows[index.row()]
        if role == CASE_ID_ROLE:
            return case.id
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{case.id} · {case.title}" if case.title else case.id
            if role == Qt.ItemDataRole.ToolTipRole:
                return case.last_user_message()[:300]
            return None
        target = self.targets_of(case.id)[index.column() - 1]
        cell = self.matrix.cell(case, target)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = cell_tip(cell)
            judge = self.grade_lookup(case.id, target, cell.text.strip()) \
                if self.grade_lookup is not None and cell.text else None
            if judge is not None:  # an automated grade: its own line, after the verdict's
                word = _JUDGE_WORD.get(judge[0], "undecided")
                tip = "\n".join(filter(None, [tip, f"Judge: {word} — {judge[1]}"]))
            return tip or None
        if role == Qt.ItemDataRole.BackgroundRole:
            pal = QApplication.palette()
            if cell.stale or cell.carried_from:
                return tint(pal, WARNING_HUE, 0.28)
            if cell.verdict is Verdict.ACCEPT:
                return tint(pal, ACCEPT_HUE, 0.25)
            if cell.verdict is Verdict.REJECT:
                return tint(pal, REJECT_HUE, 0.25)
            if cell.error:
                return tint(pal, REJECT_HUE, 0.10)
            if cell.live is not None and cell.live.busy:
                return tint(pal, PENDING_HUE, 0.15)
            return None
        if role == CELL_ROLE:
            return cell
        return None


class StatsModel(QAbstractTableModel):
    """Counts and acceptance rate per target, then per behavior."""

    HEADERS = ("Target or behavior", "Answered", "Judged", "Accepted", "Rejected",
               "Acceptance", "Stale")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Counts]] = []

    def set_stats(self, stats: Stats, target_names: dict[str, str],
                  behavior_names: dict[str, str]) -> None:
        """Show ``stats`` (targets first, then behaviors)."""
        self.beginResetModel()
        self._rows = [(f"Target · {target_names.get(t, t)}", c)
                      for t, c in stats.per_target.items()]
        self._rows += [(f"Behavior · {b} — {behavior_names[b]}" if behavior_names.get(b)
                        else f"Behavior · {b}", c)
                       for b, c in sorted(stats.per_behavior.items())]
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name, c = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return name
            if col == 5:
                return "—" if c.acceptance is None else f"{c.acceptance:.0%}"
            return (c.answered, c.judged, c.accepted, c.rejected, None, c.stale)[col - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return name
        return None

"""The Coverage view: behaviors × case categories, with acceptance and check pass rates.

Each cell names how many cases cover it and, when known, the human acceptance rate and
the check pass rate; it is tinted from the palette (green when both rates are high, red
when low, amber for a blind spot: no case at all). Double-click a cell to open its first
case.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from align_studio.grading.coverage import Cell, CoverageReport
from align_studio.ui.grading.tables import KEY_ROLE, RowsModel, rate
from align_studio.ui.shell.tints import ACCEPT_HUE, REJECT_HUE, WARNING_HUE, tint


def cell_text(cell: Cell) -> str:
    """"3 cases", "accept 80%", "checks 67%" on their own lines (or "no case")."""
    if not cell.cases:
        return "no case"
    n = len(cell.cases)
    lines = [f"{n} case{'s' if n != 1 else ''}"]
    if cell.acceptance is not None:
        lines.append(f"accept {rate(cell.acceptance)}")
    if cell.check_pass_rate is not None:
        lines.append(f"checks {rate(cell.check_pass_rate)}")
    return "\n".join(lines)


def cell_score(cell: Cell) -> float | None:
    """The rate a cell is tinted by: the lower of acceptance and check pass rate."""
    rates = [r for r in (cell.acceptance, cell.check_pass_rate) if r is not None]
    return min(rates) if rates else None


class CoverageView(QWidget):
    """The behaviors × categories grid."""

    sig_case_requested = Signal(str)
    """The user double-clicked a covered cell: the id of its first case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CoverageView")
        self.report: CoverageReport | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = RowsModel(("Behavior",), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Coverage grid")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)

    def set_report(self, report: CoverageReport | None) -> None:
        """Show a new grid."""
        self.report = report
        if report is None:
            self.model.set_rows([])
            self.note.setText("Computing…")
            return
        pal = self.palette()
        rows, keys, tips, colours = [], [], {}, {}
        for r, b in enumerate(report.behaviors):
            row: list[object] = [b]
            first = ""
            for c, cat in enumerate(report.categories, start=1):
                cell = report.cells[b][cat]
                row.append(cell_text(cell))
                first = first or (cell.cases[0] if cell.cases else "")
                tips[(r, c)] = (", ".join(cell.cases) if cell.cases else
                                f"Blind spot: no {cat} case tests {b}") + \
                    (f"\n{cell.accepted}/{cell.judged} accepted" if cell.judged else "") + \
                    (f"\n{cell.checks_passed}/{cell.checked} pass the checks"
                     if cell.checked else "")
                colours[(r, c)] = self._colour(cell, pal)
            rows.append(row)
            keys.append([report.cells[b][cat].cases[:1] for cat in report.categories])
        self.model.set_rows(rows, keys=keys, tips=tips, colours=colours,
                            headers=("Behavior", *report.categories))
        blind = len(report.empty_cells())
        self.note.setText(
            f"Cases per behavior and category; acceptance from the human verdicts, checks from "
            f"the {report.check_source}. {blind} blind spot{'s' if blind != 1 else ''} "
            "(amber). Double-click a cell to open its first case.")

    @staticmethod
    def _colour(cell: Cell, pal: object) -> QColor | None:
        if not cell.cases:
            return tint(pal, WARNING_HUE, 0.22)  # type: ignore[arg-type]
        score = cell_score(cell)
        if score is None:
            return None
        if score >= 0.8:
            return tint(pal, ACCEPT_HUE, 0.12 + 0.2 * score)  # type: ignore[arg-type]
        return tint(pal, REJECT_HUE, 0.12 + 0.25 * (1 - score))  # type: ignore[arg-type]

    def _open(self, index: QModelIndex) -> None:
        keys = index.data(KEY_ROLE)
        if index.column() > 0 and keys and keys[index.column() - 1]:
            self.sig_case_requested.emit(keys[index.column() - 1][0])
